"""Transfer page views: both phases on one chart, parameter counts per phase, confusion matrix and per-class
metrics, the scratch / transfer / fine-tune comparison (live while it runs) and the top-3 of an uploaded image."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from app.ui.charts import confusion_chart, curves, history_events, show, show_cached
from app.ui.state import classroom

RUN_COLORS = alt.Scale(domain=["scratch", "transfer", "fine-tune"], range=["#7f7f7f", "#1f77b4", "#d62728"])


def phases_chart(metrics: dict, model_key: tuple) -> None:
    """Both phases on one epoch axis; the dashed rule is where fine-tuning starts. Built once per server for the
    model file (path, mtime) = `model_key` whose `metrics` these are."""
    marks = {"fine-tune starts": metrics["boundary"] + 0.5} if len(metrics["phases"]) > 1 else None
    show_cached(("tl-phases", *model_key), lambda: curves(history_events(metrics["history"]), marks=marks))


def phases_table(metrics: dict) -> None:
    """Trainable and non-trainable parameters, learning rate and test accuracy of each phase."""
    st.dataframe(pd.DataFrame([{"phase": p["phase"], "epochs": p["epochs"], "learning rate": p["lr"],
                                "trainable": p["trainable"], "non-trainable": p["non_trainable"],
                                "test accuracy": round(p.get("test_accuracy", float("nan")), 3),
                                "unfrozen": ", ".join(p["unfrozen"]) or "— (backbone frozen)"}
                               for p in metrics["phases"]]), hide_index=True)
    tuned = metrics["phases"][-1]
    if "kept" in tuned:  # models trained before this check have no verdict
        st.caption(fine_tune_verdict(tuned))
    st.caption("Fine-tuning unfreezes convolutions only: BatchNormalization stays frozen (inference mode), so it keeps "
               "the pretrained data's mean and variance; re-estimating them from a few small batches of new images "
               "would shift every feature the backbone computes and undo what it learned (§9.14).")


def fine_tune_verdict(phase: dict) -> str:
    """Whether the fine-tuned weights were kept, read from the validation loss (§9.14)."""
    losses = f"validation loss {phase['val_loss_before']:.3f} → {phase['val_loss_after']:.3f}"
    if phase["kept"]:
        return f"Fine-tuning helped ({losses}): the model keeps the weights of its best fine-tuning epoch."
    return (f"Fine-tuning did not help ({losses}): the transfer weights are kept. With few images a class the "
            "unfrozen layers learn the training images themselves; fewer layers or a smaller step may help.")


def evaluation(metrics: dict, tta: bool, model_key: tuple) -> pd.DataFrame:
    """Test accuracy (with TTA when asked), confusion matrix and per-class precision / recall / F1."""
    from sklearn.metrics import confusion_matrix

    names = metrics["class_names"]
    acc = f"Test accuracy **{metrics['test_accuracy']:.3f}** on {len(metrics['y_true'])} images"
    if tta:
        acc += f"; with test-time augmentation (±1 px shifts averaged, §7.1.2) **{metrics['tta_accuracy']:.3f}**"
    st.markdown(acc + ".")
    frame = pd.DataFrame(metrics["report"]).round(3)
    cols = st.columns([1, 1])
    with cols[0]:
        show_cached(("tl-confusion", *model_key), lambda: confusion_chart(
            confusion_matrix(metrics["y_true"], metrics["y_pred"], labels=range(len(names))), names),
                    use_container_width=False)
    cols[1].dataframe(frame, hide_index=True)
    return frame


def compare_chart(rows: list[dict]) -> alt.Chart:
    """Test accuracy against training examples per class (log axis), one line per way of training."""
    frame = pd.DataFrame(rows)
    return alt.Chart(frame).mark_line(point=True, strokeWidth=3 if classroom() else 2).encode(
        x=alt.X("per_class:Q", scale=alt.Scale(type="log", domain=[4, 120]), title="training images per class",
                axis=alt.Axis(values=[5, 10, 20, 50, 100])),
        y=alt.Y("test_accuracy:Q", title="test accuracy", scale=alt.Scale(zero=False)),
        color=alt.Color("run:N", scale=RUN_COLORS, title=None, legend=alt.Legend(orient="top")),
        tooltip=["per_class", "run", alt.Tooltip("test_accuracy:Q", format=".3f")]).properties(height=280)


def compare_live(job) -> None:
    """The comparison's rows so far (each event carries them)."""
    rows = next((e["extra"]["rows"] for e in reversed(job.epochs) if e.get("extra")), None)
    if rows:
        show(compare_chart(rows))


