"""Per-job backend (issue 22): the backend a job's worker runs on and the environment it starts with."""

import pytest

from anndl import jobenv, topics
from anndl.jobs import JobRunner


def test_worker_env_fixes_the_backend_and_shares_the_gpu():
    env = jobenv.worker_env("jax", workers=2, backends=2)
    assert env["KERAS_BACKEND"] == "jax"
    assert env["XLA_PYTHON_CLIENT_PREALLOCATE"] == "false"  # JAX would take 75% of the card at start
    assert float(env["XLA_PYTHON_CLIENT_MEM_FRACTION"]) == pytest.approx(jobenv.GPU_SHARE / 4, abs=0.01)
    assert env["TF_FORCE_GPU_ALLOW_GROWTH"] == "true"
    assert jobenv.worker_env("tensorflow")["KERAS_BACKEND"] == "tensorflow"


def test_each_topic_declares_a_backend_and_jobs_get_it(monkeypatch):
    monkeypatch.delenv("ANNDL_JOB_BACKEND", raising=False)
    monkeypatch.setattr(topics, "BACKEND", {**topics.BACKEND, "perceptron": ("jax", "tensorflow")})
    assert set(topics.BACKEND) == set(topics.TOPICS)
    assert all(b in jobenv.BACKENDS for pair in topics.BACKEND.values() for b in pair)
    target = topics.job("perceptron")
    assert jobenv.choose(target, "cpu") == "jax" and jobenv.choose(target, "gpu") == "tensorflow"
    monkeypatch.setenv("KERAS_BACKEND", "tensorflow")
    monkeypatch.delenv("ANNDL_BACKEND", raising=False)
    assert jobenv.choose("tests.jobs_fixtures:epochs", "cpu") == "tensorflow"  # not a topic: the app's backend
    monkeypatch.setattr(jobenv, "installed", lambda b: b != "jax")
    assert jobenv.choose(target, "cpu") == "tensorflow"  # declared backend missing here: the default
    monkeypatch.setenv("ANNDL_JOB_BACKEND", "jax")
    assert jobenv.choose(target, "cpu") == "jax"


def test_a_job_runs_in_a_worker_of_its_backend_and_its_result_says_which():
    with JobRunner(workers=1, warm=()) as r:
        job = r.wait(r.submit("tests.jobs_fixtures:backend_seen", {}, backend="jax"), timeout=120)
    assert job.status == "done", job.error
    assert job.backend == "jax"
    assert job.result["keras_backend"] == job.result["backend"] == "jax"
    assert job.result["env"]["XLA_PYTHON_CLIENT_PREALLOCATE"] == "false"


def test_the_backend_is_named_while_another_session_still_imports_keras(monkeypatch):
    """On a fresh server three students opened the app at once: one thread was importing Keras while the sidebars
    of the others read `keras.backend` of the partly initialised module (AttributeError, an error page)."""
    import sys
    import types

    monkeypatch.setitem(sys.modules, "keras", types.ModuleType("keras"))
    monkeypatch.setenv("KERAS_BACKEND", "jax")
    assert jobenv.running_backend() == "jax"
