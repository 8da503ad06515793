"""The GAN page's instant views over a generator: the sampled grid, walks between seeds and classes, latent
arithmetic, and the quality report of the model shown."""

from __future__ import annotations

import numpy as np
import streamlit as st

from anndl.errors import SettingsError
from anndl.topics.gan import sampler
from app.ui.charts import show_cached
from app.ui.classroom import stage
from app.ui.models import load_model
from app.ui.state import bound, classroom

from .controls import grid_image, quality_chart

CLASS_ALL = -1  # the class picker's "0–9 in turn"


def _generator(path: str, mtime: float):
    return load_model(path, "gan", mtime)


# one generator run per (model file, view, its arguments): the seeds fix the noise, so a rerun for another knob
# gives the same images; bounded (the seeds come from the URL)
@st.cache_data(show_spinner=False, max_entries=64, ttl=3600)
def _images(path: str, mtime: float, view: str, *args) -> np.ndarray:
    """sampler.`view`(generator, *args): a grid, a walk or the arithmetic's four images."""
    return getattr(sampler, view)(_generator(path, mtime), *args)


@st.fragment
def sample(path: str, mtime: float, class_names: list[str], seed: int, draw: bool = True) -> dict:
    """Seed, number of images and (cGAN) class: the grid (when `draw`: its tab is open). Returns the choices for
    the other views (on the page's full run; a fragment, so another seed or class reruns only the grid, and the
    closed tabs that use them are drawn again when they open)."""
    gen = _generator(path, mtime)
    _, n_classes = sampler.sizes(gen)
    c = st.columns(3)
    s = bound(c[0].number_input, "Noise seed", "gan_seed", seed, min_value=0, max_value=1_000_000, step=1)
    n = bound(c[1].select_slider, "Images", "gan_n", 20, options=[4, 10, 16, 20, 40, 60, 100])
    label = None
    if n_classes:
        label = bound(c[2].selectbox, "Class", "gan_class", CLASS_ALL, options=[CLASS_ALL, *range(n_classes)],
                      format_func=lambda k: "all, in turn" if k == CLASS_ALL else class_names[k])
        label = None if label == CLASS_ALL else label
    if not draw:
        return {"seed": int(s), "n": int(n), "label": label}
    try:
        images = _images(path, mtime, "sample_grid", int(s), int(n), label)
    except SettingsError as err:
        st.error(str(err), icon=":material/error:")
        return {"seed": int(s), "n": int(n), "label": label}
    with stage():
        st.image(grid_image(images[..., 0], cols=10, scale=3 if classroom() else 2),
                 caption=f"{n} samples of noise seed {s}, numbered row by row from 0")
    return {"seed": int(s), "n": int(n), "label": label}


def walks(path: str, mtime: float, class_names: list[str], chosen: dict) -> None:
    """Interpolation between two seeds (class fixed) and between two classes (noise fixed)."""
    gen = _generator(path, mtime)
    _, n_classes = sampler.sizes(gen)
    st.subheader("Between two seeds (§21.6)")
    c = st.columns(3)
    a = bound(c[0].number_input, "Seed A", "gan_sa", chosen["seed"], min_value=0, max_value=1_000_000, step=1)
    b = bound(c[1].number_input, "Seed B", "gan_sb", chosen["seed"] + 1, min_value=0, max_value=1_000_000, step=1)
    steps = bound(c[2].slider, "Steps", "gan_steps", 10, min_value=3, max_value=20)
    walk = _images(path, mtime, "seed_walk", int(a), int(b), steps, chosen["label"])
    st.image(grid_image(walk[..., 0], cols=steps, scale=3),
             caption=f"z(seed {a}) → z(seed {b})" + (f", class {class_names[chosen['label'] or 0]}" + (
                 " (a walk holds one class: with 'all, in turn' above it shows the first)"
                 if chosen["label"] is None else "") if n_classes else ""))
    if not n_classes:
        st.info("Walking between classes needs the conditional generator (pick it above).", icon=":material/info:")
        return
    st.subheader("Between two classes (§22.5)")
    c = st.columns(2)
    opts = {"options": list(range(n_classes)), "format_func": class_names.__getitem__}
    ca = bound(c[0].selectbox, "Class A", "gan_ca", 1, **opts)
    cb = bound(c[1].selectbox, "Class B", "gan_cb", 7, **opts)
    st.image(grid_image(_images(path, mtime, "class_walk", int(a), ca, cb, steps)[..., 0], cols=steps, scale=3),
             caption=f"label {class_names[ca]} → {class_names[cb]}, the same noise (seed {a}): the style stays")


def arithmetic(path: str, mtime: float, chosen: dict) -> None:
    """z_a − z_b + z_c on three samples of the grid above."""
    n = chosen["n"]
    c = st.columns(3)
    idx = [bound(c[i].number_input, f"Sample {name}", f"gan_ar{name}", min(i, n - 1), min_value=0, max_value=n - 1,
                 step=1) for i, name in enumerate("abc")]
    try:
        images = _images(path, mtime, "arithmetic", chosen["seed"], n, *map(int, idx), chosen["label"])
    except SettingsError as err:
        st.error(str(err), icon=":material/error:")
        return
    cols = st.columns(4)
    for col, img, cap in zip(cols, images[..., 0], ["a", "b", "c", "a − b + c"]):
        col.image(grid_image(img[None], cols=1, scale=4), caption=cap)


def quality_report(info: dict, trained: bool) -> None:
    """The quality meter's figures of the model shown, per epoch (from the job or the artifact's sidecar)."""
    rows = info.get("quality") or []
    if not rows:
        st.info("No quality figures for this model (the judge for this dataset is not shipped).",
                icon=":material/info:")
        return
    last = rows[-1]
    c = st.columns(3)
    if "cond_accuracy" in last:
        c[0].metric("Conditional accuracy (judge)", f"{last['cond_accuracy']:.3f}")
    c[1].metric("Class coverage", f"{last['coverage']:.2f}")
    c[2].metric("Fréchet distance (noise)", f"{last['frechet']:.1f} ({last['frechet_noise']:.0f})")
    # built once per server for its figures (a list of per-epoch numbers)
    show_cached(("gan-quality", *(tuple(sorted(r.items())) for r in rows)), lambda: quality_chart(rows),
                use_container_width=False)
    st.caption(("Your trained generator" if trained else "The shipped generator") + ": each epoch, 500 fresh samples "
               "scored by a judge CNN trained on real images alone; Fréchet distance against the real test set "
               "(lower is closer), noise images for scale.")
