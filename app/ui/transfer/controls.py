"""Transfer page helpers: the target task (or an upload), the backbone in use and why, the lecture's knobs and
the model shown (the user's fine-tuned one, else the shipped default run)."""

from __future__ import annotations

import streamlit as st

from anndl.data.uploads import UploadError
from anndl.topics.transfer import job as topic
from app.ui.models import shown_model
from app.ui.state import bound, classroom

SHIPPED = {"digits59": "transfer_digits59"}  # task -> artifact in models/ (the instant default)
BACKBONE_CHOICES = ["auto", "mobilenet_digits04", "mobilenet_fashion", "MobileNetV3Small", "MobileNetV2",
                    "EfficientNetB0", "ResNet50"]


@st.cache_resource(show_spinner=False, ttl=3600)
def backbone_status():
    """What every backbone offers on this server right now (the network is probed once)."""
    from anndl import backbones

    return backbones.available()


def choose_task(seed: int) -> tuple[dict, int | None]:
    """Task selector (+ zip uploader): (params, the upload's training images (0 for a built-in task), or None while
    there is no usable data)."""
    task = bound(st.selectbox, "Target task", "tl_task", "digits59", options=list(topic.TASKS),
                 format_func=lambda k: topic.TASKS[k][0])
    params = {"task": task, "seed": seed}
    if task != "upload":
        return params, 0
    from app.ui.cnn.controls import upload_dataset

    file = st.file_uploader("A zip with one folder per class (≥ 2 classes, ≥ 5 PNG/JPEG images each); images are "
                            "made 28×28 gray for the backbone", type=["zip"], key="tl_zip")
    if file is None:
        st.info("Upload a zip of class folders: small sets are what transfer learning is for.",
                icon=":material/upload:")
        return params, None
    try:
        read, path = upload_dataset(file.getvalue(), 28, 1)
    except UploadError as err:
        st.error(str(err), icon=":material/error:")
        return params, None
    for line in read.warnings():
        st.warning(line, icon=":material/warning:")
    ds = read.dataset
    st.caption(f"Your zip: {len(ds.x)} images in {ds.n_classes} classes ({', '.join(ds.class_names)}).")
    params.update(data_path=path, per_class=0)  # an upload trains on all its training images
    return params, len(topic.split_images(ds, seed).x_train)


@st.cache_data(show_spinner=False, max_entries=16, ttl=600)
def _planned(requested: str, task: str, reachable: tuple[bool, str] | None) -> str:
    return topic.planned_backbone(requested, task)


def planned_backbone(requested: str, task: str) -> str:
    """topic.planned_backbone, once per choice and reachability of the weights: online, a keras.applications backbone
    is built to check its weights (seconds for ResNet50), not on every rerun."""
    from anndl.backbones import APPLICATIONS, imagenet_reachable

    return _planned(requested, task, imagenet_reachable() if requested in APPLICATIONS else None)


def backbone_knob(task: str) -> str:
    """Backbone selector and the sentence saying which backbone and weights are used, and why."""
    requested = "auto" if classroom() else bound(
        st.selectbox, "Backbone", "tl_backbone", "auto", options=BACKBONE_CHOICES,
        help="keras.applications backbones need ImageNet weights from the internet; the project's own are offline.")
    st.info(f"**Backbone in use**: {planned_backbone(requested, task)}", icon=":material/layers:")
    if not classroom():
        with st.expander("All backbones on this server"):
            st.dataframe([{"backbone": b.name, "kind": b.kind, "weights": ", ".join(b.weights) or "—",
                           "status": b.reason} for b in backbone_status()], hide_index=True)
    return requested


def knobs(upload: bool) -> dict:
    """The lecture's knobs: where to cut, examples per class, layers to unfreeze, steps and learning rates."""
    defaults = topic.defaults_for("upload" if upload else topic.DEFAULTS["task"])
    out = {k: defaults[k] for k in ("cut", "per_class", "unfreeze", "dropout", "lr", "ft_lr",
                                          "transfer_steps", "finetune_steps")}
    if classroom():
        return out
    c = st.columns(3)
    out["cut"] = bound(c[0].selectbox, "Frozen up to", "tl_cut", out["cut"], options=list(topic.CUTS),
                       format_func=lambda k: f"{k} — {topic.CUTS[k]}")
    if not upload:
        out["per_class"] = bound(c[1].select_slider, "Training images per class", "tl_k", out["per_class"],
                                 options=[5, 10, 20, 50, 100, 0], format_func=lambda k: str(k) if k else "all")
    out["unfreeze"] = bound(c[2].slider, "Fine-tune: conv layers unfrozen", "tl_unfreeze", out["unfreeze"],
                            min_value=0, max_value=12, help="Top Conv2D/DepthwiseConv2D layers only; 0 skips "
                            "fine-tuning. BatchNormalization stays frozen: its statistics of the pretrained data are "
                            "kept, and a few small batches would only make them noisy (§9.14).")
    c = st.columns(4)
    out["transfer_steps"] = bound(c[0].select_slider, "Transfer steps", "tl_s1", out["transfer_steps"],
                                  options=[50, 100, 150, 300, 600])
    out["finetune_steps"] = bound(c[1].select_slider, "Fine-tune steps", "tl_s2", out["finetune_steps"],
                                  options=[0, 50, 100, 200, 400])
    out["lr"] = bound(c[2].select_slider, "Learning rate (head)", "tl_lr", out["lr"], options=[1e-3, 3e-3, 1e-2])
    out["ft_lr"] = bound(c[3].select_slider, "Learning rate (fine-tune)", "tl_ftlr", out["ft_lr"],
                         options=[3e-5, 1e-4, 3e-4, 1e-3])
    return out


@st.cache_data(show_spinner=False, max_entries=8)
def train_size(task: str, seed: int) -> int:
    """Training images of a built-in task's split."""
    return len(topic.task_data({"task": task, "seed": seed})[1].x_train)


def schedule_caption(params: dict, n_upload: int) -> None:
    """The epochs the step budget gives on this many training images, and why."""
    k, classes = int(params["per_class"] or 0), 5 if params["task"] == "digits59" else 10
    n = n_upload or (k * classes if k else train_size(params["task"], params["seed"]))
    st.caption(topic.schedule(n, params) + ": the recipe fixes optimiser steps, so fewer images get more epochs.")
    if n_upload:  # own data (issue 12): before training, whether the upload is enough to generalise
        from anndl.topics.cnn.transfer import budget_for
        from app.ui.owndata import size_warning

        size_warning(n_upload, budget_for("transfer"))


def shown(params: dict, job):
    """The job's model when trained on this task (and upload), else the shipped default run, else None."""
    def same(result: dict) -> bool:
        return all(result["params"].get(k) == params.get(k) for k in ("task", "data_path"))

    return shown_model("transfer", job, same, SHIPPED.get(params["task"]))
