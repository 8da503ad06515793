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


# --- Detection (course §14.4, §15): non-maximum suppression, COCO mAP ------------------------------------------


def non_max_suppression(boxes, scores, iou_threshold: float, classes=None) -> np.ndarray:
    """Greedy NMS (§14.4): indices of the boxes kept, highest score first; a box is dropped when its IoU with a
    kept box of the same class (any box when `classes` is None) exceeds `iou_threshold`."""
    boxes, scores = np.asarray(boxes, "float64").reshape(-1, 4), np.asarray(scores, "float64").ravel()
    order = np.argsort(-scores, kind="stable")
    if not len(order):
        return order
    iou = box_iou(boxes[order], boxes[order])
    if classes is not None:
        c = np.asarray(classes).ravel()[order]
        iou = np.where(c[:, None] == c[None], iou, 0.0)
    alive = np.ones(len(order), bool)
    for k in range(len(order)):
        if alive[k]:
            alive[k + 1:] &= iou[k, k + 1:] <= iou_threshold
    return order[alive]


def coco_map(true: list[tuple], pred: list[tuple], n_classes: int) -> dict:
    """mAP by pycocotools' COCOeval (§15): `true[i]` = (xyxy boxes (k, 4), classes (k,)) of image i, `pred[i]` =
    (boxes (m, 4), scores (m,), classes (m,)). Returns map50, map (@[.5:.95]) and precision (10 IoUs, 101 recall
    points, C classes; -1 where a class has no true box) at 100 detections per image, all areas."""
    import contextlib
    import io

    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval

    images, anns, dets = [], [], []
    for i, ((tb, tc), (pb, ps, pc)) in enumerate(zip(true, pred)):
        images.append({"id": i})
        for b, c in zip(np.asarray(tb, "float64").reshape(-1, 4), np.asarray(tc).ravel()):
            w, h = b[2] - b[0], b[3] - b[1]
            anns.append({"id": len(anns) + 1, "image_id": i, "category_id": int(c) + 1, "bbox": [b[0], b[1], w, h],
                         "area": w * h, "iscrowd": 0})
        for b, s, c in zip(np.asarray(pb, "float64").reshape(-1, 4), np.asarray(ps).ravel(), np.asarray(pc).ravel()):
            dets.append({"image_id": i, "category_id": int(c) + 1, "bbox": [b[0], b[1], b[2] - b[0], b[3] - b[1]],
                         "score": float(s)})
    empty = {"map50": 0.0, "map": 0.0, "precision": np.zeros((10, 101, n_classes))}
    if not anns or not dets:
        return empty
    with contextlib.redirect_stdout(io.StringIO()):
        gt = COCO()
        gt.dataset = {"images": images, "annotations": anns,
                      "categories": [{"id": c + 1} for c in range(n_classes)]}
        gt.createIndex()
        ev = COCOeval(gt, gt.loadRes(dets), "bbox")
        ev.evaluate()
        ev.accumulate()
        ev.summarize()
    precision = ev.eval["precision"][:, :, :, 0, -1]  # (IoU 10, recall 101, classes): area "all", 100 detections
    return {"map": float(max(ev.stats[0], 0.0)), "map50": float(max(ev.stats[1], 0.0)), "precision": precision}


def batched_non_max_suppression(boxes, scores, valid, iou_threshold: float, classes=None) -> np.ndarray:
    """Greedy NMS of many images at once: boxes (n, m, 4), scores (n, m), valid (n, m) booleans (e.g. above the
    confidence threshold) -> kept (n, m) booleans; the same boxes as `non_max_suppression` on each image's valid
    boxes, with one vectorised pass over the m ranks instead of a Python loop per image."""
    boxes, scores = np.asarray(boxes, "float64"), np.asarray(scores, "float64")
    valid = np.asarray(valid, bool)
    m = max(int(valid.sum(1).max(initial=0)), 1)  # only the valid boxes take part: the first m ranks of each image
    order = np.argsort(-np.where(valid, scores, -np.inf), axis=1, kind="stable")[:, :m]
    b = np.take_along_axis(boxes, order[..., None], 1)
    alive = np.take_along_axis(valid, order, 1)
    iou = box_iou(b[:, :, None], b[:, None], pairwise=False)  # (n, m, m)
    if classes is not None:
        c = np.take_along_axis(np.asarray(classes), order, 1)
        iou = np.where(c[:, :, None] == c[:, None], iou, 0.0)
    over = iou > iou_threshold
    for k in range(b.shape[1] - 1):
        alive[:, k + 1:] &= ~(alive[:, k, None] & over[:, k, k + 1:])
    kept = np.zeros_like(valid)
    np.put_along_axis(kept, order, alive, 1)
    return kept
