"""UI of activity classification (course §24.1–§24.3) and the vanishing-gradient demo (§23.3–§23.5)."""

from __future__ import annotations

import hashlib

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from anndl.data import timeseries as ts
from anndl.data.uploads import UploadError
from app.ui.charts import cached_chart, confusion_chart, show_cached
from app.ui.models import Shown, shown_model
from app.ui.state import bound, classroom
from app.ui.uploads import csv_uploader


def pick_classifier(acts: ts.Activities, params: dict, job) -> Shown | None:
    """The classifier trained on these recordings with this window, else the shipped one (BasicMotions, 100)."""
    def fits(result: dict) -> bool:
        return result.get("data") == acts.name and result["config"]["window"] == params["window"]

    shipped = "ts_basicmotions" if acts.name == "basic_motions" and params["window"] == 100 else None
    return shown_model("timeseries", job, fits, shipped)


@st.cache_data(show_spinner=False)
def basic_motions() -> ts.Activities:
    return ts.basic_motions()


def choose_activities() -> ts.Activities | None:
    src = bound(st.radio, "Recordings", "ts_csrc", "basic_motions", options=["basic_motions", "upload"],
                format_func={"basic_motions": "BasicMotions (sktime)", "upload": "Your CSV"}.get, horizontal=True)
    if src == "basic_motions":
        st.caption("BasicMotions: 80 ten-second recordings at 10 Hz of a smartwatch's accelerometer and gyroscope "
                   "(x, y, z) while standing, walking, running and playing badminton. It has no user ids: the shipped "
                   "train/test split is kept and 20% of the training recordings validate.")
        return basic_motions()
    frame = csv_uploader("A CSV in the course's format: user_id, activity, timestamp, x_axis, y_axis, z_axis",
                         "ts_ccsv", help="One row per reading; other numeric sensor columns are allowed. At least 3 "
                                         "users, because train, validation and test get different users.")
    if frame is None:
        st.info("Upload readings in the course's format (e.g. the WISDM activity data) to classify your own.")
        return None
    try:
        acts = ts.activity_csv(frame)
    except UploadError as err:
        st.error(str(err), icon=":material/error:")
        return None
    for fix in acts.fixes:
        st.info(fix, icon=":material/build:")
    return acts


def inspection_chart(acts: ts.Activities) -> alt.Chart:
    """The course's inspection plot: one recording per activity, every sensor channel over time (§24.1)."""
    rows = []
    for c, name in enumerate(acts.class_names):
        first = int(np.flatnonzero(acts.labels == c)[0])
        rec = acts.recordings[first][:300]
        rows += [{"activity": name, "step": t, "channel": ch, "value": float(rec[t, j])}
                 for j, ch in enumerate(acts.channels) for t in range(len(rec))]
    return alt.Chart(pd.DataFrame(rows)).mark_line(strokeWidth=2 if classroom() else 1).encode(
        x=alt.X("step:Q", title="time step"), y=alt.Y("value:Q", title=None), color=alt.Color("channel:N", title=None),
    ).properties(height=110 if not classroom() else 150, width=760).facet(row=alt.Row("activity:N", title=None))


def knobs(acts: ts.Activities) -> dict:
    c = st.columns(4)
    window = bound(c[0].slider, "Window (steps)", "ts_cwin", 100, min_value=10, max_value=400,
                   help="Fixed window length; shorter recordings are padded with zeros at the end (§24.3.2).")
    stride = bound(c[1].slider, "Stride", "ts_cstride", 100, min_value=5, max_value=400,
                   help="Steps between window starts; smaller strides give more, overlapping windows.")
    kind = bound(c[2].selectbox, "Model", "ts_ckind", "cnn", options=["cnn", "lstm", "bilstm"],
                 format_func={"cnn": "1-D CNN + GAP", "lstm": "stacked LSTM + batch norm",
                              "bilstm": "bidirectional LSTM"}.get)
    epochs = 40 if classroom() else bound(c[3].slider, "Epochs", "ts_cep", 40, min_value=1, max_value=200)
    return {"task": "classify", "window": window, "stride": stride, "kind": kind, "epochs": epochs}


def activities_params(acts: ts.Activities) -> str | dict:
    """Picklable job parameters for the chosen recordings (a name for the shipped set)."""
    if acts.name == "basic_motions":
        return "basic_motions"
    return {"name": acts.name, "recordings": acts.recordings, "labels": acts.labels, "users": acts.users,
            "class_names": acts.class_names, "channels": acts.channels}


