"""The job runner: training in worker processes behind a bounded queue (DESIGN §4).

A job is `target(params, ctx)` where `target` is "module:function" (importable in a fresh process)
and `ctx` is a JobContext. The function reports progress with `ctx.report(event)`, checks
`ctx.cancelled()` (the ProgressCallback does it once per batch), saves files under `ctx.workdir`
and returns a picklable result dict. `JobRunner` is the local-process backend; `anndl.jobs_ray.RayRunner`
runs the same jobs on a Ray cluster behind the same `Backend` methods; `open_runner` picks one.

Each worker has its own event pipe, so a worker killed mid-message (SIGKILL, out of memory) cannot
corrupt or block the events of the others: its pipe reads as closed, its job is marked failed, and a
fresh worker takes its place.
"""

from __future__ import annotations

import atexit
import multiprocessing as mp
import os
import signal
import threading
import time
import traceback
from collections import deque
from multiprocessing.connection import wait as wait_ready
from typing import Any

from anndl.jobbase import RunnerBase
from anndl.jobenv import available, default_backend, worker_env
from anndl.jobspec import (  # noqa: F401  (the runner's public API)
    CRASHED,
    FINISHED,
    INTERRUPTED,
    STOPPED,
    Backend,
    Job,
    Limits,
    OwnerBusy,
    QueueFull,
)
from anndl.worker import JobContext, _Worker, job_of, resolve, run_inline, save_model, saving  # noqa: F401


