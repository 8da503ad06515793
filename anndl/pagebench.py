"""`python -m anndl.bench pages`: how fast every built page answers in Debian's Chromium (issue 9).

The harness starts the dashboard on a free loopback port, opens each built page once (the first visit fills
the server's caches), then measures `visits` second visits of two kinds and, on pages with a cached model, `clicks`
interactions (a test image, a sentence, a knob). A second visit is the way a student comes back to a page: from
home through the sidebar's link (`settle`, the figure the targets name; the app is loaded, only the page is drawn)
and by reloading the page's link (`reload`: the browser also starts Streamlit's app, loads its code and opens its
websocket, about 1 s of the home page's own reload on this machine). Both are timed inside the page by a script
installed before it loads (`WATCH_JS`): it stamps every DOM change of the app (Streamlit's header left out), every
long task of the main thread (a chart drawing) and every websocket frame. A visit ends at the last such stamp once the
script has ended, no spinner shows and nothing changed for `QUIET_MS`; a click runs from its own input event
(key or pointer down) to the last stamp after the rerun it caused (a frame sent, then frames received), so a
rerun faster than any polling is still measured, and its time splits into the server's part (rerun request
to its last frame) and the browser's. Targets: every page's median second-visit settle ≤ 2 s, every click's
p95 ≤ 200 ms.
"""

from __future__ import annotations

import os
import statistics
import time
from typing import Callable

from anndl.bench import Baseline, BenchResult
from anndl.loadtest import start_server, stop_server
from anndl.loadtest.browser import FLAGS, HEADLESS_BROWSER

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


TOOLTIP = "#vg-tooltip-element.visible"  # Vega's tooltip: shown while the mouse is over a mark of a chart


def marks_under_mouse(page, chart, n: int = 1) -> list[tuple[float, float]]:
    """Up to `n` spots (page pixels, ≥ 20 px apart) where `chart` has a mark: the mouse sweeps rows of its plot
    area until Vega's tooltip shows."""
    box, spots = chart.bounding_box(), []
    for fy in (0.5, 0.4, 0.6, 0.3, 0.7):
        for fx in [i / 40 for i in range(4, 30)]:
            x, y = box["x"] + fx * box["width"], box["y"] + fy * box["height"]
            page.mouse.move(x, y)
            page.wait_for_timeout(40)
            if page.locator(TOOLTIP).count() and all(abs(x - a) + abs(y - b) >= 20 for a, b in spots):
                spots.append((x, y))
                if len(spots) == n:
                    return spots
    return spots


def _map_point() -> tuple[Callable, Callable]:
    """The autoencoder's latent map (issue 18: a click shows the point's decoded image): the set-up finds two
    marks, the click picks them in turn (the picked point clicked again would change nothing)."""
    spots: list[tuple[float, float]] = []

    def setup(page):
        chart = page.locator('[data-testid="stVegaLiteChart"]').first
        chart.scroll_into_view_if_needed()
        spots[:] = marks_under_mouse(page, chart, 2)  # this page's marks (CLICKS is built once per process)
        if len(spots) < 2:
            raise RuntimeError("fewer than two marks of the latent map found under the mouse")

    def act(page):
        spots.reverse()
        page.mouse.click(*spots[0])
    return setup, act


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
    "siamese": (lambda p: p.get_by_role("tab", name="Retrieval").click(), _step_number("Query: test digit number")),
    "autoencoder": _map_point(),
    "gan": (None, _step_number("Noise seed")),
}


QUIET_MS = 400  # settled = nothing changed for this long (the end is the last change, not this spell's end)

