"""The Ray backend of the job runner (issue 23): the same jobs, limits and records as `anndl.jobs.JobRunner`,
run as Ray tasks on a cluster that several app replicas share. Imported only when ANNDL_RAY_ADDRESS is set.

Each job is one Ray task asking for `cpus` CPUs and, on a cluster with GPUs, `gpus` GPUs (a share: 0.5 runs
two jobs per GPU). Progress events and Stop travel through one named actor, the `JobHub`, which every replica
reads: a browser that reconnects to another replica finds the job's record in the shared results folder and
follows it through the hub. The replica that submitted a job holds its task and writes its end: the result,
or "failed" when the task's worker died (killed, out of memory), or a kill past the time limit or a Stop.
"""

from __future__ import annotations

import atexit
import os
import pickle
import threading
import time
import traceback
from typing import Any

import ray
from ray.exceptions import RayError, TaskCancelledError

from anndl.jobbase import RunnerBase
from anndl.jobenv import worker_env
from anndl.jobhub import HUB, NAMESPACE, JobHub
from anndl.jobspec import CRASHED, STOPPED, Job, Limits, QueueFull
from anndl.worker import JobContext, resolve, run_job

POLL_S = 0.1  # how often a job asks the hub whether Stop was pressed (a round trip costs ~1 ms)
UNREACHABLE = "The training cluster cannot be reached right now: please try again in a minute."
ADOPT_SLACK_S = 60.0  # another replica's job silent this long past its time limit: that replica died with it


class _HubEvents:
    """The job's end of the hub, in the shape JobContext expects. Stop is asked at most every POLL_S, and always
    right after an epoch ended: a job whose epochs are shorter than a poll still stops within one epoch."""

    def __init__(self, hub, job_id: str):
        self.hub, self.job_id = hub, job_id
        self.asked, self.stop = 0.0, False

    def put(self, item: tuple) -> None:
        kind, job_id, payload = item
        self.hub.post.remote(job_id, (kind, payload))
        if kind == "progress" and isinstance(payload, dict) and payload.get("kind") == "epoch":
            self.asked = 0.0  # the check that follows an epoch's report asks the hub

    def stop_requested(self) -> bool:
        if not self.stop and time.time() - self.asked > POLL_S:
            self.asked = time.time()
            try:
                self.stop = ray.get(self.hub.stop_requested.remote(self.job_id), timeout=10)
            except RayError:  # no hub for now: train on; the replica still kills the job past a Stop's grace
                pass
        return self.stop


def _ray_job(hub, job_id: str, target: str, params: dict, limits: Limits, workdir: str) -> tuple[str, Any]:
    """The task: run the job function in this Ray worker, its events to the hub; returns (kind, payload)."""
    events = _HubEvents(hub, job_id)
    events.put(("started", job_id, os.getpid()))
    kind, payload = run_job(target, params, JobContext(job_id, events, events.stop_requested, limits, workdir))
    if kind != "failed":
        try:  # records are pickled into the shared results folder: refuse a result that cannot be kept
            pickle.dumps(payload)
        except Exception as exc:
            kind, payload = "failed", f"the job's result cannot be kept: {type(exc).__name__}: {exc}"
    ray.get(hub.stop_requested.remote(job_id))  # the hub runs our calls in order: every event is in before the end
    return kind, payload


def _ray_gpu_job(*args) -> tuple[str, Any]:
    """`_ray_job` on a GPU, in a worker that ends after it (Ray's own default for GPU tasks): TensorFlow never
    gives GPU memory back, so an idle worker must not keep it from the next job."""
    return _ray_job(*args)


def job_resources(target: str, cpus: float, gpus: float) -> dict:
    """What one job asks of the cluster: `cpus` CPUs and `gpus` GPUs, unless its function says `size = "small"`
    (a net so small that a CPU trains it as fast as a GPU): then one CPU and no GPU."""
    try:
        small = getattr(resolve(target), "size", "") == "small"
    except (ImportError, AttributeError, ValueError):  # the job itself will report that it cannot start
        small = False
    return {"num_cpus": min(cpus, 1.0), "num_gpus": 0} if small else {"num_cpus": cpus, "num_gpus": gpus}


