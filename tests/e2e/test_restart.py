"""Issue 10, faults: the server restarted mid-job — the reloaded page says the job was interrupted and offers
Train again; a job finished before the restart shows its result again from the link."""

import pytest
from playwright.sync_api import expect

from anndl.loadtest import start_server, stop_server
from tests.e2e.conftest import wait_for_app

pytestmark = [pytest.mark.slow, pytest.mark.e2e]


def _train(page, url: str, epochs: int) -> str:
    page.goto(f"{url}/perceptron?nn_data=gauss&nn_n=200&nn_epochs={epochs}")
    wait_for_app(page, timeout=180_000)
    page.get_by_role("tab", name="Neural network").click()
    page.get_by_role("button", name="Train").click()
    page.wait_for_url("**nn_job=*", timeout=60_000)
    return page.url


def test_restart_mid_job_says_interrupted_and_a_finished_result_survives(page, tmp_path):
    env = {"ANNDL_RESULTS": str(tmp_path), "ANNDL_WORKERS": "1"}
    proc, url = start_server(env)
    try:
        done_link = _train(page, url, 10)
        expect(page.get_by_text("your network", exact=False)).to_be_visible(timeout=240_000)
        running_link = _train(page, url, 500)
        expect(page.get_by_text("Training…", exact=False)).to_be_visible(timeout=120_000)
    finally:
        stop_server(proc)
    proc, url2 = start_server(env)  # a new server on the same results folder (and another port)
    try:
        page.goto(running_link.replace(url, url2))
        wait_for_app(page, timeout=180_000)
        page.get_by_role("tab", name="Neural network").click()
        expect(page.get_by_text("Interrupted by a server restart", exact=False).first).to_be_visible(timeout=60_000)
        expect(page.get_by_role("button", name="Train")).to_be_enabled()
        page.goto(done_link.replace(url, url2))
        wait_for_app(page, timeout=180_000)
        page.get_by_role("tab", name="Neural network").click()
        expect(page.get_by_text("your network", exact=False).first).to_be_visible(timeout=60_000)
        assert page.locator('[data-testid="stException"]').count() == 0
    finally:
        stop_server(proc)
