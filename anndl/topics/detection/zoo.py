"""Shipped artifacts of the detection page: det_yolov8 (keras-cv) and det_shapes (the grid detector), on canvases of
drawn shapes."""

from __future__ import annotations

from anndl import zoo

from .job import ARTIFACT, CANVAS, DEFAULTS, N_TEST, N_VAL, SHIPPED, SIZE


def det_shapes(seed: int = 0):
    """Shipped artifact: the one-stage grid detector on 64 px canvases of 1–4 drawn shapes, trained by the job."""
    return _shipped("grid", seed, "about 6 min")


def det_yolov8(seed: int = 0):
    """Shipped artifact: keras-cv's YOLOv8, built from its constructors, on the same canvases, trained by the job."""
    return _shipped("yolov8", seed, "about 11 min")


def _shipped(detector: str, seed: int, took: str):
    params = {**DEFAULTS, **SHIPPED[detector], "detector": detector, "seed": seed}
    out, model = zoo.trained("detection", params)
    info = {"config": params, "class_names": out["class_names"], "epochs_run": out["epochs_run"],
            "stride": out["stride"],
            "data": {"dataset": f"canvases {SIZE}×{SIZE}, {CANVAS['min_objects']}–{CANVAS['max_objects']} objects",
                     "source": out["source"],
                     "split": f"{params['n_train']} training / {N_VAL} validation canvases (training sprites), "
                              f"{N_TEST} test canvases of unseen sprites"},
            "metrics": {"map50": out["map50"], "map": out["map"]},
            "reproduce": f"python -m anndl.zoo build {ARTIFACT[detector]} (same seed, same canvases; {took} on 2 "
                         "CPU cores)"}
    return model, info
