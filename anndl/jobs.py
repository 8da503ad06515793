"""The job runner: training in worker processes behind a bounded queue (DESIGN §4).

A job is `target(params, ctx)` where `target` is "module:function" (importable in a fresh process)
and `ctx` is a JobContext. The function reports progress with `ctx.report(event)`, checks
`ctx.cancelled()` (the ProgressCallback does it once per batch), saves files under `ctx.workdir`
and returns a picklable result dict. `JobRunner` is the local-process backend; a distributed engine
(Ray) would implement the same four methods (submit, get, cancel, shutdown) behind `Backend`.

Each worker has its own event pipe, so a worker killed mid-message (SIGKILL, out of memory) cannot
corrupt or block the events of the others: its pipe reads as closed, its job is marked failed, and a
fresh worker takes its place.
"""

from __future__ import annotations

import atexit
import itertools
import multiprocessing as mp
import os
import shutil
import signal
import tempfile
import threading
import time
import traceback
from collections import deque
from multiprocessing.connection import wait as wait_ready
from typing import Any

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
from anndl.results import ResultStore
from anndl.worker import JobContext, _Worker, resolve, run_inline, save_model  # noqa: F401


class JobRunner:
    """Local backend: `workers` processes, at most `max_pending` jobs waiting, `per_owner` jobs per session.

    With `root` the jobs' folders and records persist there (a ResultStore bounded by `ttl_s` and
    `max_bytes`); without it they live in a temporary folder removed at shutdown. With `orphan_grace_s`, a
    job no session has asked about (`get`) for that long is cancelled (its browser closed); None lets it finish.
    """

    def __init__(self, workers: int = 1, max_pending: int = 4, limits: Limits | None = None,
                 warm: tuple[str, ...] = ("keras",), root: str | None = None, keep_finished: int = 200,
                 keep_seen_s: float = 3600.0, per_owner: int = 2, ttl_s: float = 24 * 3600.0,
                 max_bytes: int = 2 * 1024**3, orphan_grace_s: float | None = None):
        self._mp = mp.get_context("spawn")  # TensorFlow is not fork-safe
        self._warm = warm
        self.limits = limits or Limits()
        self.max_pending = max_pending
        self.keep_finished = keep_finished
        # a finished job a session looked at within this time keeps its folder (the page loads its model from it)
        self.keep_seen_s = keep_seen_s
        self._own_root = root is None
        self.root = root or tempfile.mkdtemp(prefix="anndl-jobs-")
        self.store = ResultStore(self.root, ttl_s, max_bytes)
        self.per_owner, self.orphan_grace_s = per_owner, orphan_grace_s
        self._lock = threading.RLock()
        self._jobs: dict[str, Job] = {}
        self._job_limits: dict[str, Limits] = {}
        self._pending: deque[tuple[Job, dict]] = deque()
        self._workers = [_Worker(self._mp, warm) for _ in range(workers)]
        self._counter = itertools.count()
        self._nums: dict[str, int] = {}
        self._respawn_at = 0.0  # after workers die at start-up, wait before the next try
        self._backoff = 0.5
        self._stop = threading.Event()
        self._pump = threading.Thread(target=self._run, name="anndl-jobs", daemon=True)
        self._pump.start()
        atexit.register(self._at_exit)  # runs before multiprocessing's own exit handler stops the workers

    def __enter__(self) -> JobRunner:
        return self

    def __exit__(self, *exc) -> None:
        self.shutdown()

    def submit(self, target: str, params: dict, limits: Limits | None = None, owner: str = "") -> str:
        """Queue a job; raises QueueFull (server busy) or OwnerBusy (this session has its share)."""
        with self._lock:
            mine = [j for j in self._jobs.values() if owner and j.owner == owner and not j.finished]
            if len(mine) >= self.per_owner:
                raise OwnerBusy("You already have a job training and one waiting: wait for one to finish or "
                                "press Stop, then train again.")
            if len(self._pending) >= self.max_pending:
                raise QueueFull(f"The server is busy: {len(self._pending)} training jobs are already waiting. "
                                "Please try again in a minute.")
            num = next(self._counter)
            # the id carries its submission time (expiry after a restart) and randomness (not guessable)
            job = Job(id=f"job-{int(time.time())}-{num}-{os.urandom(4).hex()}", target=target, owner=owner)
            self._jobs[job.id] = job
            self._nums[job.id] = num
            self._job_limits[job.id] = limits or self.limits
            self._pending.append((job, params))
            self._prune()
            self.store.save(job)
        return job.id

    def get(self, job_id: str) -> Job | None:
        """The job, from memory or from the results folder (after a restart); None if unknown or removed."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None:
                job = self.store.load(job_id)
                if job is None:
                    return None
                if not job.finished:  # recorded by a server that stopped before the job ended
                    self._finish(job, "interrupted", error=INTERRUPTED)
                self._jobs[job.id] = job
            job.seen = time.time()
            return job

    def expired(self, job_id: str) -> bool:
        """True when a job id from a link belongs to a result removed by age or size."""
        with self._lock:
            return job_id not in self._jobs and self.store.expired(job_id)

    def wait(self, job_id: str, timeout: float | None = None, poll_s: float = 0.05) -> Job:
        """Block until the job has finished (or `timeout` seconds passed); return it (command line, tests)."""
        end = None if timeout is None else time.time() + timeout
        while True:
            job = self.get(job_id)
            if job is None:
                raise KeyError(f"unknown job {job_id!r}")
            if job.finished or (end is not None and time.time() > end):
                return job
            time.sleep(poll_s)

    def cancel(self, job_id: str) -> None:
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None or job.finished:
                return
            job.cancel_requested = True
            for entry in list(self._pending):
                if entry[0] is job:
                    self._pending.remove(entry)
                    self._finish(job, "cancelled")
            for w in self._workers:
                if w.job is job:
                    w.cancel_flag.value = w.num
                    w.cancel_at = time.time()

    def queue_length(self) -> int:
        with self._lock:
            return len(self._pending)

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
        if self._own_root:
            shutil.rmtree(self.root, ignore_errors=True)

    def _at_exit(self) -> None:
        """At interpreter exit: stop the pump first, so that it does not replace workers that are being ended."""
        self._stop.set()
        with self._lock:
            for w in self._workers:
                if w.proc.is_alive():
                    w.proc.kill()

    def _finish(self, job: Job, status: str, result: Any = None, error: str | None = None) -> None:
        job.status, job.ended = status, time.time()
        job.result, job.error = result, error
        try:
            self.store.save(job)
        except Exception:  # a full disk must not stop the pump: the result still shows in this process
            traceback.print_exc()

    def _prune(self) -> None:
        """Beyond `keep_finished` finished jobs, forget the oldest ones no session has asked for lately; then
        bound the results folder by age and size (live jobs stay)."""
        done = [j for j in self._jobs.values() if j.finished]
        stale = [j for j in done if time.time() - j.seen > self.keep_seen_s]
        for job in sorted(stale, key=lambda j: j.ended or 0)[: max(0, len(done) - self.keep_finished)]:
            del self._jobs[job.id]
            shutil.rmtree(os.path.join(self.root, job.id), ignore_errors=True)
        live = {j.id for j in self._jobs.values() if not j.finished}
        for name in self.store.prune(keep=live):
            self._jobs.pop(name, None)

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
        if kind == "started":
            job.status, job.started = "running", time.time()
        elif kind == "progress":
            job.latest = payload
            if isinstance(payload, dict) and payload.get("kind") == "epoch":
                job.epochs.append(payload)
        else:
            worker = next((w for w in self._workers if w.job is job), None)
            if worker:
                worker.job, worker.cancel_at = None, None
            if kind == "failed":
                self._finish(job, "failed", error=payload)
            elif job.cancel_requested:
                self._finish(job, "cancelled", result=payload)
            elif kind == "timeout":
                limit = self._job_limits[job.id].time_limit_s
                self._finish(job, "timeout", result=payload, error=f"The job reached its {limit:.0f} s time limit.")
            else:
                self._finish(job, "done", result=payload)

    def _housekeep(self) -> None:
        if self._stop.is_set():
            return
        if self.orphan_grace_s is not None:  # browsers that closed mid-job: nobody polls their jobs any more
            for job in [j for j in self._jobs.values() if not j.finished and not j.cancel_requested]:
                if time.time() - job.seen > self.orphan_grace_s:
                    self.cancel(job.id)
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
                self._workers[i] = w = _Worker(self._mp, self._warm)
            elif w.job is not None:
                limits = self._job_limits[w.job.id]
                now = time.time()
                late = w.job.started and now - w.job.started > limits.time_limit_s + limits.grace_s
                stuck = w.cancel_at is not None and now - w.cancel_at > limits.grace_s
                if late or stuck:  # the job ignored the soft stop: kill the worker, keep the others going
                    job = w.job
                    w.job = None
                    w.broken = True
                    if stuck:
                        self._finish(job, "cancelled", error="Stopped by you (the worker had to be restarted).")
                    else:
                        self._finish(job, "timeout", error=f"The job ran past its {limits.time_limit_s:.0f} s limit "
                                     "and was stopped.")
                    continue  # replaced on the next round
            if w.job is None and self._pending and w.alive():
                job, params = self._pending.popleft()
                w.job, w.num, w.cancel_at = job, self._nums[job.id], None
                workdir = os.path.join(self.root, job.id)
                os.makedirs(workdir, exist_ok=True)
                w.inbox.put((job.id, w.num, job.target, params, self._job_limits[job.id], workdir))
