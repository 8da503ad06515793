"""Autoencoder page helpers: data choice, the lecture's knobs, the model shown (shipped or trained) and the
live reconstructions while a job trains."""

from __future__ import annotations

import numpy as np
import streamlit as st

from anndl.data.images import DataMissing
from anndl.nets.autoencoder import LATENTS
from anndl.topics.autoencoder import job as topic
from app.ui.models import shown_model
from app.ui.state import bound, classroom

SHIPPED = {("mnist", 2, 0.0): "ae_mnist2", ("mnist", 64, 0.0): "ae_mnist64",
           ("mnist", 64, topic.INIT_AE["deform"]): "ae_mnist64_deform", ("fashion_mnist", 2, 0.0): "ae_fashion2",
           ("fashion_mnist", 64, 0.0): "ae_fashion64"}  # (dataset, latent, deform) -> artifact in models/
DEFORMS = (0.0, 0.05, 0.1, 0.2)  # denoising by random moves: ±5 %, ±10 %, ±20 % of the size, as many degrees
KINDS = {"conv": "Convolutional (§19.2)", "dense": "Dense (§19.1)"}


@st.cache_resource(show_spinner="Loading the images…", max_entries=4, ttl=3600)
def dataset(name: str, seed: int = 0):
    """(Dataset, Split) of a catalogue image set; cached for every session."""
    ds = topic.load_images(name, seed)
    return ds, topic.split_images(ds, seed)


def choose_data(seed: int) -> tuple:
    """Dataset selector: (Dataset, Split, params); Dataset and Split are None (reason on the page) when missing."""
    name = bound(st.selectbox, "Images", "ae_data", "mnist", options=list(topic.DATASETS),
                 format_func=topic.DATASETS.get)
    params = {"dataset": name, "seed": seed}
    try:
        ds, sp = dataset(name, seed)
    except DataMissing as err:
        st.error(str(err), icon=":material/error:")
        return None, None, params
    st.caption(f"{len(ds.x):,} images {ds.x.shape[1]}×{ds.x.shape[2]}, {ds.n_classes} classes — {ds.source}. "
               f"Split 72/8/20 % train/validation/test, stratified, seed {seed}.")
    return ds, sp, params


def code_knobs() -> dict:
    """Latent size and kind, beside the data choice (they pick the model every tab shows)."""
    c = st.columns(2)
    return {"latent": bound(c[0].select_slider, "Latent size", "ae_latent", 2, options=list(LATENTS),
                            help="2: the code is drawn as it is. Larger codes are projected to 2-D (PCA or t-SNE)."),
            "kind": bound(c[1].radio, "Autoencoder", "ae_kind", "conv", options=list(KINDS), format_func=KINDS.get,
                          horizontal=True)}


def training_knobs() -> dict:
    """Denoising, VAE and training knobs (the defaults only, in classroom mode)."""
    out = {"noise": 0.0, "deform": 0.0, "variational": False, "beta": 1.0, "epochs": 15, "lr": 1e-3, "batch": 128}
    if classroom():
        return out
    c = st.columns(4)
    out["noise"] = bound(c[0].select_slider, "Denoising: input noise σ", "ae_noise", 0.0,
                         options=[0.0, 0.1, 0.2, 0.3, 0.5],
                         help="> 0 trains a denoising autoencoder: noisy images in, clean images as targets.")
    out["deform"] = bound(c[1].select_slider, "Denoising: random moves", "ae_deform", 0.0, options=list(DEFORMS),
                          format_func=lambda d: f"±{d:.0%}, ±{d * 100:g}°" if d else "off",
                          help="Each training image is shifted and turned at random and the autoencoder must "
                               "rebuild the original: its code learns to ignore small moves. The classifier of "
                               "§19.3 gains most from this one (±10 %, ±10°, 60 epochs is shipped).")
    out["epochs"] = bound(c[2].slider, "Epochs", "ae_epochs", 15, min_value=1, max_value=60)
    out["lr"] = bound(c[3].select_slider, "Learning rate", "ae_lr", 1e-3, options=[3e-4, 1e-3, 3e-3])
    c = st.columns(2)
    out["variational"] = bound(c[0].toggle, "Variational (VAE) — beyond the course", "ae_vae", False,
                               help="Not in §19–§20: the encoder outputs a mean and a variance, the code is "
                                    "sampled, and a KL term pulls the codes towards N(0, I).")
    out["beta"] = bound(c[1].select_slider, "β (KL weight)", "ae_beta", 1.0, options=[0.1, 0.5, 1.0, 2.0, 4.0],
                        disabled=not out["variational"])
    return out


def shown(params: dict, job, ds):
    """The model trained on these images with this latent size (and kind), else the shipped one, else None."""
    def same(result: dict) -> bool:
        return all(result["params"].get(k, topic.DEFAULTS.get(k)) == params.get(k, topic.DEFAULTS.get(k))
                   for k in ("dataset", "latent", "kind", "variational", "deform"))

    if ds is None:
        return None
    artifact = None if params.get("variational") or params.get("kind") != "conv" else \
        SHIPPED.get((params["dataset"], params["latent"], float(params.get("deform", 0.0))))
    return shown_model("autoencoder", job, same, artifact)


def img(a: np.ndarray, scale: int = 3) -> np.ndarray:
    """(h, w[, 1]) pixels in [0, 1] as uint8, enlarged (no min–max scaling: 0 stays black, 1 white)."""
    a = np.clip(np.asarray(a, "float32").squeeze(), 0, 1)
    return np.kron((a * 255).astype("uint8"), np.ones((scale, scale), "uint8"))


def row(images, captions: list[str] | None = None, scale: int = 3) -> None:
    """Images side by side (an 8×8 digit is enlarged as much as a 28×28 one)."""
    cols = st.columns(max(1, len(images)))
    for i, a in enumerate(images):
        cols[i].image(img(a, max(scale, scale * 28 // np.shape(a)[0])), caption=captions[i] if captions else None)


def live_view(job) -> None:
    """The fixed test images and their reconstructions after the newest epoch."""
    extra = next((e["extra"] for e in reversed(job.epochs) if e.get("extra")), None)
    sp = st.session_state.get("ae__live_sp")
    if not extra or sp is None:
        return
    epoch = next(e["epoch"] for e in reversed(job.epochs) if e.get("extra"))
    st.caption(f"Reconstructions of {topic.SHOW} fixed test images after epoch {epoch} (top: input).")
    row(list(sp.x_test[:topic.SHOW]))
    row([np.asarray(r) for r in extra["recon"]])


def final_curves(result: dict) -> None:
    from app.ui.charts import history_curves

    history_curves(result["history"])
    st.caption(f"Trained {result.get('train_s', 0):.1f} s, {result['epochs_run']} epochs; test reconstruction "
               f"MSE {result['test_mse']:.4f}.")
