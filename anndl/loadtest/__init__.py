"""`python -m anndl.loadtest --sessions N --seconds S`: a class of browsers against one server (issue 10).

The harness starts the dashboard on a free loopback port, opens each page once (warm-up, not counted; with
`warm_all` False only the pages the class starts on), drives N Chromium sessions through the classroom script of
each registered page (anndl.loadtest.scripts) for S seconds, samples the server's memory and CPU (with its workers)
every second, stops everything by itself, and reports a table and one JSON line (RSS figures from the end of the
warm-up)."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from anndl.loadtest.browser import FLAGS, HEADLESS_BROWSER, Session, Tally
from anndl.loadtest.scripts import SCRIPTS

ROOT = Path(__file__).resolve().parents[2]
MAX_SESSIONS, MAX_SECONDS = 60, 3600  # the harness refuses bigger runs: it shares the machine
KEYS = ("sessions", "seconds", "interactions", "exceptions", "jobs_accepted", "jobs_busy", "jobs_finished",
        "jobs_failed", "jobs_lost", "p50_s", "p95_s", "rss_start_mb", "rss_peak_mb", "rss_end_mb",
        "server_rss_start_mb", "server_rss_peak_mb", "server_rss_end_mb", "processes_peak", "server_cpu_mean_pct",
        "browsers_cpu_mean_pct", "think_s", "on_page_p50_s", "on_page_p95_s", "navigation_p95_s",
        "step_timeouts", "step_errors")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(env: dict | None = None, timeout: float = 90.0, script: str = "app/main.py"
                 ) -> tuple[subprocess.Popen, str]:
    """`streamlit run <script>` (the dashboard) on a free loopback port, in its own process group; returns
    (process, url)."""
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / script), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", **(env or {})}, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL, start_new_session=True)
    url, deadline = f"http://127.0.0.1:{port}", time.time() + timeout
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).status == 200:
                return proc, url
        except OSError:
            time.sleep(0.5)
    stop_server(proc)
    raise RuntimeError(f"the server did not start within {timeout:.0f} s")


def stop_server(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


class Sampler(threading.Thread):
    """RSS (MB) and CPU (%) of the server and its worker processes, once a second; beside them the CPU of this
    harness's own browsers (they share the machine with the server, students' browsers would not)."""

    def __init__(self, pid: int, every_s: float = 1.0):
        super().__init__(daemon=True)
        import psutil

        self.proc, self.every_s, self.rows, self._halt = psutil.Process(pid), every_s, [], threading.Event()
        self.first = 0  # index of the first sample after the warm-up
        self._seen: dict = {}  # pid -> psutil.Process: cpu_percent measures since the same object's last call

    def _cpu(self, proc) -> tuple[float, float]:
        """(RSS MB, CPU %) of one process, through the object kept for its pid (0 % on its first sample)."""
        kept = self._seen.setdefault(proc.pid, proc)
        return kept.memory_info().rss / 2**20, kept.cpu_percent(None)

    def _browsers_cpu(self, server: set[int]) -> float:
        import psutil

        total = 0.0
        for p in psutil.Process().children(recursive=True):  # Playwright's driver and its Chromium processes
            if p.pid not in server:
                try:
                    total += self._cpu(p)[1]
                except psutil.NoSuchProcess:
                    pass
        return total

    def run(self) -> None:
        import psutil

        t0 = time.time()
        while not self._halt.is_set():
            try:
                procs = [self.proc, *self.proc.children(recursive=True)]
                rss = cpu = server = 0.0
                for p in procs:
                    try:
                        mb, pct = self._cpu(p)
                        rss, cpu = rss + mb, cpu + pct
                        server = mb if p.pid == self.proc.pid else server
                    except psutil.NoSuchProcess:
                        pass
                browsers = self._browsers_cpu({p.pid for p in procs})
                # the server alone beside the sum: worker processes starting on demand are not the server growing
                self.rows.append({"t": round(time.time() - t0, 1), "rss_mb": round(rss, 1),
                                  "server_rss_mb": round(server, 1), "processes": len(procs), "cpu_pct": round(cpu),
                                  "browsers_cpu_pct": round(browsers)})
            except psutil.NoSuchProcess:
                return
            self._halt.wait(self.every_s)

    def mark_start(self) -> None:
        self.first = len(self.rows)

    def stop(self) -> list[dict]:
        self._halt.set()
        self.join(timeout=5)
        return self.rows


async def _student(browser, url: str, index: int, pages: list[str], end: float, tally: Tally, watch_s: float,
                   think_s: float = 0.0):
    """Home → a page → its classroom script → back home, round the registered pages, until `end`."""
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    s = Session(page, url, tally, watch_s=watch_s, think_s=think_s, seed=index)
    page.set_default_timeout(s.settle_s * 1000)  # a loaded 2-core server takes longer than Playwright's 30 s
    turn, at_home = index, False
    try:
        while time.time() < end:
            script = SCRIPTS[pages[turn % len(pages)]]
            turn += 1
            try:
                if not at_home:  # the first time, or after a failed step: the app is opened afresh
                    s.on("home")
                    await s.act(lambda: page.goto(url), navigation=True)
                at_home = False
                s.on(script.path)
                await s.act(lambda: page.goto(f"{url}/{script.path}?{script.query}"), navigation=True)
                await script.run(s)
                await s.act(lambda: page.get_by_role("link", name="Home").first.click(), navigation=True)
                at_home = True
            except Exception as err:  # noqa: BLE001 — a step that failed is counted; the student carries on
                if os.environ.get("ANNDL_LOADTEST_DEBUG"):
                    import traceback
                    traceback.print_exc()
                tally.errors.append(f"{type(err).__name__}: {err}"[:300])
    finally:
        await context.close()


async def _warm_up(browser, url: str, pages: list[str]) -> None:
    """Open each page once before the class arrives (imports, shipped models, caches), uncounted."""
    context = await browser.new_context()
    page = await context.new_page()
    s = Session(page, url, Tally(), settle_s=180)
    for path in pages:
        try:
            await s.act(lambda: page.goto(f"{url}/{path}?{SCRIPTS[path].query}", timeout=180_000))
        except Exception:  # noqa: BLE001 — warm-up is best effort; the class run counts what fails
            pass
    await context.close()


async def _class(url: str, sessions: int, seconds: float, pages: list[str], watch_s: float,
                 on_start=lambda: None, warm_all: bool = True, think_s: float = 0.0) -> list[Tally]:
    from playwright.async_api import async_playwright

    tallies = [Tally() for _ in range(sessions)]
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=HEADLESS_BROWSER, args=FLAGS, headless=True)
        try:
            await _warm_up(browser, url, pages if warm_all else pages[:sessions])  # student i starts on page i
            on_start()
            end = time.time() + seconds
            await asyncio.gather(*(_student(browser, url, i, pages, end, tallies[i], watch_s, think_s)
                                   for i in range(sessions)))
        finally:
            await browser.close()
    return tallies


def _quantile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def summarise(sessions: int, seconds: float, tallies: list[Tally], samples: list[dict], think_s: float = 0.0
              ) -> dict:
    """The JSON line's figures from what the sessions saw and the memory samples."""
    times = [t for tally in tallies for t in tally.times]
    navigations = [t for tally in tallies for t in tally.navigations]
    on_page = [t for tally in tallies for t in tally.on_page]
    jobs = {k: sum(t.jobs[k] for t in tallies) for k in tallies[0].jobs} if tallies else {}
    rss = [r["rss_mb"] for r in samples] or [0.0]
    server = [r.get("server_rss_mb", 0.0) for r in samples] or [0.0]
    return {"sessions": sessions, "seconds": seconds, "interactions": len(times),
            "exceptions": sum(len(t.exceptions) for t in tallies),
            **{f"jobs_{k}": jobs.get(k, 0) for k in ("accepted", "busy", "finished", "failed", "lost")},
            "p50_s": round(_quantile(times, 0.5), 3), "p95_s": round(_quantile(times, 0.95), 3),
            "rss_start_mb": rss[0], "rss_peak_mb": max(rss), "rss_end_mb": rss[-1],
            "server_rss_start_mb": server[0], "server_rss_peak_mb": max(server), "server_rss_end_mb": server[-1],
            "processes_peak": max((r.get("processes", 1) for r in samples), default=1),
            "server_cpu_mean_pct": _mean(samples, "cpu_pct"),
            "browsers_cpu_mean_pct": _mean(samples, "browsers_cpu_pct"), "think_s": think_s,
            # the p95 target is for interactions on a page's cached models: knobs, inferences, tabs
            "on_page_p50_s": round(_quantile(on_page, 0.5), 3), "on_page_p95_s": round(_quantile(on_page, 0.95), 3),
            "navigation_p95_s": round(_quantile(navigations, 0.95), 3),
            "step_timeouts": sum(t.timeouts for t in tallies), "step_errors": sum(len(t.errors) for t in tallies)}


