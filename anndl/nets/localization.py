"""Localization network (course §11.3, §11.4, §13.3): one convolutional trunk, two heads.

The class head is GAP + one dense softmax layer, the architecture CAM needs (§12.6): M_c = Σ_k w_k^c f_k on the
last convolution's maps. The box head regresses the object's xyxy box, divided by the image side, from the
flattened maps (GAP would throw away where the object is). Training minimises α·CE + (1 − α)·box loss.
Trained on labels only, a GAP network's CAM tends to sit on the object's most telling part (a triangle's corner);
hiding random patches of each training image (Hide-and-Seek, Singh & Lee 2017) makes it find all of the object.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import keras

from ..config import DictConfig
from ..errors import SettingsError
from .budget import check_budget

LAST_CONV = "last_conv"  # the maps f_k(i, j) that CAM and Grad-CAM read by default


@dataclass
class LocalizerConfig(DictConfig):
    input_shape: tuple[int, int, int] = (64, 64, 1)  # the canvases' side: trains in about a minute on 2 CPU cores
    n_classes: int = 3
    filters: tuple[int, ...] = (16, 32, 64)  # one 3×3 block each, a 2×2 max-pool between: 64 px -> 16×16 maps
    box_units: int = 64  # hidden units of the box head
    alpha: float = 0.5  # weight of the class loss; 1 − α weighs the box loss (§11.3)
    box_loss: str = "mae"  # L1 on [0, 1] coordinates: gradients that do not vanish near the target
    learning_rate: float = 2e-3  # Adam; small nets on 64 px canvases tolerate a large step
    hide: float = 0.0  # probability of hiding each patch of a training image (Hide-and-Seek); 0 turns it off
    hide_patch: int = 16  # side in px of the hidden patches: about half an object on the 64 px canvases

    def check(self) -> None:
        if not 0.0 <= self.alpha <= 1.0:
            raise SettingsError(f"α must be between 0 and 1, not {self.alpha}.")
        if not 1 <= len(self.filters) <= 5 or min(self.filters) < 1:
            raise SettingsError("Give 1–5 convolution blocks with at least one filter each.")
        if self.box_loss not in ("mae", "mse", "huber"):
            raise SettingsError(f"Unknown box loss {self.box_loss!r}; choose mae, mse or huber.")
        if not 0.0 <= self.hide < 1.0 or self.hide_patch < 1:
            raise SettingsError(f"Hide-and-Seek hides each patch with a probability in [0, 1), not {self.hide}.")


@keras.saving.register_keras_serializable(package="anndl")
class HidePatches(keras.layers.Layer):
    """Hide-and-Seek (Singh & Lee 2017): in training, each `patch`×`patch` square of the image is set to 0 with
    probability `rate`, so no single part of an object is always visible; at inference the image passes unchanged."""

    def __init__(self, patch: int = 16, rate: float = 0.5, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.patch, self.rate, self.seed = int(patch), float(rate), seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, x, training=None):
        if not training or self.rate <= 0:
            return x
        h, w = x.shape[1], x.shape[2]  # static: the canvases' side
        grid = (math.ceil(h / self.patch), math.ceil(w / self.patch))
        keep = keras.random.uniform((keras.ops.shape(x)[0], *grid, 1), seed=self.seed_generator) >= self.rate
        keep = keras.ops.repeat(keras.ops.repeat(keras.ops.cast(keep, x.dtype), self.patch, 1), self.patch, 2)
        return x * keep[:, :h, :w]  # (b, h, w, 1) mask broadcast over the channels

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "patch": self.patch, "rate": self.rate, "seed": self.seed}


def localizer_cost(config: LocalizerConfig) -> tuple[int, int]:
    """(weights, multiply-adds per image) before anything is built."""
    h, w, c = config.input_shape
    params = macs = 0
    for i, f in enumerate(config.filters):
        if i:
            h, w = h // 2, w // 2
        params += (9 * c + 1) * f
        macs += h * w * 9 * c * f
        c = f
    flat = h * w * 8
    params += (c + 1) * config.n_classes + (c + 1) * 8 + (flat + 1) * config.box_units + (config.box_units + 1) * 4
    macs += h * w * c * 8 + flat * config.box_units
    return params, macs


def build_localizer(config: LocalizerConfig | None = None) -> keras.Model:
    """image -> {"class": softmax (n,), "box": xyxy / side (4,)}, compiled with α·CE + (1 − α)·box loss."""
    config = config or LocalizerConfig()
    config.check()
    check_budget("localizer", *localizer_cost(config))
    inputs = keras.Input(tuple(config.input_shape), name="image")
    x = HidePatches(config.hide_patch, config.hide, name="hide")(inputs) if config.hide > 0 else inputs
    n = len(config.filters)
    for i, f in enumerate(config.filters):
        if i:
            x = keras.layers.MaxPooling2D(2, name=f"pool{i}")(x)
        x = keras.layers.Conv2D(f, 3, padding="same", activation="relu",
                                name=LAST_CONV if i == n - 1 else f"conv{i + 1}")(x)
    gap = keras.layers.GlobalAveragePooling2D(name="gap")(x)
    label = keras.layers.Dense(config.n_classes, activation="softmax", name="class")(gap)
    b = keras.layers.Conv2D(8, 1, activation="relu", name="box_reduce")(x)  # (h, w, 8): keeps where, drops what
    b = keras.layers.Flatten(name="box_flatten")(b)
    b = keras.layers.Dense(config.box_units, activation="relu", name="box_hidden")(b)
    box = keras.layers.Dense(4, activation="sigmoid", name="box")(b)
    model = keras.Model(inputs, {"class": label, "box": box}, name="localizer")
    compile_localizer(model, config.alpha, config.learning_rate, config.box_loss)
    return model


def compile_localizer(model: keras.Model, alpha: float, learning_rate: float = 2e-3, box_loss: str = "mae"):
    """α·CE + (1 − α)·box loss (§11.3): α = 1 trains on labels only (the CAM setting of §11.4)."""
    model.compile(optimizer=keras.optimizers.Adam(learning_rate),
                  loss={"class": "sparse_categorical_crossentropy", "box": box_loss},
                  loss_weights={"class": float(alpha), "box": 1.0 - float(alpha)},
                  metrics={"class": ["accuracy"], "box": ["mae"]})
