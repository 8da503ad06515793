"""U-Net page views: mask overlays, the live prediction thumbnails, the scores per class, your own image."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from anndl.topics.unet import job as topic

PALETTE = np.array([[0, 0, 0], [230, 25, 75], [60, 180, 75], [0, 130, 200], [245, 130, 48], [145, 30, 180],
                    [70, 240, 240], [240, 50, 230], [210, 245, 60], [250, 190, 212], [0, 128, 128],
                    [220, 190, 255], [170, 110, 40], [255, 250, 200], [128, 0, 0], [170, 255, 195],
                    [128, 128, 0], [255, 215, 180], [0, 0, 128], [128, 128, 128], [255, 255, 255]], "uint8")
SCALE = 3  # thumbnails enlarged with nearest neighbour: the pixels the network labels stay visible


def colour(mask: np.ndarray) -> np.ndarray:
    """(h, w) class ids -> (h·SCALE, w·SCALE, 3) colours (background black)."""
    return np.kron(PALETTE[np.asarray(mask) % len(PALETTE)], np.ones((SCALE, SCALE, 1), "uint8"))


def overlay(image: np.ndarray, mask: np.ndarray, alpha: float = 0.55) -> np.ndarray:
    """The image with each labelled pixel tinted by its class colour."""
    img = np.asarray(image, "float32")
    rgb = np.repeat(img, 3, -1) if img.shape[-1] == 1 else img[..., :3]
    rgb = np.kron(rgb * 255, np.ones((SCALE, SCALE, 1)))
    tint = colour(mask).astype("float32")
    on = np.kron(np.asarray(mask) > 0, np.ones((SCALE, SCALE)))[..., None]
    return np.where(on, (1 - alpha) * rgb + alpha * tint, rgb).clip(0, 255).astype("uint8")


def legend(class_names: list[str]) -> None:
    chips = " ".join(f"<span style='background:rgb{tuple(int(v) for v in PALETTE[i % len(PALETTE)])};"
                     f"color:{'white' if i in (0, 18) else 'black'};padding:1px 6px;border-radius:4px'>{n}</span>"
                     for i, n in enumerate(class_names))
    st.markdown(chips, unsafe_allow_html=True)


def strip(image: np.ndarray, masks: list[np.ndarray]) -> np.ndarray:
    """The image, then the image under each mask, side by side with a white gap."""
    panels = [overlay(image, np.zeros_like(masks[0]))] + [overlay(image, m) for m in masks]
    gap = np.full((panels[0].shape[0], 4, 3), 255, "uint8")
    return np.concatenate([p for panel in panels for p in (panel, gap)][:-1], 1)


def triplets(images: np.ndarray, truth: np.ndarray, pred: np.ndarray, caption: str = "", per_row: int = 3
             ) -> np.ndarray:
    """Per image: the image, its true mask over it, the predicted mask over it; returns the strips stacked."""
    strips = [strip(images[i], [truth[i], pred[i]]) for i in range(len(images))]
    for start in range(0, len(images), per_row):
        cols = st.columns(per_row)
        for i in range(start, min(start + per_row, len(images))):
            cols[i - start].image(strips[i], caption="image · truth · prediction")
    if caption:
        st.caption(caption)
    return np.concatenate(strips, 0)


def compare(images: np.ndarray, truth: np.ndarray, unet: np.ndarray, fcn: np.ndarray) -> None:
    """The same canvases segmented with and without skips."""
    cols = st.columns(len(images))
    for i, col in enumerate(cols):
        col.image(strip(images[i], [truth[i], unet[i], fcn[i]]), caption="image · truth · U-Net · no skips")


def live(data: topic.SegData):
    """The training panel's live view: the predicted masks of the fixed test canvases after the last epoch."""
    def draw(job) -> None:
        ev = next((e for e in reversed(job.epochs) if e.get("extra")), None)
        if ev is None:
            return
        pred = topic.unpack_masks(ev["extra"]["masks"])
        n = min(len(pred), len(data.x_test))
        triplets(data.x_test[:n], data.y_test[:n], pred[:n], per_row=2, caption=
                 f"After epoch {ev['epoch']}: validation mean IoU (background excluded) "
                 f"{ev['logs'].get('val_mean_iou', float('nan')):.3f}.")
    return draw


def scores_table(info: dict, class_names: list[str]) -> pd.DataFrame:
    """Per-class IoU and Dice on whole objects and on their borders."""
    def r(v):
        return None if v is None or not np.isfinite(v) else round(float(v), 3)

    return pd.DataFrame([{"class": name, "IoU": r(info["class_iou"][i]), "Dice": r(info["class_dice"][i]),
                          "IoU on borders": r(info["border_iou"][i])} for i, name in enumerate(class_names)])


def scores(info: dict, class_names: list[str]) -> pd.DataFrame:
    c = st.columns(3)
    c[0].metric("Mean IoU (objects)", f"{info['mean_iou']:.3f}", help="Background excluded (§17.3).")
    c[1].metric("Mean IoU on borders", f"{info['border_mean_iou']:.3f}",
                help=f"Only the pixels within {topic.BORDER} px of an object's edge.")
    c[2].metric("Pixel accuracy", f"{info['pixel_accuracy']:.3f}", help="Inflated by the background.")
    frame = scores_table(info, class_names)
    st.dataframe(frame, hide_index=True, width="stretch")
    return frame


def predict(model, x: np.ndarray, model_key: tuple) -> np.ndarray:
    """Class ids (n, h, w) of a few images, computed once per server for (model file, mtime) = `model_key`."""
    return _masks(tuple(model_key), x, model)


# a rerun (any click) must not run the network again on the same canvases; bounded: x may come from an upload
@st.cache_data(show_spinner=False, max_entries=32, ttl=3600)
def _masks(model_key: tuple, x: np.ndarray, _model) -> np.ndarray:
    from anndl.predict import predict_batch

    return predict_batch(_model, x).argmax(-1).astype("uint8")


def skips_lesson(data: topic.SegData, model, model_key: tuple, info: dict) -> None:
    """The shown network next to the shipped one without skips (fcn_shapes), on the same test canvases."""
    from anndl import zoo
    from app.ui.models import file_key, shipped

    if not zoo.exists("fcn_shapes"):
        return
    fcn, meta = shipped("fcn_shapes")
    st.subheader("What the skips buy (§10.8, §17.2)")
    c = st.columns(4)
    c[0].metric("Mean IoU", f"{info['mean_iou']:.3f}", help="This network, background excluded.")
    c[1].metric("No skips", f"{meta['metrics']['mean_iou']:.3f}", help="models/fcn_shapes")
    c[2].metric("Border IoU", f"{info['border_mean_iou']:.3f}", help="This network, object borders only.")
    c[3].metric("No skips, borders", f"{meta['metrics']['border_mean_iou']:.3f}", help="models/fcn_shapes")
    x, y = data.x_test[:3], data.y_test[:3]
    fcn_key = file_key(zoo.path("fcn_shapes"))
    compare(x, y, predict(model, x, model_key), predict(fcn, x, fcn_key))
    st.caption("The network without skips (models/fcn_shapes, the same encoder and decoder trained the same way) must "
               "rebuild every border from the 6×6 bottleneck: its masks come out blobby and shapes get confused. "
               "The skips hand the decoder the encoder's full-resolution maps.")
