"""CNN trainer page helpers: data choice and upload, architecture editor + layer table, training knobs,
the current model (shipped or trained) and its evaluation."""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from anndl.data.images import DataMissing, zip_dataset
from anndl.data.uploads import UploadError
from anndl.errors import SettingsError
from anndl.nets.cnn import ACTIVATIONS, BLOCK_TYPES, PRESETS, block, blocks_text, parse_blocks
from anndl.scratch import content_key, scratch_path
from anndl.topics.cnn import job as topic
from app.ui.models import load_model, shown_model
from app.ui.state import bound, classroom

SHIPPED = {"mnist": "cnn_mnist", "fashion_mnist": "cnn_fashion"}
AUG_KEYS = {"tr": "translate", "rot": "rotate", "zoom": "zoom", "bri": "brightness", "con": "contrast",
            "mix": "mixup", "cut": "cutmix"}
COLUMNS = ["type", "filters", "kernel", "stride", "padding", "activation", "rate", "ratio"]


# keyed by the seed of the URL: bounded, or links with a thousand seeds would hold a thousand copies (≈ 30 MB each)
@st.cache_resource(show_spinner="Loading the images…", max_entries=4, ttl=3600)
def dataset(name: str, seed: int = 0):
    """(Dataset, Split) of a catalogue image set; cached for every session."""
    ds = topic.load_images(name, seed)
    return ds, topic.split_images(ds, seed)


@st.cache_resource(show_spinner=False, max_entries=8)
def upload_dataset(data: bytes, size: int, channels: int):
    """(ZipImages, npz path for the worker) of an uploaded zip; raises UploadError."""
    read = zip_dataset(data, size=(size, size), channels=channels)
    return read, topic.save_upload(read.dataset, scratch_path(content_key(data, size, channels), ".npz"))


def choose_data(seed: int) -> tuple:
    """Dataset selector (+ zip uploader): (Dataset, Split, params, input shape, classes); Dataset and Split are
    None, with the reason on the page, while there is no usable data (the knobs stay drawn, so none is lost)."""
    name = bound(st.selectbox, "Images", "cnn_data", "mnist", options=list(topic.DATASETS),
                 format_func=topic.DATASETS.get)
    params = {"dataset": name, "seed": seed}
    if name != "upload":
        try:
            ds, sp = dataset(name, seed)
        except DataMissing as err:
            st.error(str(err), icon=":material/error:")
            return None, None, params, (28, 28, 1), 10
        st.caption(f"{len(ds.x):,} images {ds.x.shape[1]}×{ds.x.shape[2]}, {ds.n_classes} classes — {ds.source}. "
                   f"Split 72/8/20 % train/validation/test, stratified, seed {seed}.")
        return ds, sp, params, ds.x.shape[1:], ds.n_classes
    c = st.columns(2)
    size = bound(c[0].select_slider, "Resize to", "cnn_size", 32, options=[16, 28, 32, 48, 64])
    channels = 3 if bound(c[1].radio, "Colour", "cnn_rgb", "grayscale", options=["grayscale", "RGB"],
                          horizontal=True) == "RGB" else 1
    file = st.file_uploader("A zip with one folder per class (≥ 2 classes, ≥ 5 PNG/JPEG images each)", type=["zip"],
                            key="cnn_zip", help="e.g. cats/1.png, cats/2.jpg, dogs/1.png … (one top folder is fine)")
    if file is None:
        st.info("Upload a zip of class folders to train on your own images.", icon=":material/upload:")
        return None, None, params, (size, size, channels), 2
    try:
        read, path = upload_dataset(file.getvalue(), size, channels)
    except UploadError as err:
        st.error(str(err), icon=":material/error:")
        return None, None, params, (size, size, channels), 2
    for line in read.warnings():
        st.warning(line, icon=":material/warning:")
    ds = read.dataset
    st.caption(f"Your zip: {len(ds.x)} images in {ds.n_classes} classes ({', '.join(ds.class_names)}), resized to "
               f"{size}×{size}, {'RGB' if channels == 3 else 'grayscale'}.")
    params["data_path"] = path
    return ds, topic.split_images(ds, seed), params, ds.x.shape[1:], ds.n_classes