class RayRunner(RunnerBase):
    """Ray backend: jobs as tasks with `cpus` CPUs and (on a cluster with GPUs) `gpus` GPUs each (`job_resources`);
    at most `max_pending` of this replica's jobs and `max_total_pending` of all replicas' jobs wait for a worker;
    RunnerBase's other limits and results folder (give every replica and Ray worker the same `root`, a shared
    volume, so all see every job)."""

    def __init__(self, address: str | None = None, max_pending: int = 4, limits: Limits | None = None,
                 cpus: float = 1.0, gpus: float = 0.5, max_total_pending: int | None = None, **common):
        super().__init__(max_pending=max_pending, limits=limits, **common)
        self._own_ray = not ray.is_initialized()
        if self._own_ray:
            ray.init(address=address or None, namespace=NAMESPACE, log_to_driver=False)
        self.hub = JobHub.options(name=HUB, namespace=NAMESPACE, get_if_exists=True, lifetime="detached").remote()
        self.cpus, self.gpus = cpus, gpus if ray.cluster_resources().get("GPU", 0) > 0 else 0.0
        # a dead worker's job fails, it is not rerun; a GPU job's worker ends after it
        self._tasks = {False: ray.remote(max_retries=0)(_ray_job),
                       True: ray.remote(max_retries=0, max_calls=1)(_ray_gpu_job)}
        self.max_total_pending = max_total_pending
        self._refs: dict[str, ray.ObjectRef] = {}  # this replica's unfinished tasks
        self._cursor: dict[str, int] = {}  # events read from the hub, per followed job
        self._cancel_at: dict[str, float] = {}
        self._stop = threading.Event()
        self._pump = threading.Thread(target=self._run, name="anndl-ray-jobs", daemon=True)
        self._pump.start()
        atexit.register(self._at_exit)  # before Ray's own exit handler disconnects

    def submit(self, target: str, params: dict, limits: Limits | None = None, owner: str = "",
               backend: str | None = None) -> str:
        """Start a Ray task (in a worker of the job's Keras backend: its env vars are the task's runtime_env);
        raises QueueFull (busy here or on the cluster) or OwnerBusy (this session's share)."""
        with self._lock:
            job = self._admit(target, limits, owner, backend)
            try:
                admitted = ray.get(self.hub.register.remote(job.id, self.max_total_pending), timeout=10)
            except RayError:
                self._forget(job.id)
                raise QueueFull(UNREACHABLE) from None
            if not admitted:
                self._forget(job.id)
                raise QueueFull("The training cluster is busy: many jobs are already waiting. "
                                "Please try again in a minute.")
            workdir = self.store.folder(job.id)
            os.makedirs(workdir, exist_ok=True)
            asks = job_resources(target, self.cpus, self.gpus)
            env = worker_env(job.backend, max(1, round(1 / self.gpus)) if self.gpus else 1)
            task = self._tasks[asks["num_gpus"] > 0].options(**asks, runtime_env={"env_vars": env})
            self._refs[job.id] = task.remote(self.hub, job.id, target, params, self._job_limits[job.id], workdir)
            self._cursor[job.id] = 0
            self._prune()
            self.store.save(job)
        return job.id

    def _stop_job(self, job: Job) -> None:
        try:
            ray.get(self.hub.stop.remote(job.id), timeout=10)
        except RayError:  # no hub: this replica's own job is still killed after the grace
            pass
        ref = self._refs.get(job.id)
        if job.status == "queued" and ref is not None:  # not started: Ray drops it from its queue
            ray.cancel(ref)
            self._close(job, "cancelled")
        else:
            self._cancel_at[job.id] = time.time()

    def shutdown(self) -> None:
        """Stop this replica's jobs (their tasks die with it anyway) and, if it started Ray, Ray too."""
        atexit.unregister(self._at_exit)
        self._at_exit()
        self._pump.join(timeout=5)
        if self._own_ray:
            ray.shutdown()
        super().shutdown()

    def _at_exit(self) -> None:
        """The server stops (also without a clean shutdown): its jobs end as interrupted, for every replica to see."""
        self._stop.set()
        with self._lock:
            for job_id in list(self._refs):
                ray.cancel(self._refs[job_id], force=True)
                self._close(self._jobs[job_id], "interrupted", error=STOPPED)
            try:
                ray.get(self.hub.live.remote(), timeout=10)  # the hub runs our calls in order: the ends are in
            except RayError:
                pass

    def _queued(self) -> int:
        return sum(self._jobs[j].status == "queued" for j in self._refs)

    def _recover(self, job: Job) -> None:
        """Another replica's job (or one of a replica that stopped): follow it through the hub if it knows it."""
        try:
            known = job.id in ray.get(self.hub.since.remote({job.id: 0}), timeout=30)
        except RayError:
            known = False
        if known:
            self._cursor[job.id] = 0
        else:
            super()._recover(job)

    def _live(self) -> set[str]:
        try:
            return super()._live() | ray.get(self.hub.live.remote(), timeout=30)
        except RayError:
            return super()._live()

    def _forget(self, job_id: str) -> None:
        for d in (self._jobs, self._job_limits, self._nums):
            d.pop(job_id, None)

    def _close(self, job: Job, status: str, result: Any = None, error: str | None = None) -> None:
        """End a job here and tell the other replicas through the hub."""
        self._finish(job, status, result, error)
        self._drop(job.id)
        self.hub.post.remote(job.id, ("end", (status, result, error)))

    def _drop(self, job_id: str) -> None:
        self._refs.pop(job_id, None)
        self._cursor.pop(job_id, None)
        self._cancel_at.pop(job_id, None)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                with self._lock:
                    refs = {ref: job_id for job_id, ref in self._refs.items()}
                ready = ray.wait(list(refs), num_returns=len(refs), timeout=POLL_S)[0] if refs else []
                if not refs:
                    time.sleep(POLL_S)
                self._sync()  # first the events (the task posted them all before returning), then the ends
                for ref in ready:
                    self._collect(refs[ref], ref)
                with self._lock:
                    self._housekeep()
            except RayError:  # the hub or the cluster is gone for now: the pages keep their last state
                time.sleep(1.0)
            except Exception:  # never let one bad state stop the pump that serves every session
                traceback.print_exc()
                time.sleep(POLL_S)

    def _sync(self) -> None:
        with self._lock:
            cursors = dict(self._cursor)
        news = ray.get(self.hub.since.remote(cursors)) if cursors else {}
        with self._lock:
            for job_id, events in news.items():
                job = self._jobs.get(job_id)
                if job is None or job_id not in self._cursor:
                    continue
                self._cursor[job_id] += len(events)
                for kind, payload in events:
                    if job.finished:
                        break
                    if kind == "cancel":
                        job.cancel_requested = True
                        self._cancel_at.setdefault(job_id, time.time())
                    elif kind == "end":  # another replica's job ended
                        self._finish(job, *payload)
                        self._drop(job_id)
                    else:
                        self._on_progress(job, kind, payload)

    def _collect(self, job_id: str, ref) -> None:
        """The task's return: its result, or why it has none (its worker died, or was killed by us)."""
        try:
            kind, payload = ray.get(ref)
        except (TaskCancelledError, RayError) as exc:
            kind, payload = "lost", exc
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None or job.finished or job_id not in self._refs:
                return
            if kind == "lost":
                status, error = ("cancelled", "Stopped by you.") if job.cancel_requested else ("failed", CRASHED)
                self._close(job, status, error=error)
            else:
                self._end(job, kind, payload)
                self._close(job, job.status, job.result, job.error)

    def _housekeep(self) -> None:
        if self._stop.is_set():
            return
        self._cancel_orphans()
        now = time.time()
        for job_id in list(self._cursor):
            job = self._jobs[job_id]
            if job_id in self._refs:
                if self._overdue(job, self._cancel_at.get(job_id)):  # it ignored the soft stop: kill its worker
                    ray.cancel(self._refs[job_id], force=True)
                    self._close(job, job.status, job.result, job.error)
            elif job.started and now - job.started > self._job_limits[job_id].time_limit_s + ADOPT_SLACK_S:
                self._finish(job, "interrupted", error=STOPPED)  # its replica never said how it ended
                self._drop(job_id)