def slowest_steps(tallies: list[Tally], top: int = 8) -> list[tuple[str, int, float, float]]:
    """(step, count, median s, max s) of the steps with the highest median: where the class waited."""
    import statistics

    by: dict[str, list[float]] = {}
    for tally in tallies:
        for step in tally.steps:
            by.setdefault(step.name, []).append(step.seconds)
    rows = [(name, len(v), round(statistics.median(v), 2), round(max(v), 2)) for name, v in by.items()]
    return sorted(rows, key=lambda r: -r[2])[:top]


def _mean(samples: list[dict], key: str) -> float:
    values = [r[key] for r in samples if key in r]
    return round(sum(values) / len(values), 1) if values else 0.0


def plot(samples: list[dict], path: str) -> None:
    """RSS and CPU over time as a PNG (Altair + vl-convert): the server's and its workers', and the CPU of the
    harness's own browsers, which share the machine here."""
    import altair as alt
    import pandas as pd

    frame = pd.DataFrame(samples)
    mb = frame.melt(id_vars="t", value_vars=[c for c in ("rss_mb", "server_rss_mb") if c in frame],
                    var_name="what", value_name="MB").replace({"rss_mb": "server + workers", "server_rss_mb": "server"})
    cpu = frame.melt(id_vars="t", value_vars=[c for c in ("cpu_pct", "browsers_cpu_pct") if c in frame],
                     var_name="whose", value_name="CPU").replace({"cpu_pct": "server + workers",
                                                                  "browsers_cpu_pct": "the harness's browsers"})
    rss = alt.Chart(mb).mark_line().encode(x=alt.X("t:Q", title="seconds"), y=alt.Y("MB:Q", title="RSS (MB)"),
                                           color=alt.Color("what:N", title="RSS of"))
    cpus = alt.Chart(cpu).mark_line(opacity=0.45, strokeWidth=1).encode(
        x="t:Q", y=alt.Y("CPU:Q", title="CPU (%, 100 = one core)"),
        color=alt.Color("whose:N", title="CPU of", scale=alt.Scale(range=["#d62728", "#9467bd"])))
    chart = alt.layer(rss, cpus).resolve_scale(y="independent", color="independent").properties(
        width=640, height=300, title="anndl load test")
    chart.save(path, format="png", scale_factor=1.5)


