"""Bounding boxes with one convention (course §11.3, §14): xyxy in pixels, and the conversions pages need.

The project's convention is `(x_min, y_min, x_max, y_max)` in pixel units with edges between pixels: pixel
column `i` spans `[i, i + 1)`, so an object covering columns 3..7 has `x_min = 3`, `x_max = 8` and width 5.
Format names are those of `keras.utils.bounding_boxes` (also used by keras-cv and keras-hub):
"xyxy", "yxyx", "xywh" (COCO: top-left corner, width, height), "center_xywh" (YOLO), "center_yxhw", and
four of them with a "rel_" prefix for coordinates divided by the image width and height.
"""

from __future__ import annotations

import numpy as np

FORMATS = ("xyxy", "yxyx", "xywh", "center_xywh", "center_yxhw")
ALL_FORMATS = FORMATS + ("rel_xyxy", "rel_yxyx", "rel_xywh", "rel_center_xywh")  # Keras' own list


def _check(fmt: str) -> str:
    if fmt not in ALL_FORMATS:
        raise ValueError(f"Unknown box format {fmt!r}; known: {', '.join(ALL_FORMATS)}.")
    return fmt


def _to_xyxy(b: np.ndarray, fmt: str) -> np.ndarray:
    c0, c1, c2, c3 = np.moveaxis(b, -1, 0)
    if fmt == "xyxy":
        return b
    if fmt == "yxyx":
        return np.stack([c1, c0, c3, c2], -1)
    if fmt == "xywh":
        return np.stack([c0, c1, c0 + c2, c1 + c3], -1)
    if fmt == "center_xywh":
        return np.stack([c0 - c2 / 2, c1 - c3 / 2, c0 + c2 / 2, c1 + c3 / 2], -1)
    return np.stack([c1 - c3 / 2, c0 - c2 / 2, c1 + c3 / 2, c0 + c2 / 2], -1)  # center_yxhw


def _from_xyxy(b: np.ndarray, fmt: str) -> np.ndarray:
    x0, y0, x1, y1 = np.moveaxis(b, -1, 0)
    if fmt == "xyxy":
        return b
    if fmt == "yxyx":
        return np.stack([y0, x0, y1, x1], -1)
    if fmt == "xywh":
        return np.stack([x0, y0, x1 - x0, y1 - y0], -1)
    if fmt == "center_xywh":
        return np.stack([(x0 + x1) / 2, (y0 + y1) / 2, x1 - x0, y1 - y0], -1)
    return np.stack([(y0 + y1) / 2, (x0 + x1) / 2, y1 - y0, x1 - x0], -1)  # center_yxhw


def _scale(fmt: str, height: float, width: float) -> np.ndarray:
    """Per-coordinate divisor of a format: width for x-like values, height for y-like values."""
    xy = {"xyxy": "xyxy", "yxyx": "yxyx", "xywh": "xyxy", "center_xywh": "xyxy", "center_yxhw": "yxyx"}[fmt]
    return np.array([width if c == "x" else height for c in xy], dtype="float64")


def convert(boxes, source: str, target: str, height: float | None = None, width: float | None = None) -> np.ndarray:
    """Boxes (..., 4) from one format to another; "rel_" formats need the image `height` and `width`."""
    b = np.asarray(boxes, dtype="float64")
    src, dst = _check(source), _check(target)
    if (src.startswith("rel_") or dst.startswith("rel_")) and (height is None or width is None):
        raise ValueError("Relative box formats need the image height and width.")
    if src.startswith("rel_"):
        src = src[4:]
        b = b * _scale(src, height, width)
    out = _from_xyxy(_to_xyxy(b, src), dst.removeprefix("rel_"))
    if dst.startswith("rel_"):
        out = out / _scale(dst[4:], height, width)
    return out.astype("float32")


def mask_to_box(mask) -> np.ndarray:
    """The xyxy box of a boolean mask's True pixels (all zeros for an empty mask)."""
    m = np.asarray(mask, bool)
    rows, cols = np.flatnonzero(m.any(1)), np.flatnonzero(m.any(0))
    if not len(rows):
        return np.zeros(4, "float32")
    return np.array([cols[0], rows[0], cols[-1] + 1, rows[-1] + 1], "float32")


def clip(boxes, height: float, width: float) -> np.ndarray:
    """xyxy boxes clipped to the image."""
    b = np.asarray(boxes, "float32").copy()
    b[..., 0::2] = b[..., 0::2].clip(0, width)
    b[..., 1::2] = b[..., 1::2].clip(0, height)
    return b


def area(boxes) -> np.ndarray:
    """Area of xyxy boxes in square pixels (0 for empty or inverted boxes)."""
    b = np.asarray(boxes, "float32")
    return (b[..., 2] - b[..., 0]).clip(0) * (b[..., 3] - b[..., 1]).clip(0)


def dense_targets(boxes: list, classes: list, max_boxes: int | None = None, label_key: str = "classes",
                  source: str = "xyxy", target: str = "xyxy", height: float | None = None,
                  width: float | None = None) -> dict[str, np.ndarray]:
    """Ragged per-image boxes and classes as the padded dict keras-cv ("classes") and keras-hub ("labels") train on.

    boxes[i] is (k_i, 4), classes[i] is (k_i,); the result holds "boxes" (n, max_boxes, 4) and
    `label_key` (n, max_boxes), padded with -1 as both libraries expect.
    """
    n = len(boxes)
    m = max_boxes if max_boxes is not None else max([len(b) for b in boxes] + [1])
    out_b = np.full((n, m, 4), -1, "float32")
    out_c = np.full((n, m), -1, "float32")
    for i, (b, c) in enumerate(zip(boxes, classes)):
        k = min(len(b), m)
        if k:
            out_b[i, :k] = convert(np.asarray(b)[:k], source, target, height, width)
            out_c[i, :k] = np.asarray(c)[:k]
    return {"boxes": out_b, label_key: out_c}
