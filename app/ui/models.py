"""Which model a page shows, loaded once per server: the user's trained model when it was trained on the
page's current data, else the shipped artifact of models/, else none (the page then asks to train)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Callable

import streamlit as st

from anndl import zoo


@st.cache_resource(show_spinner="Loading the model…", max_entries=16)
def load_model(path: str, topic: str, mtime: float = 0.0):
    """`anndl.zoo.load_file` once per file (the modification time in the key reads a rewritten file again)."""
    return zoo.load_file(path, topic)


def file_key(path) -> tuple[str, float]:
    """(path, modification time): the key of every cache over the model in that file, so a rewritten file (a rebuilt
    zoo model, a job's new model) is read again and what was computed from it recomputed. FileNotFoundError when it
    is missing."""
    return str(path), os.path.getmtime(path)


@st.cache_resource(show_spinner="Loading the shipped model…", max_entries=16)
def _shipped(name: str, path: str, mtime: float) -> tuple[Any, dict]:
    return zoo.load(name), zoo.info(name)


def shipped(name: str) -> tuple[Any, dict]:
    """(model, JSON sidecar) of the artifact models/NAME.keras, loaded once per version of its file (`file_key`)."""
    return _shipped(name, *file_key(zoo.require(name)))


@dataclass
class Shown:
    """The model on the page and where it comes from."""

    model: Any
    path: str  # its .keras file (for downloads and cache keys)
    info: dict  # the job's result (trained) or the artifact's sidecar (shipped)
    trained: bool  # the user's own model, else the shipped one
    mtime: float  # the file's modification time: part of every cache key over this model


def shown_model(topic: str, job, fits: Callable[[dict], bool], artifact: str | None) -> Shown | None:
    """The finished job's model when `fits(result)` (it was trained on the page's current data) and its file
    still exists; else the shipped `artifact` when it is built; else None."""
    result = job.result if job is not None and job.result else None
    if result and fits(result) and os.path.exists(result.get("model_path") or ""):
        path, mtime = file_key(result["model_path"])
        return Shown(load_model(path, topic, mtime), path, result, True, mtime)
    if artifact and zoo.exists(artifact):
        model, info = shipped(artifact)
        path, mtime = file_key(zoo.path(artifact))
        return Shown(model, path, info, False, mtime)
    return None