def _set_preset():
    st.session_state["cnn_blocks"] = PRESETS[st.session_state["cnn_preset"]]


def apply_recipe(name: str) -> None:
    """Button callback: set the stack and knobs to a recipe (runs before the widgets are drawn)."""
    r = topic.RECIPES[name]
    st.session_state.update(cnn_blocks=r["blocks"], cnn_drop=r["dropout"], cnn_head=r["head"], cnn_lr=r["lr"],
                            cnn_batch=r["batch"], cnn_epochs=r["epochs"], cnn_cos=bool(r.get("cosine")),
                            cnn_es=r["early_stopping"], cnn_rlr=r["reduce_lr"],
                            **{f"cnn_a{k}": r["augment"].get(v, 0.0) for k, v in AUG_KEYS.items()})


def _frame(blocks: list[dict]) -> pd.DataFrame:
    return pd.DataFrame([{c: b.get(c) for c in COLUMNS} for b in blocks], columns=COLUMNS)


def architecture() -> dict:
    """Preset + block editor (bound to the URL as text) + head; returns the network params."""
    st.selectbox("Start from", list(PRESETS), key="cnn_preset", on_change=_set_preset,
                 help="Replaces the stack below with a classic design.")
    current = st.session_state.get("cnn_blocks") or st.query_params.get("cnn_blocks") or PRESETS["fast"]
    try:
        blocks = parse_blocks(current)
    except SettingsError as err:
        st.error(f"{err} Fix the text below or pick a preset.", icon=":material/error:")
        blocks = None
    if blocks is not None and not classroom():
        edited = st.data_editor(
            _frame(blocks), num_rows="dynamic", hide_index=True, width="stretch",
            key=f"cnn_editor_{hashlib.md5(current.encode()).hexdigest()[:8]}",
            column_config={"type": st.column_config.SelectboxColumn(options=BLOCK_TYPES, required=True),
                           "padding": st.column_config.SelectboxColumn(options=["same", "valid"]),
                           "activation": st.column_config.SelectboxColumn(options=ACTIVATIONS)})
        st.caption("One row per block, the input at the top; add rows at the bottom; empty cells take the block's "
                   "default. rate = dropout rate, ratio = SE reduction r.")
        try:
            new = blocks_text([block({k: v for k, v in r.items() if pd.notna(v)}, i)
                               for i, r in enumerate(edited.to_dict("records")) if pd.notna(r.get("type"))])
            if new and new != blocks_text(blocks):
                st.session_state["cnn_blocks"] = new
        except SettingsError as err:
            st.error(str(err), icon=":material/error:")
    text = bound(st.text_input, "Stack as text (shared in the link)", "cnn_blocks", PRESETS["fast"], max_chars=800,
                 help="conv:f=32,k=3,s=1,p=same,a=relu | maxpool:k=2,s=2 | batchnorm | dropout:r=0.25 | "
                      "inception:f=64 | residual:f=32,s=1 | se:q=4 | mobilenet:f=64,k=3,s=1")
    c = st.columns(3)
    head = bound(c[0].radio, "Head", "cnn_head", "flatten", options=["flatten", "gap"], horizontal=True,
                 format_func={"flatten": "Flatten + Dense", "gap": "GAP + Dense"}.get)
    hidden = bound(c[1].select_slider, "Hidden dense units", "cnn_hidden", 0, options=[0, 32, 64, 128, 256])
    dropout = bound(c[2].select_slider, "Head dropout", "cnn_drop", 0.3, options=[0.0, 0.1, 0.2, 0.3, 0.4, 0.5])
    return {"blocks": text, "head": head, "hidden": hidden, "dropout": dropout}


