"""Views of the FFNN playground: decision regions, neurons, weights, metrics with confusion members."""

from __future__ import annotations

import os

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from anndl import zoo
from anndl.data import Dataset
from anndl.data.uploads import UploadError, csv_to_dataset
from anndl.nets.ffnn import INITIALIZERS
from anndl.scratch import content_key
from anndl.topics.perceptron.job import SHIPPED, load_dataset, result_params, shipped_result
from app.ui.charts import cached_chart, confusion_chart, curves, history_events, show, show_cached, to_png_image
from app.ui.classroom import lazy_tabs, stage
from app.ui.downloads import chart_png, csv_download, model_download, png_download
from app.ui.models import file_key
from app.ui.state import bound, classroom
from app.ui.uploads import csv_frame, csv_uploader

PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"]


# The live view redraws these every epoch from the job fragment: the changing rows go under a fixed dataset name,
# so the spec stays the same and the browser swaps rows (Altair's content-hash names renamed the dataset at every
# redraw, the pattern behind Vega's "Unrecognized data set" during fast redraws).
REGIONS = alt.NamedData(name="decision_regions")
FITTED = alt.NamedData(name="fitted_curve")


def _grid_frame(grid: dict) -> pd.DataFrame:
    xs, ys = np.asarray(grid["xs"]), np.asarray(grid["ys"])
    dx, dy = (xs[1] - xs[0]) / 2, (ys[1] - ys[0]) / 2
    gx, gy = np.meshgrid(xs, ys)
    frame = pd.DataFrame({"x": gx.ravel() - dx, "x2": gx.ravel() + dx, "y": gy.ravel() - dy, "y2": gy.ravel() + dy,
                          "p": np.asarray(grid["p"]).ravel()})
    if "cls" in grid:
        frame["cls"] = np.asarray(grid["cls"]).ravel().astype(str)
    return frame


def regions_chart(grid: dict, x: np.ndarray, y: np.ndarray, class_names: list[str], test_idx=None,
                  size: int = 420) -> alt.Chart:
    """Decision regions over the plane with the data on top (test points drawn as crosses)."""
    frame = _grid_frame(grid)
    enc = {"x": alt.X("x:Q", title="x1", scale=alt.Scale(domain=[frame.x.min(), frame.x2.max()], nice=False)),
           "x2": "x2:Q", "y": alt.Y("y:Q", title="x2", scale=alt.Scale(domain=[frame.y.min(), frame.y2.max()],
                                                                         nice=False)), "y2": "y2:Q"}
    if "cls" in frame:
        colors = alt.Scale(domain=[str(i) for i in range(len(class_names))], range=PALETTE[: len(class_names)])
        bg = alt.Chart(REGIONS).mark_rect(opacity=0.35, strokeWidth=0).encode(
            **enc, color=alt.Color("cls:N", scale=colors, legend=None))
    else:
        bg = alt.Chart(REGIONS).mark_rect(strokeWidth=0).encode(**enc, color=alt.Color(
            "p:Q", scale=alt.Scale(scheme="blueorange", domain=[0, 1]), title=f"P({class_names[-1]})"))
    split = np.full(len(x), "train")
    if test_idx is not None:
        split[np.asarray(test_idx, int)] = "test"
    pts = pd.DataFrame({"x": x[:, 0], "y": x[:, 1], "class": [class_names[int(c)] for c in y], "split": split})
    dots = alt.Chart(pts).mark_point(filled=True, size=36, stroke="black", strokeWidth=0.6).encode(
        x="x:Q", y="y:Q", shape=alt.Shape("split:N", scale=alt.Scale(domain=["train", "test"],
                                                                    range=["circle", "cross"])),
        color=alt.Color("class:N", scale=alt.Scale(domain=class_names, range=PALETTE[: len(class_names)])),
        tooltip=["class", "split", "x", "y"])
    return alt.layer(bg, dots, datasets={REGIONS.name: frame.to_dict("records")}).properties(width=size, height=size)