def live_phase(job) -> None:
    """Which phase the running job is in."""
    phase = next((e.get("phase") for e in reversed(job.epochs) if e.get("phase")), None)
    if phase:
        st.caption(f"Phase: **{phase}** (epochs continue across phases; fine-tuning starts after the transfer "
                   "epochs).")


def top3(model, image: np.ndarray, class_names: list[str]) -> None:
    """The model's three most probable classes for one image."""
    from anndl.predict import predict_one

    probs = predict_one(model, image)
    best = np.argsort(probs)[::-1][:3]
    cols = st.columns([1, 3])
    cols[0].image((np.clip(image.squeeze(), 0, 1) * 255).astype("uint8"), width=112, caption="as the model sees it")
    cols[1].dataframe(pd.DataFrame({"class": [class_names[i] for i in best],
                                    "probability": [round(float(probs[i]), 3) for i in best]}), hide_index=True)


@st.cache_data(show_spinner=False, max_entries=1)
def _gallery_frame() -> pd.DataFrame:
    from anndl.topics.transfer.gallery import gallery

    frame = pd.DataFrame(gallery())
    frame["params (M)"] = (frame["params"] / 1e6).round(2)
    frame["mult-adds (M)"] = (frame["multiply_adds"] / 1e6).round(1)
    frame["top-1"] = frame["imagenet_top1"].map(lambda v: f"{v:.3f}" if v == v and v is not None else "—")
    frame["above"] = np.arange(len(frame)) % 2 == 0  # alternate labels above and below: same-year nets overlap
    return frame


def _era_chart(frame: pd.DataFrame) -> alt.Chart:
    base = alt.Chart(frame).encode(
        x=alt.X("year:Q", scale=alt.Scale(domain=[1996, 2022]), axis=alt.Axis(format="d")),
        y=alt.Y("params:Q", scale=alt.Scale(type="log"), title="parameters (log)"))
    dots = base.mark_circle(opacity=0.7, color="#1f77b4").encode(
        size=alt.Size("multiply_adds:Q", title="multiply-adds", scale=alt.Scale(range=[60, 1500])),
        tooltip=["network", "year", "params (M)", "mult-adds (M)", "depth", "top-1", "idea"])
    size = 14 if classroom() else 11
    labels = [base.transform_filter(alt.datum.above == up).mark_text(align="left", dx=8, dy=-9 if up else 11,
                                                                      fontSize=size).encode(text="network:N")
              for up in (True, False)]
    return alt.layer(dots, *labels).properties(height=380)


def gallery_view() -> None:
    """The §8 table (sortable: click a column) and the era chart: year against parameters, area = multiply-adds."""
    frame = _gallery_frame()
    show_cached(("tl-gallery",), lambda: _era_chart(frame))  # a fixed table: built once per server
    st.dataframe(frame[["network", "year", "params (M)", "mult-adds (M)", "depth", "input", "top-1", "idea",
                        "built_with"]], hide_index=True)
    st.caption("Built with `weights=None` (nothing downloads); multiply-adds of the convolutions and dense layers for "
               "one 224×224 image (LeNet-5: its own 32×32); depth = convolution and dense layers, shortcut "
               "projections and SE layers included; ImageNet top-1 as the Keras applications table publishes it "
               "(—: not in keras.applications).")


def probe_chart(rows: list[dict]) -> alt.Chart:
    """Linear-probe test accuracy per block, input side to top: where the transferred features stop helping."""
    frame = pd.DataFrame(rows)
    order = list(frame["block"])
    line = alt.Chart(frame).mark_line(point=True, strokeWidth=3 if classroom() else 2).encode(
        x=alt.X("block:N", sort=order, title="frozen features of (input side → top)", axis=alt.Axis(labelAngle=-30)),
        y=alt.Y("test_accuracy:Q", title="linear probe test accuracy", scale=alt.Scale(zero=False)),
        tooltip=["layer", "block", "features", alt.Tooltip("test_accuracy:Q", format=".3f")])
    return line.properties(height=280)


def probe_live(job) -> None:
    rows = next((e["extra"]["rows"] for e in reversed(job.epochs) if e.get("extra")), None)
    if rows:
        show(probe_chart(rows))
