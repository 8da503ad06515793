"""The training panel every page uses: Train/Stop, progress, live curves, final state (DESIGN §2.4)."""

from __future__ import annotations

import os
from typing import Callable

import streamlit as st

from anndl.jobs import Job, JobRunner, Limits, QueueFull
from app.ui.charts import curves, show


@st.cache_resource(show_spinner=False)
def runner() -> JobRunner:
    """One job runner per server process, shared by all sessions (workers from ANNDL_WORKERS)."""
    return JobRunner(workers=int(os.environ.get("ANNDL_WORKERS", "1")),
                     max_pending=int(os.environ.get("ANNDL_MAX_PENDING", "8")),
                     limits=Limits(time_limit_s=float(os.environ.get("ANNDL_TIME_LIMIT_S", "600"))))


STATUS = {"queued": "Waiting for a free worker…", "running": "Training…", "done": "Finished.",
          "cancelled": "Stopped by you; the model trained so far is kept below.",
          "timeout": "Stopped at the time limit; the model trained so far is kept below (if any).",
          "failed": "Training failed."}


def _progress(job: Job) -> float:
    ev = job.latest or {}
    epochs = ev.get("epochs") or 1
    done = ev.get("epoch", 0) - (1 if ev.get("kind") == "batch" else 0)
    frac = (ev.get("batch", 0) / ev["steps"]) if ev.get("kind") == "batch" and ev.get("steps") else 0.0
    return 1.0 if job.status == "done" else min(1.0, max(0.0, (done + frac) / epochs))


def _panel(key: str, job_id: str, live: Callable[[Job], None] | None) -> None:
    job = runner().get(job_id)
    if job is None:
        return
    cols = st.columns([1, 5])
    if not job.finished and cols[0].button("Stop", key=f"{key}__stop", icon=":material/stop:"):
        runner().cancel(job_id)
    ev = job.latest or {}
    text = STATUS[job.status]
    if ev.get("epoch"):
        text += f" epoch {ev['epoch']}/{ev.get('epochs', '?')}, {ev.get('elapsed', 0):.1f} s"
    cols[1].progress(_progress(job), text=text)
    if job.status == "failed":
        st.error(f"Training failed: {(job.error or '').splitlines()[0]}")
    if not job.finished:  # once finished, the page shows the result itself
        chart = curves(job.epochs)
        if chart is not None:
            show(chart)
        if live is not None and job.latest:
            live(job)
    if job.finished and st.session_state.get(f"{key}__shown") != job_id:
        st.session_state[f"{key}__shown"] = job_id
        st.session_state[f"{key}__result"] = job
        st.rerun()


def training_panel(key: str, target: str, params: dict, *, label: str = "Train", limits: Limits | None = None,
                   live: Callable[[Job], None] | None = None, disabled: bool = False) -> Job | None:
    """Train button and live panel; returns the last finished Job of this panel (kept in the session).

    `target` is the job function "module:function", `params` its picklable parameters; `live(job)` draws
    extra views from the latest progress event (for example decision regions) while training.
    """
    job_key = f"{key}__job"
    job_id = st.session_state.get(job_key)
    job = runner().get(job_id) if job_id else None
    running = job is not None and not job.finished
    if st.button(label, key=f"{key}__train", type="primary", icon=":material/play_arrow:",
                 disabled=running or disabled):
        try:
            job_id = st.session_state[job_key] = runner().submit(target, params, limits)
            job = runner().get(job_id)
            running = True
        except QueueFull as busy:
            st.warning(str(busy), icon=":material/hourglass:")
    if job is not None:
        st.fragment(_panel, run_every=0.5 if running else None)(key, job_id, live)
    return kept_result(key)


def kept_result(key: str) -> Job | None:
    """The session's last finished job, or None (with a sentence) once the runner has removed its files."""
    job = st.session_state.get(f"{key}__result")
    if job is None or os.path.isdir(os.path.join(runner().root, job.id)):
        return job
    del st.session_state[f"{key}__result"]
    st.info("Your trained model was removed from the server after a long time unused: press Train to train it "
            "again.", icon=":material/history:")
    return None
