"""`python -m anndl.bench TOPIC [--quick]`: the benchmark contract of DESIGN §7.

Each topic function trains the topic's reference task and the plain keras.io-style baseline in the
same run and returns a BenchResult; the harness prints a table and, last, one JSON line.
"""

from __future__ import annotations

import argparse
import inspect
import json
import numbers
import statistics
import sys
import time
from dataclasses import asdict, dataclass, field

from . import topics
from .jobs import resolve

# name -> "module:function(quick: bool) -> BenchResult": every topic of anndl.topics.TOPICS, then shared pieces
TOPICS: dict[str, str] = {**{topic: topics.bench(topic) for topic in topics.TOPICS},
                          "canvas": "anndl.topics.canvas_bench:bench",
                          "owndata": "anndl.topics.owndata_bench:bench",  # uploads: before/after issue 12
                          "pages": "anndl.pagebench:bench",  # not a topic: page settle and click times in Chromium
                          "jobs": "anndl.jobsbench:bench",  # not a topic: the local and Ray job backends (issue 23)
                          "fit": "anndl.fitbench:bench"}  # not a topic: anndl.train.fit input path vs plain model.fit
MODEL_TOPICS = [*topics.TOPICS, "canvas", "owndata"]  # what trains a model (not the page and job-runner benches)
ALIASES = {"cam": "localization", "word2vec": "embeddings"}  # other names issues give a topic's bench


@dataclass
class Baseline:
    name: str
    value: float
    train_s: float


@dataclass
class BenchResult:
    topic: str
    dataset: str
    metric: str
    value: float
    train_s: float
    samples_per_s: float
    baseline: Baseline
    device: str = "cpu"
    rows: list[dict] = field(default_factory=list)  # the human table: one dict per line
    extra: dict = field(default_factory=dict)  # topic-specific figures (ratios, times to target)

    def json_line(self) -> str:
        data = asdict(self)
        data.pop("rows")
        return json.dumps(data, default=float)


class Stopwatch:
    """`with Stopwatch() as sw: ...; sw.seconds`."""

    def __enter__(self):
        self.t0 = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.t0


def median_ms(fn, repeats: int) -> float:
    """Median milliseconds of `repeats` calls of `fn()`, after one untimed call (graph tracing, warm caches)."""
    fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


def table(rows: list[dict]) -> str:
    """A plain fixed-width table of dict rows."""
    if not rows:
        return ""
    cols = list(dict.fromkeys(k for r in rows for k in r))

    def cell(v):  # floats of any kind (Python, NumPy float32) with four significant digits
        return f"{v:.4g}" if isinstance(v, numbers.Real) and not isinstance(v, numbers.Integral) else str(v)

    widths = {c: max(len(c), *(len(cell(r.get(c, ""))) for r in rows)) for c in cols}
    lines = ["  ".join(c.ljust(widths[c]) for c in cols), "  ".join("-" * widths[c] for c in cols)]
    lines += ["  ".join(cell(r.get(c, "")).ljust(widths[c]) for c in cols) for r in rows]
    return "\n".join(lines)


def run(topic: str, quick: bool = False, tiny: bool = False) -> BenchResult:
    """Run one registered topic; the harness, not the topic, says which device was used.

    `tiny`: the smallest run of the real code (seconds; its figures mean nothing), for the test suite.
    """
    if topic not in TOPICS:
        raise SystemExit(f"unknown topic {topic!r}; known: {', '.join(TOPICS)}, all")
    from .device import backend_device

    func = resolve(TOPICS[topic])
    sized = {"tiny": True} if tiny and "tiny" in inspect.signature(func).parameters else {}
    result = func(quick=quick or tiny, **sized)  # a topic without a tiny size runs its quick one
    result.device = backend_device()
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m anndl.bench", description=__doc__)
    parser.add_argument("topic", help=f"one of {', '.join([*TOPICS, *ALIASES])}, or all")
    parser.add_argument("--quick", action="store_true", help="smaller run for smoke tests")
    parser.add_argument("--tiny", action="store_true", help="the smallest run of the real code (CI plumbing check)")
    parser.add_argument("--backends", help="comma-separated Keras backends (tensorflow,jax): each topic on each, "
                        "one process per run, one comparison JSON line per topic (anndl.benchcompare)")
    parser.add_argument("--mixed", action="store_true", help="with --backends: each also in bf16 mixed precision")
    parser.add_argument("--policy", default="", help="Keras dtype policy for this run (e.g. mixed_bfloat16)")
    parser.add_argument("--xla", choices=("on", "off"), help="force jit_compile on or off for every model")
    parser.add_argument("--device-report", action="store_true", help="every topic (or TOPIC) with mixed precision "
                        "and XLA on/off, the issue-22 target checks and the bf16 peak fraction (anndl.devicereport)")
    parser.add_argument("--dry-run", action="store_true", help="with --device-report: tiny sizes (a CPU check)")
    parser.add_argument("--budget-s", type=float, default=480.0, help="with --device-report: the time budget")
    parser.add_argument("--parallel", type=int, default=2, help="with --device-report: runs at a time")
    args = parser.parse_args(argv)
    args.topic = ALIASES.get(args.topic, args.topic)
    if args.topic != "all" and args.topic not in TOPICS:
        parser.error(f"unknown topic {args.topic!r}; known: {', '.join(TOPICS)}, all")
    chosen = list(MODEL_TOPICS if args.topic == "all" and args.backends else TOPICS if args.topic == "all"
                  else [args.topic])
    size = ["--quick"] * args.quick + ["--tiny"] * args.tiny
    if args.backends:
        from .benchcompare import run as compare_backends

        records = compare_backends(chosen, args.backends.split(","), size, args.mixed)
        failed = [f"{r['topic']} on {name}" for r in records for name in r["failed"]]
        if failed:
            print(f"did not run: {', '.join(failed)}", file=sys.stderr)
        return
    if args.device_report:
        from .devicereport import report

        report(args.budget_s, args.dry_run, args.parallel, only=None if args.topic == "all" else [args.topic])
        return
    if args.policy or args.xla:
        from .benchcompare import apply_variant

        apply_variant(args.policy, args.xla or "")
    failed = []
    for topic in chosen:
        try:
            result = run(topic, args.quick, args.tiny)
        except Exception as exc:  # with `all`, one broken topic must not hide the others' figures
            print(f"{topic}: FAILED {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
            failed.append(topic)
            continue
        print(f"\n== {topic}: {result.dataset} ({result.device}) ==")
        print(table(result.rows))
        print(result.json_line(), flush=True)
    if failed:
        raise SystemExit(f"failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
