"""Detection page views: boxes drawn per class or as TP/FP/FN, the counts and areas of one image (§15.5), the
PR curves and mAP (§15), the live thumbnails while training and the output tensor (§14.8)."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from anndl.data.boxes import area
from anndl.metrics import box_iou
from app.ui.charts import show
from app.ui.classroom import stage
from app.ui.localization.draw import rgb
from app.ui.state import bound, classroom

PALETTE = [(230, 60, 60), (60, 140, 255), (250, 200, 40), (200, 80, 220), (40, 200, 200), (255, 140, 0),
           (150, 220, 60), (255, 105, 180), (160, 160, 255), (200, 200, 200)]
TP, FP, FN = (40, 200, 60), (230, 40, 40), (255, 200, 0)
PER_ROW = 6


def draw(image: np.ndarray, boxes: list[tuple], scale: int = 4) -> np.ndarray:
    """(h, w[, c]) image enlarged `scale` times with (xyxy box, colour, label) drawn on it."""
    from PIL import Image, ImageDraw, ImageFont

    pixels = rgb(image)
    img = Image.fromarray(pixels).resize((pixels.shape[1] * scale, pixels.shape[0] * scale),
                                         Image.Resampling.NEAREST)
    d = ImageDraw.Draw(img)
    font = ImageFont.load_default(size=max(10, 4 * scale))
    for box, colour, label in boxes:
        x0, y0, x1, y1 = (float(v) * scale for v in box)
        if x1 > x0 and y1 > y0:
            d.rectangle([x0, y0, x1 - 1, y1 - 1], outline=colour, width=2)
            if label:
                d.text((x0 + 2, max(0, y0 - 4 * scale - 2)), label, fill=colour, font=font)
    return np.asarray(img)


def match(det: dict, true_boxes: np.ndarray, true_classes: np.ndarray, iou: float = 0.5):
    """Greedy matching by score (as COCO at one IoU): (tp flags per detection, missed true-box indices)."""
    tp = np.zeros(len(det["boxes"]), bool)
    used = np.zeros(len(true_boxes), bool)
    overlaps = box_iou(det["boxes"], true_boxes) if len(true_boxes) and len(det["boxes"]) else None
    for k in np.argsort(-det["scores"]):
        if overlaps is None:
            break
        cand = np.where((true_classes == det["classes"][k]) & ~used, overlaps[k], 0)
        if cand.size and cand.max() >= iou:
            tp[k], used[cand.argmax()] = True, True
    return tp, np.flatnonzero(~used)


def picture(c, i: int, det: dict, mode: str) -> np.ndarray:
    """Test canvas i with its detections by class, or as TP (green), FP (red) and missed truth (yellow)."""
    names = c.class_names
    if mode == "class":
        boxes = [(b, PALETTE[k % len(PALETTE)], f"{names[k]} {s:.2f}")
                 for b, s, k in zip(det["boxes"], det["scores"], det["classes"])]
    else:
        tb, tc = c.objects(i)
        tp, missed = match(det, tb, tc)
        boxes = [(b, TP if ok else FP, "TP" if ok else "FP") for b, ok in zip(det["boxes"], tp)]
        boxes += [(tb[j], FN, "FN") for j in missed]
    return draw(c.images[i], boxes)


def gallery(c, dets: list[dict], start: int, mode: str) -> None:
    cols = st.columns(PER_ROW)
    for k, i in enumerate(range(start, start + PER_ROW)):
        d = dets[i]
        cols[k].image(picture(c, i, d, mode), caption=f"#{i}: {d['before']} → {len(d['boxes'])} after NMS")


def boxes_tab(c, dets: list[dict]) -> int:
    """The counts before and after NMS, and a row of test canvases with their boxes (the stage); returns the first
    canvas shown."""
    if not classroom():
        _counts(c, dets)
    with stage():
        k = st.columns([1, 2])
        mode = bound(k[0].radio, "Colour the boxes by", "det_mode", "class", options=["class", "TP / FP / FN"],
                     horizontal=True)
        start = k[1].slider("First test canvas", 0, len(dets) - PER_ROW, 0, step=PER_ROW, key="det_start",
                           persist_state="page")  # kept while the tab is closed
        gallery(c, dets, start, "class" if mode == "class" else "match")
    if classroom():
        _counts(c, dets)
    return start


def _counts(c, dets: list[dict]) -> None:
    m = st.columns(3)
    m[0].metric("Boxes above the threshold", sum(d["before"] for d in dets))
    m[1].metric("After NMS", sum(len(d["boxes"]) for d in dets))
    m[2].metric("True objects", int(c.counts.sum()))


def objects_table(c, i: int, det: dict) -> pd.DataFrame:
    """§15.5: each detected box of image i with its class, score and area, and the true objects for comparison."""
    rows = [{"": "detected", "class": c.class_names[k], "score": round(float(s), 3),
             "box (x0, y0, x1, y1)": tuple(round(float(v), 1) for v in b), "area px²": round(float(area(b)), 1)}
            for b, s, k in zip(det["boxes"], det["scores"], det["classes"])]
    tb, tc = c.objects(i)
    rows += [{"": "true", "class": c.class_names[k], "score": None,
              "box (x0, y0, x1, y1)": tuple(round(float(v), 1) for v in b), "area px²": round(float(area(b)), 1)}
             for b, k in zip(tb, tc)]
    return pd.DataFrame(rows)


def class_counts(c, i: int, det: dict) -> pd.DataFrame:
    """§15.5: per class, the objects detected and true in image i and their mean box area."""
    tb, tc = c.objects(i)
    rows = []
    for k, name in enumerate(c.class_names):
        mine = det["classes"] == k
        mean = round(float(area(det["boxes"][mine]).mean()), 1) if mine.any() else None
        rows.append({"class": name, "detected": int(mine.sum()), "true": int((tc == k).sum()),
                     "mean detected area px²": mean})
    return pd.DataFrame(rows)


def pr_chart(precision: np.ndarray, names: list[str]) -> alt.Chart:
    """Precision against recall per class at IoU 0.5 (COCOeval's 101 recall points; -1 = not reached)."""
    recall = np.linspace(0, 1, 101)
    rows = [{"recall": r, "precision": p, "class": names[k]}
            for k in range(precision.shape[-1]) for r, p in zip(recall, precision[0, :, k]) if p >= 0]
    frame = pd.DataFrame(rows, columns=["recall", "precision", "class"])
    return alt.Chart(frame).mark_line(interpolate="step-after").encode(
        x=alt.X("recall:Q", scale=alt.Scale(domain=[0, 1])), y=alt.Y("precision:Q", scale=alt.Scale(domain=[0, 1.02])),
        color="class:N").properties(height=260, title="Precision–recall per class at IoU 0.5 (COCOeval)")


def live(c):
    """The training panel's live view: detections on a few validation canvases after the last epoch."""
    def view(job) -> None:
        ev = next((e for e in reversed(job.epochs) if e.get("extra")), None)
        if ev is None:
            return
        cols = st.columns(len(ev["extra"]["boxes"]))
        for i, col in enumerate(cols):
            boxes = [(b, PALETTE[k % len(PALETTE)], None) for b, k in zip(ev["extra"]["boxes"][i],
                                                                        ev["extra"]["classes"][i])]
            col.image(draw(c.images[i], boxes, 3), caption=f"epoch {ev['epoch']}")
    return view


def explain_output(model, raw: dict, c, j: int, multilabel: bool) -> None:
    """§14.8 for test canvas `j` of `c`: the grid detector's output tensor, or YOLOv8's anchor points."""
    if "grid" in raw:
        output_tensor(model, raw["grid"][j], c.class_names, c.images.shape[1] // raw["grid"].shape[1], multilabel)
    else:
        yolo_output_tensor(model, c.images[j], raw["probs"][j], raw["distances"][j], c.class_names)


def output_tensor(model, grid: np.ndarray, names: list[str], stride: int, multilabel: bool) -> None:
    """§14.8 on the trained model: the output's shape, and the objectness of every cell of the chosen image."""
    s_h, s_w, depth = grid.shape
    st.markdown(f"The network maps a {s_h * stride}×{s_w * stride} canvas to a **{s_h}×{s_w}×{depth}** tensor: "
                f"a grid of {s_h}×{s_w} cells (stride {stride} px), each with **4 box numbers** (t_x, t_y, t_w, "
                f"t_h), **1 objectness** and **{depth - 5} class scores** ({', '.join(names)}) — "
                f"{'independent sigmoids (multi-label)' if multilabel else 'one softmax (one label per box)'}, "
                "§14.2. The cell holding an object's centre is responsible for it; its box is centre = (cell + "
                f"σ(t)) × {stride}, side = exp(t) × {stride}. One cell, one box: no anchors (YOLO v1 style). "
                f"Weights: {model.count_params():,}.")
    obj = 1 / (1 + np.exp(-grid[..., 4]))
    cells = pd.DataFrame([{"row": i, "col": j, "objectness": float(obj[i, j])}
                          for i in range(s_h) for j in range(s_w)])
    heat = alt.Chart(cells).mark_rect().encode(
        x="col:O", y="row:O", color=alt.Color("objectness:Q", scale=alt.Scale(domain=[0, 1], scheme="viridis")),
        tooltip=["row", "col", alt.Tooltip("objectness:Q", format=".3f")]).properties(
        width=260, height=260, title="σ(objectness) per cell")
    show(heat, use_container_width=False)


def yolo_output_tensor(model, image: np.ndarray, probs: np.ndarray, distances: np.ndarray, names: list[str]) -> None:
    """§14.8 on keras-cv's YOLOv8: the output's shape, and the best class score of every anchor point per level
    beside the canvas."""
    from anndl.nets.yolo import BINS, STRIDES, anchor_points

    side = image.shape[0]
    st.markdown(f"YOLOv8 maps a {side}×{side} canvas to **{len(probs)} anchor points** — the cells of three pyramid "
                f"levels P3, P4, P5 (strides {', '.join(map(str, STRIDES))} px: "
                f"{' + '.join(f'{-(-side // s)}²' for s in STRIDES)}) — each with **{4 * BINS} box numbers** and "
                f"**{probs.shape[-1]} class scores** ({', '.join(names)}, one sigmoid each: multi-label, §14.2). "
                f"The box numbers are four distances from the point to the box's left, top, right and bottom side, "
                f"each a softmax over {BINS} bins of one stride (its expectation is the distance). No objectness and "
                f"no anchor boxes: a point is trained on a true box when its class score × IoU ranks among the box's "
                f"best (task-aligned assignment). Weights: {model.count_params():,}.")
    centres, stride = anchor_points(side, side)
    cells = pd.DataFrame({"level": [f"P{int(np.log2(s))} (stride {int(s)})" for s in stride],
                          "col": (centres[:, 0] // stride).astype(int), "row": (centres[:, 1] // stride).astype(int),
                          "best class score": probs.max(-1), "class": [names[k] for k in probs.argmax(-1)],
                          "sides (strides)": [", ".join(f"{v:.1f}" for v in d) for d in distances]})
    heat = alt.Chart(cells).mark_rect().encode(
        x="col:O", y="row:O", color=alt.Color("best class score:Q", scale=alt.Scale(domain=[0, 1], scheme="viridis")),
        tooltip=["level", "row", "col", "class", alt.Tooltip("best class score:Q", format=".3f"), "sides (strides)"]
    ).properties(width=130, height=130).facet(column="level:N", title="best class score per anchor point")
    heat = heat.resolve_scale(x="independent", y="independent")
    left, right = st.columns([1, 3])
    left.image(draw(image, [], 4), caption="the canvas")
    with right:
        show(heat, use_container_width=False)
