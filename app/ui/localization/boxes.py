"""Localization page, the two routes to a box measured over the test set: the box head (§11.3, §13.2) and the
CAM thresholded without any box label (§11.4, §12.6)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from anndl import explain
from anndl.topics.localization import job as topic
from app.ui.classroom import stage
from app.ui.downloads import csv_download
from app.ui.localization.controls import test_set
from app.ui.localization.draw import HEAT_BOX, PRED, TRUE, overlay, rgb, with_boxes
from app.ui.models import load_model
from app.ui.state import classroom, seed

PER_ROW = 8


def _caption(ev: dict, names: list[str], i: int, iou_key: str) -> str:
    p = int(ev["pred"][i])
    return f"#{i} IoU {ev[iou_key][i]:.2f} · {names[p]} {ev['probs'][i][p]:.2f}"


def two_heads(ev: dict, c, key: str) -> None:
    """Scores of the box head, predicted against true boxes on test canvases, and the worst images."""
    if classroom():  # the projector opens on the boxes, the scores follow
        _canvases(ev, c, key)
    m = st.columns(4)
    m[0].metric("Class accuracy", f"{ev['accuracy']:.3f}")
    m[1].metric("Mean IoU", f"{ev['mean_iou']:.3f}")
    m[2].metric("IoU ≥ 0.5", f"{ev['iou50']:.1%}")
    m[3].metric("Test canvases", len(ev["iou"]))
    rho = pd.DataFrame([ev["spearman"]]).rename(index={0: "Spearman ρ"})
    st.dataframe(rho.style.format("{:.3f}"), width="stretch")
    st.caption("IoU = |predicted ∩ true| / |predicted ∪ true| per image (§13.2); Spearman's ρ ranks each predicted "
               "coordinate against the true one over the test set. Red: predicted box, green: true box.")
    if not classroom():
        _canvases(ev, c, key)
    st.markdown("**The worst predictions** (lowest IoU)")
    gallery(c, ev, np.argsort(ev["iou"])[:PER_ROW], "iou", "boxes", PRED)
    frame = pd.DataFrame({"image": range(len(ev["iou"])), "iou": ev["iou"], "cam_iou": ev["cam_iou"],
                          "true_class": c.classes[:, 0], "predicted_class": ev["pred"]})
    csv_download(frame, "localization_iou.csv", f"{key}_csv", "IoU per test image (CSV)")


def _canvases(ev: dict, c, key: str) -> None:
    """Predicted (red) and true (green) boxes on a row of test canvases the slider picks."""
    with stage():
        start = st.slider("First test canvas", 0, len(ev["iou"]) - PER_ROW, 0, step=PER_ROW, key=f"{key}_start",
                          persist_state="page")  # kept while the tab is closed
        gallery(c, ev, range(start, start + PER_ROW), "iou", "boxes", PRED)


def gallery(c, ev: dict, indices, iou_key: str, box_key: str, colour, heat: np.ndarray | None = None) -> None:
    cols = st.columns(PER_ROW)
    for k, i in enumerate(indices):
        pixels = overlay(c.images[i], heat[k]) if heat is not None else rgb(c.images[i])
        pic = with_boxes(pixels, [(c.boxes[i, 0], TRUE), (ev[box_key][i], colour)])
        cols[k].image(pic, caption=_caption(ev, c.class_names, int(i), iou_key))


def cam_route(shown, objects: str, ev: dict, c, threshold: float, key: str) -> None:
    """CAM boxes over the test set: the heatmap → box → IoU chain, measured, and a few overlays."""
    m = st.columns(3)
    m[0].metric("CAM boxes with IoU ≥ 0.5", f"{ev['cam_iou50']:.1%}")
    m[1].metric("Mean IoU of CAM boxes", f"{ev['cam_mean_iou']:.3f}")
    m[2].metric("Box head, for comparison", f"{ev['mean_iou']:.3f}")
    st.caption(f"CAM M_c(i, j) = Σ_k w_k^c f_k(i, j) of the predicted class, its positive part averaged over "
               f"{topic.VIEWS} views of the canvas (quarter turns, each map turned back) and upsampled; the box "
               f"is the largest region above {threshold:.0%} of its maximum (white), the truth green. No box label "
               "is used.")
    start = st.slider("First test canvas", 0, len(ev["iou"]) - PER_ROW, 0, step=PER_ROW, key=f"{key}_start",
                      persist_state="page")  # kept while the tab is closed
    idx = np.arange(start, start + PER_ROW)
    gallery(c, ev, idx, "cam_iou", "cam_boxes", HEAT_BOX, _cams(shown, objects, seed(), ev, idx))
    st.markdown("**Where CAM boxes fail most**")
    worst = np.argsort(ev["cam_iou"])[:PER_ROW]
    gallery(c, ev, worst, "cam_iou", "cam_boxes", HEAT_BOX, _cams(shown, objects, seed(), ev, worst))


def _cams(shown, objects: str, seed: int, ev: dict, indices) -> np.ndarray:
    return cam_maps(shown.path, shown.mtime, objects, seed, tuple(int(i) for i in indices),
                    tuple(int(ev["pred"][i]) for i in indices))


# once per (model file, test canvases, classes): a slider move elsewhere must not recompute 16 CAMs
@st.cache_data(show_spinner=False, max_entries=32)
def cam_maps(path: str, mtime: float, objects: str, seed: int, indices: tuple[int, ...],
             classes: tuple[int, ...]) -> np.ndarray:
    """(n, h, w) CAM heatmaps in [0, 1] of the test canvases `indices` of (objects, seed) for `classes`."""
    cams = explain.augmented_cam(load_model(path, "localization", mtime),
                                 test_set(objects, seed).images[list(indices)], list(classes), topic.VIEWS)
    return np.stack([explain.normalise(h) for h in cams])
