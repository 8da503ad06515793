"""Localization page, explain any project model (§12.3–§12.6): CAM, Grad-CAM and saliency side by side on a test
canvas, a bundled photo or the student's own image, each with the box its heatmap gives and that box's IoU."""

from __future__ import annotations

import numpy as np
import streamlit as st

from anndl import explain, zoo
from anndl import explain_checks as checks
from anndl.data.images import to_array
from anndl.data.uploads import UploadError, open_image
from anndl.metrics import box_iou
from app.ui.localization.draw import HEAT_BOX, TRUE, overlay, rgb, with_boxes
from app.ui.models import load_model
from app.ui.state import bound

IMAGE_MODELS = ("cnn_mnist", "cnn_fashion", "mobilenet_fashion", "mobilenet_digits04")
TOPIC_OF = {"cnn_mnist": "cnn", "cnn_fashion": "cnn"}


def model_choices(shown) -> dict[str, tuple[str, str | None, float, list[str]]]:
    """label -> (model file, topic, mtime, class names): this page's network, the CNN trainer's trained one, and
    the shipped image classifiers."""
    import os

    out = {}
    if shown is not None:
        label = "This page's network (" + ("your trained one" if shown.trained else "shipped loc_shapes") + ")"
        out[label] = (shown.path, "localization", shown.mtime, shown.info["class_names"])
    cnn = st.session_state.get("cnn__result")
    path = (cnn.result or {}).get("model_path") if cnn is not None else None
    if path and os.path.exists(path):
        out["CNN trainer: your trained network"] = (path, "cnn", os.path.getmtime(path), cnn.result["class_names"])
    for name in IMAGE_MODELS:
        if zoo.exists(name):
            p = zoo.path(name)
            out[f"Shipped {name}"] = (str(p), TOPIC_OF.get(name), os.path.getmtime(p), zoo.info(name)["class_names"])
    return out


# one cut per (model file, layer): building the trunk and head sub-models costs ≈ 0.3 s
@st.cache_resource(show_spinner=False, max_entries=16)
def explainer(path: str, topic: str | None, mtime: float, layer: str):
    return explain.Explainer(load_model(path, topic, mtime), layer)


def spatial_layers(model) -> list[str]:
    return [layer.name for layer in model.layers
            if getattr(layer, "output", None) is not None and len(layer.output.shape) == 4
            and not layer.name.startswith(("input", "image"))]


def as_input(pixels: np.ndarray | object, shape: tuple) -> np.ndarray:
    """A PIL image or a [0, 1] array as the model's (h, w, channels) input."""
    from PIL import Image

    if isinstance(pixels, np.ndarray):
        a = np.clip(pixels, 0, 1)
        pixels = Image.fromarray((a[..., 0] if a.shape[-1] == 1 else a) * 255).convert("RGB")
    return to_array(pixels, tuple(shape[:2]), int(shape[2]))


def pick_image(c, key: str):
    """(image as PIL or array, true xyxy box in canvas pixels or None, source sentence)."""
    from anndl.data.photos import describe, names, photo_image

    src = st.radio("Input", ["A test canvas", "A photo", "Your image"], horizontal=True, key=f"{key}_src",
                   persist_state="page")  # these pickers keep their values while the tab is closed
    if src == "A test canvas":
        i = st.number_input("Test canvas", 0, len(c.images) - 1, 0, key=f"{key}_idx", persist_state="page")
        return c.images[i], c.boxes[i, 0], f"test canvas #{i}"
    if src == "A photo":
        name = st.selectbox("Photo", names(), key=f"{key}_photo", persist_state="page")
        return photo_image(name, 512), None, describe(name).source
    file = uploader(key)
    if file is None:
        st.info("Upload an image to explain the model's answer on it.", icon=":material/upload:")
        return None, None, ""
    try:
        return open_image(file.getvalue(), 25_000_000), None, "your image"
    except UploadError as err:
        st.error(str(err), icon=":material/error:")
        return None, None, ""


def uploader(key: str):
    """The "Your image" uploader; the page draws it alone while its tab is closed, so an uploaded image stays."""
    return st.file_uploader("Your image (PNG/JPEG)", type=["png", "jpg", "jpeg"], key=f"{key}_upload")


