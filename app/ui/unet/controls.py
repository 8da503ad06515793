"""U-Net page helpers: data choice (generated canvases or your image + mask zip), architecture and training
knobs bound to the URL, the model shown (trained or shipped)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from anndl.data.maskzip import mask_zip_dataset
from anndl.data.uploads import UploadError
from anndl.errors import SettingsError
from anndl.scratch import content_key, scratch_path
from anndl.topics.unet import job as topic
from app.ui.models import shown_model
from app.ui.state import bound, classroom

SHIPPED = {"shapes": "unet_shapes"}
SKIPS = {"concat": "concatenate (U-Net)", "add": "add", "none": "none (plain FCN, §10.8)"}
UPSAMPLING = {"transpose": "transposed convolution", "nearest": "nearest + conv", "bilinear": "bilinear + conv"}
D = topic.DEFAULTS


@st.cache_resource(show_spinner="Drawing the canvases…", max_entries=4, ttl=3600)
def canvases(name: str, n_train: int, seed: int) -> topic.SegData:
    return topic.canvases(name, n_train, seed)


@st.cache_resource(show_spinner="Reading your zip…", max_entries=8, ttl=3600)
def upload_pairs(data: bytes, size: int, channels: int):
    """(MaskPairs, npz path for the worker, class names) of an uploaded zip; raises UploadError."""
    pairs = mask_zip_dataset(data, size=(size, size), channels=channels)
    names = ["background", *(f"class {c}" for c in range(1, max(pairs.class_ids) + 1))]
    path = topic.save_upload(pairs.images, pairs.masks, names, scratch_path(content_key(data, size, channels), ".npz"))
    return pairs, path, names


def choose_data(seed: int) -> tuple[topic.SegData | None, dict]:
    """Data selector (+ zip uploader): (SegData or None with the reason on the page, job params)."""
    name = bound(st.selectbox, "Images", "unet_data", "shapes", options=list(topic.DATASETS),
                 format_func=topic.DATASETS.get)
    params = {"dataset": name, "seed": seed}
    if name != "upload":
        n = bound(st.select_slider, "Training canvases", "unet_n", D["n_train"], options=[200, 400, 800, 1600])
        params["n_train"] = n
        data = canvases(name, n, seed)
        st.caption(f"{len(data.x_train)} training / {len(data.x_val)} validation canvases {topic.SIZE}×{topic.SIZE}, "
                   f"and {len(data.x_test)} test canvases of objects never seen in training — {data.source}. "
                   f"Classes: {', '.join(data.class_names)}.")
        return data, params
    c = st.columns(2)
    size = bound(c[0].select_slider, "Resize to", "unet_size", 64, options=[32, 48, 64, 96, 128])
    channels = 3 if bound(c[1].radio, "Colour", "unet_rgb", "RGB", options=["grayscale", "RGB"],
                          horizontal=True) == "RGB" else 1
    file = st.file_uploader("A zip of images/NAME.jpg with masks/NAME.png (pixel value = class id, 0 = background)",
                            type=["zip"], key="unet_zip",
                            help="Oxford-pets trimaps and VOC palette masks work as they are; NAME_mask.png also.")
    if file is None:
        st.info("Upload a zip of image + mask pairs to train on your own images.", icon=":material/upload:")
        return None, params
    try:
        pairs, path, names = upload_pairs(file.getvalue(), size, channels)
    except UploadError as err:
        st.error(str(err), icon=":material/error:")
        return None, params
    for line in pairs.warnings():
        st.warning(line, icon=":material/warning:")
    params["data_path"] = path
    data = topic.upload_data(path, seed)
    st.caption(f"Your zip: {len(pairs.names)} image + mask pairs, class ids {pairs.class_ids}, resized to "
               f"{size}×{size}; split {len(data.x_train)} / {len(data.x_val)} / {len(data.x_test)} "
               "train / validation / test.")
    return data, params


def architecture() -> dict:
    """Depth, base filters, skip connections, upsampling."""
    c = st.columns(4)
    return {"depth": bound(c[0].slider, "Depth (poolings)", "unet_depth", D["depth"], min_value=1, max_value=4),
            "filters": bound(c[1].select_slider, "Base filters", "unet_f", D["filters"], options=[4, 8, 16, 32]),
            "skip": bound(c[2].radio, "Skip connections", "unet_skip", D["skip"], options=list(SKIPS),
                          format_func=SKIPS.get),
            "upsampling": bound(c[3].radio, "Upsampling", "unet_up", D["upsampling"], options=list(UPSAMPLING),
                                format_func=UPSAMPLING.get)}


@st.cache_data(show_spinner=False, max_entries=32)
def layer_summary(net: dict, input_shape: tuple, n_classes: int) -> tuple[int, pd.DataFrame]:
    """(parameter count, the skip joins with their shapes) of a configuration (built, not trained)."""
    from anndl.nets.unet import build_unet, skip_shapes

    model = build_unet(topic.config_from(net, input_shape, n_classes))
    rows = [{"join": name, "decoder map": "×".join(map(str, ins[0])), "encoder map": "×".join(map(str, ins[1])),
             "joined": "×".join(map(str, out))} for name, ins, out in skip_shapes(model)]
    return model.count_params(), pd.DataFrame(rows)


def architecture_view(net: dict, input_shape: tuple, n_classes: int, draw: bool = True) -> bool:
    """Whether the configuration builds (its sentence if not), and when `draw` (its tab is open) its size."""
    try:
        n_params, joins = layer_summary(net, tuple(input_shape), n_classes)
    except SettingsError as err:
        st.error(str(err), icon=":material/error:")
        return False
    if not draw:
        return True
    st.metric("Parameters", f"{n_params:,}")
    if len(joins):
        st.dataframe(joins, hide_index=True, width="stretch")
        st.caption("Each skip joins the decoder's upsampled map with the encoder's map of the same size: "
                   "concatenation stacks their channels, addition needs equal channels and keeps them.")
    else:
        st.caption("No skips: the decoder rebuilds the mask from the bottleneck alone (plain FCN, §10.8).")
    return True


def training_knobs() -> dict:
    c = st.columns(4)
    out = {"epochs": bound(c[0].slider, "Epochs", "unet_epochs", D["epochs"], min_value=1, max_value=40),
           "batch": bound(c[1].select_slider, "Batch", "unet_batch", D["batch"], options=[8, 16, 32, 64]),
           "lr": bound(c[2].select_slider, "AdamW learning rate", "unet_lr", D["lr"],
                       options=[0.0003, 0.001, 0.003, 0.01])}
    out["balanced"] = False if classroom() else bound(
        c[3].toggle, "Class weights for rare classes", "unet_bal", False,
        help="Median-frequency weights in the pixel-wise cross-entropy: the background, most of the pixels, "
             "weighs less.")
    return out


def shown(params: dict, job, data):
    """The network trained on this data, else the shipped one for it, else None."""
    def same_data(result: dict) -> bool:
        return all(result["params"].get(k) == params.get(k) for k in ("dataset", "data_path", "n_train", "seed"))

    if data is None:
        return None
    return shown_model("unet", job, same_data, SHIPPED.get(params["dataset"]))
