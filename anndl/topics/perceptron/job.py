"""Perceptron & FFNN playground (course §1–§5): data preparation, the training job, look-inside views."""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np
from sklearn.metrics import confusion_matrix

from anndl import data as catalogue
from anndl.data import Dataset, Split
from anndl.jobs import job_of, save_model
from anndl.metrics import classification_report, confusion_members
from anndl.nets.ffnn import FFNNConfig, build_ffnn, predict_classes
from anndl.recipe import Recipe, StepBudget, data_recipe, own_data_report
from anndl.train import FitConfig, fit, set_seed

GRID = 50  # decision-region resolution: 2,500 predictions, a few ms
# an uploaded CSV trains for as many optimiser steps as the spiral default (100 epochs of 10 steps, plus margin)
BUDGET = StepBudget(steps=1500, batch_size=32, min_epochs=20, max_epochs=500, needed=200, unit="rows")


def load_dataset(params: dict) -> Dataset:
    """The catalogue set, or the uploaded CSV (bytes) with its chosen target column."""
    if params.get("dataset") == "csv":
        from anndl.data.uploads import csv_to_dataset, read_csv_frame

        return csv_to_dataset(read_csv_frame(params["csv"]), params.get("target"), params.get("task", "auto"))
    kwargs = {k: params[k] for k in ("n", "noise") if k in params}
    return catalogue.load(params.get("dataset", "spiral"), seed=params.get("seed", 0), **kwargs)


def model_config(ds: Dataset, sp: Split, model: dict, seed: int) -> FFNNConfig:
    """The user's network choices completed by what the data decides (inputs, task, classes, scaling)."""
    mean, var = sp.x_train.mean(0), sp.x_train.var(0) + 1e-8
    cfg = FFNNConfig.from_dict(model)
    return replace(cfg, inputs=ds.x.shape[1], task=ds.task, n_classes=max(ds.n_classes, 2), seed=seed,
                   outputs=1 if ds.y.ndim == 1 else ds.y.shape[1], norm_mean=tuple(map(float, mean)),
                   norm_var=tuple(map(float, var)))


def bounds(x: np.ndarray, pad: float = 0.15) -> tuple[float, float, float, float]:
    lo, hi = x.min(0), x.max(0)
    span = np.maximum(hi - lo, 1e-6) * pad
    return float(lo[0] - span[0]), float(hi[0] + span[0]), float(lo[1] - span[1]), float(hi[1] + span[1])


def decision_grid(model, box, task: str, n: int = GRID) -> dict:
    """Network output over an n×n grid of the plane: P(class 1), or the winning class and its probability."""
    xs, ys = np.linspace(box[0], box[1], n), np.linspace(box[2], box[3], n)
    gx, gy = np.meshgrid(xs, ys)
    p = np.asarray(model.predict_on_batch(np.c_[gx.ravel(), gy.ravel()].astype("float32")))
    out = {"xs": xs.tolist(), "ys": ys.tolist()}
    if task == "binary":
        out["p"] = p[:, 0].reshape(n, n).tolist()
    else:
        out["cls"], out["p"] = p.argmax(1).reshape(n, n).tolist(), p.max(1).reshape(n, n).tolist()
    return out


def neuron_maps(model, box, n: int = 30, layer: str = "act1", limit: int = 16) -> list[list[list[float]]]:
    """Activation of each first-layer neuron over the plane: what each unit 'sees' (up to `limit` units)."""
    import keras

    probe = keras.Model(model.inputs, model.get_layer(layer).output)
    xs, ys = np.linspace(box[0], box[1], n), np.linspace(box[2], box[3], n)
    gx, gy = np.meshgrid(xs, ys)
    a = np.asarray(probe.predict_on_batch(np.c_[gx.ravel(), gy.ravel()].astype("float32")))
    return [a[:, u].reshape(n, n).tolist() for u in range(min(a.shape[1], limit))]


def weight_histograms(model) -> list[dict]:
    """Kernel values per Dense layer, for the per-layer histograms."""
    return [{"layer": layer.name, "values": layer.kernel.numpy().ravel().tolist()}
            for layer in model.layers if hasattr(layer, "kernel")]


def fitted_curve(model, x: np.ndarray, n: int = 200) -> dict:
    lo, hi = float(x.min()), float(x.max())
    xs = np.linspace(lo - 0.1 * (hi - lo), hi + 0.1 * (hi - lo), n).astype("float32")[:, None]
    return {"x": xs[:, 0].tolist(), "y": np.asarray(model.predict_on_batch(xs))[:, 0].tolist()}