# Installed before any page script: stamps (ms of the page's clock) of the last DOM change outside the header,
# the end of the last long task and the last websocket frame sent / received, and the first input event after
# `__anndlArm()` (the click's start).
WATCH_JS = """(() => {
  const w = window.__anndlWatch = {dom: 0, task: 0, sent: 0, sentAt: 0, recv: 0, recvAt: 0, input: null};
  new MutationObserver((records) => {
    for (const r of records) {
      const el = r.target.nodeType === 1 ? r.target : r.target.parentElement;
      if (el && !el.closest('[data-testid="stHeader"]')) { w.dom = performance.now(); return; }
    }
  }).observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) { w.task = Math.max(w.task, e.startTime + e.duration); }
    }).observe({type: 'longtask', buffered: true});
  } catch (e) {}
  const Socket = window.WebSocket, send = Socket.prototype.send;
  Socket.prototype.send = function (data) { w.sent += 1; w.sentAt = performance.now(); return send.call(this, data); };
  window.WebSocket = class extends Socket {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', () => { w.recv += 1; w.recvAt = performance.now(); });
    }
  };
  for (const kind of ['keydown', 'pointerdown']) {
    document.addEventListener(kind, (e) => { if (w.input === 0) { w.input = e.timeStamp; } }, true);
  }
  window.__anndlArm = () => { w.input = 0; w.sent0 = w.sent; };
})()"""

# The app settled: the script ended, no spinner, content in the main area, and quiet for `quiet` ms; returns
# the last stamp. `rerun` also requires a frame sent after the arm and one received after it.
SETTLED_JS = """([quiet, rerun]) => {
  const w = window.__anndlWatch, app = document.querySelector('[data-testid="stApp"]');
  if (!w || !app || app.getAttribute('data-test-script-state') !== 'notRunning'
      || document.querySelector('[data-testid="stSpinner"]')
      || !document.querySelector('[data-testid="stMain"] [data-testid="stElementContainer"]')) { return false; }
  if (rerun && (w.sent <= w.sent0 || w.recvAt < w.sentAt)) { return false; }
  const end = Math.max(w.dom, w.task, w.recvAt);
  return performance.now() - end >= quiet && {end, input: w.input, sentAt: w.sentAt, recvAt: w.recvAt};
}"""


def settle(page, rerun: bool = False) -> dict:
    """Wait until the page settled; its stamps in ms of the page's clock (`end`: the last change)."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=SETTLE_MS)
    return page.wait_for_function(SETTLED_JS, arg=[QUIET_MS, rerun], timeout=SETTLE_MS, polling=50).json_value()


def visit(page, url: str) -> float:
    """Seconds from navigation start until the page settled (performance.now() counts from the navigation)."""
    page.goto(url)
    return settle(page)["end"] / 1000


def nav_link(path: str) -> Callable:
    """Click the sidebar's link to `path` ("" = home)."""
    def act(page):
        page.locator(f'[data-testid="stSidebarNav"] a[href$="/{path}"]').first.click()
    return act


