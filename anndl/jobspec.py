"""What a job is (DESIGN §4): its safety limits, the record the UI sees, the backend protocol, the refusals
and the sentences a page shows for lost jobs. Shared by the runner (`anndl.jobs`) and its workers."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Protocol

FINISHED = ("done", "failed", "cancelled", "timeout", "interrupted")
INTERRUPTED = "The server restarted while this job was training, so its result is lost: press Train again."
STOPPED = "The server was stopped or restarted while this job was training: press Train again."
CRASHED = ("The training worker stopped unexpectedly (killed or out of memory). Try again, perhaps with a smaller "
           "model or batch.")


class QueueFull(RuntimeError):
    """The runner is busy; the message is meant for the user."""


class OwnerBusy(QueueFull):
    """This browser session already has its share (one job training, one waiting)."""


@dataclass
class Limits:
    """Safety limits of one job; defaults keep a shared class server responsive."""

    time_limit_s: float = 600.0  # wall clock, then the job is stopped (soft) and killed (hard)
    max_epochs: int = 500  # epoch cap whatever the page asks
    grace_s: float = 15.0  # after a soft stop (time limit or cancel), how long before the worker is killed


@dataclass
class Job:
    """What the UI sees of a job; updated by the runner's pump thread."""

    id: str
    target: str
    status: str = "queued"  # queued | running | done | failed | cancelled | timeout | interrupted
    owner: str = ""  # the browser session that submitted it (fair share)
    backend: str = ""  # the Keras backend of the worker that trains it (anndl.jobenv.choose)
    submitted: float = field(default_factory=time.time)
    started: float | None = None
    ended: float | None = None
    epochs: list[dict] = field(default_factory=list)  # one event per finished epoch
    latest: dict | None = None  # the last progress event (batch or epoch)
    result: dict | None = None
    error: str | None = None
    cancel_requested: bool = False
    seen: float = field(default_factory=time.time)  # last time a session asked for it (runner.get)

    @property
    def finished(self) -> bool:
        return self.status in FINISHED


class Backend(Protocol):
    """The seam between the pages and an engine: the local pool (`anndl.jobs.JobRunner`) or Ray
    (`anndl.jobs_ray.RayRunner`). The four methods of a job's life, then what the training panel also reads."""

    root: str  # the results folder: a job's files are under root/<job id>

    def submit(self, target: str, params: dict, limits: Limits | None = None, owner: str = "",
               backend: str | None = None) -> str: ...
    def get(self, job_id: str) -> Job | None: ...
    def cancel(self, job_id: str) -> None: ...
    def shutdown(self) -> None: ...
    def expired(self, job_id: str) -> bool: ...
    def wait(self, job_id: str, timeout: float | None = None, poll_s: float = 0.05) -> Job: ...
    def queue_length(self) -> int: ...
