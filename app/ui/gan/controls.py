"""GAN page helpers: the model choice, the lecture's training knobs, the generator shown (shipped or trained)
and the live views while a job trains (monitor grid, quality meter, toy points)."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from anndl.topics.gan import job as topic
from app.ui.charts import history_curves, show
from app.ui.models import shown_model
from app.ui.state import bound, classroom

SHIPPED = {("mnist", True): "gan_cgan_mnist", ("mnist", False): "gan_mnist",  # (dataset, conditional) -> artifact
           ("fashion_mnist", True): "gan_cgan_fashion", ("fashion_mnist", False): "gan_fashion"}
KINDS = {"dense": "Dense (§22.2)", "conv": "DCGAN-style conv"}


def choose() -> dict:
    """Dataset and GAN/cGAN: they pick the generator every tab shows."""
    c = st.columns(2)
    dataset = bound(c[0].selectbox, "Images", "gan_data", "mnist", options=list(topic.DATASETS),
                    format_func=topic.DATASETS.get)
    conditional = bound(c[1].radio, "Generator", "gan_cond", True, options=[True, False], horizontal=True,
                        format_func=lambda v: "Conditional GAN (§22.5)" if v else "GAN (§22.2)")
    return {"dataset": dataset, "conditional": conditional}


def training_knobs() -> dict:
    """The instability knobs of §22.3 (defaults only, in classroom mode)."""
    out = {k: topic.DEFAULTS[k] for k in ("kind", "d_steps", "non_saturating", "lr_d", "lr_g", "epochs", "batch")}
    if classroom():
        return out
    c = st.columns(3)
    out["kind"] = bound(c[0].radio, "Networks", "gan_kind", "dense", options=list(KINDS), format_func=KINDS.get)
    out["d_steps"] = bound(c[1].select_slider, "k: D steps per G step", "gan_k", 1, options=[1, 2, 3, 5],
                           help="§22.3: k discriminator updates per generator update. k = 5 makes D win early.")
    out["epochs"] = bound(c[2].slider, "Epochs", "gan_epochs", 20, min_value=1, max_value=100)
    c = st.columns(3)
    out["non_saturating"] = bound(c[0].toggle, "Non-saturating G loss", "gan_ns", True,
                                  help="Off: G minimises log(1 − D(G(z))), whose gradient vanishes while D wins.")
    lrs = [5e-5, 1e-4, 2e-4, 5e-4, 1e-3, 3e-3]
    out["lr_d"] = bound(c[1].select_slider, "D learning rate", "gan_lrd", 5e-4, options=lrs)
    out["lr_g"] = bound(c[2].select_slider, "G learning rate", "gan_lrg", 5e-4, options=lrs)
    return out


def shown(params: dict, job):
    """The generator trained with this data and conditioning, else the shipped one, else None."""
    def same(result: dict) -> bool:
        return all(result["params"].get(k) == params.get(k) for k in ("dataset", "conditional"))

    return shown_model("gan", job, same, SHIPPED.get((params["dataset"], bool(params["conditional"]))))


def grid_image(images, cols: int = 10, scale: int = 2) -> np.ndarray:
    """(n, h, w) pixels (0–1 or 0–255) as one uint8 mosaic, `cols` wide, with 2-pixel gaps, enlarged."""
    a = np.asarray(images, "float32")
    a = a / 255.0 if a.max() > 1.0 else a
    n, h, w = a.shape[:3]
    rows = -(-n // cols)
    out = np.zeros((rows * (h + 2), cols * (w + 2)), "float32")
    for i in range(n):
        r, c = divmod(i, cols)
        out[r * (h + 2):r * (h + 2) + h, c * (w + 2):c * (w + 2) + w] = a[i].reshape(h, w)
    return np.kron((out * 255).astype("uint8"), np.ones((scale, scale), "uint8"))


def quality_chart(rows: list[dict]) -> alt.Chart | None:
    """Conditional accuracy / coverage (left) and the Fréchet distance per epoch, with the noise level dashed."""
    if not rows:
        return None
    frame = pd.DataFrame(rows)
    share = [c for c in ("cond_accuracy", "coverage") if c in frame]
    left = alt.Chart(frame.melt("epoch", share)).mark_line(point=True).encode(
        x="epoch:Q", y=alt.Y("value:Q", scale=alt.Scale(domain=[0, 1]), title="share"), color="variable:N")
    fd = frame.melt("epoch", ["frechet", "frechet_noise"])
    right = alt.Chart(fd).mark_line(point=True).encode(
        x="epoch:Q", y=alt.Y("value:Q", title="Fréchet distance (judge space)", scale=alt.Scale(type="log")),
        color="variable:N", strokeDash="variable:N")
    return alt.hconcat(left.properties(width=230, height=180), right.properties(width=230, height=180))


def live_view(job) -> None:
    """The fixed-noise monitor grid after the newest epoch (§22.4) and the quality meter so far."""
    events = [e for e in job.epochs if e.get("extra")]
    if not events:
        return
    st.caption(f"Monitor grid: the same noise (and labels 0–9, twice) after epoch {events[-1]['epoch']}.")
    st.image(grid_image(events[-1]["extra"]["grid"]))
    chart = quality_chart([e["extra"]["quality"] for e in events if "quality" in e["extra"]])
    if chart is not None:
        show(chart, use_container_width=False)


def final_view(job) -> None:
    """A finished job: its d_loss / g_loss curves, then the last monitor grid and the quality meter."""
    history_curves(job.result["history"])
    live_view(job)


def points_chart(real, fake) -> alt.Chart:
    """Real points (grey) and generated ones (red) of the 2-D toy GAN."""
    frame = pd.DataFrame([{"x": p[0], "y": p[1], "set": "real"} for p in real] +
                         [{"x": p[0], "y": p[1], "set": "generated"} for p in fake])
    scale = alt.Scale(domain=[-1, 1])
    return alt.Chart(frame).mark_circle(size=30, opacity=0.6).encode(
        x=alt.X("x:Q", scale=scale), y=alt.Y("y:Q", scale=scale),
        color=alt.Color("set:N", scale=alt.Scale(domain=["real", "generated"], range=["#888888", "#d62728"]))
    ).properties(width=360, height=360)


def toy_live(job) -> None:
    events = [e for e in job.epochs if e.get("extra")]
    real = st.session_state.get("gan__toy_real")
    if events and real is not None:
        show(points_chart(real, events[-1]["extra"]["fake"]), use_container_width=False)