# once per (model file, layer, image, class, options): a click elsewhere on the page reruns the script, and the
# maps (RISE: up to 2,000 forward passes) do not change; bounded: images may be uploads
@st.cache_data(show_spinner="Computing the maps…", max_entries=32, ttl=3600)
def model_heatmaps(path: str, topic: str | None, mtime: float, layer: str, image: np.ndarray, class_index: int,
                   rise_masks: int = 0, augmented: bool = False) -> list[dict]:
    """`heatmaps` of the model file's explainer at `layer`."""
    return heatmaps(explainer(path, topic, mtime, layer), image, class_index, rise_masks, augmented)


def heatmaps(ex, image: np.ndarray, class_index: int, rise_masks: int = 0, augmented: bool = False) -> list[dict]:
    """CAM (when the network has GAP + softmax Dense), Grad-CAM, saliency, RISE (`rise_masks` > 0) and the augmented
    super-resolution CAM of one image, each over the input and scaled to [0, 1]."""
    h, w = image.shape[:2]
    out = []
    try:
        out.append({"name": "CAM (§12.6)", "heat": explain.normalise(explain.cam_heatmaps(ex.model, image[None],
                                                                                          [class_index])[0])})
    except ValueError:  # no GAP + softmax Dense: CAM does not apply, Grad-CAM does
        pass
    heat = explain.grad_cam(ex, image, class_index)[0]
    out.append({"name": "Grad-CAM (§12.5)", "heat": explain.normalise(explain.upsample(heat[None], (h, w))[0])})
    out.append({"name": "Saliency (§12.3)", "heat": explain.normalise(explain.saliency_map(ex, image, class_index))})
    if rise_masks:
        out.append({"name": f"RISE, {rise_masks} masks (§12.8)",
                    "heat": explain.normalise(checks.rise(ex, image, class_index, rise_masks))})
    if augmented:
        out.append({"name": "Augmented CAM (§12.7)",
                    "heat": explain.normalise(checks.augmented_cam(ex, image, class_index))})
    return out


def compare(rows: list[dict], image: np.ndarray, true_box, threshold: float, canvas_side: int) -> list[dict]:
    """Each heatmap's thresholded box, and that box's IoU against the true box (given in canvas pixels)."""
    h = image.shape[0]
    for row in rows:
        row["box"] = explain.heatmap_box(row["heat"], threshold)
        if true_box is not None:
            scale = h / canvas_side
            row["iou"] = float(box_iou(row["box"], np.asarray(true_box) * scale, pairwise=False))
    return rows


