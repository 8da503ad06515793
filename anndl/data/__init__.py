"""The data catalogue: offline-first sources by name (DESIGN §3), and seeded splits (course §4.6)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np


@dataclass
class Dataset:
    """Features, targets and what a page needs to describe them."""

    name: str
    x: np.ndarray  # (n, features...) float32
    y: np.ndarray  # (n,) int class ids, or (n,) / (n, k) float targets for regression
    task: str  # "binary" | "multiclass" | "regression"
    feature_names: list[str] = field(default_factory=list)
    class_names: list[str] | None = None
    source: str = ""  # shown in the UI: where the data really came from

    @property
    def n_classes(self) -> int:
        return len(self.class_names or [])


@dataclass
class Entry:
    loader: Callable[..., Dataset]
    kind: str  # "toy2d" | "tabular" | "curve" | "images" | ...
    title: str


CATALOGUE: dict[str, Entry] = {}


def register(name: str, kind: str, title: str):
    """Decorator: add a loader to the catalogue under `name`."""

    def deco(fn):
        CATALOGUE[name] = Entry(fn, kind, title)
        return fn

    return deco


def names(kind: str | None = None) -> list[str]:
    _load_modules()
    return [n for n, e in CATALOGUE.items() if kind is None or e.kind == kind]


def load(name: str, **kwargs) -> Dataset:
    """Load a catalogue dataset by name, e.g. `load("spiral", n=500, noise=0.1, seed=0)`."""
    _load_modules()
    if name not in CATALOGUE:
        raise KeyError(f"Unknown dataset {name!r}; known: {', '.join(CATALOGUE)}")
    return CATALOGUE[name].loader(**kwargs)


def _load_modules() -> None:
    from . import images, tabular, toy2d  # noqa: F401  (registration side effects)


@dataclass
class Split:
    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    idx_test: np.ndarray  # positions of the test samples in the original dataset


def _holdout(idx: np.ndarray, size: float, seed: int, labels: np.ndarray | None):
    """Seeded train/test partition of `idx`, stratified by `labels` where every class can be split."""
    from sklearn.model_selection import train_test_split

    try:
        return train_test_split(idx, test_size=size, random_state=seed, stratify=labels)
    except ValueError:  # a class too small for both sides (tiny uploads): fall back to a plain shuffle
        if labels is None:
            raise
        return train_test_split(idx, test_size=size, random_state=seed)


def split(ds: Dataset, test: float = 0.2, val: float = 0.2, seed: int = 0) -> Split:
    """Hold-out split (stratified for classification where possible), seeded; `val` is a fraction of the rest."""
    idx = np.arange(len(ds.x))
    strat = ds.y if ds.task != "regression" else None
    rest, te = _holdout(idx, test, seed, strat)
    if val > 0:
        tr, va = _holdout(rest, val, seed, ds.y[rest] if strat is not None else None)
    else:
        tr, va = rest, rest[:0]
    return Split(ds.x[tr], ds.y[tr], ds.x[va], ds.y[va], ds.x[te], ds.y[te], te)


def kfold(ds: Dataset, k: int = 5, seed: int = 0):
    """Yield (train_idx, val_idx) for k-fold cross-validation (stratified for classification)."""
    from sklearn.model_selection import KFold, StratifiedKFold

    splitter = (KFold if ds.task == "regression" else StratifiedKFold)(n_splits=k, shuffle=True, random_state=seed)
    yield from splitter.split(ds.x, ds.y if ds.task != "regression" else None)