class JobRunner(RunnerBase):
    """Local backend: `workers` jobs training at once, at most `max_pending` waiting, `per_owner` per session.

    A job runs in a worker process of its Keras backend (`Job.backend`, anndl.jobenv): `workers` processes of the
    default backend start at once, those of another backend when its first job comes (at most `workers` each).
    The other arguments (results folder, expiry, orphans) are RunnerBase's.
    """

    def __init__(self, workers: int = 1, max_pending: int = 4, limits: Limits | None = None,
                 warm: tuple[str, ...] = ("keras",), **common):
        super().__init__(max_pending=max_pending, limits=limits, **common)
        self._mp = mp.get_context("spawn")  # TensorFlow is not fork-safe
        self._warm = warm
        self._size = workers
        self._pending: deque[tuple[Job, dict]] = deque()
        self._workers = [self._spawn(default_backend()) for _ in range(workers)]
        self._respawn_at = 0.0  # after workers die at start-up, wait before the next try
        self._backoff = 0.5
        self._stop = threading.Event()
        self._pump = threading.Thread(target=self._run, name="anndl-jobs", daemon=True)
        self._pump.start()
        atexit.register(self._at_exit)  # runs before multiprocessing's own exit handler stops the workers

    def _spawn(self, backend: str) -> _Worker:
        """A worker process for `backend`, its GPU memory share split among the workers of every installed backend."""
        env = worker_env(backend, self._size, max(1, len(available())))
        return _Worker(self._mp, self._warm, backend, env)

    def submit(self, target: str, params: dict, limits: Limits | None = None, owner: str = "",
               backend: str | None = None) -> str:
        """Queue a job (on `backend`, else its topic's: anndl.jobenv.choose); raises QueueFull (server busy) or
        OwnerBusy (this session has its share)."""
        with self._lock:
            job = self._admit(target, limits, owner, backend)
            self._pending.append((job, params))
            self._prune()
            self.store.save(job)
        return job.id

    def _queued(self) -> int:
        return len(self._pending)

    def _stop_job(self, job: Job) -> None:
        for entry in list(self._pending):
            if entry[0] is job:
                self._pending.remove(entry)
                self._finish(job, "cancelled")
        for w in self._workers:
            if w.job is job:
                w.cancel_flag.value = w.num
                w.cancel_at = time.time()

    def shutdown(self) -> None:
        self._stop.set()
        atexit.unregister(self._at_exit)
        self._pump.join(timeout=5)
        for w in self._workers:
            try:
                w.inbox.put(None)
            except (OSError, ValueError):
                pass
        for w in self._workers:
            w.proc.join(timeout=5)
            w.discard()
        super().shutdown()

    def _at_exit(self) -> None:
        """At interpreter exit: stop the pump first, so that it does not replace workers that are being ended."""
        self._stop.set()
        with self._lock:
            for w in self._workers:
                if w.proc.is_alive():
                    w.proc.kill()

    def _run(self) -> None:
        while not self._stop.is_set():
            with self._lock:
                by_conn = {w.events: w for w in self._workers if not w.broken}
            ready = wait_ready(list(by_conn), timeout=0.1) if by_conn else []
            if not by_conn:
                time.sleep(0.1)
            for conn in ready:
                worker = by_conn[conn]
                try:
                    kind, job_id, payload = conn.recv()
                except (EOFError, OSError):
                    worker.broken = True  # the process died; housekeeping replaces it
                    continue
                except Exception as exc:  # a message that cannot be unpickled here: fail that job only
                    kind, job_id, payload = "failed", worker.job.id if worker.job else "", f"unreadable result: {exc}"
                with self._lock:
                    self._on_event(kind, job_id, payload)
            with self._lock:
                try:
                    self._housekeep()
                except Exception:  # never let one bad state stop the pump that serves every session
                    traceback.print_exc()

    def _on_event(self, kind: str, job_id: str, payload: Any) -> None:
        job = self._jobs.get(job_id)
        if job is None or job.finished:
            return
        if kind in ("started", "progress"):
            self._on_progress(job, kind, payload)
        else:
            worker = next((w for w in self._workers if w.job is job), None)
            if worker:
                worker.job, worker.cancel_at = None, None
            self._end(job, kind, payload)

    def _housekeep(self) -> None:
        if self._stop.is_set():
            return
        self._cancel_orphans()
        for i, w in enumerate(self._workers):
            if not w.alive():
                if w.job is not None:
                    w.proc.join(timeout=0.5)  # its exit code tells a crash from a server being stopped
                    if w.job.cancel_requested:
                        self._finish(w.job, "cancelled", error="Stopped by you.")
                    elif w.proc.exitcode in (-signal.SIGTERM, -signal.SIGINT, -signal.SIGHUP):
                        # Ctrl-C or a stop of the server's process group reaches the workers first
                        self._finish(w.job, "interrupted", error=STOPPED)
                    else:
                        self._finish(w.job, "failed", error=CRASHED)
                    w.job = None
                if time.time() < self._respawn_at:
                    continue
                w.discard()
                if time.time() - w.born < 5:  # died while starting: a broken environment, do not spin
                    self._respawn_at, self._backoff = time.time() + self._backoff, min(30.0, self._backoff * 2)
                else:
                    self._backoff = 0.5
                self._workers[i] = self._spawn(w.backend)
            elif w.job is not None and self._overdue(w.job, w.cancel_at):
                # the job ignored the soft stop: kill the worker (replaced on the next round), keep the others going
                w.job, w.broken = None, True
        self._dispatch()

    def _dispatch(self) -> None:
        """Hand waiting jobs, in order, to an idle worker of their backend (started if it has none yet), while
        fewer than `workers` jobs train."""
        while self._pending and sum(w.job is not None for w in self._workers) < self._size:
            job, params = self._pending[0]
            w = next((w for w in self._workers if w.job is None and w.alive() and w.backend == job.backend), None)
            if w is None:
                if sum(x.backend == job.backend for x in self._workers) >= self._size:
                    return  # its workers are starting again after a crash: the job waits
                w = self._spawn(job.backend)
                self._workers.append(w)
            self._pending.popleft()
            w.job, w.num, w.cancel_at = job, self._nums[job.id], None
            workdir = os.path.join(self.root, job.id)
            os.makedirs(workdir, exist_ok=True)
            w.inbox.put((job.id, w.num, job.target, params, self._job_limits[job.id], workdir))


def open_runner(address: str = "", workers: int = 1, ray: dict | None = None, **common) -> RunnerBase:
    """The local pool, or the Ray backend when `address` (ANNDL_RAY_ADDRESS) is set: Ray is imported only then.

    `ray` holds RayRunner's own options (resources per job, the cluster-wide queue bound); `common` RunnerBase's.
    """
    if address:
        from anndl.jobs_ray import RayRunner

        return RayRunner(address=address, **(ray or {}), **common)
    return JobRunner(workers=workers, **common)
