"""The training panel every page uses: Train/Stop, progress, live curves, final state (DESIGN §2.4)."""

from __future__ import annotations

import os
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Callable

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from anndl.device import host_device
from anndl.jobbase import RunnerBase
from anndl.jobenv import NAMES, topic_of
from anndl.jobs import Job, Limits, QueueFull, open_runner
from anndl.recipe import device_note
from app.ui.charts import curves, show
from app.ui.state import set_param


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


@st.cache_resource(show_spinner=False)
def runner() -> RunnerBase:
    """One job runner per server process, shared by all sessions: the local pool, or a Ray cluster when
    ANNDL_RAY_ADDRESS is set (README "Configuration" and "Deployment" list the variables)."""
    grace, total = _env("ANNDL_ORPHAN_GRACE_S", ""), _env("ANNDL_RAY_MAX_PENDING_TOTAL", "")
    ray = {"cpus": float(_env("ANNDL_RAY_CPUS", "1")), "gpus": float(_env("ANNDL_RAY_GPUS", "0.5")),
           "max_total_pending": int(total) if total else None}
    return open_runner(_env("ANNDL_RAY_ADDRESS", ""), workers=int(_env("ANNDL_WORKERS", "1")), ray=ray,
                       max_pending=int(_env("ANNDL_MAX_PENDING", "8")),
                       limits=Limits(time_limit_s=float(_env("ANNDL_TIME_LIMIT_S", "600"))),
                       root=_env("ANNDL_RESULTS", os.path.join(tempfile.gettempdir(), "anndl-results")),
                       ttl_s=float(_env("ANNDL_RESULTS_TTL_H", "24")) * 3600,
                       max_bytes=int(float(_env("ANNDL_RESULTS_MB", "2000")) * 1024**2),
                       orphan_grace_s=float(grace) if grace else None)


def owner() -> str:
    """This browser session's id for the fair share of the job queue."""
    return st.session_state.setdefault("anndl_owner", uuid.uuid4().hex)


POLL_S = 1.0  # 0.5 s doubled the server's polling work for a whole class with no visible gain at epoch pace
STATUS = {"queued": "Waiting for a free worker…", "running": "Training…", "done": "Finished.",
          "cancelled": "Stopped by you; the model trained so far is kept below.",
          "timeout": "Stopped at the time limit; the model trained so far is kept below (if any).",
          "failed": "Training failed.", "interrupted": "Interrupted by a server restart."}


def _progress(job: Job) -> float:
    ev = job.latest or {}
    epochs = ev.get("epochs") or 1
    done = ev.get("epoch", 0) - (1 if ev.get("kind") == "batch" else 0)
    frac = (ev.get("batch", 0) / ev["steps"]) if ev.get("kind") == "batch" and ev.get("steps") else 0.0
    return 1.0 if job.status == "done" else min(1.0, max(0.0, (done + frac) / epochs))


@dataclass
class _Watched:
    """A panel of this script run whose job is still running: where to redraw it, and its live view."""
    job_id: str
    status: DeltaGenerator  # the progress line (an st.empty)
    body: DeltaGenerator  # curves and the live view (an st.empty)
    live: Callable[[Job], None] | None
    shown: bool = True  # False in a closed tab: the progress line only, no curves redrawn each second
    drawn: tuple | None = None  # what the panel shows (`_shown_state`): a poll that finds it unchanged sends nothing


_run = threading.local()  # the panels the current script run watches (one script thread per run)


def backend_note(job: Job) -> str:
    """' · Keras backend: JAX (CPU)' for the status line: which backend trains (or trained) the model (issue 22)."""
    result = job.result or {}
    backend = result.get("backend") or job.backend
    if not backend:
        return ""
    return f" · Keras backend: {NAMES.get(backend, backend)} ({str(result.get('device') or host_device()).upper()})"


def _shown_state(job: Job) -> tuple:
    """What a panel draws from: the status, the epochs so far and the newest progress event (any kind; compared by
    content, so a new event that says the same thing sends nothing either)."""
    return job.status, len(job.epochs), job.latest


def _draw(w: _Watched, job: Job) -> None:
    """The live part of a panel, drawn in place: status and progress, then curves and the live view. Nothing is
    sent when the job has not moved since the last draw (a queued job waits without costing the class reruns)."""
    state = _shown_state(job)
    if state == w.drawn:
        return
    w.drawn = state
    ev = job.latest or {}
    text = STATUS[job.status]
    if ev.get("epoch"):
        text += f" epoch {ev['epoch']}/{ev.get('epochs', '?')}, {ev.get('elapsed', 0):.1f} s"
    text += backend_note(job)
    with w.status.container():
        st.progress(_progress(job), text=text)
        if job.status in ("failed", "interrupted"):
            st.error(f"{STATUS[job.status]} {(job.error or '').splitlines()[0]}")
    with w.body.container():
        if not job.finished and w.shown:  # once finished, the page shows the result itself
            chart = curves(job.epochs)
            if chart is not None:
                show(chart)
            if w.live is not None and job.latest:
                w.live(job)


