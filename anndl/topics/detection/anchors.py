"""Anchor assignment as RetinaNet / SSD train it (beyond §14.6–§14.8): anchors of keras-hub's `AnchorGenerator` on
pyramid levels P_min…P_max (side = anchor_size × 2^level px, one per aspect ratio at every stride 2^level), each
positive when its IoU with a true box reaches `positive`, negative below `negative`, ignored in between."""

from __future__ import annotations

import numpy as np

from anndl.errors import SettingsError
from anndl.metrics import box_iou

POSITIVE, NEGATIVE, IGNORED = 1, 0, -1


def anchors(side: int, min_level: int = 3, max_level: int = 5, anchor_size: float = 4.0,
            ratios: tuple[float, ...] = (0.5, 1.0, 2.0)) -> tuple[np.ndarray, np.ndarray]:
    """(xyxy anchors (n, 4) in pixels, their pyramid level (n,)) for a side × side image, by keras-hub."""
    import keras_hub

    if not 1 <= min_level <= max_level <= 7 or 2 ** max_level > side * 2:
        raise SettingsError(f"Pyramid levels must satisfy 1 ≤ min ≤ max ≤ 7 with strides up to twice the image "
                            f"side ({side} px).")
    gen = keras_hub.layers.AnchorGenerator(bounding_box_format="xyxy", min_level=min_level, max_level=max_level,
                                           num_scales=1, aspect_ratios=list(ratios), anchor_size=anchor_size)
    out = gen(np.zeros((1, side, side, 1), "float32"))
    boxes = [np.asarray(out[f"P{k}"], "float32").reshape(-1, 4) for k in range(min_level, max_level + 1)]
    levels = np.concatenate([np.full(len(b), k) for k, b in zip(range(min_level, max_level + 1), boxes)])
    return np.concatenate(boxes), levels


def assign(anchor_boxes: np.ndarray, true_boxes: np.ndarray, positive: float = 0.5,
           negative: float = 0.4) -> dict[str, np.ndarray]:
    """Each anchor's label (1 positive, 0 negative, -1 ignored) and matched true box; for each true box its number
    of positive and ignored anchors and its best anchor IoU."""
    if not 0 < negative <= positive <= 1:
        raise SettingsError("The IoU thresholds must satisfy 0 < negative ≤ positive ≤ 1.")
    if not len(true_boxes):
        n = len(anchor_boxes)
        return {"label": np.zeros(n, int), "match": np.full(n, -1), "iou": np.zeros(n), "positives": np.zeros(0, int),
                "ignored": np.zeros(0, int), "best_iou": np.zeros(0)}
    iou = box_iou(anchor_boxes, true_boxes)  # (anchors, boxes)
    best, match = iou.max(1), iou.argmax(1)
    label = np.where(best >= positive, POSITIVE, np.where(best < negative, NEGATIVE, IGNORED))
    k = len(true_boxes)
    return {"label": label, "match": match, "iou": best,
            "positives": np.bincount(match[label == POSITIVE], minlength=k),
            "ignored": np.bincount(match[label == IGNORED], minlength=k), "best_iou": iou.max(0)}