def split_summary(data, acts: ts.Activities) -> None:
    st.caption(f"Windows: train {len(data.x_train)}, validation {len(data.x_val)}, test {len(data.x_test)} · "
               f"{'recordings' if acts.split is not None else 'users'} per part: "
               + ", ".join(f"{k} {len(v)}" for k, v in data.users.items())
               + " · no user appears in two parts (§24.3.1).")


def evaluation(shown: Shown, data, class_names: list[str]) -> dict:
    """evaluate_classifier once per (model file, test windows), not a model.predict on every rerun."""
    digest = hashlib.sha1(np.ascontiguousarray(data.x_test).tobytes() + np.asarray(data.y_test).tobytes()).hexdigest()
    return _evaluation((shown.path, shown.mtime, digest, tuple(class_names)), shown.model, data)


@st.cache_data(show_spinner="Scoring the test users…", max_entries=16, ttl=3600)  # a few KB each; bounded per issue 10
def _evaluation(key: tuple, _model, _data) -> dict:
    from anndl.topics.timeseries.job import evaluate_classifier

    return evaluate_classifier(_model, _data, list(key[-1]))


def metrics(ev: dict) -> tuple[alt.Chart, tuple]:
    """Confusion matrix and per-class precision, recall, F1; the chart and its key (for chart_png)."""
    st.metric("Test accuracy", f"{ev['test_accuracy']:.3f}")
    left, right = st.columns([1, 1])

    def build():  # labels add to the cells' size instead of squeezing them
        return confusion_chart(np.asarray(ev["confusion"]), ev["class_names"]).properties(
            autosize=alt.AutoSizeParams(type="pad"))

    # built once per server for what it shows: the class names and the counts
    key = ("ts-confusion", tuple(ev["class_names"]), tuple(map(tuple, np.asarray(ev["confusion"]).tolist())))
    with left:
        show_cached(key, build, use_container_width=False)
    with right:
        st.dataframe(pd.DataFrame(ev["report"]).round(3), hide_index=True, width="stretch")
    return cached_chart(key, build), key


@st.cache_data(show_spinner="Computing gradients through time…", max_entries=16)
def gradients(length: int, units: int, seed: int) -> pd.DataFrame:
    from anndl.topics.timeseries.job import vanishing_gradients

    return vanishing_gradients(length, units, trials=3, seed=seed)


def gradients_tab(seed: int) -> tuple[alt.Chart, tuple]:
    """§23.3–§23.5: the gradient of the last hidden state with respect to each earlier input."""
    st.markdown("Backpropagation through time multiplies one Jacobian per step. In a **tanh RNN** those factors "
                "are mostly below 1, so the gradient from the last state to early inputs shrinks exponentially: the "
                "net cannot learn long dependencies. The **LSTM**'s cell state is updated additively through the "
                "forget gate; when the gate stays open (bias towards 1) the gradient flows almost unchanged.")
    c1, c2 = st.columns(2)
    length = bound(c1.slider, "Sequence length", "ts_glen", 60, min_value=10, max_value=200)
    units = bound(c2.select_slider, "Hidden units", "ts_gunits", 32, options=[8, 16, 32, 64])
    frame = gradients(length, units, seed)

    def build():
        return alt.Chart(frame).mark_line(strokeWidth=3 if classroom() else 2).encode(
            x=alt.X("steps before the end:Q", title="distance of x_t from the last step T"),
            y=alt.Y("gradient norm:Q", scale=alt.Scale(type="log"), title="‖∂h_T / ∂x_t‖ (log scale)"),
            color=alt.Color("cell:N", title=None), tooltip=list(frame.columns)).properties(height=320)

    key = ("ts-gradients", length, units, seed)  # the inputs of `gradients`
    show_cached(key, build)
    far = frame[frame["steps before the end"] == length - 1].set_index("cell")["gradient norm"]
    near = frame[frame["steps before the end"] == 0].set_index("cell")["gradient norm"]
    st.caption(" · ".join(f"{cell}: the first step gets {far[cell] / near[cell]:.1e} of the last step's gradient"
                          for cell in far.index) + " (untrained cells, averaged over 3 random inputs).")
    return cached_chart(key, build), key
