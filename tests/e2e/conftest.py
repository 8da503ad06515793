"""Playwright in Debian's Chromium against a live server on a free loopback port (DESIGN §6)."""

import os

import pytest

from anndl.loadtest import start_server, stop_server
from anndl.loadtest.browser import CHROMIUM, FLAGS, IDLE_JS
from tests.conftest import RESULTS

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run `make test` as root or `apt-get install chromium`.")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": FLAGS, "headless": True}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1400, "height": 1000}}


@pytest.fixture(scope="session")
def server():
    """`streamlit run app/main.py` on a free port with one worker and the tests' results folder; yields its URL."""
    try:
        proc, url = start_server({"ANNDL_WORKERS": "1", "ANNDL_RESULTS": RESULTS}, timeout=60)
    except RuntimeError as err:
        pytest.fail(str(err))
    yield url
    stop_server(proc)


def wait_for_app(page, timeout: float = 60_000) -> None:
    """Wait until the script has run to its end, no spinner shows, and the page stayed so for about 0.6 s.

    stApp's `data-test-script-state` says whether the script runs (the status widget is hidden with
    `toolbarMode = "minimal"`); a single check right after `goto` or a click can pass before the run
    has even begun, so a quiet spell is required.
    """
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout)
    page.evaluate("() => { window.__anndlIdle = 0; }")
    page.wait_for_function(IDLE_JS, timeout=timeout, polling=100)


def open_tab(page, name: str) -> None:
    """Click the tab `name` and wait for the rerun it asks for (the pages' tabs are lazy: a tab draws its
    charts once it is open)."""
    page.get_by_role("tab", name=name).click()
    wait_for_app(page)