def run(sessions: int, seconds: float, pages: list[str] | None = None, plot_path: str | None = None,
        watch_s: float = 300.0, env: dict | None = None, warm_all: bool = True, think_s: float = 0.0
        ) -> tuple[dict, list[Tally], list[dict]]:
    """Start the server, run the class, stop the server; returns (summary, tallies, samples). `warm_all` False: the
    warm-up opens only the pages the students start on (a short class reaches no other)."""
    if not 1 <= sessions <= MAX_SESSIONS or not 1 <= seconds <= MAX_SECONDS:
        raise ValueError(f"sessions must be 1–{MAX_SESSIONS} and seconds 1–{MAX_SECONDS}")
    pages = pages or list(SCRIPTS)
    with tempfile.TemporaryDirectory(prefix="anndl-load-") as results:
        proc, url = start_server({"ANNDL_RESULTS": results, **(env or {})})
        sampler = Sampler(proc.pid)
        sampler.start()
        try:
            tallies = asyncio.run(_class(url, sessions, seconds, pages, watch_s, sampler.mark_start, warm_all, think_s))
        finally:
            samples = sampler.stop()
            stop_server(proc)
    summary = summarise(sessions, seconds, tallies, samples[sampler.first:], think_s)  # figures after the warm-up
    if plot_path and samples:
        plot(samples, plot_path)
    return summary, tallies, samples
