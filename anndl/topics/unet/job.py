"""U-Net segmentation (course §10, §17): data, the training job with live prediction thumbnails, the evaluation."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from anndl.data.canvas import CanvasConfig, generate
from anndl.jobs import job_of, save_model
from anndl.metrics import border_band, class_dice, class_iou, mean_iou
from anndl.nets.unet import UNetConfig, build_unet
from anndl.recipe import Recipe, StepBudget, data_recipe, device_defaults, own_data_report

if TYPE_CHECKING:
    from anndl.train import FitConfig

DATASETS = {"shapes": "Canvases of drawn shapes (circle, square, triangle)",
            "digits": "Canvases of MNIST digits (10 classes)",
            "upload": "Your images + masks (zip)"}
SIZE = 48  # canvas side of the generated sets: objects of 10–22 px, quick to train on a CPU
THUMBS = 4  # fixed test canvases predicted after every epoch (the visualisation callback of §17.3)
BORDER = 2  # pixels on each side of an object's edge that count as its border

# The page's default: 400 canvases in batches of 16 at AdamW 0.01 learn the masks in the same 250 steps as 800 in
# batches of 32 at 0.003, in about half the time on a CPU; the best epoch is kept (figures: `python -m anndl.bench
# unet`). Bigger on a GPU (anndl.recipe).
DEFAULTS = device_defaults("unet", dict(dataset="shapes", n_train=400, depth=3, filters=8, skip="concat",
                                       upsampling="transpose", epochs=10, batch=16, lr=0.01, balanced=False, seed=0))

# Own image + mask zips (issue 12): the default's 250 optimiser steps whatever the size; real photos need a few
# hundred pairs before the masks of new ones are right; below 500 pairs each image is also mirrored with its mask.
# Early stopping waits 40% of the epochs: a small set's few validation masks stay empty for the first epochs. With
# their mirror images the pairs an epoch sees double: the recipe counts them, so the steps stay the same.
BUDGET = StepBudget(steps=250, batch_size=16, needed=200, unit="image + mask pairs", augment_below=500,
                    patience_share=0.4, max_epochs=200, augment_copies=2,
                    copies_unit="pairs (yours and their mirror images)")
GOOD_IOU = 0.6  # a training mean IoU below this: the masks of the training images themselves are not learned yet


@dataclass
class SegData:
    """Images (n, h, w, c) in [0, 1] and masks (n, h, w) of class ids, split for training."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    class_names: list[str]  # background first
    source: str

    @property
    def n_classes(self) -> int:
        return len(self.class_names)