def live_view(model, ds: Dataset, box) -> dict | None:
    """What the page redraws while training: decision regions (2-D) or the fitted curve (1-D)."""
    if ds.x.shape[1] == 2 and ds.task != "regression":
        return {"grid": decision_grid(model, box, ds.task, n=30)}
    if ds.x.shape[1] == 1 and ds.task == "regression":
        return {"curve": fitted_curve(model, ds.x, n=100)}
    return None


def evaluate(model, ds: Dataset, sp: Split) -> dict:
    """Test metrics: accuracy, per-class report and confusion with its members, or MSE/MAE for regression."""
    pred = predict_classes(model, sp.x_test, ds.task)
    if ds.task == "regression":
        err = pred - sp.y_test
        return {"mse": float(np.mean(err**2)), "mae": float(np.mean(np.abs(err)))}
    members = confusion_members(sp.y_test, pred)
    return {"accuracy": float(np.mean(pred == sp.y_test)),
            "report": classification_report(sp.y_test, pred, ds.class_names),
            "confusion": confusion_matrix(sp.y_test, pred, labels=range(ds.n_classes)).tolist(),
            "members": {f"{t},{p}": [int(sp.idx_test[i]) for i in idx] for (t, p), idx in members.items()}}


def train_size(ds: Dataset, params: dict) -> int:
    """Rows the network trains on (the hold-out split the job makes)."""
    sp = catalogue.split(ds, test=float(params.get("test", 0.2)), val=float(params.get("val", 0.2)),
                         seed=int(params.get("seed", 0)))
    return len(sp.x_train)


def recipe_of(params: dict, n_train: int) -> Recipe | None:
    """Defaults from the upload's size (issue: own data), when the page's toggle asks for them."""
    return data_recipe(n_train, BUDGET) if params.get("dataset") == "csv" and params.get("recipe") else None


def with_recipe(params: dict, recipe: Recipe | None) -> dict:
    """The job's parameters with batch, epochs and early stopping taken from the recipe."""
    if recipe is None:
        return params
    fit_cfg = {**params.get("fit", {}), "epochs": recipe.epochs, "batch_size": recipe.batch_size,
               "early_stopping": recipe.patience}
    return {**params, "fit": fit_cfg}


def own_data(model, ds: Dataset, sp: Split, recipe: Recipe | None, test: dict) -> dict:
    """Training vs held-out score of a network trained on an uploaded CSV, and what they mean."""
    pred = predict_classes(model, sp.x_train, ds.task)
    if ds.task == "regression":
        train = float(np.mean((pred - sp.y_train) ** 2))
        # under-trained: no better than predicting the mean of the targets
        return own_data_report(len(sp.x_train), recipe, BUDGET, train, test["mse"], "MSE", False,
                               good=float(np.var(sp.y_train)), gap=0.5)
    return own_data_report(len(sp.x_train), recipe, BUDGET, float(np.mean(pred == sp.y_train)), test["accuracy"])


def _fit_config(params: dict) -> FitConfig:
    f = params.get("fit", {})
    return FitConfig(epochs=int(f.get("epochs", 100)), batch_size=int(f.get("batch_size", 32)),
                     early_stopping=int(f.get("early_stopping", 0)), reduce_lr=int(f.get("reduce_lr", 0)),
                     seed=int(params.get("seed", 0)))


def targets(cfg: FFNNConfig, y: np.ndarray) -> np.ndarray:
    """Class ids, or one-hot rows when the categorical (not sparse) cross-entropy is chosen."""
    return np.eye(cfg.n_classes, dtype="float32")[y] if cfg.task == "multiclass" and cfg.one_hot else y


def kfold_scores(ds: Dataset, params: dict, k: int, report=None, cancelled=None, max_epochs=None) -> list[float]:
    """k-fold cross-validation (§4.6): validation score of each fold, trained from scratch each time."""
    scores = []
    for fold, (tr, va) in enumerate(catalogue.kfold(ds, k, params.get("seed", 0)), start=1):
        sp = Split(ds.x[tr], ds.y[tr], ds.x[va], ds.y[va], ds.x[va], ds.y[va], va)
        cfg = model_config(ds, sp, params.get("model", {}), params.get("seed", 0))
        model = build_ffnn(cfg)
        fit(model, sp.x_train, targets(cfg, sp.y_train), _fit_config(params),
            validation_data=(sp.x_val, targets(cfg, sp.y_val)), cancelled=cancelled, max_epochs=max_epochs)
        metric = evaluate(model, ds, sp)
        scores.append(metric.get("accuracy", metric.get("mse")))
        if report:
            report({"kind": "fold", "fold": fold, "k": k, "score": scores[-1]})
        if cancelled and cancelled():
            break
    return scores