def curve_chart(curve: dict, x: np.ndarray, y: np.ndarray) -> alt.Chart:
    pts = alt.Chart(pd.DataFrame({"x": x[:, 0], "y": y})).mark_circle(size=20, opacity=0.5).encode(x="x:Q", y="y:Q")
    fit = alt.Chart(FITTED).mark_line(color="#d62728", strokeWidth=3).encode(x="x:Q", y="y:Q")
    return alt.layer(pts, fit, datasets={FITTED.name: pd.DataFrame(curve).to_dict("records")}).properties(
        width=520, height=320, title="Fitted curve (red) over the data")


def neurons_view(maps: list) -> None:
    st.caption("Each first-layer neuron's activation over the plane: the network builds its regions from these.")
    cols = st.columns(8)
    for i, m in enumerate(maps):
        cols[i % 8].image(to_png_image(np.asarray(m)[::-1], scale=3), caption=f"neuron {i + 1}")


def weights_chart(weights: list[dict]) -> alt.Chart:
    frame = pd.concat([pd.DataFrame({"layer": w["layer"], "weight": w["values"]}) for w in weights])
    return alt.Chart(frame).mark_bar().encode(
        x=alt.X("weight:Q", bin=alt.Bin(maxbins=30)), y=alt.Y("count()", title="count"),
        facet=alt.Facet("layer:N", columns=4), tooltip=["count()"]).properties(width=200, height=140)


def metrics_view(test: dict, class_names: list[str], ds, key: str, chart_key: tuple | None = None) -> None:
    if "mse" in test:
        st.metric("Test MSE", f"{test['mse']:.4f}")
        st.metric("Test MAE", f"{test['mae']:.4f}")
        return
    report = pd.DataFrame(test["report"])
    st.dataframe(report.style.format({"precision": "{:.3f}", "recall": "{:.3f}", "f1": "{:.3f}"}), hide_index=True)
    show_cached(chart_key, lambda: confusion_chart(np.asarray(test["confusion"]), class_names))
    cells = {k: v for k, v in test["members"].items()}
    labels = {k: f"true {class_names[int(k.split(',')[0])]} → predicted {class_names[int(k.split(',')[1])]} "
                 f"({len(v)})" for k, v in cells.items()}
    wrong = [k for k in cells if k.split(",")[0] != k.split(",")[1]]
    choice = st.selectbox("Samples in a confusion cell", list(cells), format_func=labels.get, key=f"{key}-cell",
                          index=list(cells).index(wrong[0]) if wrong else 0)
    rows = pd.DataFrame(ds.x[cells[choice]], columns=ds.feature_names)
    rows.insert(0, "sample", cells[choice])
    st.dataframe(rows, hide_index=True)


def main_view_chart(result: dict, ds) -> alt.Chart | None:
    """Decision regions (2-D classification) or the fitted curve (1-D regression) of a network's result."""
    view = result["view"]
    if "grid" in view:
        return regions_chart(view["grid"], ds.x, ds.y, ds.class_names, result.get("test_idx"))
    return curve_chart(view["curve"], ds.x, ds.y) if "curve" in view else None


