"""Detection page helpers: the training knobs, the thresholds, the model shown and its raw predictions, which are
cached per model file and test set so the sliders redraw boxes, counts and the PR curve without running the network
again."""

from __future__ import annotations

import numpy as np
import streamlit as st

from anndl.topics.detection import job as topic
from app.ui.models import load_model, shown_model
from app.ui.state import bound, classroom


def knobs(seed: int) -> dict:
    """Detector, objects, epochs, and in full mode the training size, batch, learning rate and the class activation;
    larger defaults when the server has a GPU."""
    from anndl.device import host_device

    c = st.columns(4)
    kind = bound(c[0].selectbox, "Detector", "det_kind", topic.DEFAULTS["detector"], options=list(topic.DETECTORS),
                 format_func=topic.DETECTORS.get, help="keras-cv's YOLOv8, built from its constructors and trained "
                 "here, or the course's grid detector of §14.8 (one box per cell), written in anndl.")
    d = topic.defaults(host_device() == "gpu", kind)
    yolo = kind == "yolov8"
    p = {"detector": kind,
         "objects": bound(c[1].selectbox, "Objects", "det_obj", "shapes", options=list(topic.OBJECTS),
                          format_func=topic.OBJECTS.get),
         "epochs": bound(c[2].slider, "Epochs", "det_epochs", d["epochs"], min_value=1, max_value=60),
         "multilabel": yolo or bound(c[3].toggle, "Multi-label (sigmoid per class)", "det_ml", False,
                                     help="§14.2: one softmax over the classes (one label per box) or an "
                                          "independent sigmoid per class (a box may carry several labels)."),
         "seed": seed}
    if yolo:
        c[3].caption("YOLOv8 scores every class with its own sigmoid (multi-label, §14.2).")
    if classroom():
        return {**d, **p}
    c = st.columns(3)
    p["n_train"] = bound(c[0].select_slider, "Training canvases", "det_n", d["n_train"],
                         options=[200, 500, 1000, 2000, 4000])
    p["batch"] = bound(c[1].select_slider, "Batch", "det_batch", 32, options=[16, 32, 64])
    p["lr"] = bound(c[2].select_slider, "Learning rate", "det_lr", 0.002, options=[0.0005, 0.001, 0.002, 0.004])
    return {**d, **p}


def thresholds() -> tuple[float, float]:
    """The confidence threshold and the NMS IoU threshold (§14.4), shared by every tab."""
    c = st.columns(2)
    conf = bound(c[0].slider, "Confidence threshold", "det_conf", topic.CONFIDENCE, min_value=0.05, max_value=0.95,
                 step=0.05, help="A cell's box is kept when objectness × class probability reaches this.")
    nms = bound(c[1].slider, "NMS IoU threshold", "det_nms", topic.NMS_IOU, min_value=0.05, max_value=1.0, step=0.05,
                help="Non-maximum suppression drops a box overlapping a higher-scored box of its class by more "
                     "than this IoU; 1.0 keeps every box.")
    return conf, nms


def shown(params: dict, job):
    """The detector trained on these objects in this session, else the shipped one, else None."""
    def same(result: dict) -> bool:
        p = result["params"]
        return p.get("objects") == params["objects"] and p.get("detector", "grid") == params["detector"]

    shipped = topic.ARTIFACT[params["detector"]] if params["objects"] == "shapes" else None
    return shown_model("detection", job, same, shipped)


def multilabel_of(shown) -> bool:
    return bool((shown.info.get("params") or shown.info.get("config") or {}).get("multilabel", False))


@st.cache_resource(show_spinner="Drawing the test canvases…", max_entries=4)
def test_set(objects: str, seed: int):
    return topic.test_set(objects, seed)


def raw(shown, objects: str, seed: int) -> dict[str, np.ndarray]:
    """The raw predictions (every cell, before thresholds and NMS) on the test set, computed once per model file
    and test set for the whole server: the sliders and a second visit redraw without running the network again."""
    return _raw(shown.path, shown.mtime, objects, seed, multilabel_of(shown))


# bounded: a trained model's file is a key too (one per finished job)
@st.cache_data(show_spinner="Running the detector on the test canvases…", max_entries=8)
def _raw(path: str, mtime: float, objects: str, seed: int, multilabel: bool) -> dict[str, np.ndarray]:
    return topic.raw_predictions(load_model(path, "detection", mtime), test_set(objects, seed).images, multilabel)


@st.cache_data(show_spinner="COCOeval on the test set…", max_entries=32)
def scores(path: str, mtime: float, objects: str, seed: int, multilabel: bool, conf: float, nms: float) -> dict:
    """mAP@0.5, mAP@[.5:.95] and the precision array of the detections at these thresholds (pycocotools)."""
    c = test_set(objects, seed)
    dets = topic.detections(_raw(path, mtime, objects, seed, multilabel), conf, nms)
    return topic.score(c, dets, len(c.class_names))


def photo_predictions(shown, pixels: np.ndarray) -> dict[str, np.ndarray]:
    """Raw predictions of one (h, w, 1) image (the network is fully convolutional: any multiple of 8 px), once per
    model and image: the sliders redraw its boxes without running the network again."""
    return _photo(shown.path, shown.mtime, multilabel_of(shown), pixels)


@st.cache_data(show_spinner=False, max_entries=16)
def _photo(path: str, mtime: float, multilabel: bool, pixels: np.ndarray) -> dict[str, np.ndarray]:
    return topic.raw_predictions(load_model(path, "detection", mtime), pixels[None], multilabel)
