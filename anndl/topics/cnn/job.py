"""CNN trainer (course §6–§9, §12.1–§12.2): data, recipes, the training job and its evaluation."""

from __future__ import annotations

from dataclasses import asdict

import numpy as np

from anndl.data import Dataset, Split, load, split
from anndl.jobs import job_of, save_model
from anndl.nets.augment import AugmentConfig, predict_tta, train_data
from anndl.nets.cnn import PRESETS, CNNConfig, build_cnn
from anndl.recipe import data_recipe, device_defaults, own_data_report
from anndl.topics.cnn.transfer import budget_for, build_transfer, choose_backbone

# a CPU-sized slice of Fashion-MNIST's 70,000 (an epoch takes seconds, not a minute); all of it on a GPU
FASHION_N = device_defaults("cnn", {"fashion_n": 20_000})["fashion_n"]
DATASETS = {"mnist": "MNIST (5,000 digits)", "fashion_mnist": f"Fashion-MNIST ({FASHION_N:,} items)",
            "digits": "Digits 8×8 (1,797)", "upload": "Your images (zip of class folders)"}
TRANSFER_LR = 3e-3  # a fresh softmax head on frozen features takes larger steps than a whole network
SMALL_SET_AUGMENT = {"translate": 0.1, "zoom": 0.05}  # small sets from scratch: the "best" recipe's

# Training recipes the page offers; "fast" is the default, "best" the quality preset of the benchmark.
RECIPES: dict[str, dict] = {
    "fast": dict(blocks=PRESETS["fast"], head="flatten", dropout=0.3, lr=4e-3, batch=128, epochs=10,
                 early_stopping=4, reduce_lr=2, augment={}),
    # best: the same stack, small shifts and zooms of the digits, and a cosine-decaying step over 30 epochs
    "best": dict(blocks=PRESETS["fast"], head="flatten", dropout=0.4, lr=4e-3, batch=128, epochs=30, cosine=True,
                 early_stopping=0, reduce_lr=0, augment=dict(translate=0.1, zoom=0.05)),
}


def load_images(name: str, seed: int = 0, data_path: str | None = None) -> Dataset:
    """The page's datasets by name; "upload" reads the arrays the page saved (npz, no pickle)."""
    if name == "upload":
        with np.load(data_path, allow_pickle=False) as f:
            return Dataset("your images", f["x"], f["y"], "multiclass", [], [str(c) for c in f["classes"]],
                           source="your upload")
    if name == "fashion_mnist":
        return load(name, n=FASHION_N, seed=seed)
    return load(name)


def save_upload(ds: Dataset, path: str) -> str:
    """Write an uploaded dataset for the worker process (npz of plain arrays)."""
    np.savez_compressed(path, x=ds.x, y=ds.y, classes=np.array(ds.class_names))
    return path


def split_images(ds: Dataset, seed: int = 0) -> Split:
    """Stratified, seeded 72 / 8 / 20 % train / validation / test split (at least one image per class in each)."""
    k, n = ds.n_classes, len(ds.x)
    test = max(round(0.2 * n), k)
    return split(ds, test=test, val=max(round(0.1 * (n - test)), k), seed=seed)


def one_hot(y: np.ndarray, n: int) -> np.ndarray:
    return np.eye(n, dtype="float32")[y]


