"""Playwright in Debian's Chromium against a live server on a free loopback port (DESIGN §6)."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from anndl.loadtest.browser import CHROMIUM, FLAGS, IDLE_JS
from tests.conftest import RESULTS, ROOT

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run `make test` as root or `apt-get install chromium`.")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": FLAGS, "headless": True}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1400, "height": 1000}}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def server():
    """Start `streamlit run app/main.py` on a free port; yield its base URL; stop it by PID."""
    port = _free_port()
    env = {**os.environ, "ANNDL_WORKERS": "1", "TF_CPP_MIN_LOG_LEVEL": "2", "ANNDL_RESULTS": RESULTS}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app" / "main.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).status == 200:
                break
        except OSError:
            time.sleep(0.5)
    else:
        os.killpg(proc.pid, signal.SIGKILL)
        pytest.fail("the Streamlit server did not start within 60 s")
    yield url
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


def wait_for_app(page, timeout: float = 60_000) -> None:
    """Wait until the script has run to its end, no spinner shows, and the page stayed so for about 0.6 s.

    stApp's `data-test-script-state` says whether the script runs (the status widget is hidden with
    `toolbarMode = "minimal"`); a single check right after `goto` or a click can pass before the run
    has even begun, so a quiet spell is required.
    """
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout)
    page.evaluate("() => { window.__anndlIdle = 0; }")
    page.wait_for_function(IDLE_JS, timeout=timeout, polling=100)
