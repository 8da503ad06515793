"""Altair charts shared by pages: training curves, confusion matrix, heatmaps, images."""

from __future__ import annotations

from collections.abc import Callable

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from app.ui.state import classroom


def _style(chart: alt.Chart) -> alt.Chart:
    """High contrast and large labels in classroom mode."""
    if classroom():  # projector: big black labels, dark grid and axes, bold marks
        return chart.configure_axis(labelFontSize=18, titleFontSize=20, labelColor="black", titleColor="black",
                                    gridColor="#999999", domainColor="black", tickColor="black").configure_legend(
            labelFontSize=18, titleFontSize=18, labelColor="black", symbolSize=200).configure_title(
            fontSize=22, color="black").configure_line(strokeWidth=4).configure_point(size=80)
    return chart


# From this many data rows a chart is drawn on a canvas, without per-mark ARIA attributes: Vega's SVG renderer
# makes ~10 DOM attributes per mark, which cost the browser seconds for the 600-3,600-mark maps and regions.
# Small charts stay SVG (their text stays in the page: tests and screen readers find it).
CANVAS_ROWS = 400


def _light(spec: dict) -> dict:
    """The Vega-Lite spec drawn on a canvas when its datasets hold CANVAS_ROWS rows or more."""
    import pyarrow as pa

    rows = 0
    for data in (spec.get("datasets") or {}).values():
        if isinstance(data, bytes):
            rows += sum(batch.num_rows for batch in pa.ipc.open_stream(data))
        elif isinstance(data, list):
            rows += len(data)
    if rows >= CANVAS_ROWS:
        usermeta = spec.get("usermeta") or {}
        spec["usermeta"] = {**usermeta, "embedOptions": {**usermeta.get("embedOptions", {}), "renderer": "canvas"}}
        config = spec.get("config") or {}
        spec["config"] = {**config, "mark": {**config.get("mark", {}), "aria": False}}
    return spec


def _spec(chart) -> dict:
    """Streamlit's own Altair -> Vega-Lite conversion (what st.altair_chart runs), styled and lightened."""
    from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec

    return _light(_convert_altair_to_vega_lite_spec(_style(chart)))


def show(chart, use_container_width: bool = True, **kwargs):
    """st.altair_chart with classroom styling (big charts on a canvas); `use_container_width=False` keeps the
    chart's own size. Returns st.altair_chart's value (the selection event when `on_select` is given)."""
    return st.vega_lite_chart(spec=_spec(chart), width="stretch" if use_container_width else "content", **kwargs)


def show_cached(inputs: tuple | None, build: Callable[[], alt.TopLevelMixin | None], use_container_width: bool = True,
                **kwargs):
    """show(build()) with the chart built and converted to Vega-Lite once per server for `inputs` (a key naming
    what the chart shows: e.g. the model path and mtime), not on every rerun: building and validating a chart of
    a few thousand rows costs 0.3-1 s of script time here. Returns what show returns (the selection with
    `on_select`), None when `build` gives no chart. Never for a chart whose data changes under the same key."""
    if inputs is None:  # nothing identifies the inputs: built and shown as usual
        chart = build()
        return None if chart is None else show(chart, use_container_width, **kwargs)
    entry = _chart_spec(tuple(inputs), classroom(), build)
    if entry is None:
        return None
    return st.vega_lite_chart(spec=entry[1], width="stretch" if use_container_width else "content", **kwargs)


def cached_chart(inputs: tuple | None, build: Callable[[], alt.TopLevelMixin | None]) -> alt.TopLevelMixin | None:
    """The (unstyled) chart show_cached drew for `inputs`, e.g. for chart_png; built again when `inputs` is None."""
    if inputs is None:
        return build()
    entry = _chart_spec(tuple(inputs), classroom(), build)
    return None if entry is None else entry[0]


# bounded: each entry holds one chart's data; the key carries classroom mode because _style depends on it
@st.cache_resource(show_spinner=False, max_entries=64, ttl=3600)
def _chart_spec(key: tuple, styled: bool, _build: Callable) -> tuple | None:
    chart = _build()
    # st.vega_lite_chart copies the spec before changing it, so the cached dict is shared read-only between sessions
    return None if chart is None else (chart, _arrow_datasets(_spec(chart)))


def _arrow_datasets(spec: dict) -> dict:
    """The spec with its inline tables (lists of records) as Arrow IPC bytes, made once: st.vega_lite_chart passes
    bytes through, and converted a list to a DataFrame and to Arrow again on every rerun (10-30 ms a chart)."""
    from streamlit import dataframe_util

    data = spec.get("datasets") or {}
    if not any(isinstance(v, list) for v in data.values()):
        return spec
    return {**spec, "datasets": {k: dataframe_util.convert_anything_to_arrow_bytes(v) if isinstance(v, list) else v
                                 for k, v in data.items()}}


def history_frame(epochs: list[dict]) -> pd.DataFrame:
    """Long table (epoch, metric, split, value) from epoch events or a Keras history dict."""
    rows = []
    for event in epochs:
        for name, value in event["logs"].items():
            if name in ("learning_rate", "lr"):
                continue
            split = "validation" if name.startswith("val_") else "train"
            rows.append({"epoch": event["epoch"], "metric": name.removeprefix("val_"), "split": split, "value": value})
    return pd.DataFrame(rows, columns=["epoch", "metric", "split", "value"])


def history_events(history: dict[str, list[float]]) -> list[dict]:
    """Keras History.history -> the epoch events the charts take."""
    n = len(next(iter(history.values()), []))
    return [{"epoch": i + 1, "logs": {k: v[i] for k, v in history.items()}} for i in range(n)]


