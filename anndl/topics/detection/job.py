"""Object detection (course §14–§15): multi-object canvases, the grid detector's training job with a live
thumbnail per epoch, and the evaluation: raw predictions kept, then confidence threshold + NMS + COCO mAP."""

from __future__ import annotations

import numpy as np

from anndl.data.canvas import CanvasConfig, Canvases, generate
from anndl.jobs import job_of, saving
from anndl.metrics import batched_non_max_suppression, coco_map
from anndl.nets import yolo
from anndl.nets.detection import DetectorConfig, build_detector, decode, encode
from anndl.recipe import device_defaults

DETECTORS = {**({} if yolo.MISSING else {"yolov8": "YOLOv8 (keras-cv)"}),  # keras-cv needs TensorFlow
             "grid": "Grid (YOLO v1 style, ours)"}
OBJECTS = {"shapes": "Drawn shapes (3 classes)", "digits": "MNIST digits (10 classes)",
           "fashion": "Fashion-MNIST items (10 classes)"}
SIZE = 64  # canvas side: an 8×8 grid at stride 8, trains in minutes on 2 CPU cores
N_VAL, N_TEST, THUMBS = 300, 300, 4  # a stable mAP, cheap to score on every slider move
DEFAULTS = device_defaults("detection", {"detector": next(iter(DETECTORS)), "objects": "shapes", "n_train": 2000,
                                         "epochs": 8, "batch": 32, "lr": 2e-3, "multilabel": False,
                                         "seed": 0})  # bigger on a GPU (anndl.recipe)
PER_DETECTOR = {"grid": {}, "yolov8": {"epochs": 15}}  # YOLOv8 gains less per epoch than the small grid detector
ARTIFACT = {"yolov8": "det_yolov8", "grid": "det_shapes"}  # each detector's shipped model, on the drawn shapes
SHIPPED = {"grid": {"n_train": 4000, "epochs": 15},  # det_shapes: about 6 min here
           "yolov8": {"n_train": 4000, "epochs": 30}}  # det_yolov8: about 11 min here (≤ 20 min asked)
CANVAS = {"min_objects": 1, "max_objects": 4, "min_scale": 0.2, "max_scale": 0.4, "max_iou": 0.1}
CONFIDENCE, NMS_IOU = 0.3, 0.45  # the usual defaults of one-stage detectors


def defaults(gpu: bool, detector: str = DEFAULTS["detector"]) -> dict:
    """The page's training defaults for this detector: on a GPU server its shipped model's settings (seconds there)."""
    d = {**DEFAULTS, "detector": detector, **PER_DETECTOR[detector]}
    return {**d, **SHIPPED[detector]} if gpu else d


def canvases(objects: str, n: int, part: str, seed: int, size: int = SIZE) -> Canvases:
    """`n` canvases of `size` px with 1–4 objects each; "train" and "test" draw disjoint sprites. Larger canvases
    keep the objects' pixel sizes (more of them), so the detector trained on 64 px runs on them unchanged."""
    k = size / SIZE
    cfg = {**CANVAS, "max_objects": min(20, int(CANVAS["max_objects"] * k * k)), "min_scale": CANVAS["min_scale"] / k,
           "max_scale": CANVAS["max_scale"] / k}
    return generate(n, CanvasConfig(size=size, objects=objects, part=part, **cfg), seed)


def test_set(objects: str, seed: int) -> Canvases:
    return canvases(objects, N_TEST, "test", seed + 2)


def config_from(params: dict, n_classes: int) -> DetectorConfig:
    return DetectorConfig(n_classes=n_classes, multilabel=bool(params.get("multilabel", False)),
                          learning_rate=float(params.get("lr", 2e-3)))


