"""Siamese page helpers: the data, the lecture's knobs, the model shown (shipped or trained), its cached embeddings
and the live embedding map while a job trains."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from anndl.data.images import image_from_bytes
from anndl.data.uploads import UploadError
from anndl.nets.siamese import EMBEDDINGS, MARGINS
from anndl.topics.siamese import job as topic
from app.ui.charts import history_curves, show
from app.ui.models import load_model, shown_model
from app.ui.state import bound, classroom

SHIPPED = {"triplet": "siamese_triplet", "contrastive": "siamese_contrastive", "softmax": "siamese_softmax"}
LOSSES = {"triplet": "Triplet loss (§18.3)", "contrastive": "Contrastive loss (§18.3)",
          "softmax": "Softmax classifier (baseline)"}
MININGS = {"semi-hard": "Semi-hard negatives", "random": "Random pairs / triplets"}
PALETTE = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#111111",
           "#9c755f"]  # tableau10, the held-out 8 in black


@st.cache_resource(show_spinner="Loading the digits…", max_entries=2, ttl=3600)
def data(seed: int = 0) -> topic.Data:
    return topic.load_data(seed)


def choose_loss() -> str:
    return bound(st.radio, "Embedding trained with", "sia_loss", "triplet", options=list(LOSSES),
                 format_func=LOSSES.get, horizontal=True)


def training_knobs(loss: str) -> dict:
    """Mining, margin, embedding size, normalisation, epochs (the defaults only, in classroom mode)."""
    out = {k: v for k, v in topic.DEFAULTS.items() if k != "loss"}
    if classroom():
        return out
    c = st.columns(3)
    out["mining"] = bound(c[0].radio, "Sampling", "sia_mining", "semi-hard", options=list(MININGS),
                          format_func=MININGS.get, disabled=loss == "softmax",
                          help="Which pairs / triplets each mini-batch contributes (see 'How pairs and triplets "
                               "are sampled').")
    out["margin"] = bound(c[1].select_slider, "Margin m", "sia_margin", MARGINS.get(loss, 1.0),
                          options=[0.1, 0.2, 0.5, 1.0, 2.0], disabled=loss == "softmax")
    out["embedding"] = bound(c[2].select_slider, "Embedding size", "sia_emb", 32, options=list(EMBEDDINGS))
    c = st.columns(3)
    out["normalize"] = bound(c[0].toggle, "L2-normalise the embedding", "sia_norm", topic.DEFAULTS["normalize"])
    out["epochs"] = bound(c[1].slider, "Epochs", "sia_epochs", topic.DEFAULTS["epochs"], min_value=1, max_value=30)
    out["lr"] = bound(c[2].select_slider, "Learning rate", "sia_lr", 1e-3, options=[3e-4, 1e-3, 3e-3])
    return out


def shown(loss: str, job):
    """The model trained on the page with this loss, else the shipped one for the loss."""
    return shown_model("siamese", job, lambda r: r["params"].get("loss") == loss, SHIPPED[loss])


@st.cache_resource(show_spinner="Embedding the digits…", max_entries=6)
def embeddings(path: str, mtime: float, seed: int) -> dict[str, np.ndarray]:
    """(n, E) embeddings of the test digits 0–7 and of the held-out digits, per model file."""
    model, d = load_model(path, "siamese", mtime), data(seed)
    return {"test": topic.embed(model, d.x_test), "new": topic.embed(model, d.x_new)}


def embed_one(path: str, mtime: float, x: np.ndarray) -> np.ndarray:
    return topic.embed(load_model(path, "siamese", mtime), np.asarray(x, "float32").reshape(-1, 28, 28, 1))


def read_digits(files) -> tuple[np.ndarray, list[str]]:
    """Uploaded images as (n, 28, 28, 1) digits (dark-on-light ones inverted to MNIST's light-on-dark), and one
    sentence per file that could not be read."""
    out, bad = [], []
    for f in files:
        try:
            a = image_from_bytes(f.getvalue(), (28, 28), 1)
        except UploadError as err:
            bad.append(f"{f.name}: {err}")
            continue
        out.append(1.0 - a if a.mean() > 0.5 else a)
    return (np.stack(out) if out else np.zeros((0, 28, 28, 1), "float32")), bad


def img(a: np.ndarray, scale: int = 3) -> np.ndarray:
    a = np.clip(np.asarray(a, "float32").squeeze(), 0, 1)
    return np.kron((a * 255).astype("uint8"), np.ones((scale, scale), "uint8"))


def points_chart(points, labels, title: str, height: int = 320) -> alt.Chart:
    frame = pd.DataFrame({"x": np.asarray(points)[:, 0], "y": np.asarray(points)[:, 1],
                          "digit": [str(v) for v in labels]})
    return alt.Chart(frame).mark_circle(size=90 if classroom() else 35, opacity=0.8).encode(
        x=alt.X("x:Q", title="PC 1"), y=alt.Y("y:Q", title="PC 2"),
        color=alt.Color("digit:N", scale=alt.Scale(domain=topic.NAMES, range=PALETTE)),
        tooltip=["digit"]).properties(height=height, title=title)


def live_view(job) -> None:
    """The fixed test digits' embeddings after the newest epoch (PCA of that epoch)."""
    event = next((e for e in reversed(job.epochs) if e.get("extra")), None)
    labels = st.session_state.get("sia__live_labels")
    if event is None or labels is None:
        return
    show(points_chart(event["extra"]["points"], labels, f"Embedding map after epoch {event['epoch']} "
                      "(8 and 9 never trained on)", 280))


def final_curves(result: dict) -> None:
    """The finished job's loss curves and its figures."""
    history_curves(result["history"])
    st.caption(f"Trained {result.get('train_s', 0):.1f} s, {result['epochs_run']} epochs: recall@1 "
               f"{result['recall1']:.3f}, mAP {result['map']:.3f}, held-out 8–9 identified at γ = "
               f"{result['gamma']:.2f}: {result['unseen_id_acc']:.3f}.")
