"""UI of the forecasting tab (course §24.4–§24.5): data, windows picture, forecasts, baselines, horizons."""

from __future__ import annotations

import os

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from anndl.data import timeseries as ts
from anndl.data.uploads import UploadError
from anndl.errors import SettingsError
from app.ui.charts import cached_chart, show_cached
from app.ui.classroom import stage
from app.ui.models import load_model, shipped, shown_model
from app.ui.state import bound, classroom
from app.ui.uploads import csv_uploader

SOURCES = {"co2": "CO₂ at Mauna Loa (weekly)", "airline": "Airline passengers (monthly)",
           "sunspots": "Sunspots (yearly)", "nile": "Nile flow (yearly)", "upload": "Your CSV"}
DEFAULTS = {"co2": (104, 52, 13), "airline": (36, 12, 3), "sunspots": (44, 11, 3), "nile": (20, 5, 1),
            "upload": (24, 12, 4)}  # window, telescope, autoregressive step per source
COLORS = alt.Scale(domain=["actual", "direct", "autoregressive", "seasonal naive", "last value"],
                   range=["#333333", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd"])


@st.cache_data(show_spinner=False, max_entries=8)
def catalogue_series(name: str) -> ts.Series:
    return ts.load_series(name)


def _reset_source() -> None:
    window, telescope, step = DEFAULTS[st.session_state["ts_src"]]
    st.session_state.update(ts_win=window, ts_tel=telescope, ts_ar=step, ts_pos=0)


def choose_series() -> ts.Series | None:
    """The source picker and, for an upload, the column choices; fixes are shown, problems are one sentence."""
    src = bound(st.selectbox, "Series", "ts_src", "co2", options=list(SOURCES), format_func=SOURCES.get,
                on_change=_reset_source)
    if src != "upload":
        return catalogue_series(src)
    frame = csv_uploader("A CSV with one row per time step", "ts_csv",
                         help="Columns: an optional time column and one or more numeric series. Rows are sorted "
                              "by time if needed; missing values are interpolated (and said so).")
    if frame is None:
        st.info("Upload a CSV to forecast your own series; until then nothing is trained on it.")
        return None
    cols = [str(c) for c in frame.columns]
    c1, c2, c3 = st.columns(3)
    guess = next((c for c in cols if "date" in c.lower() or "time" in c.lower()), "(none)")
    time_col = c1.selectbox("Time column", ["(none)", *cols], index=(["(none)", *cols]).index(guess), key="ts_tcol")
    numeric = [c for c in cols if c != time_col and pd.api.types.is_numeric_dtype(frame[c])]
    targets = c2.multiselect("Target column(s) to forecast", [c for c in cols if c != time_col],
                             default=numeric[:1], key="ts_targets")
    guess = ts.guess_season(frame[time_col]) if time_col != "(none)" else 0
    season = c3.number_input("Season (steps, 0 = none)", 0, 366, guess, key=f"ts_season_{time_col}",
                             help="e.g. 12 for monthly data with a yearly pattern (seasonal-naive baseline).")
    try:
        series = uploaded_series(frame.attrs["content_key"], frame, tuple(targets),
                                 None if time_col == "(none)" else time_col, int(season))
    except UploadError as err:
        st.error(str(err), icon=":material/error:")
        return None
    return series


# one Series per (upload, columns, season) across reruns, so its values are converted once; bounded: user files
@st.cache_resource(show_spinner=False, max_entries=8, ttl=3600)
def uploaded_series(key: str, _frame: pd.DataFrame, targets: tuple, time_col: str | None, season: int) -> ts.Series:
    """`key`: the upload's content hash (csv_uploader puts it in frame.attrs)."""
    series = ts.forecast_csv(_frame, list(targets), time_col)
    series.season = season
    return series


def knobs(n_rows: int) -> dict:
    """The lecture's knobs (§24.4–§24.5), bound to the URL."""
    c = st.columns(4)
    window = bound(c[0].slider, "Window (past steps)", "ts_win", 104, min_value=4, max_value=260,
                   help="How many past steps the network sees.")
    telescope = bound(c[1].slider, "Telescope (steps ahead)", "ts_tel", 52, min_value=1, max_value=104,
                      help="How many future steps are predicted.")
    kind = bound(c[2].selectbox, "Model", "ts_kind", "lstm", options=["lstm", "gru", "bilstm", "cnn", "convlstm"],
                 format_func={"lstm": "LSTM", "gru": "GRU", "bilstm": "Bidirectional LSTM", "cnn": "1-D CNN",
                              "convlstm": "Conv-LSTM (§24.4.3)"}.get)
    norm = bound(c[3].selectbox, "Normalisation", "ts_norm", "relative", options=["relative", "global"],
                 format_func={"relative": "relative to the window's last value",
                              "global": "global (train mean/std)"}.get)
    params = {"task": "forecast", "window": window, "telescope": telescope, "kind": kind, "norm": norm,
              "stride": 1, "units": 32, "epochs": 30, "ar_step": 0}
    c = st.columns(4)
    params["ar_step"] = bound(c[0].slider, "Autoregressive step (0 = off)", "ts_ar", 13, min_value=0, max_value=52,
                              help="Also train a model that predicts this many steps and feeds them back (§24.5).")
    if not classroom():
        params["stride"] = bound(c[1].slider, "Stride", "ts_stride", 1, min_value=1, max_value=52,
                                 help="Steps between the starts of two training windows.")
        params["units"] = bound(c[2].select_slider, "Units / filters", "ts_units", 32, options=[8, 16, 32, 64, 128])
        params["epochs"] = bound(c[3].slider, "Epochs (early stopping on)", "ts_ep", 30, min_value=1, max_value=200)
    return params


def _time(series: ts.Series, idx: np.ndarray):
    """Timestamps of row indices, extended past the end with the last spacing (for future forecasts)."""
    idx = np.asarray(idx)
    if series.time is None:
        return idx
    t = series.time
    step = t[-1] - t[-2]
    return np.array([t[i] if i < len(t) else t[-1] + (i - len(t) + 1) * step for i in idx])


@st.fragment
def windows_chart(series: ts.Series, window: int, telescope: int, stride: int) -> None:
    """The series with its train / validation / test parts and one window + telescope laid over it (§24.4), built
    once per server for (series content, window, telescope, stride, position). A fragment: moving the window
    reruns only this chart, not the page's forecasts."""
    v = series.values[:, series.target_idx[0]]
    a, b = ts.time_split(len(v))
    starts = np.arange(0, max(1, a - window - telescope + 1), stride)
    top = max(1, len(starts) - 1)
    if st.session_state.get("ts_pos", 0) > top:  # a longer window leaves fewer positions
        st.session_state["ts_pos"] = top
    pos = bound(st.slider, "Window position (training windows)", "ts_pos", 0, min_value=0, max_value=top)
    s = int(starts[min(pos, len(starts) - 1)])
    show_cached(("ts-windows", *data_key(series), window, telescope, s), lambda: _windows(series, s, window, telescope))
    st.caption(f"{len(starts)} training windows (stride {stride}) · rows: train {a}, validation {b - a}, "
               f"test {len(v) - b} · the statistics for normalisation come from the green part only (§4.7).")


def _windows(series: ts.Series, s: int, window: int, telescope: int) -> alt.Chart:
    v = series.values[:, series.target_idx[0]]
    a, b = ts.time_split(len(v))
    # times past the end too: a window + telescope longer than the series is drawn (and refused below), not a crash
    t = _time(series, np.arange(max(len(v), s + window + telescope) + 1))
    line = pd.DataFrame({"time": t[:len(v)], "value": v})
    parts = pd.DataFrame({"start": [t[0], t[a], t[b]], "end": [t[a], t[b], t[len(v)]],
                          "part": ["train", "validation", "test"]})
    boxes = pd.DataFrame({"start": [t[s], t[s + window]], "end": [t[s + window], t[s + window + telescope]],
                          "part": ["window", "telescope"]})
    shade = alt.Chart(parts).mark_rect(opacity=0.12).encode(
        x="start", x2="end", color=alt.Color("part:N", scale=alt.Scale(
            domain=["train", "validation", "test", "window", "telescope"],
            range=["#2ca02c", "#ff7f0e", "#d62728", "#1f77b4", "#e377c2"]), title=None))
    box = alt.Chart(boxes).mark_rect(opacity=0.35).encode(x="start", x2="end", color="part:N")
    curve = alt.Chart(line).mark_line(color="#333333").encode(x=alt.X("time", title=None),
                                                             y=alt.Y("value:Q", title=series.targets[0],
                                                                     scale=alt.Scale(zero=False)))
    return (shade + box + curve).properties(height=260)


def forecast_charts(series: ts.Series, ev: dict, j: int = 0) -> alt.Chart:
    """Forecasts of target `j` over the test part (non-overlapping telescopes) and past the end of the data."""
    v = series.values[:, series.target_idx[j]]
    a, b = ev["bounds"]
    lo = max(0, b - 2 * ev["telescope"])
    rows = [{"time": t, "value": float(x), "method": "actual"} for t, x in zip(_time(series, np.arange(lo, len(v))),
                                                                               v[lo:])]
    for method, (first, pred) in ev["test_paths"].items():
        for k, f in enumerate(first):
            idx = f + np.arange(pred.shape[1])
            rows += [{"time": t, "value": float(p), "method": method, "tile": k}
                     for t, p in zip(_time(series, idx), pred[k, :, j])]
    for method, pred in ev["future"].items():
        idx = len(v) + np.arange(len(pred))
        rows += [{"time": t, "value": float(p), "method": method, "tile": -1}
                 for t, p in zip(_time(series, idx), pred[:, j])]
    frame = pd.DataFrame(rows).fillna({"tile": 0})
    end = pd.DataFrame({"time": [_time(series, np.array([len(v) - 1]))[0]]})
    lines = alt.Chart(frame).mark_line(strokeWidth=3 if classroom() else 1.8).encode(
        x=alt.X("time", title=None), y=alt.Y("value:Q", title=series.targets[j], scale=alt.Scale(zero=False)),
        color=alt.Color("method:N", scale=_colors(frame["method"]), title=None), detail="tile:N",
        strokeDash=alt.condition(alt.datum.method == "actual", alt.value([1, 0]), alt.value([5, 3])))
    rule = alt.Chart(end).mark_rule(color="gray").encode(x="time")
    return (lines + rule).properties(height=320, title="Test part and the forecast past the end of the data (right "
                                                       "of the grey line)")


def _colors(methods) -> alt.Scale:
    """The fixed colour of each method, listing only the methods present."""
    present = [m for m in COLORS.domain if m in set(methods)]
    return alt.Scale(domain=present, range=[COLORS.range[COLORS.domain.index(m)] for m in present])


def horizon_chart(ev: dict) -> alt.Chart:
    """MAE per horizon step (§24.5): how the error grows with the distance ahead."""
    return alt.Chart(ev["horizon"]).mark_line(point=True).encode(
        x=alt.X("step:Q", title="steps ahead"), y=alt.Y("mae:Q", title="test MAE"),
        color=alt.Color("method:N", scale=_colors(ev["horizon"]["method"]), title=None),
        tooltip=["method", "step", alt.Tooltip("mae", format=".3f")],
    ).properties(height=260, title="Test MAE per horizon step")


def results(series: ts.Series, ev: dict, inputs: tuple) -> tuple[alt.Chart, tuple]:
    """The forecast picture, the horizon chart and the summary table beside each other; the charts built once per
    server for `inputs` (what `ev` was computed from). Returns the forecast chart and its key (for chart_png)."""
    j = 0
    if len(series.targets) > 1:
        j = series.targets.index(st.selectbox("Target to plot", series.targets, key="ts_plot"))
    key = ("ts-forecast", *inputs, j)
    with stage():
        show_cached(key, lambda: forecast_charts(series, ev, j))
    left, right = st.columns([3, 2])
    with left:
        show_cached(("ts-horizon", *inputs), lambda: horizon_chart(ev))
    with right:
        st.dataframe(ev["summary"].round(4), hide_index=True, width="stretch")
        st.caption("÷ naive: test MAE divided by the seasonal naive's (or the last value's when there is no season); "
                   "below 1 beats the baseline.")
        if series.season > ev["window"]:
            st.caption(f"No seasonal naive: it needs a window of at least one season ({series.season} steps).")
    return cached_chart(key, lambda: forecast_charts(series, ev, j)), key


@st.cache_data(show_spinner="Forecasting the test part…", max_entries=16)
def evaluate(key: tuple, window: int, telescope: int, _series: ts.Series, _model, _ar) -> dict:
    """evaluate_forecast, cached per (data, models) `key`."""
    from anndl.topics.timeseries.job import evaluate_forecast

    return evaluate_forecast(_series, _model, _ar, window, telescope)


def pick_models(series: ts.Series, params: dict, job) -> tuple:
    """(direct model, autoregressive model, label, model path): trained on this series with this window and
    telescope > shipped (co2, 104/52) > none."""
    def fits(result: dict) -> bool:
        return result.get("task") == "forecast" and result.get("series") == series.name and \
            (result["config"]["window"], result["config"]["telescope"]) == (params["window"], params["telescope"])

    co2 = series.name == "co2" and (params["window"], params["telescope"]) == (104, 52)
    shown = shown_model("timeseries", job, fits, "ts_co2" if co2 else None)
    if shown is None:
        return None, None, None, None
    if shown.trained:
        ar_path = shown.info.get("ar_model_path")
        ar = load_model(ar_path, "timeseries", shown.mtime) if ar_path and os.path.exists(ar_path) else None
        return shown.model, ar, "the model you trained", shown.path
    mae = shown.info["metrics"]
    return shown.model, shipped("ts_co2_ar")[0], (
        f"shipped LSTM (window 104, telescope 52; test MAE {mae['direct']:.2f} ppm against "
        f"{mae['seasonal naive']:.2f} for seasonal naive) + a 13-week autoregressive LSTM"), shown.path


def problem(series: ts.Series, params: dict) -> str | None:
    """Why these settings cannot be trained on this series (one sentence), or None."""
    from anndl.topics.timeseries.job import forecast_data

    try:
        forecast_data(series, params["window"], params["telescope"], params["stride"])
    except SettingsError as err:
        return str(err)
    return None


def data_key(series: ts.Series) -> tuple:
    """The evaluation and chart caches' key: the series' content hash, so two uploads never share a result, and
    its time span (the charts' axis)."""
    span = () if series.time is None else (str(series.time[0]), str(series.time[-1]))
    return series.name, series.content_key(), *span