@st.cache_data(show_spinner=False, max_entries=32)
def table(params: dict, input_shape: tuple, n_classes: int) -> tuple[pd.DataFrame, dict]:
    """The live layer table of a configuration (built, not trained)."""
    from anndl.nets.cnn import build_cnn, layer_table

    model = build_cnn(topic.config_from(params, input_shape, n_classes))
    rows = layer_table(model)
    frame = pd.DataFrame([{"layer": r.name, "output": "×".join(map(str, r.output)), "params (Keras)": r.params,
                           "course formula": r.formula, "= formula": r.formula_params,
                           "✓": "✓" if r.formula_params == r.params else "✗", "receptive field": f"{r.rf}×{r.rf}",
                           "MACs": r.macs, "note": r.note} for r in rows])
    return frame, {"params": model.count_params(), "macs": sum(r.macs for r in rows), "rf": rows[-1].rf}


def layer_table_view(params: dict, input_shape: tuple, n_classes: int, draw: bool = True) -> bool:
    """Whether the stack builds (its error as one sentence, drawn even in a closed tab: it disables Train); the
    totals and the layer table when `draw` (the Architecture tab is open)."""
    try:
        frame, totals = table(params, tuple(input_shape), n_classes)
    except SettingsError as err:
        st.error(str(err), icon=":material/error:")
        return False
    if not draw:
        return True
    c = st.columns(3)
    c[0].metric("Parameters", f"{totals['params']:,}")
    c[1].metric("Multiply-adds per image", f"{totals['macs'] / 1e6:.2f} M")
    c[2].metric("Receptive field", f"{totals['rf']}×{totals['rf']} px")
    st.dataframe(frame, hide_index=True, width="stretch")
    st.caption("Course formula for a convolution: (h·w·C + 1)·n_f; BN keeps 4 numbers per channel; ✓ = equal to "
               "Keras' count. Receptive field: r_l = r_(l−1) + (k_l − 1)·jump_(l−1), jump_l = jump_(l−1)·s_l.")
    return True


def training_knobs() -> dict:
    """Optimiser, epochs, callbacks and augmentation (fewer in classroom mode)."""
    c = st.columns(4)
    out = {"lr": bound(c[0].select_slider, "Learning rate", "cnn_lr", 0.004, options=[0.0003, 0.001, 0.002, 0.004,
                                                                                        0.01]),
           "batch": bound(c[1].select_slider, "Batch", "cnn_batch", 128, options=[16, 32, 64, 128, 256]),
           "epochs": bound(c[2].slider, "Epochs", "cnn_epochs", 10, min_value=1, max_value=60),
           "cosine": bound(c[3].toggle, "Cosine LR decay", "cnn_cos", False)}
    if classroom():
        return {**out, "early_stopping": 4, "reduce_lr": 2, "augment": {}}
    c = st.columns(2)
    out["early_stopping"] = bound(c[0].select_slider, "Early stopping patience (0 = off)", "cnn_es", 4,
                                  options=[0, 2, 4, 8])
    out["reduce_lr"] = bound(c[1].select_slider, "ReduceLROnPlateau patience (0 = off)", "cnn_rlr", 2,
                             options=[0, 1, 2, 3, 5])
    with st.expander("Data augmentation (Keras preprocessing layers)", icon=":material/auto_fix_high:"):
        c = st.columns(4)
        small, turns = [0.0, 0.05, 0.08, 0.1, 0.2], [0.0, 0.02, 0.03, 0.05, 0.1]
        aug = {"flip": bound(c[0].toggle, "Horizontal flip", "cnn_aflip", False),
               "translate": bound(c[1].select_slider, "Translation", "cnn_atr", 0.0, options=small),
               "rotate": bound(c[2].select_slider, "Rotation (turns)", "cnn_arot", 0.0, options=turns),
               "zoom": bound(c[3].select_slider, "Zoom", "cnn_azoom", 0.0, options=small)}
        c = st.columns(4)
        aug["brightness"] = bound(c[0].select_slider, "Brightness", "cnn_abri", 0.0, options=[0.0, 0.1, 0.2, 0.3])
        aug["contrast"] = bound(c[1].select_slider, "Contrast", "cnn_acon", 0.0, options=[0.0, 0.1, 0.2, 0.3])
        aug["mixup"] = bound(c[2].select_slider, "MixUp α", "cnn_amix", 0.0, options=[0.0, 0.1, 0.2, 0.4])
        aug["cutmix"] = bound(c[3].select_slider, "CutMix α", "cnn_acut", 0.0, options=[0.0, 0.5, 1.0])
    out["augment"] = {k: v for k, v in aug.items() if v}
    return out