def canvases(name: str, n_train: int, seed: int = 0) -> SegData:
    """Generated canvases: training and validation from the training sprites, test canvases from unseen ones."""
    objects = {"shapes": "shapes", "digits": "digits"}[name]
    n_val, n_test = max(50, n_train // 8), max(50, n_train // 4)
    train = generate(n_train + n_val, CanvasConfig(size=SIZE, objects=objects, part="train"), seed)
    test = generate(n_test, CanvasConfig(size=SIZE, objects=objects, part="test"), seed + 10_000)
    x, y = train.as_segmentation()
    xt, yt = test.as_segmentation()
    return SegData(x[:n_train], y[:n_train], x[n_train:], y[n_train:], xt, yt, train.mask_names, train.source)


def save_upload(images: np.ndarray, masks: np.ndarray, class_names: list[str], path: str) -> str:
    """Write an uploaded image + mask set for the worker process (npz of plain arrays)."""
    np.savez_compressed(path, x=images, y=masks, classes=np.array(class_names))
    return path


def upload_data(path: str, seed: int = 0) -> SegData:
    """The uploaded pairs, shuffled with `seed` and split 70 / 10 / 20 % (at least one pair in validation and test)."""
    with np.load(path, allow_pickle=False) as f:
        x, y, names = f["x"], f["y"], [str(c) for c in f["classes"]]
    order = np.random.default_rng(seed).permutation(len(x))
    x, y = x[order], y[order]
    n_test, n_val = max(1, round(0.2 * len(x))), max(1, round(0.1 * len(x)))
    cut = len(x) - n_test - n_val
    return SegData(x[:cut], y[:cut], x[cut:cut + n_val], y[cut:cut + n_val], x[-n_test:], y[-n_test:], names,
                   "your upload")


def load_data(params: dict) -> SegData:
    seed = int(params.get("seed", 0))
    if params.get("dataset") == "upload":
        return upload_data(params["data_path"], seed)
    return canvases(params.get("dataset", "shapes"), int(params.get("n_train", DEFAULTS["n_train"])), seed)


def balanced_weights(y: np.ndarray, n_classes: int) -> tuple[float, ...]:
    """Median-frequency class weights: rare classes weigh more, a class with the median frequency weighs 1."""
    freq = np.bincount(np.ravel(y), minlength=n_classes).astype("float64")
    present = freq > 0
    w = np.ones(n_classes)
    w[present] = np.median(freq[present]) / freq[present]
    return tuple(float(v) for v in np.clip(w, 0.05, 50.0).round(4))


def config_from(params: dict, input_shape: tuple, n_classes: int, class_weights=None) -> UNetConfig:
    p = {**DEFAULTS, **params}
    return UNetConfig(input_shape=tuple(input_shape), n_classes=n_classes, depth=int(p["depth"]),
                      filters=int(p["filters"]), skip=p["skip"], upsampling=p["upsampling"],
                      learning_rate=float(p["lr"]), class_weights=class_weights)


def predict_masks(model, x: np.ndarray, batch: int = 64) -> np.ndarray:
    """Class id per pixel (n, h, w) uint8; a few images (each epoch's validation and thumbnails) in one direct call,
    which costs a fraction of `predict`'s set-up."""
    import keras

    probs = model(x, training=False) if len(x) <= batch else model.predict(x, batch_size=batch, verbose=0)
    return keras.ops.convert_to_numpy(probs).argmax(-1).astype("uint8")


def pack_masks(masks: np.ndarray) -> dict:
    """uint8 masks as a small JSON-ready dict (for progress events)."""
    m = np.ascontiguousarray(masks, "uint8")
    return {"shape": list(m.shape), "b64": base64.b64encode(m.tobytes()).decode()}


def unpack_masks(packed: dict) -> np.ndarray:
    return np.frombuffer(base64.b64decode(packed["b64"]), "uint8").reshape(packed["shape"])


def evaluate(model, x: np.ndarray, y: np.ndarray, n_classes: int) -> dict:
    """Per-class IoU and Dice (whole objects and their borders only), mean IoU without the background (§17.3),
    pixel accuracy and the confusion over pixels."""
    from sklearn.metrics import confusion_matrix

    pred = predict_masks(model, x)
    band = border_band(y, BORDER)
    return {"mean_iou": mean_iou(y, pred, n_classes), "pixel_accuracy": float(np.mean(pred == y)),
            "class_iou": class_iou(y, pred, n_classes).tolist(), "class_dice": class_dice(y, pred, n_classes).tolist(),
            "border_iou": class_iou(y[band], pred[band], n_classes).tolist(),
            "border_mean_iou": mean_iou(y[band], pred[band], n_classes),
            "confusion": confusion_matrix(y.ravel(), pred.ravel(), labels=range(n_classes)).tolist()}


def live_view(data: SegData):
    """The epoch-end extra of `anndl.train.fit`: the predicted masks of the first test canvases (§17.3)."""
    thumbs = data.x_test[:THUMBS]
    return lambda model, epoch: {"masks": pack_masks(predict_masks(model, thumbs))}


def val_mean_iou(data: SegData):
    """A callback writing the validation mean IoU (background excluded) into each epoch's logs, as `val_mean_iou`:
    the curves, the progress events and the history all carry it."""
    import keras

    class ValMeanIoU(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if logs is not None:
                logs["val_mean_iou"] = mean_iou(data.y_val, predict_masks(self.model, data.x_val), data.n_classes)
    return ValMeanIoU()


def recipe_of(params: dict, n_train: int) -> Recipe | None:
    """The data's recipe when the page asks for it (uploads: "Defaults from your data's size")."""
    return data_recipe(n_train, BUDGET) if params.get("dataset") == "upload" and params.get("recipe") else None


def fit_config(params: dict, recipe: Recipe | None = None) -> FitConfig:
    """Epochs, batch and early stopping on the validation mean IoU (written by `val_mean_iou`): the run ends once 3
    epochs (the recipe's patience) bring no better mask, and the model keeps the weights of its best epoch (a short
    BN run can end on a bad one)."""
    from anndl.train import FitConfig

    epochs, batch, patience = int(params.get("epochs", 10)), int(params.get("batch", 32)), 3
    if recipe is not None:
        epochs, batch, patience = recipe.epochs, recipe.batch_size, recipe.patience
    return FitConfig(epochs=epochs, batch_size=batch, seed=int(params.get("seed", 0)), early_stopping=patience,
                     monitor="val_mean_iou", mode="max", restore_best=True)


def training_inputs(data: SegData, recipe: Recipe | None) -> tuple[np.ndarray, np.ndarray]:
    """(x, y (n, h, w, 1) class ids) for `fit`; a small set's recipe adds each image mirrored left-right with its
    mask (§7.1: a mirrored object keeps its class, so the pair stays true). Copies in memory keep `fit` on its fast
    path (a batch generator took twice the time per step here)."""
    x, y = data.x_train, data.y_train[..., None].astype("int64")
    if recipe is not None and recipe.augment:
        return np.concatenate([x, x[:, :, ::-1]]), np.concatenate([y, y[:, :, ::-1]])
    return x, y


def own_data(model, data: SegData, recipe: Recipe | None, test_iou: float) -> dict:
    """Training vs test mean IoU and what they mean (issue 12); at most 200 training images are scored."""
    train_iou = mean_iou(data.y_train[:200], predict_masks(model, data.x_train[:200]), data.n_classes)
    return own_data_report(len(data.x_train), recipe, BUDGET, train_iou, test_iou, "mean IoU", good=GOOD_IOU,
                           gap=0.15)


def train(params: dict, report=None, cancelled=None, max_epochs=None, workdir: str | None = None) -> dict:
    """Build, train and evaluate one configuration; returns the summary (and the model path)."""
    from anndl.train import fit, set_seed

    data = load_data(params)
    set_seed(int(params.get("seed", 0)))
    weights = balanced_weights(data.y_train, data.n_classes) if params.get("balanced") else None
    model = build_unet(config_from(params, data.x_train.shape[1:], data.n_classes, weights))
    recipe = recipe_of(params, len(data.x_train))
    config = fit_config(params, recipe)
    x, y = training_inputs(data, recipe)
    summary = fit(model, x, y, config, validation_data=(data.x_val, data.y_val[..., None].astype("int64")),
                  report=report, cancelled=cancelled, extra=live_view(data), callbacks=[val_mean_iou(data)],
                  max_epochs=max_epochs)
    summary.update(evaluate(model, data.x_test, data.y_test, data.n_classes))
    if params.get("dataset") == "upload":
        summary["own_data"] = own_data(model, data, recipe, summary["mean_iou"])
    summary.update(params=params, class_names=data.class_names, source=data.source, class_weights=weights,
                   n_params=model.count_params(), n_train=len(data.x_train))
    if workdir:
        summary["model_path"] = save_model(model, workdir)
    return summary


train_job = job_of(train)  # the job target anndl.topics.unet.job:train_job
