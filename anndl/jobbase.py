"""What every job-runner backend shares (DESIGN §4, issue 23): the fair share and the bounded queue at submit,
job records in a ResultStore, expiry, the end of a job from its worker's last word, the stop of overdue jobs.

`anndl.jobs.JobRunner` (local processes) and `anndl.jobs_ray.RayRunner` (a Ray cluster) subclass it; a backend
supplies `_queued()` (jobs waiting for a worker) and `_recover(job)` (a record a stopped server left unfinished).
"""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
import threading
import time
import traceback
from typing import Any

from anndl.jobenv import choose
from anndl.jobspec import INTERRUPTED, Job, Limits, OwnerBusy, QueueFull
from anndl.results import ResultStore


class RunnerBase:
    """At most `max_pending` jobs waiting, `per_owner` unfinished jobs per session; records under `root`.

    With `root` the jobs' folders and records persist there (a ResultStore bounded by `ttl_s` and
    `max_bytes`); without it they live in a temporary folder removed at shutdown. With `orphan_grace_s`, a
    job no session has asked about (`get`) for that long is cancelled (its browser closed); None lets it finish.
    """

    def __init__(self, max_pending: int = 4, limits: Limits | None = None, root: str | None = None,
                 keep_finished: int = 200, keep_seen_s: float = 3600.0, per_owner: int = 2,
                 ttl_s: float = 24 * 3600.0, max_bytes: int = 2 * 1024**3, orphan_grace_s: float | None = None):
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
        self._counter = itertools.count()
        self._nums: dict[str, int] = {}

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.shutdown()

    def shutdown(self) -> None:
        if self._own_root:
            shutil.rmtree(self.root, ignore_errors=True)

    def _queued(self) -> int:
        raise NotImplementedError

    def _recover(self, job: Job) -> None:
        """A record read back unfinished: by default its server stopped before the job ended."""
        self._finish(job, "interrupted", error=INTERRUPTED)

    def _admit(self, target: str, limits: Limits | None, owner: str, backend: str | None = None) -> Job:
        """The new job's record, or QueueFull (server busy) / OwnerBusy (this session has its share). Under the lock."""
        mine = [j for j in self._jobs.values() if owner and j.owner == owner and not j.finished]
        if len(mine) >= self.per_owner:
            raise OwnerBusy("You already have a job training and one waiting: wait for one to finish or "
                            "press Stop, then train again.")
        if self._queued() >= self.max_pending:
            raise QueueFull(f"The server is busy: {self._queued()} training jobs are already waiting. "
                            "Please try again in a minute.")
        num = next(self._counter)
        # the id carries its submission time (expiry after a restart) and randomness (not guessable)
        job = Job(id=f"job-{int(time.time())}-{num}-{os.urandom(4).hex()}", target=target, owner=owner,
                  backend=backend or choose(target))
        self._jobs[job.id] = job
        self._nums[job.id] = num
        self._job_limits[job.id] = limits or self.limits
        return job

    def get(self, job_id: str) -> Job | None:
        """The job, from memory or from the results folder (after a restart); None if unknown or removed."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None:
                job = self.store.load(job_id)
                if job is None:
                    return None
                self._job_limits.setdefault(job.id, self.limits)
                if not job.finished:  # recorded by a server that stopped, or by another replica
                    self._recover(job)
                self._jobs[job.id] = job
            job.seen = time.time()
            return job

    def cancel(self, job_id: str) -> None:
        """Ask an unfinished job to stop (Stop pressed): a waiting job ends at once, a running one within its grace."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None or job.finished:
                return
            job.cancel_requested = True
            self._stop_job(job)

    def _stop_job(self, job: Job) -> None:
        """The backend's part of `cancel`, under the lock."""
        raise NotImplementedError

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

    def queue_length(self) -> int:
        with self._lock:
            return self._queued()

    def _finish(self, job: Job, status: str, result: Any = None, error: str | None = None) -> None:
        job.status, job.ended = status, time.time()
        job.result, job.error = result, error
        try:
            self.store.save(job)
        except Exception:  # a full disk must not stop the pump: the result still shows in this process
            traceback.print_exc()

    def _end(self, job: Job, kind: str, payload: Any) -> None:
        """A job's last word from its worker: "failed" (payload: the error), "timeout" or "done" (the result)."""
        if kind == "failed":
            self._finish(job, "failed", error=payload)
        elif job.cancel_requested:
            self._finish(job, "cancelled", result=payload)
        elif kind == "timeout":
            limit = self._job_limits[job.id].time_limit_s
            self._finish(job, "timeout", result=payload, error=f"The job reached its {limit:.0f} s time limit.")
        else:
            self._finish(job, "done", result=payload)

    def _on_progress(self, job: Job, kind: str, payload: Any) -> None:
        """A "started" or "progress" event of a running job."""
        if kind == "started":
            job.status, job.started = "running", time.time()
        elif kind == "progress":
            job.latest = payload
            if isinstance(payload, dict) and payload.get("kind") == "epoch":
                job.epochs.append(payload)

    def _overdue(self, job: Job, cancel_at: float | None) -> bool:
        """True (and the job finished) when it ignored its time limit or a Stop past the grace: kill its worker."""
        limits = self._job_limits[job.id]
        now = time.time()
        late = job.started and now - job.started > limits.time_limit_s + limits.grace_s
        stuck = cancel_at is not None and now - cancel_at > limits.grace_s
        if stuck:
            self._finish(job, "cancelled", error="Stopped by you (the worker had to be restarted).")
        elif late:
            self._finish(job, "timeout", error=f"The job ran past its {limits.time_limit_s:.0f} s limit "
                         "and was stopped.")
        return bool(late or stuck)

    def _cancel_orphans(self) -> None:
        """Browsers that closed mid-job: nobody polls their jobs any more."""
        if self.orphan_grace_s is None:
            return
        for job in [j for j in self._jobs.values() if not j.finished and not j.cancel_requested]:
            if time.time() - job.seen > self.orphan_grace_s:
                self.cancel(job.id)

    def _live(self) -> set[str]:
        """Ids of the jobs whose folders must stay (unfinished)."""
        return {j.id for j in self._jobs.values() if not j.finished}

    def _prune(self) -> None:
        """Beyond `keep_finished` finished jobs, forget the oldest ones no session has asked for lately; then
        bound the results folder by age and size (live jobs stay)."""
        done = [j for j in self._jobs.values() if j.finished]
        stale = [j for j in done if time.time() - j.seen > self.keep_seen_s]
        for job in sorted(stale, key=lambda j: j.ended or 0)[: max(0, len(done) - self.keep_finished)]:
            del self._jobs[job.id]
            shutil.rmtree(os.path.join(self.root, job.id), ignore_errors=True)
        for name in self.store.prune(keep=self._live()):
            self._jobs.pop(name, None)