def config_from(params: dict, input_shape: tuple, n_classes: int, n_train: int = 0) -> CNNConfig:
    """The network part of a page/job parameter dict (a cosine schedule spans all epochs of `n_train` samples)."""
    steps = int(params.get("epochs", 10)) * -(-n_train // int(params.get("batch", 128)))
    return CNNConfig(input_shape=tuple(input_shape), n_classes=n_classes, blocks=params["blocks"],
                     head=params.get("head", "flatten"), hidden=int(params.get("hidden", 0)),
                     dropout=float(params.get("dropout", 0.3)), learning_rate=float(params.get("lr", 4e-3)),
                     decay_steps=steps if params.get("cosine") else 0)


def evaluate(model, sp: Split, n_classes: int, flip: bool = False) -> dict:
    """Test accuracy with and without test-time augmentation (§7.1.2), predictions for the confusion matrix."""
    probs = model.predict(sp.x_test, batch_size=256, verbose=0)
    tta = predict_tta(model, sp.x_test, flip=flip)
    pred = probs.argmax(1)
    return {"test_accuracy": float(np.mean(pred == sp.y_test)),
            "tta_accuracy": float(np.mean(tta.argmax(1) == sp.y_test)),
            "y_true": sp.y_test.tolist(), "y_pred": pred.tolist(), "idx_test": sp.idx_test.tolist(),
            "probs": probs.round(4).tolist()}


def train(params: dict, report=None, cancelled=None, max_epochs=None, workdir: str | None = None) -> dict:
    """Build, train and evaluate one configuration; returns the summary (and the model path)."""
    from anndl.train import FitConfig, fit, set_seed

    seed = int(params.get("seed", 0))
    ds = load_images(params.get("dataset", "mnist"), seed, params.get("data_path"))
    sp = split_images(ds, seed)
    set_seed(seed)
    budget = budget_for(params.get("route", "scratch"))
    recipe = data_recipe(len(sp.x_train), budget) if params.get("recipe") else None
    if recipe is not None:
        params = {**params, "batch": recipe.batch_size, "epochs": recipe.epochs, "early_stopping": recipe.patience,
                  "cosine": False, "augment": dict(SMALL_SET_AUGMENT) if recipe.augment else params.get("augment", {})}
    backbone = None
    if params.get("route") == "transfer":
        name, backbone = choose_backbone(sp.x_train, sp.y_train, sp.x_val, sp.y_val)
        set_seed(seed)
        model = build_transfer(name, ds.x.shape[1:], ds.n_classes, float(params.get("dropout", 0.3)), TRANSFER_LR)
    else:
        model = build_cnn(config_from(params, ds.x.shape[1:], ds.n_classes, len(sp.x_train)))
    aug = AugmentConfig(**params.get("augment", {}))
    batch = int(params.get("batch", 128))
    cfg = FitConfig(epochs=int(params.get("epochs", 10)), batch_size=batch,
                    early_stopping=int(params.get("early_stopping", 0)), reduce_lr=int(params.get("reduce_lr", 0)))
    x, y = train_data(sp.x_train, one_hot(sp.y_train, ds.n_classes), aug, batch, seed)
    val = (sp.x_val, one_hot(sp.y_val, ds.n_classes))
    summary = fit(model, x, y, cfg, validation_data=val, report=report,
                  cancelled=cancelled, max_epochs=max_epochs)
    summary.update(evaluate(model, sp, ds.n_classes, flip=aug.flip))
    summary.update(params=params, class_names=ds.class_names, dataset=ds.name, source=ds.source, backbone=backbone)
    if params.get("dataset") == "upload":  # own data: training vs held-out accuracy, read as the course does
        train_acc = float(np.mean(model.predict(sp.x_train, batch_size=256, verbose=0).argmax(1) == sp.y_train))
        summary["own_data"] = own_data_report(len(sp.x_train), recipe, budget, train_acc, summary["test_accuracy"])
    if workdir:
        summary["model_path"] = save_model(model, workdir)
    return summary


train_job = job_of(train)  # the job target anndl.topics.cnn.job:train_job


def recipe_params(name: str) -> dict:
    return dict(RECIPES[name], augment=dict(RECIPES[name]["augment"]))


def augment_of(params: dict) -> AugmentConfig:
    return AugmentConfig(**params.get("augment", {}))


def params_config(params: dict) -> dict:
    """The CNNConfig fields of a parameter dict (for the Keras-code view)."""
    return asdict(CNNConfig(blocks=params["blocks"], head=params.get("head", "flatten"),
                            hidden=int(params.get("hidden", 0)), dropout=float(params.get("dropout", 0.3)),
                            learning_rate=float(params.get("lr", 4e-3))))