def train_model(params: dict, report=None, cancelled=None, max_epochs=None, workdir: str | None = None) -> dict:
    """Prepare data, build, train with live views, evaluate; returns everything the page shows."""
    seed = int(params.get("seed", 0))
    set_seed(seed)
    ds = load_dataset(params)
    sp = catalogue.split(ds, test=float(params.get("test", 0.2)), val=float(params.get("val", 0.2)), seed=seed)
    result: dict = {}
    recipe = recipe_of(params, len(sp.x_train))
    params = with_recipe(params, recipe)
    if params.get("validation") == "kfold":
        result["kfold"] = kfold_scores(ds, params, int(params.get("k", 5)), report, cancelled, max_epochs)
    cfg = model_config(ds, sp, params.get("model", {}), seed)
    model = build_ffnn(cfg)
    box = bounds(ds.x) if ds.x.shape[1] == 2 else None
    last = [0.0]

    def extra(m, epoch):  # throttled: the live view at most every 0.4 s
        if time.perf_counter() - last[0] < 0.4:
            return None
        last[0] = time.perf_counter()
        return live_view(m, ds, box)

    y_train, y_val = targets(cfg, sp.y_train), targets(cfg, sp.y_val)
    summary = fit(model, sp.x_train, y_train, _fit_config(params), validation_data=(sp.x_val, y_val),
                  report=report, cancelled=cancelled, extra=extra, max_epochs=max_epochs)
    result.update(summary, config=cfg.to_dict(), dataset=ds.name, source=ds.source, task=ds.task,
                  class_names=ds.class_names, feature_names=ds.feature_names, test=evaluate(model, ds, sp),
                  view=inspect(model, ds, box), test_idx=sp.idx_test.tolist(), params=kept_params(params))
    if params.get("dataset") == "csv":
        result["own_data"] = own_data(model, ds, sp, recipe, result["test"])
    if workdir:
        result["model_path"] = save_model(model, workdir)
    return result


def kept_params(params: dict) -> dict:
    """The job's parameters as its result keeps them: an uploaded CSV by its hash, not its bytes."""
    if "csv" not in params:
        return params
    from anndl.scratch import content_key

    return {**{k: v for k, v in params.items() if k != "csv"}, "csv_key": content_key(params["csv"])}


def result_params(result: dict, current: dict) -> dict | None:
    """Parameters to reload a result's data: the current upload if it is the CSV trained on, else None."""
    kept = result["params"]
    if "csv_key" not in kept:
        return kept
    same = "csv" in current and kept_params(current).get("csv_key") == kept["csv_key"]
    return {**kept, "csv": current["csv"]} if same else None


def inspect(model, ds: Dataset, box) -> dict:
    view = {"weights": weight_histograms(model)}
    if box is not None and ds.task != "regression":
        view["grid"] = decision_grid(model, box, ds.task)
        view["neurons"] = neuron_maps(model, box)
    if ds.x.shape[1] == 1 and ds.task == "regression":
        view["curve"] = fitted_curve(model, ds.x)
    return view


def shipped_result(name: str) -> tuple[dict, Dataset]:
    """The page's instant default: a zoo artifact evaluated and inspected on the data it was trained on."""
    from anndl import zoo

    meta, model = zoo.info(name), zoo.load(name)
    params = meta["data"]
    ds = load_dataset(params)
    sp = catalogue.split(ds, test=float(params.get("test", 0.2)), val=float(params.get("val", 0.2)),
                         seed=int(params.get("seed", 0)))
    history = meta.get("history", {})
    box = bounds(ds.x) if ds.x.shape[1] == 2 else None
    return {"history": history, "epochs_run": len(history.get("loss", [])), "train_s": meta.get("train_s", 0.0),
            "config": meta["config"], "test": evaluate(model, ds, sp), "view": inspect(model, ds, box),
            "test_idx": sp.idx_test.tolist(), "source": ds.source}, ds


SHIPPED = {"spiral": "ffnn_spiral", "iris": "ffnn_iris"}


train_job = job_of(train_model)
train_job.size = "small"  # 2-D points and a few dense units: a CPU trains them as fast as a GPU (anndl.jobs_ray)


DEFAULTS = {"dataset": "spiral", "n": 500, "noise": 0.1, "seed": 0, "model": FFNNConfig().to_dict(),
            "fit": {"epochs": 100, "batch_size": 32}}
