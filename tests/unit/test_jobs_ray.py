"""Issue 23: what only the Ray backend does — replicas that share a cluster see, stop and bound each other's jobs;
Ray is never imported when ANNDL_RAY_ADDRESS is unset. (The common job-runner tests run on Ray too.)"""

import subprocess
import sys

import pytest

from anndl.jobs import Limits, QueueFull, open_runner
from tests.unit.test_jobs import wait_for

FX = "tests.jobs_fixtures"


@pytest.fixture
def replicas(ray_local, tmp_path):
    """Two app replicas on one Ray cluster and one shared results folder, one job running at a time."""
    from anndl.jobs_ray import RayRunner

    a = RayRunner(cpus=2, root=str(tmp_path), max_total_pending=1, limits=Limits(time_limit_s=60, grace_s=2))
    b = open_runner("auto", root=str(tmp_path), ray={"cpus": 2})  # ANNDL_RAY_ADDRESS selects Ray
    yield a, b
    a.shutdown()
    b.shutdown()


def test_another_replica_follows_stops_and_shows_a_job(replicas):
    a, b = replicas
    assert type(b).__name__ == "RayRunner"
    job_id = a.submit(f"{FX}:epochs", {"n": 1000, "epoch_s": 0.1}, owner="s")
    assert wait_for(lambda: len(b.get(job_id).epochs) >= 2)  # the browser reconnected to replica b
    assert b.get(job_id).status == "running" and b.get(job_id).owner == "s"
    b.cancel(job_id)
    job = b.wait(job_id, timeout=30)
    assert job.status == "cancelled" and a.wait(job_id, timeout=30).status == "cancelled"
    assert a.get(job_id).result["epochs_run"] == len(a.get(job_id).epochs) < 1000
    done = a.wait(a.submit(f"{FX}:epochs", {"n": 2, "value": "kept"}), timeout=60)
    seen = b.get(done.id)  # finished before b ever heard of it: read from the shared folder
    assert seen.status == "done" and len(seen.epochs) == 2
    assert seen.result["epochs_run"] == 2 and seen.result["value"] == "kept"


def test_the_cluster_wide_queue_bound_answers_busy_on_any_replica(replicas):
    a, b = replicas
    blocker = b.submit(f"{FX}:epochs", {"n": 1000, "epoch_s": 0.05})
    assert wait_for(lambda: b.get(blocker).status == "running")
    waiting = a.submit(f"{FX}:epochs", {"n": 1})  # a's bound: one job of all replicas may wait
    with pytest.raises(QueueFull, match="cluster is busy"):
        a.submit(f"{FX}:epochs", {"n": 1})
    b.cancel(blocker)
    assert a.wait(waiting, timeout=30).status == "done"


def test_a_replica_stopped_mid_job_leaves_it_interrupted_for_the_others(replicas):
    a, b = replicas
    job_id = a.submit(f"{FX}:epochs", {"n": 1000, "epoch_s": 0.1})
    assert wait_for(lambda: a.get(job_id).status == "running")
    a.shutdown()
    job = b.wait(job_id, timeout=30)
    assert job.status == "interrupted" and "stopped or restarted" in job.error


def test_ray_is_not_imported_without_an_address(tmp_path):
    code = ("import sys; from anndl.jobs import open_runner; r = open_runner('', warm=(), root=sys.argv[1]); "
            "r.shutdown(); print(type(r).__name__, 'ray' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert out.stdout.split() == ["JobRunner", "False"], out.stderr


def test_a_job_asks_the_cluster_for_resources_by_its_size():
    pytest.importorskip("ray")  # a laptop install without the `cluster` extra
    from anndl.jobs_ray import job_resources

    big = job_resources("anndl.topics.cnn.job:train_job", cpus=2, gpus=0.5)
    assert big == {"num_cpus": 2, "num_gpus": 0.5}  # a CNN: the configured share of a GPU
    for small in ("anndl.topics.perceptron.job:train_job", "anndl.topics.gan.job:toy_job"):
        assert job_resources(small, cpus=2, gpus=0.5) == {"num_cpus": 1.0, "num_gpus": 0}  # 2-D points: a CPU
    assert job_resources("no.such.module:job", cpus=1, gpus=0.5)["num_gpus"] == 0.5  # fails in the task, not here


def _gone(hub, ray) -> bool:
    try:
        ray.get(hub.live.remote(), timeout=5)
        return False
    except ray.exceptions.RayError:
        return True


def test_a_lost_hub_is_answered_with_one_sentence_and_a_new_runner_works_again(replicas, ray_local):
    a, b = replicas
    ray_local.kill(a.hub, no_restart=True)  # as if its node were lost for good
    assert wait_for(lambda: _gone(a.hub, ray_local))  # kill() only asks: calls sent before it lands still answer
    with pytest.raises(QueueFull, match="cannot be reached"):
        a.submit(f"{FX}:epochs", {"n": 1})
    from anndl.jobs_ray import RayRunner

    with RayRunner(cpus=2) as fresh:  # a restarted replica makes a new hub
        assert fresh.wait(fresh.submit(f"{FX}:epochs", {"n": 1}), timeout=60).status == "done"