def show_maps(image: np.ndarray, rows: list[dict], true_box, canvas_side: int, key: str) -> None:
    """The maps side by side, each with its box (white) and the true box (green), and one PNG of them all."""
    from app.ui.downloads import image_png, png_download

    scale = max(1, 240 // image.shape[0])
    cols = st.columns(len(rows))
    pics = []
    for col, row in zip(cols, rows):
        boxes = [(row["box"], HEAT_BOX)]
        if true_box is not None:
            boxes.insert(0, (np.asarray(true_box) * image.shape[0] / canvas_side, TRUE))
        pics.append(with_boxes(overlay(image, row["heat"]), boxes, scale))
        col.image(pics[-1], caption=row["name"])
        if "iou" in row:
            col.caption(f"IoU of its box with the truth: **{row['iou']:.2f}**")
        if not row["heat"].any():
            col.caption("An all-zero map: no position raises this class's score (for Grad-CAM, every weighted "
                        "map was negative before the ReLU). Try another layer or class.")
    png_download(image_png(np.concatenate(pics, 1)), "heatmaps.png", f"{key}_png", "These maps (PNG)")



def sanity_check(path: str, topic: str | None, mtime: float, layer: str, image: np.ndarray, class_index: int,
                 rows: list[dict], masks: int, augmented: bool, key: str) -> None:
    """Adebayo et al. (2018) in one click: randomise the top k layers and measure how much each map changes."""
    model = load_model(path, topic, mtime)
    path = checks.weighted_class_path(model)
    c = st.columns([2, 1])
    k = c[0].slider("Randomise the top k weighted layers", 1, len(path), min(2, len(path)), key=f"{key}_k",
                    persist_state="page",  # kept while the tab is closed
                    help="Counted from the class output back: " + " ← ".join(path) + ".")
    if not c[1].button("Randomise and compare", key=f"{key}_go", icon=":material/shuffle:"):
        st.caption("A map that stays the same when the weights it should depend on are random explains nothing.")
        return
    ex = explain.Explainer(checks.randomised_copy(model, k), layer)
    random_rows = heatmaps(ex, image, class_index, masks, augmented)
    cols = st.columns(len(random_rows))
    for col, before, after in zip(cols, rows, random_rows):
        rho = checks.rank_similarity(before["heat"], after["heat"])
        col.image(with_boxes(overlay(image, after["heat"]), [], max(1, 240 // image.shape[0])),
                  caption=f"{after['name']}, top {k} random")
        col.caption(f"Rank correlation with the trained map: **{rho:.2f}**" if np.isfinite(rho) else
                    "The map became constant (all zero): it changed completely.")


def max_input(ex, class_index: int, name: str, key: str) -> None:
    """The input that maximally activates the class (§12.4), on a click (60 gradient steps)."""
    if st.button(f"Find the input that maximally activates '{name}'", key=key, icon=":material/auto_fix_high:"):
        x = checks.class_visualisation(ex, class_index)
        st.image(with_boxes(rgb(x), [], max(1, 160 // x.shape[0])), width=200,
                 caption=f"argmax_x y^c(x) − λ‖x‖², from a gray image: what the network wants to see for '{name}'")


def explain_view(shown, test, threshold: float) -> None:
    """The "Explain an image" tab: a model, a layer, an image and a class; CAM, Grad-CAM and saliency (RISE, the
    augmented CAM on demand) with their boxes, the sanity check and the class's maximal input. Its pickers keep
    their values while the tab is closed (persist_state)."""
    choices = model_choices(shown)
    if not choices:
        st.info("No image model is available yet: train one here or in the CNN trainer.", icon=":material/info:")
        return
    label = st.selectbox("Model to explain", list(choices), key="loc_x_model", persist_state="page")
    path, topic, mtime, names = choices[label]
    model = load_model(path, topic, mtime)
    layers = spatial_layers(model)
    layer = st.selectbox("Layer (Grad-CAM)", layers, index=layers.index(explain.last_conv_layer(model)),
                         key="loc_x_layer", persist_state="page", help="By default the last layer with spatial maps.")
    picked, true_box, source = pick_image(test, "loc_x")
    if picked is None:
        return
    image = as_input(picked, model.input_shape[1:])
    ex = explainer(path, topic, mtime, layer)
    probs = checks.class_probabilities(ex, image[None])[0]
    c = st.selectbox("Class to explain", range(len(names)), index=int(probs.argmax()), key="loc_x_class",
                     persist_state="page", format_func=lambda i: f"{names[i]} (p = {probs[i]:.2f})")
    k = st.columns(2)
    masks = bound(k[0].select_slider, "RISE masks (0 = off)", "loc_rise", 0, options=[0, 100, 300, 1000, 2000])
    aug = bound(k[1].toggle, "Augmented super-resolution CAM", "loc_aug", False,
                help="§12.7: maps of the image shifted by less than the maps' stride, combined at full size.")
    maps = model_heatmaps(path, topic, mtime, layer, image, c, masks, aug)
    rows = compare(maps, image, true_box, threshold, test.images.shape[1])
    st.caption(f"Input: {source}, as the model sees it ({image.shape[0]}×{image.shape[1]}); boxes at "
               f"{threshold:.0%} of each map's maximum (the threshold of the CAM tab).")
    show_maps(image, rows, true_box, test.images.shape[1], "loc_maps")
    st.subheader("Sanity check: do the maps depend on the weights?")
    sanity_check(path, topic, mtime, layer, image, c, rows, masks, aug, "loc_sanity")
    max_input(ex, c, names[c], "loc_maxin")
