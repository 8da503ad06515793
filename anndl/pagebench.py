"""`python -m anndl.bench pages`: how fast every built page answers in Debian's Chromium (issue 9).

The harness starts the dashboard on a free loopback port, opens each built page once (the first visit fills
the server's caches), then measures `visits` more visits: the seconds from navigation until the page settled
(the script ended, no spinner, quiet for 0.6 s; the end is the last busy moment). On each page it then times
`clicks` interactions that use the page's cached model (a test image, a sentence, a knob): interaction until
settled. Targets: every page's median second-visit settle ≤ 2 s, every click's p95 ≤ 200 ms.
"""

from __future__ import annotations

import statistics
import time
from typing import Callable

from anndl.bench import Baseline, BenchResult
from anndl.loadtest import start_server, stop_server
from anndl.loadtest.browser import CHROMIUM, FLAGS, IDLE_JS, RESET_JS

SETTLE_MS = 60_000


def _slider_step(label: str) -> Callable:
    """Move a slider one step, right then left alternately (a slider at its end would not move)."""
    turn = {"n": 0}

    def act(page):
        turn["n"] += 1
        page.locator('[data-testid="stSlider"]').filter(has_text=label).get_by_role("slider").first.press(
            "ArrowRight" if turn["n"] % 2 else "ArrowLeft")
    return act


def _step_number(label: str) -> Callable:
    def act(page):
        page.get_by_label(label, exact=True).locator("xpath=ancestor::*[@data-testid='stNumberInput']").locator(
            '[data-testid="stNumberInputStepUp"]').click()
    return act


SENTENCES = ["the cat sees the dog", "the old men did not buy the new backpacks", "she eats the red apples",
             "the boy reads a book"]


def _sentence(page) -> None:
    box = page.get_by_label("English sentence")
    current = box.input_value()
    box.fill(SENTENCES[(SENTENCES.index(current) + 1) % len(SENTENCES)] if current in SENTENCES else SENTENCES[0])
    box.press("Enter")


# page path -> (set-up before clicking (a tab), the click that uses the page's cached model)
CLICKS: dict[str, tuple[Callable | None, Callable]] = {
    "perceptron": (lambda p: p.get_by_role("tab", name="Neural network").click(), _slider_step("Learning rate")),
    "cnn": (lambda p: p.get_by_role("tab", name="Look inside").click(), _step_number("Test image")),
    "timeseries": (None, _slider_step("Window position")),
    "transformer": (None, _sentence),
}


def settle(page) -> float:
    """Wait until the page settled; the last busy moment in ms of the page's clock."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=SETTLE_MS)
    page.wait_for_function(IDLE_JS, timeout=SETTLE_MS, polling=50)
    return page.evaluate("() => window.__anndlBusyAt")


def visit(page, url: str) -> float:
    """Seconds from navigation start until the page settled."""
    page.goto(url)
    page.evaluate(RESET_JS)
    return settle(page) / 1000  # performance.now() counts from the navigation start


def click(page, action: Callable) -> float | None:
    """Seconds from the interaction until the page settled; None when it caused no rerun (a broken action)."""
    page.evaluate(RESET_JS)
    start = page.evaluate("() => window.__anndlBusyAt")
    action(page)
    end = settle(page)
    return (end - start) / 1000 if end > start else None


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def measure(url: str, paths: list[str], visits: int, clicks: int) -> list[dict]:
    """One row per page: second-visit settle median / p95 (s), click median / p95 (ms), page exceptions."""
    from playwright.sync_api import sync_playwright

    rows = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        try:
            for path in paths:
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                first = visit(page, f"{url}/{path}")
                times = [visit(page, f"{url}/{path}") for _ in range(visits)]
                row = {"page": path, "first visit s": round(first, 2), "settle median s": statistics.median(times),
                       "settle p95 s": _p95(times)}
                setup, action = CLICKS.get(path, (None, None))
                if action is not None:
                    if setup is not None:
                        setup(page)
                    click(page, action)  # the first click may fill a cache
                    took = [click(page, action) for _ in range(clicks)]
                    ms = [t * 1000 for t in took if t is not None]
                    row.update({"click median ms": statistics.median(ms) if ms else None,
                                "click p95 ms": _p95(ms) if ms else None, "no rerun": took.count(None),
                                "_clicks": ms})
                row["exceptions"] = page.locator('[data-testid="stException"]').count()
                rows.append(row)
                page.close()
        finally:
            browser.close()
    return rows


def bench(quick: bool = False) -> BenchResult:
    from app.registry import built_topics

    paths = [t.key for t in built_topics()]
    proc, url = start_server({"ANNDL_WORKERS": "1"})
    try:
        t0 = time.perf_counter()
        home = measure(url, [""], 2 if quick else 5, 0)[0]
        rows = home and measure(url, paths, 3 if quick else 7, 4 if quick else 12)
        seconds = time.perf_counter() - t0
    finally:
        stop_server(proc)
    clicks = [ms for r in rows for ms in r.pop("_clicks", [])]
    slowest = max(rows, key=lambda r: r["settle median s"])
    home.pop("_clicks", None)
    home["page"] = "home"
    extra = {"click_p95_ms": round(_p95(clicks), 1) if clicks else None, "slowest_page": slowest["page"],
             "pages": {r["page"]: {k: (round(v, 3) if isinstance(v, float) else v) for k, v in r.items()
                                   if k != "page"} for r in rows},
             "exceptions": sum(r["exceptions"] for r in rows)}
    return BenchResult(topic="pages", dataset=f"{len(rows)} built pages, second visits in Chromium",
                       metric="slowest_median_settle_s", value=round(slowest["settle median s"], 3),
                       train_s=round(seconds, 1), samples_per_s=0.0,
                       baseline=Baseline("home page (no TensorFlow)", round(home["settle median s"], 3), 0.0),
                       rows=[home, *rows], extra=extra)