def augmentation_preview(sp, n_classes: int, augment: dict, seed: int) -> None:
    """Eight training images as the network will see them in one epoch."""
    from anndl.nets.augment import AugmentConfig, preview
    from app.ui.charts import to_png_image

    if not augment:
        return
    x, y = preview(sp.x_train[:8], topic.one_hot(sp.y_train[:8], n_classes), AugmentConfig(**augment), seed=seed)
    cols = st.columns(8)
    for i in range(len(x)):
        label = ", ".join(f"{j}:{p:.2f}" for j, p in enumerate(y[i]) if p > 0.01)
        cols[i].image(to_png_image(x[i].squeeze(), scale=3), caption=label)
    st.caption("Augmented training samples (label weights below each: MixUp/CutMix mix two classes).")


def uploaded_image(shape: tuple):
    """The image in the 'your image' uploader as model input, or None (errors are shown where it was uploaded)."""
    from anndl.data.images import image_from_bytes

    file = st.session_state.get("cnn_img")
    if file is None:
        return None
    try:
        return image_from_bytes(file.getvalue(), shape[:2], shape[2])
    except UploadError:
        return None


def final_curves(result: dict) -> None:
    """The finished job's training and validation curves, with its best epoch marked."""
    from app.ui.charts import history_curves

    history_curves(result["history"], {"best": result["best_epoch"]} if result.get("best_epoch") else None)
    stop = "stopped early, best weights restored" if result.get("stopped_early") else f"{result['epochs_run']} epochs"
    st.caption(f"Trained {result.get('train_s', 0):.1f} s, {stop}; the scores below are on the held-out test set.")


def shown(params: dict, job, ds, sp, seed: int) -> tuple:
    """(Shown model or None, Dataset, Split, data key): the network trained on these images, else the shipped one,
    with the split it was trained for (its seed may differ from the page's) to evaluate it on."""
    def same_images(result: dict) -> bool:
        return all(result["params"].get(k) == params.get(k) for k in ("dataset", "data_path"))

    model = shown_model("cnn", job, same_images, SHIPPED.get(params["dataset"])) if ds is not None else None
    if model is None:
        return None, ds, sp, (params["dataset"], params.get("data_path"), 0)
    split_seed = int(model.info["params"].get("seed", 0)) if model.trained else int(model.info["seed"])
    if split_seed != seed and params["dataset"] != "upload":
        ds, sp = dataset(params["dataset"], split_seed)
    return model, ds, sp, (params["dataset"], params.get("data_path"), split_seed)


@st.cache_data(show_spinner="Evaluating on the test set…", max_entries=8)
def evaluate(path: str, mtime: float, dataset_key: tuple, _sp, flip: bool) -> dict:
    """Predictions with and without test-time augmentation for a model file on a split."""
    return topic.evaluate(load_model(path, "cnn", mtime), _sp, 0, flip=flip)


ROUTES = {"transfer": "a pretrained backbone (transfer learning, §9.13)",
          "scratch": "scratch (the stack in Architecture)"}


def own_data_knobs(n_train: int) -> dict:
    """For an upload: start from a pretrained backbone (first for small sets) and defaults from the data's size."""
    from anndl.topics.cnn.transfer import BUDGET, budget_for
    from app.ui.owndata import recipe_toggle

    first = "transfer" if n_train < BUDGET.needed else "scratch"
    route = bound(st.radio, "Start from", "cnn_route", first, options=list(ROUTES), format_func=ROUTES.get,
                  horizontal=True, help="Small image sets learn far more from a backbone pretrained on other "
                  "images: only a new softmax head is trained on its frozen features.")
    if route == "transfer":
        st.caption("The backbone is one of the project's own (models/mobilenet_digits04, models/mobilenet_fashion; "
                   "ImageNet weights cannot be downloaded here): the job picks the one whose features separate your "
                   "validation images best and says which.")
    recipe = recipe_toggle("cnn", n_train, budget_for(route))
    return {"route": route, "recipe": recipe is not None}
