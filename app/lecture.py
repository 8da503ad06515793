"""Lecture playlists: a named sequence of page states (page, URL knobs, a one-line note), kept as JSON files.

No streamlit here: `python -m app.lecture build` writes the shipped playlists (one per course chapter) from the
demo states each page registers in `app.registry`; the UI is `app.ui.lecture`.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from anndl.data.uploads import UploadError
from app.registry import CHAPTERS, ROOT, SECTIONS, TOPICS, built_topics

FOLDER = ROOT / "lectures"
MAX_BYTES = 100_000  # a playlist is a few hundred bytes per step; more is not a playlist
MAX_STEPS = 60
MAX_TEXT = 200  # name and note: one projector line
MAX_VALUE = 2_000  # one URL value, as app.ui.state reads it
SKIP = ("classroom", "lecture", "step")  # the playlist's own state, never a step's


def step(page: str, query: dict, note: str) -> dict:
    """One stop of a lecture: a built page, its URL knobs (strings) and a one-line note."""
    return {"page": page, "query": {str(k): str(v) for k, v in query.items() if k not in SKIP}, "note": note.strip()}


def playlist(name: str, steps: list[dict]) -> dict:
    return {"name": name.strip(), "steps": steps}


def dumps(lecture: dict) -> str:
    return json.dumps(lecture, indent=1, ensure_ascii=False) + "\n"


def _text(value, what: str, limit: int = MAX_TEXT) -> str:
    if not isinstance(value, str) or len(value) > limit:
        raise UploadError(f"The playlist's {what} must be text of at most {limit} characters.")
    return value


def loads(data: bytes | str) -> dict:
    """A playlist read from a file's bytes, checked; raises UploadError with one sentence on anything else."""
    if len(data) > MAX_BYTES:
        raise UploadError(f"This file is {len(data):,} bytes; a playlist is at most {MAX_BYTES:,}.")
    try:
        raw = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        raise UploadError("This file is not a playlist: it is not JSON (save one with “Download playlist”).") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("steps"), list):
        raise UploadError("This JSON is not a playlist: it needs a “name” and a list of “steps”.")
    if not 1 <= len(raw["steps"]) <= MAX_STEPS:
        raise UploadError(f"A playlist has 1 to {MAX_STEPS} steps; this one has {len(raw['steps'])}.")
    pages = {t.key for t in built_topics()}
    steps = []
    for i, s in enumerate(raw["steps"], 1):
        if not isinstance(s, dict) or s.get("page") not in pages:
            page = s.get("page") if isinstance(s, dict) else s
            raise UploadError(f"Step {i} names the page {str(page)[:40]!r}, which this dashboard does not have.")
        query = s.get("query", {})
        if not isinstance(query, dict) or not all(isinstance(v, (str, int, float, bool)) and len(str(v)) <= MAX_VALUE
                                                  for v in query.values()):
            raise UploadError(f"Step {i}'s settings must be plain values, as in a page's link.")
        steps.append(step(s["page"], query, _text(s.get("note", ""), f"note of step {i}")))
    return playlist(_text(raw.get("name", "Lecture"), "name") or "Lecture", steps)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def chapters() -> list[dict]:
    """One playlist per course chapter (a section of the registry), from the demo states its pages register."""
    found = []
    for section in SECTIONS:
        topics = [t for t in TOPICS if t.section == section and t.built and t.demos]
        steps = [step(t.key, query, note) for t in topics for note, query in t.demos]
        if steps:
            found.append(playlist(f"{section} ({CHAPTERS[section]})", steps))
    return found


def shipped() -> list[dict]:
    """The playlists in lectures/, in course order."""
    return [loads(p.read_bytes()) for p in sorted(FOLDER.glob("*.json"))]


def build(folder: Path = FOLDER) -> list[Path]:
    """Write the chapter playlists (numbered in course order) and remove stale ones."""
    folder.mkdir(exist_ok=True)
    written = []
    for i, lecture in enumerate(chapters(), 1):
        path = folder / f"{i:02d}-{slug(lecture['name'].split(' (')[0])}.json"
        path.write_text(dumps(lecture), encoding="utf-8")
        written.append(path)
    for stale in set(folder.glob("*.json")) - set(written):
        stale.unlink()
    return written


if __name__ == "__main__":
    if sys.argv[1:] != ["build"]:
        sys.exit("usage: python -m app.lecture build")
    for p in build():
        print(p.relative_to(ROOT))