def _panel(key: str, job: Job, live: Callable[[Job], None] | None, shown: bool = True) -> None:
    """Stop button, progress and live views of `job`; a running job is watched after the page is drawn."""
    cols = st.columns([1, 5])
    if not job.finished and cols[0].button("Stop", key=f"{key}__stop", icon=":material/stop:"):
        runner().cancel(job.id)
    w = _Watched(job.id, cols[1].empty(), st.empty(), live, shown)
    _draw(w, job)
    if not job.finished:
        _run.__dict__.setdefault("watched", []).append(w)


def begin_run() -> None:
    """Called by app/main.py before the page runs: this run watches no panel yet."""
    _run.watched = []


def _pause(seconds: float) -> None:
    """Sleep, reading the session state every 0.1 s: each read lets Streamlit stop this run at once for a click."""
    for _ in range(max(1, round(seconds / 0.1))):
        time.sleep(0.1)
        st.session_state.get("anndl_owner")


def watch_running() -> None:
    """Called by app/main.py after the page is drawn: redraw each running panel in place every POLL_S and rerun the
    page once a job has finished, so the full script draws its result.

    The polling is server-side on purpose. A fragment with `run_every` that calls `st.rerun()` when the job ends
    lost results in the browser under load (issue 10): with three sessions on two cores, 4–6 of 12 pages dropped
    the element after the panel or stayed at "Training…" for good (frontend races between the fragment's timer
    and the full rerun). A loop in the script run has no timer to race; a click stops it like any run.
    """
    watched = getattr(_run, "watched", [])
    while watched:
        _pause(POLL_S)
        for w in watched:
            job = runner().get(w.job_id)
            if job is None or job.finished:
                st.rerun()
            _draw(w, job)


def failure(job: Job | None) -> None:
    """A failed job's error as one sentence on the page: its first line (the traceback stays in the result)."""
    if job is not None and job.status == "failed":
        first = (job.error or "").strip().splitlines() or ["no message"]
        st.error(f"Training failed: {first[0]}", icon=":material/error:")


def training_panel(key: str, target: str, params: dict, *, label: str = "Train", limits: Limits | None = None,
                   live: Callable[[Job], None] | None = None, disabled: bool = False, shown: bool = True
                   ) -> Job | None:
    """Train button and live panel; returns the last finished Job of this panel (kept in the session).

    `target` is the job function "module:function", `params` its picklable parameters; `live(job)` draws
    extra views from the latest progress event (for example decision regions) while training. `shown=False` (the
    panel's tab is closed): the running job's progress line only; its curves are drawn once the tab opens.
    """
    job_key, url_key = f"{key}__job", f"{key}_job"
    job_id = st.session_state.get(job_key) or st.query_params.get(url_key)  # a reload or a link: from the URL
    job = runner().get(job_id) if job_id else None
    if job_id and job is None:
        _forget(key, job_id)
        job_id = None
    running = job is not None and not job.finished
    note = device_note(topic_of(target) or "")
    if note:  # the GPU's bigger defaults (anndl.recipe.GPU_DEFAULTS), said where every page trains
        st.caption(note)
    if st.button(label, key=f"{key}__train", type="primary", icon=":material/play_arrow:",
                 disabled=running or disabled):
        try:
            job_id = runner().submit(target, params, limits, owner=owner())
            job = runner().get(job_id)
        except QueueFull as busy:  # the server's queue is full, or this session already has its share
            st.warning(str(busy), icon=":material/hourglass:")
    if job is not None:
        st.session_state[job_key] = job_id
        set_param(url_key, job_id)
        if job.finished:
            st.session_state[f"{key}__result"] = job
        _panel(key, job, live, shown)
    return kept_result(key)


def _forget(key: str, job_id: str) -> None:
    """A job id (from the session or a link) the server no longer has: say why, and drop it."""
    st.session_state.pop(f"{key}__job", None)
    set_param(f"{key}_job", None)
    if runner().expired(job_id):
        st.info("That training result has expired and was removed from the server: press Train to train again.",
                icon=":material/history:")


def kept_result(key: str) -> Job | None:
    """The session's last finished job, or None (with a sentence) once the runner has removed its files."""
    job = st.session_state.get(f"{key}__result")
    if job is None or os.path.isdir(os.path.join(runner().root, job.id)):
        return job
    del st.session_state[f"{key}__result"]
    st.info("Your trained model was removed from the server after a long time unused: press Train to train it "
            "again.", icon=":material/history:")
    return None
