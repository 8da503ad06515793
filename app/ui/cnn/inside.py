"""CNN trainer page, look inside (§9.11, §9.12, §12.2): metrics, confusion matrix whose cells open the
images, per-class scores, filters, activation maps, maximally activating patches, retrieval, classify."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st
from sklearn.metrics import confusion_matrix

from anndl import explain
from anndl.metrics import classification_report
from anndl.nets.cnn import embedding_model
from anndl.predict import predict_one
from app.ui.charts import cached_chart, confusion_chart, show, show_cached, to_png_image
from app.ui.classroom import stage
from app.ui.downloads import chart_png, csv_download, image_png, png_download
from app.ui.models import load_model
from app.ui.state import classroom


def _img(a: np.ndarray, scale: int = 3) -> np.ndarray:
    return to_png_image(a.squeeze(-1) if a.ndim == 3 and a.shape[-1] == 1 else a, scale=scale)


def scores(ev: dict, class_names: list[str], x_test: np.ndarray, key: str, inputs: tuple | None = None) -> None:
    """Accuracy with and without TTA, the clickable confusion matrix and per-class precision/recall/F1; `inputs`
    (what `ev` was computed from: model file, mtime, data, TTA) keys the chart built once per server."""
    c = st.columns(3)
    c[0].metric("Test accuracy", f"{ev['test_accuracy']:.3f}")
    c[1].metric("With test-time augmentation", f"{ev['tta_accuracy']:.3f}",
                delta=f"{ev['tta_accuracy'] - ev['test_accuracy']:+.3f}")
    c[2].metric("Test images", len(ev["y_true"]))
    st.caption("Test-time augmentation (§7.1.2) averages the softmax over the image and four 1-pixel shifts "
               "(and its mirror image when flips are used in training).")
    y_true, y_pred = np.array(ev["y_true"]), np.array(ev["y_pred"])
    n = len(class_names)
    m = confusion_matrix(y_true, y_pred, labels=range(n))

    def build():
        return confusion_chart(m, class_names, select="cell").properties(title="Confusion matrix")

    cm_key = None if inputs is None else ("cnn-cm", *inputs)
    left, right = st.columns([1, 1])
    with left:
        event = show_cached(cm_key, build, use_container_width=False, on_select="rerun", key=f"{key}_cm")
        png = chart_png(cached_chart(cm_key, build), None if cm_key is None else (*cm_key, "png"))
        png_download(png, "confusion.png", f"{key}_cm_png", "Confusion matrix (PNG)")
    wrong = sorted(((int(m[i, j]), i, j) for i in range(n) for j in range(n) if i != j and m[i, j]), reverse=True)
    picked = (event.selection.get("cell") or [None])[0] if event and event.selection else None
    with right:
        options = [(i, j) for _, i, j in wrong] or [(0, 0)]
        cell_ij = st.selectbox("Open a cell (or click one in the matrix)", options, key=f"{key}_cell",
                               persist_state="page",  # kept while its tab is closed
                               format_func=lambda c: f"true {class_names[c[0]]} → predicted {class_names[c[1]]} "
                                                     f"({m[c[0], c[1]]} images)")
        if picked:
            cell_ij = (class_names.index(picked["true"]), class_names.index(picked["predicted"]))
        members = np.flatnonzero((y_true == cell_ij[0]) & (y_pred == cell_ij[1]))
        cell_images(x_test, ev, class_names, cell_ij, members)
    report = pd.DataFrame(classification_report(y_true, y_pred, class_names))
    with st.expander("Precision, recall and F1 per class", expanded=True):
        st.dataframe(report.style.format({"precision": "{:.3f}", "recall": "{:.3f}", "f1": "{:.3f}"}),
                     hide_index=True, width="stretch")
        csv_download(report, "per_class_metrics.csv", f"{key}_csv")


def cell_images(x_test: np.ndarray, ev: dict, class_names: list[str], cell: tuple[int, int], members) -> None:
    """The test images of the chosen confusion cell, with the probability given to the predicted class."""
    i, j = cell
    if not len(members):
        st.caption("This cell is empty.")
        return
    st.markdown(f"**{len(members)} image(s): true {class_names[i]}, predicted {class_names[j]}**")
    cols = st.columns(6)
    for k, idx in enumerate(members[:24]):
        cols[k % 6].image(_img(x_test[idx]), caption=f"p={ev['probs'][idx][j]:.2f}")


def filters(model, key: str) -> None:
    try:
        f = explain.first_layer_filters(model)
    except ValueError as err:
        st.info(str(err))
        return
    img = _img(explain.tile(f if f.shape[-1] == 3 else f[..., 0], cols=16), scale=8)
    st.image(img, caption=f"{len(f)} first-layer filters {f.shape[1]}×{f.shape[2]} (dark = negative weight)")
    png_download(image_png(img), "filters.png", f"{key}_filters_png", "Filters (PNG)")


# building a Keras sub-model costs ≈ 0.3 s a rerun; one per (model file, layer), bounded like load_model's cache
@st.cache_resource(show_spinner=False, max_entries=16)
def _sub_model(path: str, mtime: float, layer: str | None):
    """The model cut at `layer` (None: the embedding of §9.12)."""
    model = load_model(path, "cnn", mtime)
    return embedding_model(model) if layer is None else explain.feature_model(model, layer)


def activations(path: str, mtime: float, layers: list[str], image: np.ndarray, key: str, knobs=st, where=st) -> None:
    """The chosen layer's activation maps for one image (§9.11); `knobs` and `where` hold the picker and the maps."""
    layer = knobs.selectbox("Layer", layers, key=f"{key}_layer", persist_state="page")
    maps = np.moveaxis(predict_one(_sub_model(path, mtime, layer), image), -1, 0)  # (channels, h, w)
    cols = where.columns([1, 5])
    cols[0].image(_img(image, 6), caption="input")
    cols[1].image(_img(explain.tile(maps[:64], cols=16), scale=max(1, 96 // maps.shape[1])),
                  caption=f"{layer}: {min(len(maps), 64)} of {len(maps)} channels, {maps.shape[1]}×{maps.shape[2]}")


@st.fragment
def activation_maps(path: str, mtime: float, layers: list[str], x_test: np.ndarray, mine: np.ndarray | None,
                    key: str) -> None:
    """The test-image picker and its activation maps on the page's stage (§9.11): a fragment, so another image or
    layer reruns only this view; `mine` (an uploaded image) replaces the test image."""
    with stage():
        knobs, maps = st.columns([1, 3]) if classroom() else (st.container(), st.container())
        pick = knobs.number_input("Test image", 0, len(x_test) - 1, 0, key=f"{key}_idx", disabled=mine is not None,
                                  persist_state="page",  # kept while its tab is closed
                                  help="Upload your own image in the last tab to see its activation maps instead.")
        activations(path, mtime, layers, x_test[pick] if mine is None else mine, key, knobs, maps)


@st.cache_data(show_spinner="Searching the test set…", max_entries=16)
def _patches(path: str, mtime: float, layer: str, channel: int, _x, _rows, dataset_key) -> list[dict]:
    return explain.max_activating_patches(load_model(path, "cnn", mtime), _rows, layer, channel, _x, top=12)


def patches(path: str, mtime: float, model, rows, layers: list[str], x: np.ndarray, dataset_key, key: str) -> None:
    c = st.columns(2)
    layer = c[0].selectbox("Layer", layers, index=len(layers) - 1, key=f"{key}_player", persist_state="page")
    n_ch = model.get_layer(layer).output.shape[-1]
    channel = c[1].slider("Channel", 0, n_ch - 1, 0, key=f"{key}_pch", persist_state="page")
    found = _patches(path, mtime, layer, channel, x, rows, dataset_key)
    rf = next(r.rf for r in rows if r.name == layer)
    cols = st.columns(12)
    for k, p in enumerate(found):
        cols[k].image(_img(p["patch"], scale=max(1, 64 // max(p["patch"].shape[:2]))), caption=f"{p['score']:.2f}")
    st.caption(f"The 12 test-image patches that excite channel {channel} of {layer} most, cropped to its "
               f"{rf}×{rf} receptive field (§12.2); the number is the activation.")


@st.cache_data(show_spinner="Embedding the dataset…", max_entries=4)
def _embeddings(path: str, mtime: float, _x, dataset_key) -> np.ndarray:
    return explain.embed(load_model(path, "cnn", mtime), _x)


# once per (model file, data, query): the search over every image's embedding costs 0.1-0.3 s a rerun here
@st.cache_data(show_spinner=False, max_entries=32, ttl=3600)
def _nearest(path: str, mtime: float, _x, dataset_key, query: np.ndarray, exclude: int | None) -> tuple:
    """(indices, distances, embedding size) of the 10 images nearest to `query` in the embedding."""
    emb = _embeddings(path, mtime, _x, dataset_key)
    idx, dist = explain.nearest(emb, predict_one(_sub_model(path, mtime, None), query), k=10, exclude=exclude)
    return idx, dist, emb.shape[1]


def retrieval(path: str, mtime: float, ds, query: np.ndarray, exclude: int | None, dataset_key) -> None:
    idx, dist, size = _nearest(path, mtime, ds.x, dataset_key, query, exclude)
    cols = st.columns(11)
    cols[0].image(_img(query, 3), caption="query")
    for k, (i, d) in enumerate(zip(idx, dist)):
        cols[k + 1].image(_img(ds.x[i], 3), caption=f"{ds.class_names[ds.y[i]]} · d={d:.1f}")
    st.caption(f"Embedding = the network without its classifier ({size} numbers per image); the 10 nearest "
               f"of all {len(ds.x):,} images by Euclidean distance (§9.12).")


def classify(model, image: np.ndarray, class_names: list[str]) -> None:
    p = predict_one(model, image)
    top = np.argsort(-p)[:3]
    frame = pd.DataFrame({"class": [class_names[i] for i in top], "probability": p[top]})
    show(alt.Chart(frame).mark_bar().encode(x=alt.X("probability:Q", scale=alt.Scale(domain=[0, 1])),
                                            y=alt.Y("class:N", sort=None), tooltip=["class", "probability"]
                                            ).properties(height=120, title="Top-3 probabilities"))
