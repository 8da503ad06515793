"""Detection page, the anchor-assignment inspector (beyond the course): which anchors of a RetinaNet-style pyramid
are positive, ignored or negative for each true box of a test canvas, as the anchor size, levels and IoU
thresholds change; and how many true boxes of the whole test set no anchor can learn."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from anndl.errors import SettingsError
from anndl.topics.detection import anchors as A
from app.ui.detection.views import FN, TP, draw


@st.cache_data(show_spinner=False, max_entries=32)
def _anchors(side: int, levels: tuple[int, int], size: float):
    return A.anchors(side, levels[0], levels[1], size)


def inspector(c, key: str = "det_anc") -> None:
    st.caption("Anchor-based detectors (SSD, RetinaNet, Faster R-CNN's RPN) learn only from anchors that overlap a "
               "true box well enough. This page's YOLOv8 is anchor-free: each pyramid cell whose centre lies in a box "
               "is a candidate, and the best-scoring ones by class score × IoU are trained on it — no sizes to tune.")
    k = st.columns(3)
    keep = {"persist_state": "page"}  # the pickers keep their values while the tab is closed
    size = k[0].select_slider("Anchor size (× 2^level px)", [0.5, 1.0, 1.5, 2.0, 3.0, 4.0], 4.0, key=f"{key}_size",
                              **keep, help="keras-hub's RetinaNet default is 4: 32 px anchors at P3 (stride 8).")
    levels = k[1].slider("Pyramid levels", 2, 6, (3, 5), key=f"{key}_lv", **keep, help="Level ℓ: stride 2^ℓ px.")
    neg, pos = k[2].slider("IoU: negative below / positive from", 0.1, 0.9, (0.4, 0.5), step=0.05, key=f"{key}_iou",
                           **keep)
    i = st.number_input("Test canvas", 0, len(c.images) - 1, 0, key=f"{key}_img", **keep)
    side = c.images.shape[1]
    try:
        boxes, lv = _anchors(side, levels, size)
        tb, tc = c.objects(i)
        r = A.assign(boxes, tb, pos, neg)
    except SettingsError as err:
        st.error(str(err), icon=":material/error:")
        return
    shown = [(b, (255, 255, 255), c.class_names[k]) for b, k in zip(tb, tc)]
    shown += [(b, FN, None) for b in boxes[r["label"] == A.IGNORED]]
    shown += [(b, TP, None) for b in boxes[r["label"] == A.POSITIVE]]
    col = st.columns([1, 1])
    col[0].image(draw(c.images[i], shown, 5), caption="true boxes (white), positive anchors (green), ignored "
                                                       "(yellow); the rest are negatives (background)")
    rows = [{"true box": f"{c.class_names[k]} {b[2] - b[0]:.0f}×{b[3] - b[1]:.0f} px", "positive anchors": int(p),
             "ignored anchors": int(g), "best anchor IoU": round(float(m), 3)}
            for b, k, p, g, m in zip(tb, tc, r["positives"], r["ignored"], r["best_iou"])]
    col[1].dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    sizes = sorted({int(size * 2 ** level) for level in range(levels[0], levels[1] + 1)})
    col[1].caption(f"{len(boxes)} anchors: levels P{levels[0]}–P{levels[1]}, sides {', '.join(map(str, sizes))} px "
                   f"× 3 aspect ratios. {int((r['label'] == A.NEGATIVE).sum())} negatives.")
    missed, total = _missed(c, (c.source, len(c.images), float(c.boxes.sum())), side, levels, size, neg, pos)
    col[1].metric("Test boxes without any positive anchor", f"{missed} of {total}",
                  help="A box no anchor matches gives no training signal (RetinaNet's loss never sees it) unless "
                       "the matcher forces its best anchor positive.")


@st.cache_data(show_spinner=False, max_entries=32)
def _missed(_c, fingerprint: tuple, side: int, levels: tuple[int, int], size: float, neg: float,
            pos: float) -> tuple[int, int]:
    """(true boxes of the test set without a positive anchor, all true boxes); the test set is keyed by its source,
    size and the sum of its boxes."""
    boxes, _ = _anchors(side, levels, size)
    missed = total = 0
    for j in range(len(_c.images)):
        b, _ = _c.objects(j)
        missed += int((A.assign(boxes, b, pos, neg)["positives"] == 0).sum())
        total += len(b)
    return missed, total
