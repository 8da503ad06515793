"""`python -m anndl.bench detection`: mAP@0.5 (COCOeval) of the shipped detector (keras-cv's YOLOv8, the page's
default; the grid detector's in `extra`) on the generated test set, the time of one redraw after a threshold move (no
re-inference), the time of one 256×256 canvas through the network, and a training run through the job against plain
`model.fit` on numpy arrays (same data, same model), same run."""

from __future__ import annotations

import time

import numpy as np

from anndl.bench import Baseline, BenchResult, median_ms

from .job import (
    ARTIFACT,
    CONFIDENCE,
    DEFAULTS,
    N_TEST,
    NMS_IOU,
    SIZE,
    canvases,
    defaults,
    detections,
    evaluate,
    raw_predictions,
    score,
    targets,
    test_set,
    train_model,
)


def redraw_ms(model, repeats: int = 20, seed: int = 0, pr_repeats: int = 5) -> dict[str, float]:
    """Median ms from a new confidence threshold to new boxes (threshold + NMS of every test canvas, from the raw
    predictions kept, as the page does on a slider move) and to a new PR curve and mAP (COCOeval on top)."""
    c = test_set("shapes", seed)
    raw = raw_predictions(model, c.images)
    thresholds = iter(np.tile(np.linspace(0.2, 0.8, 7), repeats + 1))
    boxes = median_ms(lambda: detections(raw, next(thresholds), NMS_IOU), repeats)
    pr = median_ms(lambda: score(c, detections(raw, next(thresholds), NMS_IOU), len(c.class_names)), pr_repeats)
    return {"boxes": boxes, "pr": pr}


def infer_ms(model, repeats: int = 20, seed: int = 0) -> float:
    """Median ms of one 256×256 canvas through the network and the decoding of its grid (no NMS)."""
    image = canvases("shapes", 1, "test", seed, size=256).images
    return median_ms(lambda: raw_predictions(model, image), repeats)


def plain_fit(params: dict) -> tuple[float, float]:
    """The keras.io way: build the same model and `model.fit` on numpy arrays; (train_s, test mAP@0.5)."""
    from anndl.train import set_seed

    from .job import build

    seed = int(params["seed"])
    train_c = canvases(params["objects"], int(params["n_train"]), "train", seed)
    val_c = canvases(params["objects"], 300, "train", seed + 1)
    set_seed(seed)
    model = build(params, len(train_c.class_names))
    t0 = time.perf_counter()
    model.fit(train_c.images, targets(train_c, model), batch_size=int(params["batch"]), epochs=int(params["epochs"]),
              validation_data=(val_c.images, targets(val_c, model)), verbose=0)
    return time.perf_counter() - t0, evaluate(model, test_set(params["objects"], seed))["map50"]


def shipped_model(seed: int, detector: str = DEFAULTS["detector"]):
    from anndl import zoo

    name = ARTIFACT[detector]
    if zoo.exists(name):
        return zoo.load(name), f"shipped {name}"
    return train_model({**defaults(False, detector), "seed": seed})[0], f"{name} missing: trained with the page's " \
        "defaults"


def bench(quick: bool = False, seed: int = 0, tiny: bool = False) -> BenchResult:
    # the tiny form (CI) times the job on the grid detector: keras-cv's YOLOv8 takes about a minute to trace
    d = defaults(False, "grid" if tiny else DEFAULTS["detector"])
    n, epochs = (64, 1) if tiny else (1000, 4) if quick else (d["n_train"], d["epochs"])
    params = {**d, "seed": seed, "n_train": n, "epochs": epochs}
    model, which = shipped_model(seed)
    shipped = evaluate(model, test_set("shapes", seed))
    grid = evaluate(shipped_model(seed, "grid")[0], test_set("shapes", seed))
    repeats = 3 if tiny else 20
    redraw, i_ms = redraw_ms(model, repeats, seed, 1 if tiny else 5), infer_ms(model, repeats, seed)
    r_ms = redraw["boxes"]
    _, ours = train_model(params)
    plain_s, plain_map = plain_fit(params)
    rows = [{"run": f"{which}: test mAP@0.5", "value": shipped["map50"]},
            {"run": f"{which}: test mAP@[.5:.95]", "value": shipped["map"]},
            {"run": "redraw after a threshold move (ms)", "value": round(r_ms, 2)},
            {"run": "new PR curve + mAP after a threshold move, COCOeval (ms)", "value": round(redraw["pr"], 2)},
            {"run": "one 256×256 canvas through the network (ms)", "value": round(i_ms, 2)},
            {"run": "shipped grid detector (det_shapes): test mAP@0.5", "value": grid["map50"]},
            {"run": f"job (anndl.train.fit), {params['detector']}, {n} canvases × {epochs} epochs: mAP@0.5",
             "value": ours["map50"],
             "train_s": ours["train_s"]},
            {"run": "plain model.fit on numpy arrays: mAP@0.5", "value": plain_map, "train_s": plain_s}]
    extra = {"map": shipped["map"], "redraw_ms": round(r_ms, 2), "infer_ms": round(i_ms, 2),
             "pr_redraw_ms": round(redraw["pr"], 2), "model": which, "grid_map50": grid["map50"],
             "trained_detector": params["detector"],
             "trained_map50": ours["map50"], "confidence": CONFIDENCE, "nms_iou": NMS_IOU}
    return BenchResult(topic="detection", dataset=f"canvases {SIZE}×{SIZE}, 1–4 drawn shapes, {N_TEST} test canvases "
                       f"of unseen sprites (seed {seed}); training {n} canvases", metric="map50",
                       value=float(shipped["map50"]), train_s=float(ours["train_s"]),
                       samples_per_s=float(n * ours["epochs_run"] / ours["train_s"]),
                       baseline=Baseline("plain model.fit on numpy arrays (same model and data)", float(plain_map),
                                         float(plain_s)), rows=rows, extra=extra)