def history_curves(history: dict[str, list[float]], marks: dict[str, int] | None = None) -> None:
    """A finished job's train and validation curves per epoch (Keras History.history), drawn when there are any."""
    chart = curves(history_events(history), marks=marks)
    if chart is not None:
        show(chart)


def curves(epochs: list[dict], marks: dict[str, int] | None = None, height: int = 220) -> alt.Chart | None:
    """Train and validation curves per metric, one panel each; `marks` draws labelled epoch rules."""
    frame = history_frame(epochs)
    if frame.empty:
        return None
    width = 3 if classroom() else 2
    colors = alt.Scale(domain=["train", "validation"], range=["#1f77b4", "#ff7f0e"])
    panels = []
    metrics = list(dict.fromkeys(frame.metric))
    panel_width = max(160, 470 // max(1, len(metrics)))  # fits a 2/3-wide column
    for metric in metrics:
        points = bool((frame.metric == metric).sum() < 60)
        line = alt.Chart().transform_filter(alt.FieldEqualPredicate(field="metric", equal=metric)).mark_line(
            point=points, strokeWidth=width).encode(
            x=alt.X("epoch:Q", title="epoch"), y=alt.Y("value:Q", title=metric, scale=alt.Scale(zero=False)),
            color=alt.Color("split:N", scale=colors, title=None, legend=alt.Legend(orient="top")),
            tooltip=["epoch:Q", "split:N", "value:Q"])
        layers = [line]
        for label, epoch in (marks or {}).items():
            rule = pd.DataFrame({"epoch": [epoch], "label": [label]})
            layers.append(alt.Chart(rule).mark_rule(color="black", strokeDash=[4, 3]).encode(x="epoch:Q"))
            layers.append(alt.Chart(rule).mark_text(align="left", dx=4, dy=-height / 2 + 10).encode(
                x="epoch:Q", text="label:N"))
        panels.append(alt.layer(*layers).properties(height=height, width=panel_width, title=metric))
    # One dataset under a fixed name: while a job trains, the fragment redraws this chart every second with new
    # rows; with Altair's content-hash names every redraw renamed the datasets in the spec, and a browser still
    # embedding the previous spec could ask Vega for a name that no longer existed ("Unrecognized data set").
    # A fixed name keeps the spec unchanged between epochs, so the browser only swaps the rows.
    return alt.hconcat(*panels, data=alt.NamedData(name=HISTORY), datasets={HISTORY: frame.to_dict("records")})


HISTORY = "training_history"


def confusion_chart(matrix: np.ndarray, class_names: list[str], select: str | None = None) -> alt.Chart:
    """Confusion matrix heatmap with counts; rows true, columns predicted. `select` names a click selection of
    one cell (fields true, predicted; the chosen cell is outlined) for `st.altair_chart(on_select="rerun")`."""
    n = len(class_names)
    frame = pd.DataFrame([{"true": class_names[i], "predicted": class_names[j], "count": int(matrix[i, j])}
                          for i in range(n) for j in range(n)])
    base = alt.Chart(frame).encode(x=alt.X("predicted:N", sort=class_names), y=alt.Y("true:N", sort=class_names))
    color = alt.Color("count:Q", scale=alt.Scale(scheme="blues", type="symlog"))  # symlog: rare errors stay visible
    rect = base.mark_rect(stroke="black").encode(color=color, tooltip=["true", "predicted", "count"])
    if select:
        cell = alt.selection_point(name=select, fields=["true", "predicted"], empty=False)
        rect = rect.encode(strokeWidth=alt.condition(cell, alt.value(3), alt.value(0))).add_params(cell)
    else:
        rect = rect.encode(strokeWidth=alt.value(0))
    text = base.mark_text(fontSize=16 if classroom() else 12).encode(
        text="count:Q", color=alt.condition(alt.datum.count > matrix.max() / 2, alt.value("white"), alt.value("black")))
    side = min(max(60 * n, 200), 480)  # below 200 px the axis labels leave no room for the cells
    return (rect + text).properties(width=side, height=side)


def heatmap(values: np.ndarray, x_labels: list[str], y_labels: list[str], x_title: str = "", y_title: str = "",
            scheme: str = "viridis", size: int = 24) -> alt.Chart:
    """A labelled (rows, cols) heatmap, e.g. attention weights target × source."""
    frame = pd.DataFrame([{"x": f"{j}:{x_labels[j]}", "y": f"{i}:{y_labels[i]}", "value": float(values[i, j])}
                          for i in range(values.shape[0]) for j in range(values.shape[1])])
    xs = [f"{j}:{v}" for j, v in enumerate(x_labels)]
    ys = [f"{i}:{v}" for i, v in enumerate(y_labels)]
    return alt.Chart(frame).mark_rect().encode(
        x=alt.X("x:N", sort=xs, title=x_title, axis=alt.Axis(labelExpr="split(datum.value, ':')[1]", labelAngle=-45)),
        y=alt.Y("y:N", sort=ys, title=y_title, axis=alt.Axis(labelExpr="split(datum.value, ':')[1]")),
        color=alt.Color("value:Q", scale=alt.Scale(scheme=scheme)),
        tooltip=["x", "y", alt.Tooltip("value:Q", format=".3f")],
    ).properties(width=size * len(xs), height=size * len(ys))


def to_png_image(array: np.ndarray, scale: int = 1) -> np.ndarray:
    """Min–max scale any 2-D/3-D array to uint8 pixels (enlarged by `scale`) for st.image."""
    a = np.asarray(array, dtype="float32")
    lo, hi = float(a.min()), float(a.max())
    a = (a - lo) / (hi - lo) if hi > lo else np.zeros_like(a)
    a = (a * 255).astype("uint8")
    if scale > 1:
        a = np.kron(a, np.ones((scale, scale) + (1,) * (a.ndim - 2), dtype="uint8"))
    return a
