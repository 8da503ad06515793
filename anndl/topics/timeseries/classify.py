"""Activity recognition on sensor windows (course §24.3): split the recordings by user, cut windows, train the
classifier as a job and score it on the test users' windows."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from anndl.data import timeseries as ts
from anndl.jobs import save_model
from anndl.nets.timeseries import ClassifierConfig, build_classifier


@dataclass
class ActivityData:
    x_train: np.ndarray  # (m, window, channels)
    y_train: np.ndarray  # (m,)
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    users: dict  # part -> user ids, to show that no user is in two parts
    mean: np.ndarray
    std: np.ndarray


def activity_data(acts: ts.Activities, window: int = 100, stride: int = 100, seed: int = 0) -> ActivityData:
    """Split recordings by user (§24.3.1), or keep the shipped train/test split; then cut windows (§24.3.2)."""
    if acts.split is not None:
        train_rec = np.flatnonzero(acts.split == "train")
        inner = ts.user_split(acts.users[train_rec], val=0.2, test=0.0, seed=seed)
        parts = {"train": train_rec[inner["train"]], "val": train_rec[inner["val"]],
                 "test": np.flatnonzero(acts.split == "test")}
    else:
        parts = ts.user_split(acts.users, 0.2, 0.2, seed)
    out = {}
    for part, rec in parts.items():
        out[part] = ts.activity_windows([acts.recordings[i] for i in rec], acts.labels[rec], window, stride)[:2]
    mean, std = ts.fit_scaler(out["train"][0].reshape(-1, out["train"][0].shape[-1]))
    users = {part: sorted(set(acts.users[rec].tolist())) for part, rec in parts.items()}
    return ActivityData(*out["train"], *out["val"], *out["test"], users, mean, std)


def activities_from_params(params: dict) -> ts.Activities:
    src = params.get("activities", "basic_motions")
    if isinstance(src, str):
        return ts.basic_motions()
    return ts.Activities(src.get("name", "uploaded CSV"), [np.asarray(r, "float32") for r in src["recordings"]],
                         np.asarray(src["labels"]), np.asarray(src["users"]), list(src["class_names"]),
                         list(src["channels"]), "your upload")


def classify(params: dict, report=None, cancelled=None, max_epochs=None, workdir=None) -> dict:
    """Train an activity classifier on windows, split by user; save it and report test metrics."""
    from anndl.train import FitConfig, fit

    acts = activities_from_params(params)
    window, stride = int(params.get("window", 100)), int(params.get("stride", 100))
    data = activity_data(acts, window, stride, int(params.get("seed", 0)))
    config = ClassifierConfig(window=window, channels=data.x_train.shape[-1], n_classes=len(acts.class_names),
                              kind=params.get("kind", "cnn"), units=int(params.get("units", 64)),
                              mean=data.mean.tolist(), std=data.std.tolist(),
                              learning_rate=float(params.get("learning_rate", 3e-3)), seed=int(params.get("seed", 0)))
    model = build_classifier(config)
    val = (data.x_val, data.y_val) if len(data.x_val) else None
    summary = fit(model, data.x_train, data.y_train, FitConfig(epochs=int(params.get("epochs", 40)),
                  batch_size=int(params.get("batch_size", 8)), monitor="val_accuracy" if val else "accuracy"),
                  validation_data=val, report=report, cancelled=cancelled, max_epochs=max_epochs)
    result = {"task": "classify", "config": config.to_dict(), "fit": summary, "data": acts.name,
              **evaluate_classifier(model, data, acts.class_names)}
    if workdir:
        result["model_path"] = save_model(model, workdir)
    return result


def evaluate_classifier(model, data: ActivityData, class_names: list[str]) -> dict:
    """Test accuracy, confusion matrix and per-class precision / recall / F1 (§4.8) on the test users' windows."""
    from sklearn.metrics import accuracy_score, confusion_matrix

    from anndl.metrics import classification_report

    pred = model.predict(data.x_test, verbose=0).argmax(1)
    return {"class_names": class_names, "test_accuracy": float(accuracy_score(data.y_test, pred)),
            "confusion": confusion_matrix(data.y_test, pred, labels=range(len(class_names))),
            "report": classification_report(data.y_test, pred, class_names), "users": data.users}
