"""Classification metrics of the course (§4.8): confusion members, precision, recall, F1 per class (the confusion
matrix and accuracy are scikit-learn's `confusion_matrix(..., labels=range(n))` and `accuracy_score`)."""

from __future__ import annotations

import numpy as np


def confusion_members(y_true, y_pred) -> dict[tuple[int, int], list[int]]:
    """Which sample indices fall in each confusion cell, so a page can show them."""
    cells: dict[tuple[int, int], list[int]] = {}
    for i, (t, p) in enumerate(zip(np.asarray(y_true, int), np.asarray(y_pred, int))):
        cells.setdefault((int(t), int(p)), []).append(i)
    return cells


def classification_report(y_true, y_pred, class_names: list[str]) -> list[dict]:
    """Per-class precision, recall, F1 and support, then the accuracy, macro and weighted averages."""
    from sklearn.metrics import precision_recall_fscore_support

    labels = list(range(len(class_names)))
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
    rows = [{"class": c, "precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]), "support": int(s[i])}
            for i, c in enumerate(class_names)]
    for avg in ("macro", "weighted"):
        pa, ra, fa, _ = precision_recall_fscore_support(y_true, y_pred, labels=labels, average=avg, zero_division=0)
        rows.append({"class": f"{avg} avg", "precision": float(pa), "recall": float(ra), "f1": float(fa),
                     "support": int(s.sum())})
    return rows


# --- Boxes and masks (course §13.2, §14.3, §17.3): IoU = |A ∩ B| / |A ∪ B| ---------------------------------


def box_iou(a, b, pairwise: bool = True) -> np.ndarray:
    """IoU of xyxy boxes: pairwise a (n, 4), b (m, 4) -> (n, m); else a and b broadcast (..., 4) -> (...).

    Empty boxes have IoU 0 with everything.
    """
    a, b = np.asarray(a, "float64"), np.asarray(b, "float64")
    if pairwise:
        a, b = a.reshape(-1, 4)[:, None], b.reshape(-1, 4)[None]
    w = (np.minimum(a[..., 2], b[..., 2]) - np.maximum(a[..., 0], b[..., 0])).clip(0)
    h = (np.minimum(a[..., 3], b[..., 3]) - np.maximum(a[..., 1], b[..., 1])).clip(0)
    inter = w * h
    area_a = (a[..., 2] - a[..., 0]).clip(0) * (a[..., 3] - a[..., 1]).clip(0)
    area_b = (b[..., 2] - b[..., 0]).clip(0) * (b[..., 3] - b[..., 1]).clip(0)
    union = area_a + area_b - inter
    return np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)


def mask_iou(a, b) -> np.ndarray | float:
    """IoU of boolean masks over their last two axes: (..., h, w) pairs -> (...); two empty masks give 1."""
    a, b = np.asarray(a, bool), np.asarray(b, bool)
    inter = (a & b).sum((-2, -1))
    union = (a | b).sum((-2, -1))
    out = np.where(union > 0, inter / np.maximum(union, 1), 1.0)
    return float(out) if out.ndim == 0 else out


def class_iou(y_true, y_pred, n_classes: int) -> np.ndarray:
    """Per-class IoU of two label maps (any shape, integer ids); NaN for a class absent from both."""
    from sklearn.metrics import confusion_matrix

    m = confusion_matrix(np.ravel(y_true), np.ravel(y_pred), labels=range(n_classes)).astype("float64")
    inter = np.diag(m)
    union = m.sum(0) + m.sum(1) - inter
    return np.divide(inter, union, out=np.full(n_classes, np.nan), where=union > 0)


def mean_iou(y_true, y_pred, n_classes: int, ignore_background: bool = True) -> float:
    """Mean IoU over the classes present (class 0, the background, left out by default as in §17.3)."""
    iou = class_iou(y_true, y_pred, n_classes)[1 if ignore_background else 0:]
    return float(np.nanmean(iou)) if np.isfinite(iou).any() else float("nan")


def class_dice(y_true, y_pred, n_classes: int) -> np.ndarray:
    """Per-class Dice 2|A ∩ B| / (|A| + |B|) of two label maps (= 2·IoU / (1 + IoU)); NaN for an absent class."""
    iou = class_iou(y_true, y_pred, n_classes)
    return 2 * iou / (1 + iou)


def border_band(masks, width: int = 2) -> np.ndarray:
    """Boolean (..., h, w): pixels within `width` pixels of a change of label (the objects' borders)."""
    from scipy.ndimage import grey_dilation, grey_erosion

    m = np.asarray(masks)
    size = (1,) * (m.ndim - 2) + (2 * width + 1, 2 * width + 1)
    return grey_dilation(m, size=size) != grey_erosion(m, size=size)
