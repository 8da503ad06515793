"""The Ray actor through which the replicas and the jobs of the Ray backend talk (issue 23): every job's events
(started, progress, cancel, end) and Stop flags, and the cluster-wide count of jobs waiting for a worker."""

from __future__ import annotations

import time

import ray

HUB, NAMESPACE = "anndl-jobs-hub", "anndl"


@ray.remote(num_cpus=0, max_restarts=-1)  # restarted empty if its node is lost: running jobs still end
class JobHub:
    """Every replica's job events (started, progress, cancel, end) and Stop flags; ended jobs kept `keep_s`."""

    def __init__(self, keep_s: float = 3600.0):
        self.events: dict[str, list[tuple]] = {}
        self.queued: set[str] = set()
        self.stopped: set[str] = set()
        self.ended: dict[str, float] = {}
        self.keep_s = keep_s

    def register(self, job_id: str, max_total: int | None) -> bool:
        """A new job, unless `max_total` jobs of all replicas already wait for a worker (then False)."""
        for old in [j for j, t in self.ended.items() if time.time() - t > self.keep_s]:
            del self.events[old], self.ended[old]
            self.stopped.discard(old)
        if max_total is not None and len(self.queued) >= max_total:
            return False
        self.events[job_id] = []
        self.queued.add(job_id)
        return True

    def post(self, job_id: str, event: tuple) -> None:
        if job_id not in self.events or job_id in self.ended:
            return
        self.events[job_id].append(event)
        if event[0] in ("started", "end"):
            self.queued.discard(job_id)
        if event[0] == "end":
            self.ended[job_id] = time.time()

    def stop(self, job_id: str) -> None:
        if job_id in self.events and job_id not in self.stopped and job_id not in self.ended:
            self.stopped.add(job_id)
            self.events[job_id].append(("cancel", None))

    def stop_requested(self, job_id: str) -> bool:
        return job_id in self.stopped

    def since(self, cursors: dict[str, int]) -> dict[str, list[tuple]]:
        """The events after each cursor, for the jobs the hub knows."""
        return {j: self.events[j][n:] for j, n in cursors.items() if j in self.events}

    def live(self) -> set[str]:
        return set(self.events) - set(self.ended)
