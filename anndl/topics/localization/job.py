"""Localization (course §11, §13): canvases with one object, the two-head training job, and the evaluation of
predicted boxes and CAM boxes over the test set (IoU per image, mean IoU, Spearman's ρ per coordinate)."""

from __future__ import annotations

import numpy as np

from anndl.data.canvas import CanvasConfig, Canvases, generate
from anndl.jobs import job_of, saving
from anndl.nets.localization import LAST_CONV, LocalizerConfig, build_localizer
from anndl.recipe import device_defaults

OBJECTS = {"shapes": "Drawn shapes (3 classes)", "digits": "MNIST digits (10 classes)",
           "fashion": "Fashion-MNIST items (10 classes)"}
SIZE = 64  # canvas side: a 16×16 map after two poolings, fine enough for CAM boxes
N_VAL, N_TEST = 400, 400  # enough images for a stable mean IoU, cheap to score on every rerun
DEFAULTS = device_defaults("localization", {"objects": "shapes", "n_train": 2000, "epochs": 16, "batch": 64,
                                            "alpha": 0.5, "lr": 3e-3, "hide": 0.0, "seed": 0})  # bigger on a GPU
LABELS_ONLY = {"alpha": 1.0, "hide": 0.5}  # the CAM route (§11.4): labels only, half the patches hidden in training
SCALE = (0.3, 0.6)  # object side / canvas side: one dominant object, as in the course's localization examples
CAM_THRESHOLD = 0.3  # the CAM paper keeps 20–30 % of the maximum; 30 % scored best with 2 views (seeds 0–2)
VIEWS = 2  # CAMs averaged over the canvas and its quarter turn: on seeds 0–2 as good as 8 views at a quarter the cost


def canvases(objects: str, n: int, part: str, seed: int) -> Canvases:
    """`n` canvases of SIZE px with exactly one object each; "train" and "test" draw disjoint sprites."""
    return generate(n, CanvasConfig(size=SIZE, objects=objects, part=part, min_objects=1, max_objects=1,
                                   min_scale=SCALE[0], max_scale=SCALE[1]), seed)


def test_set(objects: str, seed: int) -> Canvases:
    return canvases(objects, N_TEST, "test", seed + 2)


def targets(c: Canvases) -> dict[str, np.ndarray]:
    """The two heads' targets: the class id and the xyxy box divided by the canvas side."""
    return {"class": c.classes[:, 0], "box": c.boxes[:, 0] / np.float32(c.images.shape[1])}


def config_from(params: dict, n_classes: int) -> LocalizerConfig:
    return LocalizerConfig(input_shape=(SIZE, SIZE, 1), n_classes=n_classes, alpha=float(params.get("alpha", 0.5)),
                           learning_rate=float(params.get("lr", 2e-3)), hide=float(params.get("hide", 0.0)))


def predict_all(model, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(class probabilities (n, k), boxes (n, 4) xyxy pixels) of the two heads on many images."""
    out = model.predict(x, batch_size=256, verbose=0)
    return out["class"], np.clip(out["box"], 0, 1) * x.shape[1]


def box_scores(pred: np.ndarray, true: np.ndarray) -> tuple[np.ndarray, dict[str, float]]:
    """IoU per image (§13.2) and Spearman's ρ of each predicted coordinate against the true one over the set."""
    from scipy.stats import spearmanr

    from anndl.metrics import box_iou

    rho = [float(spearmanr(pred[:, j], true[:, j]).statistic) for j in range(4)]
    return box_iou(pred, true, pairwise=False), dict(zip(("x_min", "y_min", "x_max", "y_max"), rho))


def evaluate(model, c: Canvases, threshold: float = CAM_THRESHOLD, views: int = VIEWS) -> dict:
    """Both routes to a box over the test set: the box head (two heads, §11.3) and the CAM of the predicted class
    (averaged over `views`) thresholded at `threshold` × its maximum (labels only, §11.4); per-image IoU and the
    summaries."""
    from anndl.explain import augmented_cam, heatmap_box
    from anndl.metrics import box_iou

    x, y, true = c.images, c.classes[:, 0], c.boxes[:, 0]
    probs, boxes = predict_all(model, x)
    pred = probs.argmax(1)
    iou, rho = box_scores(boxes, true)
    cams = augmented_cam(model, x, pred, views)
    cam_boxes = np.stack([heatmap_box(m, threshold) for m in cams])
    cam_iou = box_iou(cam_boxes, true, pairwise=False)
    return {"accuracy": float(np.mean(pred == y)), "mean_iou": float(iou.mean()), "iou50": float(np.mean(iou >= 0.5)),
            "cam_mean_iou": float(cam_iou.mean()), "cam_iou50": float(np.mean(cam_iou >= 0.5)),
            "spearman": rho,
            "iou": iou, "cam_iou": cam_iou, "boxes": boxes, "cam_boxes": cam_boxes, "pred": pred, "probs": probs}


SCALARS = ("accuracy", "mean_iou", "iou50", "cam_mean_iou", "cam_iou50", "spearman")


def train_model(params: dict, report=None, cancelled=None, max_epochs=None) -> tuple[object, dict]:
    """(model, summary): build, train (α·CE + (1 − α)·box loss) and evaluate one configuration on canvases."""
    from anndl.train import FitConfig, fit, set_seed

    p = {**DEFAULTS, **params}
    seed, objects = int(p["seed"]), p["objects"]
    train_c = canvases(objects, int(p["n_train"]), "train", seed)
    val_c = canvases(objects, N_VAL, "train", seed + 1)
    set_seed(seed)
    model = build_localizer(config_from(p, len(train_c.class_names)))
    cfg = FitConfig(epochs=int(p["epochs"]), batch_size=int(p["batch"]), seed=seed)
    summary = fit(model, train_c.images, targets(train_c), cfg, validation_data=(val_c.images, targets(val_c)),
                  report=report, cancelled=cancelled, max_epochs=max_epochs)
    ev = evaluate(model, test_set(objects, seed))
    summary.update({k: ev[k] for k in SCALARS})
    summary.update(params=p, class_names=train_c.class_names, source=train_c.source, layer=LAST_CONV)
    return model, summary


train = saving(train_model)  # train(params, report, cancelled, max_epochs, workdir) -> summary
train_job = job_of(train)  # the job target anndl.topics.localization.job:train_job
