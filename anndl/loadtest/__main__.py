"""Command line of the load test: a table, then one JSON line (the last line)."""

from __future__ import annotations

import argparse
import json

from anndl.loadtest import KEYS, run, slowest_steps
from anndl.loadtest.scripts import SCRIPTS


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(prog="python -m anndl.loadtest", description=__doc__)
    ap.add_argument("--sessions", type=int, default=5)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--pages", default=",".join(SCRIPTS), help="registered pages to visit, comma-separated")
    ap.add_argument("--plot", default=None, help="write the RSS-over-time PNG here")
    ap.add_argument("--watch", type=float, default=300, help="longest wait for one training job to end (s)")
    ap.add_argument("--think", type=float, default=0.0,
                    help="seconds a student reads the page after each step (0.5–1.5× this, seeded); 0: no pause")
    args = ap.parse_args(argv)
    summary, tallies, samples = run(args.sessions, args.seconds, args.pages.split(","), args.plot, args.watch,
                                     think_s=args.think)
    print(f"{'figure':<22}{'value':>12}")
    for key in KEYS:
        print(f"{key:<22}{summary[key]:>12}")
    for name, count, median, most in slowest_steps(tallies):
        print(f"slow step {name:<22} {count:>4}×  median {median:>7.2f} s  max {most:>7.2f} s")
    for kind in ("exceptions", "errors"):
        for text in sorted({e for t in tallies for e in getattr(t, kind)})[:8]:
            print(f"{kind[:-1]}:", text.replace("\n", " ")[:200])
    for row in samples[:: max(1, len(samples) // 10)]:
        print(f"t={row['t']:>7.1f} s  RSS {row['rss_mb']:>8.1f} MB (server {row.get('server_rss_mb', 0):>7.1f} MB, "
              f"{row.get('processes', 1)} processes)  CPU {row['cpu_pct']:>4} %, browsers "
              f"{row.get('browsers_cpu_pct', 0):>4} %")
    print(json.dumps({k: summary[k] for k in KEYS}))
    return summary


if __name__ == "__main__":
    main()