def click(page, action: Callable) -> tuple[float, float] | None:
    """(seconds from the input event until the answer settled, of which the server's part); None when the
    interaction asked for no rerun within 5 s (a broken action)."""
    page.evaluate("() => window.__anndlArm()")
    action(page)
    try:
        page.wait_for_function("() => window.__anndlWatch.sent > window.__anndlWatch.sent0", timeout=5_000,
                               polling=50)
    except Exception:  # noqa: BLE001 — playwright's TimeoutError: no rerun was requested
        return None
    stamps = settle(page, rerun=True)
    start = stamps["input"] or stamps["sentAt"]
    return (stamps["end"] - start) / 1000, (stamps["recvAt"] - stamps["sentAt"]) / 1000


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def watched_page(browser):
    """A new page of the bench's size whose changes, long tasks and frames `WATCH_JS` stamps."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.add_init_script(WATCH_JS)
    return page


def measure(url: str, paths: list[str], visits: int, clicks: int) -> list[dict]:
    """One row per page: second-visit settle median / p95 (s) by the sidebar from home (home itself: from the
    first built page) and by a reload, click median / p95 (ms), page exceptions."""
    from playwright.sync_api import sync_playwright

    from app.registry import built_topics

    rows = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=HEADLESS_BROWSER, args=FLAGS, headless=True)
        try:
            for path in paths:
                page = watched_page(browser)
                first = visit(page, f"{url}/{path}")
                reloads = [visit(page, f"{url}/{path}") for _ in range(visits)]
                times = []
                for _ in range(visits):
                    click(page, nav_link("" if path else built_topics()[0].key))
                    took = click(page, nav_link(path))
                    times.append(took[0] if took is not None else SETTLE_MS / 1000)
                row = {"page": path, "first visit s": round(first, 2), "settle median s": statistics.median(times),
                       "settle p95 s": _p95(times), "reload median s": statistics.median(reloads),
                       "reload p95 s": _p95(reloads)}
                setup, action = CLICKS.get(path, (None, None))
                if action is not None:
                    if setup is not None:
                        setup(page)
                    click(page, action)  # the first click may fill a cache
                    took = [click(page, action) for _ in range(clicks)]
                    ms = [t[0] * 1000 for t in took if t is not None]
                    server = [t[1] * 1000 for t in took if t is not None]
                    row.update({"click median ms": statistics.median(ms) if ms else None,
                                "click p95 ms": _p95(ms) if ms else None,
                                "click server median ms": statistics.median(server) if ms else None,
                                "no rerun": took.count(None), "_clicks": ms})
                row["exceptions"] = page.locator('[data-testid="stException"]').count()
                rows.append(row)
                page.close()
        finally:
            browser.close()
    return rows


def bare_clicks(clicks: int) -> list[float]:
    """Click times (ms) of a bare Streamlit fragment (app/bare_click.py: a number input, an image, a line; no model)
    in the same browser, measured like the pages' clicks: the floor a page's click stands on, on this machine."""
    from playwright.sync_api import sync_playwright

    proc, url = start_server(script="app/bare_click.py")
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=HEADLESS_BROWSER, args=FLAGS, headless=True)
            try:
                page = watched_page(browser)
                visit(page, url)
                action = _step_number("Test image")
                click(page, action)
                took = [click(page, action) for _ in range(clicks)]
            finally:
                browser.close()
    finally:
        stop_server(proc)
    return [t[0] * 1000 for t in took if t is not None]


def bench(quick: bool = False) -> BenchResult:
    from app.registry import built_topics

    paths = [t.key for t in built_topics()]
    proc, url = start_server({"ANNDL_WORKERS": "1"})
    try:
        t0 = time.perf_counter()
        home = measure(url, [""], 3 if quick else 5, 0)[0]
        rows = home and measure(url, paths, 3 if quick else 7, 4 if quick else 12)
        seconds = time.perf_counter() - t0
    finally:
        stop_server(proc)
    bare = bare_clicks(8 if quick else 24)
    clicks = [ms for r in rows for ms in r.pop("_clicks", [])]
    slowest = max(rows, key=lambda r: r["settle median s"])
    home.pop("_clicks", None)
    home["page"] = "home"
    reload = max(rows, key=lambda r: r["reload median s"])
    extra = {"click_p95_ms": round(_p95(clicks), 1) if clicks else None, "slowest_page": slowest["page"],
             "slowest_reload_s": round(reload["reload median s"], 3), "slowest_reload_page": reload["page"],
             "home_reload_s": round(home["reload median s"], 3),
             "pages": {r["page"]: {k: (round(v, 3) if isinstance(v, float) else v) for k, v in r.items()
                                   if k != "page"} for r in rows},
             "exceptions": sum(r["exceptions"] for r in rows), "browser": os.path.basename(HEADLESS_BROWSER),
             # a bare Streamlit click (no model) in the same run and browser: the floor under every page's click
             "bare_click_median_ms": round(statistics.median(bare), 1) if bare else None,
             "bare_click_p95_ms": round(_p95(bare), 1) if bare else None}
    return BenchResult(topic="pages", dataset=f"{len(rows)} built pages, second visits (sidebar; reload) in Chromium",
                       metric="slowest_median_settle_s", value=round(slowest["settle median s"], 3),
                       train_s=round(seconds, 1), samples_per_s=0.0,
                       baseline=Baseline("home page (no TensorFlow)", round(home["settle median s"], 3), 0.0),
                       rows=[home, *rows], extra=extra)