def result_view(result: dict, ds, key: str, model_path: str | None) -> None:
    """Everything the page shows about a trained (or shipped) network."""
    test, view = result["test"], result["view"]
    top = st.container()
    tabs = lazy_tabs(["Decision regions" if "grid" in view else "Fit", "Curves", "Neurons", "Weights", "Metrics"])
    head = st.container() if classroom() else top  # classroom mode: the regions first, the figures below them
    cols = head.columns(4)
    if "accuracy" in test:
        cols[0].metric("Test accuracy", f"{test['accuracy']:.3f}")
        cols[1].metric("Macro F1", f"{test['report'][-2]['f1']:.3f}")
    else:
        cols[0].metric("Test MSE", f"{test['mse']:.4f}")
    cols[2].metric("Epochs run", result.get("epochs_run", "–"))
    cols[3].metric("Training time", f"{result.get('train_s', 0):.1f} s")
    if result.get("kfold"):
        scores = result["kfold"]
        head.info(f"{len(scores)}-fold cross-validation: {np.mean(scores):.3f} ± {np.std(scores):.3f} "
                f"(folds: {', '.join(f'{s:.3f}' for s in scores)}); the model below is trained on the hold-out split.")
    # the charts are built once per model file (path, mtime): they only depend on the model's result and its data
    ident = (key, *file_key(model_path)) if model_path and os.path.exists(model_path) else None

    def keyed(name: str) -> tuple | None:
        return None if ident is None else (name, *ident)

    drawn = "grid" in view or "curve" in view
    main_chart = cached_chart(keyed("main"), lambda: main_view_chart(result, ds)) if drawn else None
    if tabs[0].open:
        with tabs[0]:
            if drawn:
                with stage():
                    show_cached(keyed("main"), lambda: main_view_chart(result, ds), use_container_width=False)
            else:
                st.info("Decision regions are drawn for 2-D data; this dataset has "
                        f"{ds.x.shape[1]} features: see Curves and Metrics.")
    if tabs[1].open:
        marks = {"best (restored)": result["best_epoch"]} if result.get("stopped_early") and result.get(
            "best_epoch") else None
        with tabs[1]:
            show_cached(keyed("curves"), lambda: curves(history_events(result["history"]), marks))
    if tabs[2].open:
        with tabs[2]:
            if "neurons" in view:
                neurons_view(view["neurons"])
            else:
                st.info("Neuron maps are drawn for 2-D data.")
    if tabs[3].open:
        with tabs[3]:
            show_cached(keyed("weights"), lambda: weights_chart(view["weights"]), use_container_width=False)
    if tabs[4].open:
        with tabs[4]:
            metrics_view(test, ds.class_names or [], ds, key, keyed("confusion"))
    cols = st.columns(3)
    with cols[0]:
        model_download(model_path, "ffnn.keras", key=f"{key}-dl-model")
    if main_chart is not None:  # data of more than two features has no regions to export
        with cols[1]:
            png_download(chart_png(main_chart, keyed("png")), "regions.png", f"{key}-dl-png")
    with cols[2]:
        rows = test.get("report") or [{"metric": k, "value": v} for k, v in test.items()]
        csv_download(pd.DataFrame(rows), "metrics.csv", key=f"{key}-dl-csv")


def live_view(job) -> None:
    """Decision regions or fitted curve from the newest epoch event that carries one."""
    ds = st.session_state.get("nn__live_ds")
    extra = next((e["extra"] for e in reversed(job.epochs) if e.get("extra")), None)
    if ds is None or not extra:
        return
    if "grid" in extra:
        show(regions_chart(extra["grid"], ds.x, ds.y, ds.class_names, size=300), use_container_width=False)
    elif "curve" in extra:
        show(curve_chart(extra["curve"], ds.x, ds.y), use_container_width=False)


