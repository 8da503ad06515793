"""Issue 10: the job queue shared by a class — fair share, results kept on disk, restarts, closed browsers; the
tests taking `open_backend` run on both backends, the local pool and Ray (issue 23)."""

import os
import time

import pytest

from anndl.jobs import JobRunner, Limits, OwnerBusy, QueueFull
from anndl.results import ResultStore, created_at, valid_id

FX = "tests.jobs_fixtures"


def test_one_running_and_one_waiting_job_per_session_and_sessions_served_in_turn(tmp_path, open_backend):
    with open_backend(max_pending=8, root=str(tmp_path)) as r:
        a1 = r.submit(f"{FX}:epochs", {"n": 20, "epoch_s": 0.1}, owner="a")
        a2 = r.submit(f"{FX}:epochs", {"n": 1}, owner="a")
        with pytest.raises(OwnerBusy, match="already have a job"):
            r.submit(f"{FX}:epochs", {"n": 1}, owner="a")
        b1 = r.submit(f"{FX}:epochs", {"n": 1}, owner="b")  # another student is not blocked by a's share
        assert isinstance(OwnerBusy("x"), QueueFull)  # pages answer both with the same warning
        for job_id in (a1, a2, b1):
            assert r.wait(job_id, timeout=60).status == "done"
        assert r.get(a2).started < r.get(b1).started  # a's second job waited its turn, b's came after it
        r.submit(f"{FX}:epochs", {"n": 1}, owner="a")  # finished jobs free the share


def test_a_finished_result_survives_a_server_restart_and_a_running_one_says_interrupted(tmp_path):
    with JobRunner(workers=1, warm=(), root=str(tmp_path)) as r:
        done = r.wait(r.submit(f"{FX}:epochs", {"n": 2, "value": 5}), timeout=60).id
        running = r.submit(f"{FX}:epochs", {"n": 1000, "epoch_s": 0.2})
        assert r.wait(running, timeout=0.5).status in ("queued", "running")
        r._at_exit()  # the process ends mid-job (no clean shutdown)
        r._stop.set()
    with JobRunner(workers=1, warm=(), root=str(tmp_path)) as fresh:
        kept = fresh.get(done)
        assert kept.status == "done" and kept.result["epochs_run"] == 2 and kept.result["value"] == 5
        assert [e["epoch"] for e in kept.epochs] == [1, 2]
        lost = fresh.get(running)
        assert lost.finished and lost.status == "interrupted" and "restarted" in lost.error
        assert fresh.get("job-1-../../etc") is None and fresh.get("nonsense") is None


def test_results_older_than_the_expiry_are_removed_and_reported_as_expired(tmp_path, open_backend):
    with open_backend(root=str(tmp_path), ttl_s=0.5) as r:
        old = r.wait(r.submit(f"{FX}:epochs", {"n": 1}), timeout=60).id
        time.sleep(1.0)
        r.wait(r.submit(f"{FX}:epochs", {"n": 1}), timeout=60)  # a submit prunes the folder
        assert not os.path.exists(os.path.join(str(tmp_path), old))
        r._jobs.pop(old, None)  # as after a restart
        assert r.get(old) is None and r.expired(old)
        assert not r.expired("job-abc")  # a malformed id is unknown, not expired


def test_the_results_folder_is_bounded_in_size_oldest_first(tmp_path):
    store = ResultStore(str(tmp_path), ttl_s=3600, max_bytes=2500)
    now = time.time()
    for i in range(4):
        folder = store.folder(f"job-{1000 + i}-0-aa")
        os.makedirs(folder)
        with open(os.path.join(folder, "model.keras"), "wb") as f:
            f.write(b"x" * 1000)
        os.utime(folder, (now - 100 + i, now - 100 + i))
    removed = store.prune(keep={"job-1000-0-aa"})
    assert removed == ["job-1001-0-aa"]  # the live job stays though it is the oldest; 2 kB of the rest fit
    assert created_at("job-1700000000-3-ab12") == 1.7e9 and not valid_id("job-1/../x")


def test_a_job_whose_browser_closed_is_cancelled_after_the_grace_period(tmp_path, open_backend):
    with open_backend(root=str(tmp_path), orphan_grace_s=1.0) as r:
        watched = r.submit(f"{FX}:epochs", {"n": 15, "epoch_s": 0.2})
        end = time.time() + 4
        while time.time() < end:  # an open page polls its job twice a second
            r.get(watched)
            time.sleep(0.3)
        assert r.get(watched).status in ("running", "done")
        abandoned = r.submit(f"{FX}:epochs", {"n": 1000, "epoch_s": 0.1})
        r.wait(watched, timeout=30)
        time.sleep(2.5)  # nobody asks about it
        assert r._jobs[abandoned].status == "cancelled"
        assert r.wait(r.submit(f"{FX}:epochs", {"n": 1}), timeout=30).status == "done"


@pytest.mark.slow
def test_a_keras_job_over_its_time_limit_stops_and_keeps_its_partial_model(tmp_path):
    with JobRunner(workers=1, warm=("keras",), root=str(tmp_path)) as r:
        job = r.wait(r.submit(f"{FX}:keras_fit", {"epochs": 500, "batch_s": 0.005}, Limits(time_limit_s=3)),
                     timeout=120)
        assert job.status == "timeout", job.error
        assert 1 <= job.result["epochs_run"] < 500
        assert os.path.getsize(job.result["model"]) > 0 and job.result["model"].startswith(str(tmp_path))


def test_a_worker_stopped_with_the_server_says_interrupted_not_crashed(tmp_path):
    """Ctrl-C or SIGTERM to the server's process group reaches the workers before the server exits."""
    import signal

    with JobRunner(workers=1, warm=(), root=str(tmp_path)) as r:
        job_id = r.submit(f"{FX}:stubborn", {})
        end = time.time() + 30
        while not (r.get(job_id).latest or {}).get("pid") and time.time() < end:
            time.sleep(0.02)
        os.kill(r.get(job_id).latest["pid"], signal.SIGTERM)
        job = r.wait(job_id, timeout=30)
        assert job.status == "interrupted" and "stopped or restarted" in job.error
        assert r.wait(r.submit(f"{FX}:epochs", {"n": 1}), timeout=60).status == "done"
