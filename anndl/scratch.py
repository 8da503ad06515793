"""Files the server writes for its workers (an uploaded dataset as npz): one folder per process, named by
content, the oldest removed beyond a count, the whole folder removed at exit (issue 9: no temp folder left)."""

from __future__ import annotations

import atexit
import hashlib
import os
import shutil
import tempfile

KEEP = 32  # files kept: more than the uploads any queue of jobs can still be waiting to read
_root: str | None = None


def root() -> str:
    """This process's scratch folder (created once, removed at exit)."""
    global _root
    if _root is None or not os.path.isdir(_root):
        _root = tempfile.mkdtemp(prefix="anndl-scratch-")
        atexit.register(shutil.rmtree, _root, True)
    return _root


def content_key(*parts: bytes | str | int) -> str:
    """A short SHA-256 of the parts: two different uploads never share a file or a cached result."""
    h = hashlib.sha256()
    for part in parts:
        h.update(part if isinstance(part, bytes) else str(part).encode())
        h.update(b"\0")
    return h.hexdigest()[:24]


def scratch_path(key: str, suffix: str, keep: int = KEEP) -> str:
    """Where to write the file named `key`; the oldest files beyond `keep` are removed first."""
    folder = root()
    names = sorted((e for e in os.scandir(folder) if e.is_file()), key=lambda e: e.stat().st_mtime)
    for entry in names[: max(0, len(names) - keep + 1)]:
        os.remove(entry.path)
    return os.path.join(folder, key + suffix)
