"""`python -m anndl.bench jobs`: the job backends compared on this machine (issue 23).

Two figures for each backend, the local process pool (the baseline) and a local 2-CPU Ray instance:
- submit-to-first-epoch latency of a small Keras job: the first job after the backend started (cold: the
  worker imports TensorFlow) and the median of the next ones (warm);
- a class load: `sessions` simulated browser sessions submit `per_session` jobs each at once; a session told
  "busy" tries again a second later, like a student. One running job's worker is SIGKILLed mid-way. Every job
  must end with a status (done, or failed with its reason): `lost` counts those that did not.
"""

from __future__ import annotations

import os
import signal
import statistics
import threading
import time

from anndl.bench import Baseline, BenchResult
from anndl.jobs import FINISHED, JobRunner, Limits, QueueFull

TARGET = "anndl.jobsbench:small_fit"


def small_fit(params: dict, ctx) -> dict:
    """A small dense classifier trained through anndl.train.fit: the shape of every page's training job."""
    import keras
    import numpy as np

    from anndl.train import FitConfig, fit, set_seed

    set_seed(0)
    x = np.random.default_rng(0).normal(size=(512, 8)).astype("float32")
    y = (x.sum(1) > 0).astype("float32")
    model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(16, activation="relu"),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile("adam", "binary_crossentropy")
    stamped = lambda event: ctx.report({**event, "t": time.time(), "pid": os.getpid()})  # noqa: E731
    summary = fit(model, x, y, FitConfig(epochs=params.get("epochs", 3), batch_size=64), report=stamped,
                  cancelled=ctx.cancelled, max_epochs=ctx.max_epochs)
    return {"epochs_run": summary["epochs_run"]}


def _first_epoch_s(runner, epochs: int = 2) -> float:
    t0 = time.time()
    job = runner.wait(runner.submit(TARGET, {"epochs": epochs}), timeout=300)
    if job.status != "done" or not job.epochs:
        raise RuntimeError(f"latency job {job.status}: {job.error}")
    return job.epochs[0]["t"] - t0


def latency(runner, warm_runs: int) -> tuple[float, float]:
    """(cold, warm median) seconds from submit to the first epoch's end."""
    cold = _first_epoch_s(runner)
    return cold, statistics.median(_first_epoch_s(runner) for _ in range(warm_runs))


def _session(runner, name: str, per_session: int, job: tuple[str, dict], deadline: float, out: dict) -> None:
    ids = []
    for _ in range(per_session):
        while True:
            try:
                ids.append(runner.submit(*job, owner=name))
                break
            except QueueFull as busy:  # the answer a page shows: try again later
                out["refusals"].append(str(busy))
                if time.time() > deadline:
                    out["never_submitted"] += 1
                    break
                time.sleep(1.0)
    out["ids"].extend(ids)


def _kill_one(runner, ids: list[str], after_done: int, deadline: float) -> str | None:
    """SIGKILL the worker of one running job once `after_done` jobs have finished; its id."""
    while time.time() < deadline:
        jobs = [runner.get(j) for j in list(ids)]
        if sum(j.status == "done" for j in jobs) >= after_done:
            for job in jobs:
                pid = (job.latest or {}).get("pid")
                if job.status == "running" and pid:
                    os.kill(pid, signal.SIGKILL)
                    return job.id
        time.sleep(0.05)
    return None


def load(runner, sessions: int, per_session: int, params: dict, target: str = TARGET, timeout_s: float = 600) -> dict:
    """`sessions` × `per_session` jobs `target(params)` at once, one worker killed mid-way; how each ended."""
    deadline = time.time() + timeout_s
    out = {"ids": [], "refusals": [], "never_submitted": 0}
    t0 = time.time()
    threads = [threading.Thread(target=_session, args=(runner, f"s{i}", per_session, (target, params), deadline, out))
               for i in range(sessions)]
    for t in threads:
        t.start()
    killed = _kill_one(runner, out["ids"], after_done=3, deadline=deadline)
    for t in threads:
        t.join()
    jobs = [runner.wait(j, timeout=max(1.0, deadline - time.time())) for j in out["ids"]]
    wall = time.time() - t0
    ended = [j for j in jobs if j.status in FINISHED and (j.status == "done" or j.error)]
    return {"jobs": sessions * per_session, "accepted": len(jobs), "done": sum(j.status == "done" for j in jobs),
            "failed": sum(j.status == "failed" for j in jobs), "busy_answers": len(out["refusals"]),
            "never_submitted": out["never_submitted"], "lost": sessions * per_session - len(ended),
            "killed_reported": killed is not None and runner.get(killed).status == "failed", "wall_s": wall,
            "waits_s": [j.started - j.submitted for j in jobs if j.started]}


def _ray_runner(**kw):
    import ray

    from anndl.jobs_ray import RayRunner

    if not ray.is_initialized():  # loopback only, 2 CPUs: two jobs at a time, like two local workers
        # the hub actor's process is no training slot: without the third, Ray ends an idle worker that has
        # TensorFlow loaded as soon as it has 3 processes, and the next job waits for a fresh one
        ray.init(num_cpus=2, include_dashboard=False, namespace="anndl", object_store_memory=80 * 1024**2,
                 _node_ip_address="127.0.0.1", log_to_driver=False, configure_logging=False,
                 _system_config={"num_workers_soft_limit": 3})
        return RayRunner(cpus=1, **kw), ray.shutdown
    return RayRunner(cpus=1, **kw), lambda: None


def bench(quick: bool = False, tiny: bool = False) -> BenchResult:
    sessions, per_session, epochs, warm_runs = (2, 2, 1, 1) if tiny else (10, 2, 3 if quick else 5, 3 if quick else 5)
    limits = Limits(time_limit_s=300, grace_s=5)
    rows, figures = [], {}
    for name in ("local", "ray"):
        if name == "local":
            runner, stop_engine = JobRunner(workers=2, max_pending=8, limits=limits), (lambda: None)
        else:
            runner, stop_engine = _ray_runner(max_pending=8, limits=limits)
        try:
            cold, warm = latency(runner, warm_runs)
            tally = load(runner, sessions, per_session, {"epochs": epochs})
        finally:
            runner.shutdown()
            stop_engine()
        waits = tally.pop("waits_s")
        figures[name] = {"first_epoch_cold_s": cold, "first_epoch_warm_s": warm, **tally,
                         "median_queue_wait_s": statistics.median(waits) if waits else 0.0}
        rows.append({"backend": name, **figures[name]})
    ray_f, local_f = figures["ray"], figures["local"]
    return BenchResult(
        topic="jobs", dataset=f"{sessions * per_session} jobs from {sessions} sessions, {epochs}-epoch dense net",
        metric="ray submit-to-first-epoch s (warm median)", value=ray_f["first_epoch_warm_s"],
        train_s=ray_f["wall_s"], samples_per_s=ray_f["done"] / ray_f["wall_s"],
        baseline=Baseline("local process pool (2 workers)", local_f["first_epoch_warm_s"], local_f["wall_s"]),
        rows=rows, extra={"ray": ray_f, "local": local_f})
