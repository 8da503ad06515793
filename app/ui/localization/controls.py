"""Localization page helpers: the training knobs, the model shown (trained or shipped) and its evaluation."""

from __future__ import annotations

import streamlit as st

from anndl.topics.localization import job as topic
from app.ui.models import load_model, shown_model
from app.ui.state import bound, classroom

SHIPPED = {"shapes": "loc_shapes"}


def knobs(seed: int) -> dict:
    """Objects, training size, α and the optimiser (fewer in classroom mode)."""
    c = st.columns(4)
    p = {"objects": bound(c[0].selectbox, "Objects", "loc_obj", "shapes", options=list(topic.OBJECTS),
                          format_func=topic.OBJECTS.get),
         "alpha": bound(c[1].slider, "α (class-loss weight)", "loc_alpha", 0.5, min_value=0.0, max_value=1.0,
                        step=0.05, help="Loss = α·cross-entropy + (1 − α)·box L1 loss (§11.3). α = 1 trains on "
                                        "labels only: the box head learns nothing, CAM still finds the object."),
         "epochs": bound(c[2].slider, "Epochs", "loc_epochs", 16, min_value=1, max_value=40),
         "seed": seed}
    if classroom():
        return {**topic.DEFAULTS, **p}
    c = st.columns(4)
    p["n_train"] = bound(c[0].select_slider, "Training canvases", "loc_n", topic.DEFAULTS["n_train"],
                         options=[500, 1000, 2000, 3000, 5000])
    p["batch"] = bound(c[1].select_slider, "Batch", "loc_batch", 64, options=[16, 32, 64, 128])
    p["lr"] = bound(c[2].select_slider, "Learning rate", "loc_lr", 0.003, options=[0.001, 0.002, 0.003, 0.005])
    p["hide"] = bound(c[3].select_slider, "Hide patches", "loc_hide", 0.0, options=[0.0, 0.25, 0.5],
                      help="Hide-and-Seek: each 16 px patch of a training image is blanked with this probability, "
                           "so a labels-only network (α = 1) cannot rely on one corner and its CAM covers the "
                           "whole object.")
    return {**topic.DEFAULTS, **p}


def shown(params: dict, job):
    """The network trained on these objects in this session, else the shipped one, else None."""
    def same_objects(result: dict) -> bool:
        return result["params"].get("objects") == params["objects"]

    return shown_model("localization", job, same_objects, SHIPPED.get(params["objects"]))


@st.cache_resource(show_spinner="Drawing the test canvases…", max_entries=4)
def test_set(objects: str, seed: int):
    return topic.test_set(objects, seed)


@st.cache_data(show_spinner="Scoring the test canvases…", max_entries=8)
def evaluate(path: str, mtime: float, objects: str, seed: int, threshold: float) -> dict:
    """Boxes, CAM boxes and IoUs of a model file on the test canvases of (objects, seed)."""
    return topic.evaluate(load_model(path, "localization", mtime), test_set(objects, seed), threshold)
