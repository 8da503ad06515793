"""Finished jobs kept on disk, so a reload, a reconnect or a server restart shows a result again (DESIGN §4).

Each job has a folder `<root>/<job id>/` (its workdir: model, figures) and a record `job.pkl` written by the
server when the job is submitted and again when it ends. A record still "queued" or "running" when read back
by a fresh server belongs to a job the restart interrupted. The store is bounded by age and total size.
"""

from __future__ import annotations

import os
import pickle
import shutil
import time

RECORD = "job.pkl"


def created_at(job_id: str) -> float | None:
    """The submission time encoded in a job id `job-<unix seconds>-...`, or None for a foreign id."""
    parts = job_id.split("-")
    try:
        return float(parts[1]) if len(parts) >= 3 and parts[0] == "job" else None
    except ValueError:
        return None


def valid_id(job_id: str) -> bool:
    """Only ids the runner makes (no path separators, no dots): a URL cannot point outside the store."""
    return created_at(job_id) is not None and job_id.replace("-", "").isalnum() and len(job_id) < 64


class ResultStore:
    """Job records and folders under `root`, removed after `ttl_s` or when the total passes `max_bytes`."""

    def __init__(self, root: str, ttl_s: float = 24 * 3600.0, max_bytes: int = 2 * 1024**3):
        self.root, self.ttl_s, self.max_bytes = root, ttl_s, max_bytes
        os.makedirs(root, exist_ok=True)

    def folder(self, job_id: str) -> str:
        return os.path.join(self.root, job_id)

    def save(self, job) -> None:
        """Write the job's record atomically (a reader never sees half a file)."""
        folder = self.folder(job.id)
        os.makedirs(folder, exist_ok=True)
        tmp = os.path.join(folder, f".{RECORD}.tmp")
        with open(tmp, "wb") as f:
            pickle.dump(job, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, os.path.join(folder, RECORD))

    def load(self, job_id: str):
        """The stored Job, or None. Records are written by this server only (never a user's file)."""
        if not valid_id(job_id):
            return None
        try:
            with open(os.path.join(self.folder(job_id), RECORD), "rb") as f:
                return pickle.load(f)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            return None

    def expired(self, job_id: str) -> bool:
        """True for a well-formed id whose record is gone (removed by age or size, or never made here)."""
        return valid_id(job_id) and not os.path.exists(os.path.join(self.folder(job_id), RECORD))

    def prune(self, keep: set[str] = frozenset()) -> list[str]:
        """Remove folders older than the TTL, then the oldest until the total fits; `keep` (live jobs) stays."""
        entries = []
        for name in os.listdir(self.root):
            path = self.folder(name)
            if name in keep or not os.path.isdir(path):
                continue
            size = sum(os.path.getsize(os.path.join(d, f)) for d, _, files in os.walk(path) for f in files)
            entries.append((os.path.getmtime(path), size, name))
        removed, now = [], time.time()
        total = sum(e[1] for e in entries)
        for mtime, size, name in sorted(entries):
            if now - mtime > self.ttl_s or total > self.max_bytes:
                shutil.rmtree(self.folder(name), ignore_errors=True)
                removed.append(name)
                total -= size
        return removed
