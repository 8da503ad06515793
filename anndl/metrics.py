"""Classification metrics of the course (§4.8): confusion matrix, precision, recall, F1 per class."""

from __future__ import annotations

import numpy as np


def confusion(y_true, y_pred, n_classes: int) -> np.ndarray:
    """(n_classes, n_classes) counts; rows are true classes, columns predicted."""
    m = np.zeros((n_classes, n_classes), dtype=int)
    np.add.at(m, (np.asarray(y_true, int), np.asarray(y_pred, int)), 1)
    return m


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


def accuracy(y_true, y_pred) -> float:
    return float(np.mean(np.asarray(y_true) == np.asarray(y_pred)))