def build(params: dict, n_classes: int):
    """The chosen detector, compiled: keras-cv's YOLOv8 or the grid detector of anndl.nets.detection."""
    if params.get("detector", "grid") == "yolov8":
        steps = int(params["epochs"]) * -(-int(params["n_train"]) // int(params["batch"]))
        return yolo.build_yolov8(yolo.YoloConfig(n_classes=n_classes, learning_rate=float(params.get("lr", 2e-3))),
                                 steps)
    return build_detector(config_from(params, n_classes))


def targets(c: Canvases, model):
    """What the model trains on: keras-cv's padded boxes and classes, or the grid detector's (S, S, 5 + C) tensor."""
    if yolo.is_yolov8(model):
        return yolo.targets(c.boxes, c.classes)
    stride = stride_of(model)
    return encode(c.boxes, c.classes, c.images.shape[1], stride, model.output.shape[-1] - 5)


def stride_of(model) -> int:
    """The finest stride: the grid's is 2 to the number of poolings, YOLOv8's that of its P3 level."""
    if yolo.is_yolov8(model):
        return yolo.STRIDES[0]
    return 2 ** sum(1 for layer in model.layers if layer.name.startswith("pool"))


def raw_predictions(model, images: np.ndarray, multilabel: bool = False) -> dict[str, np.ndarray]:
    """Every cell's (anchor point's) box, score and class before thresholds and NMS (what the page caches per model
    and test set). The grid detector adds its output tensor "grid"; YOLOv8 its box "distances" in strides."""
    from anndl.predict import predict_one

    if yolo.is_yolov8(model):
        return yolo.decode(yolo.raw_outputs(model, images), *images.shape[1:3])
    grid = np.asarray(model.predict(images, batch_size=128, verbose=0)) if len(images) > 1 else \
        predict_one(model, images[0])[None]
    return {"grid": grid, **decode(grid, stride_of(model), multilabel)}


def detections(raw: dict, confidence: float, nms_iou: float) -> list[dict]:
    """Per image: the cells above `confidence` (before) and those NMS keeps (after), as boxes, scores, classes,
    highest score first."""
    above = raw["scores"] >= confidence
    kept = batched_non_max_suppression(raw["boxes"], raw["scores"], above, nms_iou, raw["classes"])
    out = []
    for i, keep in enumerate(kept):
        idx = np.flatnonzero(keep)
        idx = idx[np.argsort(-raw["scores"][i, idx], kind="stable")]
        out.append({"before": int(above[i].sum()), "boxes": raw["boxes"][i, idx], "scores": raw["scores"][i, idx],
                    "classes": raw["classes"][i, idx]})
    return out


def score(c: Canvases, dets: list[dict], n_classes: int) -> dict:
    """COCOeval mAP@0.5, mAP@[.5:.95] and the precision array of these detections on the canvases."""
    true = [c.objects(i) for i in range(len(c.images))]
    return coco_map(true, [(d["boxes"], d["scores"], d["classes"]) for d in dets], n_classes)


def evaluate(model, c: Canvases, multilabel: bool = False, confidence: float = 0.01,
             nms_iou: float = NMS_IOU) -> dict:
    """mAP of the model on the canvases at a low confidence threshold (as COCO scores a detector)."""
    m = score(c, detections(raw_predictions(model, c.images, multilabel), confidence, nms_iou),
              len(c.class_names))
    return {"map50": m["map50"], "map": m["map"]}


def live_view(c: Canvases, multilabel: bool):
    """The epoch-end extra of `anndl.train.fit`: the detections on a few validation canvases."""
    def view(model, epoch):
        dets = detections(raw_predictions(model, c.images[:THUMBS], multilabel), CONFIDENCE, NMS_IOU)
        return {"boxes": [d["boxes"].round(1).tolist() for d in dets],
                "classes": [d["classes"].tolist() for d in dets]}
    return view


def train_model(params: dict, report=None, cancelled=None, max_epochs=None) -> tuple[object, dict]:
    """(model, summary): build, train and evaluate one configuration on the canvases."""
    from anndl.train import FitConfig, fit, set_seed

    p = {**DEFAULTS, **params}
    seed, objects = int(p["seed"]), p["objects"]
    train_c = canvases(objects, int(p["n_train"]), "train", seed)
    val_c = canvases(objects, N_VAL, "train", seed + 1)
    set_seed(seed)
    model = build(p, len(train_c.class_names))
    cfg = FitConfig(epochs=int(p["epochs"]), batch_size=int(p["batch"]), seed=seed, reduce_lr=3)
    summary = fit(model, train_c.images, targets(train_c, model), cfg,
                  validation_data=(val_c.images, targets(val_c, model)), report=report, cancelled=cancelled,
                  max_epochs=max_epochs, extra=live_view(val_c, bool(p["multilabel"])))
    summary.update(evaluate(model, test_set(objects, seed), bool(p["multilabel"])))
    summary.update(params=p, class_names=train_c.class_names, source=train_c.source, stride=stride_of(model))
    return model, summary


train = saving(train_model)  # train(params, report, cancelled, max_epochs, workdir) -> summary
train_job = job_of(train)  # the job target anndl.topics.detection.job:train_job
