"""Pictures of the localization page: an image enlarged, boxes drawn on it, a heatmap overlaid (PIL + NumPy)."""

from __future__ import annotations

import numpy as np

TRUE, PRED, HEAT_BOX = (40, 200, 60), (230, 40, 40), (255, 255, 255)  # green truth, red prediction, white CAM box


def rgb(image: np.ndarray) -> np.ndarray:
    """(h, w[, c]) in [0, 1] -> (h, w, 3) uint8."""
    a = np.asarray(image, "float32")
    a = a[..., 0] if a.ndim == 3 and a.shape[-1] == 1 else a
    a = np.repeat(a[..., None], 3, -1) if a.ndim == 2 else a
    return (np.clip(a, 0, 1) * 255).astype("uint8")


def colormap(heat: np.ndarray) -> np.ndarray:
    """A [0, 1] map as (h, w, 3) uint8 in the 'jet' colours the course's slides use."""
    from matplotlib import colormaps

    return (colormaps["jet"](np.clip(heat, 0, 1))[..., :3] * 255).astype("uint8")


def overlay(image: np.ndarray, heat: np.ndarray, weight: float = 0.5) -> np.ndarray:
    """The heatmap (same h, w as the image, in [0, 1]) blended over the image."""
    return (rgb(image) * (1 - weight) + colormap(heat) * weight).astype("uint8")


def with_boxes(pixels: np.ndarray, boxes: list[tuple[np.ndarray, tuple]], scale: int = 3) -> np.ndarray:
    """(h, w, 3) uint8 enlarged `scale` times (nearest), with xyxy pixel boxes drawn in their colours."""
    from PIL import Image, ImageDraw

    img = Image.fromarray(pixels).resize((pixels.shape[1] * scale, pixels.shape[0] * scale), Image.Resampling.NEAREST)
    draw = ImageDraw.Draw(img)
    for box, colour in boxes:
        x0, y0, x1, y1 = (float(v) * scale for v in box)
        if x1 > x0 and y1 > y0:
            draw.rectangle([x0, y0, x1 - 1, y1 - 1], outline=colour, width=2)
    return np.asarray(img)
