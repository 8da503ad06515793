"""Issue 10, nothing lost: the job id lives in the URL, so a reload, a reconnect or a restart shows the result."""

import tempfile
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from anndl.jobs import Job
from anndl.results import ResultStore
from app.ui.training import runner
from tests.app.conftest import MAIN, ROOT, errors, open_app, open_tab
from tests.conftest import RESULTS


def open_with(params: dict, page: str = "perceptron") -> AppTest:
    """A fresh session (a reload or a shared link) opening `page` with these URL parameters."""
    at = AppTest.from_file(MAIN, default_timeout=120)
    at.query_params.update(params)
    at.run()
    at.switch_page(str(ROOT / "pages" / f"{page}.py"))
    return at.run()


def test_the_suite_keeps_its_results_apart_from_a_running_dashboard():
    """The default folder is shared by every dashboard on this machine; tests use their own (tests/conftest.py)."""
    assert Path(runner().root) == Path(RESULTS)
    assert Path(runner().root) != Path(tempfile.gettempdir()) / "anndl-results"


def test_a_job_interrupted_by_a_server_restart_says_so_instead_of_spinning():
    job_id = f"job-{int(time.time())}-1-0badc0de"
    ResultStore(runner().root).save(Job(id=job_id, target="anndl.topics.perceptron.job:train_job", status="running"))
    at = open_with({"nn_job": job_id, "nn_data": "gauss", "tab": "Neural network"})
    assert any("Interrupted by a server restart" in e.value for e in at.error)
    assert not at.exception
    assert not any(b.label == "Stop" for b in at.button)  # nothing left to stop, Train is offered again
    assert not next(b for b in at.button if b.label == "Train").disabled


def test_an_expired_result_in_a_link_is_explained():
    at = open_with({"nn_job": "job-1000000000-3-abcdef01", "nn_data": "gauss", "tab": "Neural network"})
    assert any("expired" in i.value for i in at.info)
    assert not errors(at) and "nn_job" not in at.query_params


def test_a_hostile_job_id_in_the_url_is_ignored():
    at = open_with({"nn_job": "../../etc/passwd", "nn_data": "gauss", "tab": "Neural network"})
    assert not errors(at) and "nn_job" not in at.query_params


@pytest.mark.slow
def test_a_reload_shows_the_finished_result_again():
    at = open_tab(open_app("perceptron"), "Neural network")
    at.selectbox(key="nn_data").set_value("gauss").run()
    at.select_slider(key="nn_epochs").set_value(10).run()
    at.select_slider(key="nn_n").set_value(200).run()
    next(b for b in at.button if b.label == "Train").click().run()
    job_id = at.query_params["nn_job"]
    assert runner().wait(job_id, timeout=180).status == "done"
    again = open_with({**at.query_params})  # a new session: nothing in session_state, only the link
    assert any("your network" in c.value for c in again.caption)
    assert not errors(again)
