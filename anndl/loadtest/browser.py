"""Driving one Streamlit page in Chromium: wait until it settles, time interactions, count what went wrong."""

from __future__ import annotations

import asyncio
import os
import random
import time
from dataclasses import dataclass, field
from typing import NamedTuple
from urllib.parse import parse_qs, urlparse

CHROMIUM = "/usr/bin/chromium"
# Debian's headless shell of the same Chromium (`make system-deps` installs it; Playwright's own default for headless
# runs): the load test's many browsers share the server's cores here, and it spent about a fifth less CPU than the
# full browser on the same steps; the page bench times clicks in it too (its `extra.bare_click_p95_ms`: a bare
# Streamlit click, 180-193 ms here against 177-259 ms in the full browser).
HEADLESS_SHELL = "/usr/bin/chromium-headless-shell"
HEADLESS_BROWSER = HEADLESS_SHELL if os.path.exists(HEADLESS_SHELL) else CHROMIUM
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]

# Settled = the script is not running, no spinner shows, the main area has content, and it stayed so for
# about 0.6 s. `__anndlBusyAt` keeps the last moment it was busy: interaction→settled ends there.
IDLE_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  const busy = !app || app.getAttribute('data-test-script-state') !== 'notRunning'
    || document.querySelector('[data-testid="stStatusWidget"], [data-testid="stSpinner"]')
    || !document.querySelector('[data-testid="stMain"] [data-testid="stElementContainer"]');
  if (busy) { window.__anndlBusyAt = performance.now(); }
  window.__anndlIdle = busy ? 0 : (window.__anndlIdle || 0) + 1;
  return window.__anndlIdle >= 6;
}"""
RESET_JS = "() => { window.__anndlIdle = 0; window.__anndlBusyAt = performance.now(); }"

BUSY_TEXT = ("server is busy", "already have a job")
END_TEXT = {"Finished.": "finished", "Stopped at the time limit": "finished", "Stopped by you": "finished",
            "Training failed": "failed", "Interrupted by a server restart": "failed"}


class Step(NamedTuple):
    """One timed step: "page #k" (k-th step on that page), interaction → settled in seconds, and whether it opened a
    page (its link, or the sidebar's) rather than used the page's cached models (knobs, inferences, tabs)."""

    name: str
    seconds: float
    navigation: bool = False


@dataclass
class Tally:
    """What one session saw."""

    steps: list[Step] = field(default_factory=list)  # every timed step, in order
    exceptions: list[str] = field(default_factory=list)
    jobs: dict[str, int] = field(default_factory=lambda: dict(accepted=0, busy=0, finished=0, failed=0, lost=0))
    timeouts: int = 0  # interactions that did not settle in time (in `steps` at the wait's limit)
    errors: list[str] = field(default_factory=list)  # script steps that failed (a missing element, ...)

    @property
    def times(self) -> list[float]:
        return [s.seconds for s in self.steps]

    @property
    def navigations(self) -> list[float]:
        return [s.seconds for s in self.steps if s.navigation]

    @property
    def on_page(self) -> list[float]:
        return [s.seconds for s in self.steps if not s.navigation]


class Session:
    """One student's browser tab; page scripts call `act`, `train` and `page` (the Playwright page)."""

    def __init__(self, page, url: str, tally: Tally, settle_s: float = 60.0, watch_s: float = 300.0,
                 think_s: float = 0.0, seed: int = 0):
        self.page, self.url, self.tally, self.settle_s, self.watch_s = page, url, tally, settle_s, watch_s
        self.think_s, self._rng = think_s, random.Random(seed)  # a student reads the page before the next step
        self.where, self.step = "home", 0  # the page this student is on, and the step number there
        page.on("pageerror", lambda err: tally.exceptions.append(f"pageerror: {err}"[:300]))

    async def settle(self) -> float:
        """Wait until the page settled; return seconds since the interaction began (None on timeout)."""
        await self.page.wait_for_selector('[data-testid="stApp"]', timeout=self.settle_s * 1000)
        await self.page.wait_for_function(IDLE_JS, timeout=self.settle_s * 1000, polling=100)
        return await self.page.evaluate("() => window.__anndlBusyAt")

    async def act(self, action, navigation: bool = False) -> None:
        """Run `action()` (a click, a key, a goto) and time it until the page settled (a step that never settles
        counts as `settle_s`, a lower bound). `navigation`: the step opens a page (its link, or the sidebar's); the
        others are interactions with the page's cached models."""
        if self.page.url.startswith("http"):
            await self.page.evaluate(RESET_JS)
        t0 = time.perf_counter()
        start_js = await self.page.evaluate("() => performance.now()") if self.page.url.startswith("http") else None
        await action()
        try:
            busy_at = await self.settle()
            took = (busy_at - start_js) / 1000 if start_js is not None and busy_at >= start_js else \
                time.perf_counter() - t0
        except Exception:  # noqa: BLE001 — a page that never settles is counted, the session goes on
            self.tally.timeouts += 1
            took = self.settle_s
        self.tally.steps.append(Step(f"{self.where} #{self.step}", max(0.0, took), navigation))
        self.step += 1
        await self.count_exceptions()
        await self.think()

    def on(self, where: str) -> None:
        """The student is now on `where` (a page path): its steps are numbered from 0."""
        self.where, self.step = where, 0

    async def think(self) -> None:
        """The student reads what the step showed: 0.5–1.5 × `think_s` seconds (none when 0)."""
        if self.think_s > 0:
            await asyncio.sleep(self.think_s * self._rng.uniform(0.5, 1.5))

    async def count_exceptions(self) -> None:
        boxes = self.page.locator('[data-testid="stException"]')
        for i in range(await boxes.count()):
            self.tally.exceptions.append((await boxes.nth(i).inner_text())[:300])

    def job_ids(self) -> set[str]:
        """The job ids in the page's URL (the training panels keep them under `<panel>_job`)."""
        query = parse_qs(urlparse(self.page.url).query)
        return {v for k, vals in query.items() if k.endswith("_job") for v in vals}

    async def train(self, button) -> None:
        """Press a Train button and watch the job to its end: accepted / busy, then finished / failed / lost."""
        before = self.job_ids()
        await button.click()
        alerts = self.page.locator('[data-testid="stAlert"]')
        deadline = time.time() + self.settle_s
        while not self.job_ids() - before:
            text = " ".join(await alerts.all_inner_texts())
            if any(b in text for b in BUSY_TEXT):
                self.tally.jobs["busy"] += 1
                return
            if time.time() > deadline:
                self.tally.timeouts += 1
                return
            await self.page.wait_for_timeout(200)
        self.tally.jobs["accepted"] += 1
        deadline = time.time() + self.watch_s
        while time.time() < deadline:
            text = " ".join(await self.page.locator('[data-testid="stProgress"], [data-testid="stAlert"]')
                            .all_inner_texts())
            for needle, outcome in END_TEXT.items():
                if needle in text:
                    self.tally.jobs[outcome] += 1
                    await self.count_exceptions()
                    return
            await self.page.wait_for_timeout(500)
        self.tally.jobs["lost"] += 1  # accepted, but the page never said how it ended