def regularisation_controls(model: dict, fit_cfg: dict, params: dict) -> None:
    """Initialiser, L2, dropout, batch norm, early stopping, LR schedule, hold-out or k-fold (§4.4–§4.6)."""
    model["initializer"] = bound(st.selectbox, "Initialiser", "nn_init", "glorot_normal", options=list(INITIALIZERS),
                                 help="zeros: every neuron stays identical and nothing is learned.")
    model["l2"] = bound(st.select_slider, "L2 weight decay γ", "nn_l2", 0.0, options=[0.0, 1e-4, 1e-3, 1e-2, 1e-1])
    model["dropout"] = bound(st.select_slider, "Dropout", "nn_drop", 0.0, options=[0.0, 0.1, 0.2, 0.3, 0.5])
    model["batchnorm"] = bound(st.toggle, "Batch normalisation", "nn_bn", False)
    model["one_hot"] = bound(st.toggle, "Categorical cross-entropy on one-hot targets", "nn_onehot", False,
                             help="Multi-class only; off = sparse categorical cross-entropy on class ids (same loss).")
    fit_cfg["early_stopping"] = bound(st.select_slider, "Early stopping patience (0 = off)", "nn_es", 0,
                                      options=[0, 5, 10, 20, 50], help="Stops when validation loss stops improving "
                                      "and restores the best weights.")
    fit_cfg["reduce_lr"] = bound(st.select_slider, "ReduceLROnPlateau patience (0 = off)", "nn_rlr", 0,
                                 options=[0, 5, 10, 20])
    params["validation"] = bound(st.radio, "Validation", "nn_val", "holdout", options=["holdout", "kfold"],
                                 horizontal=True)
    if params["validation"] == "kfold":
        params["k"] = bound(st.slider, "k folds", "nn_k", 5, min_value=3, max_value=10)


def csv_source(params: dict) -> bool:
    """The uploaded CSV and its target column into `params`; False (with the reason shown) until usable."""
    frame = csv_uploader("Your CSV: numeric feature columns and one target column", "nn_csv")
    if frame is None:
        return False
    target = st.selectbox("Target column", list(frame.columns), index=len(frame.columns) - 1, key="nn_target")
    params.update(csv=st.session_state["nn_csv"].getvalue(), target=target)
    try:
        page_dataset(params)
    except UploadError as err:
        st.error(str(err), icon=":material/error:")
        return False
    return True


# converted once per (upload content, target, task), not on every rerun; bounded: the key is the user's file
@st.cache_resource(show_spinner=False, max_entries=16, ttl=3600)
def _csv_dataset(key: str, target: str | None, task: str, _data: bytes) -> Dataset:
    return csv_to_dataset(csv_frame(_data), target, task)


def page_dataset(params: dict) -> Dataset:
    """`load_dataset`, with an uploaded CSV read from the per-content caches (shared, do not modify it)."""
    if params.get("dataset") != "csv":
        return load_dataset(params)
    data = params["csv"]
    return _csv_dataset(content_key(data), params.get("target"), params.get("task", "auto"), data)


DATA_KEYS = ("dataset", "n", "noise", "seed", "csv", "target", "task")  # the parameters that decide the data


@st.cache_resource(show_spinner="Evaluating the shipped network…", max_entries=4)
def _shipped(name: str, path: str, mtime: float):
    """`shipped_result` once per version of models/NAME.keras (`file_key`): a rebuilt artifact is read again."""
    return shipped_result(name)


def shown_result(params: dict, job, ds) -> tuple | None:
    """(result, Dataset, caption, widget key, model path) the tab shows: the job's network on the data it was
    trained on (read again only when that is not the page's data `ds`), else the shipped network of this
    dataset, else None (with a sentence when the trained-on CSV is gone)."""
    if job is not None and job.result:
        trained_on = result_params(job.result, params)
        if trained_on is None:
            st.info("Your network was trained on a CSV that is no longer uploaded: upload it again to see it.")
            return None
        if any(trained_on.get(k) != params.get(k) for k in DATA_KEYS):
            ds = page_dataset(trained_on)
        caption = f"Showing **your network** ({job.status}), trained on {job.result['dataset']}."
        return job.result, ds, caption, "nn-job", job.result.get("model_path")
    name = SHIPPED.get(params["dataset"])
    if name is None or not zoo.exists(name):
        return None
    result, ds = _shipped(name, *file_key(zoo.path(name)))
    caption = (f"Showing the **shipped model** for {params['dataset']} (models/{name}.keras, default network). "
               "Change the knobs and press Train to train your own.")
    return result, ds, caption, "nn-shipped", str(zoo.path(name))
