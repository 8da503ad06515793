"""A one-stage grid detector (course §14.8, YOLO-style, anchor-free): a small convolutional trunk of stride 8 and a
1×1 head that gives every grid cell one box, an objectness and the class scores.

Output tensor (S_h, S_w, 5 + C) per image: (t_x, t_y, t_w, t_h, objectness logit, C class logits). The cell (i, j)
holding an object's centre is responsible for it: centre = ((j + σ(t_x))·stride, (i + σ(t_y))·stride), side =
exp(t_w)·stride. The network is fully convolutional, so it runs on canvases of any size.
Loss (YOLO v1, §14.8): λ_coord·L1(box) + BCE(objectness) (λ_noobj on empty cells) + CE(class), per image.
"""

from __future__ import annotations

from dataclasses import dataclass

import keras
import numpy as np
from keras import ops

from ..config import DictConfig
from ..errors import SettingsError
from .budget import check_budget

LAMBDA_COORD, LAMBDA_NOOBJ = 5.0, 0.5  # YOLO v1's weights: boxes count more, the many empty cells less
MAX_LOG_SIDE = 4.0  # exp(4)·stride: boxes up to 55 cells wide; keeps exp() finite on untrained heads


@dataclass
class DetectorConfig(DictConfig):
    channels: int = 1  # gray canvases
    n_classes: int = 3
    filters: tuple[int, ...] = (16, 32, 64, 64)  # 3×3 blocks; a 2×2 max-pool before each but the first: stride 8
    head: int = 64  # filters of the 3×3 head convolution before the 1×1 output
    multilabel: bool = False  # §14.2: independent sigmoids per class instead of one softmax
    learning_rate: float = 2e-3  # Adam

    @property
    def stride(self) -> int:
        return 2 ** (len(self.filters) - 1)

    def check(self) -> None:
        if not 2 <= len(self.filters) <= 6 or min(self.filters) < 1:
            raise SettingsError("Give 2–6 convolution blocks with at least one filter each.")
        if not 1 <= self.n_classes <= 100:
            raise SettingsError(f"A detector needs 1–100 classes, not {self.n_classes}.")


def detector_cost(config: DetectorConfig, side: int = 64) -> tuple[int, int]:
    """(weights, multiply-adds per side × side image)."""
    h, c = side, config.channels
    params = macs = 0
    for i, f in enumerate(config.filters):
        h = h // 2 if i else h
        params += (9 * c + 1) * f
        macs += h * h * 9 * c * f
        c = f
    out = 5 + config.n_classes
    params += (9 * c + 1) * config.head + (config.head + 1) * out
    macs += h * h * (9 * c * config.head + config.head * out)
    return params, macs


def split(y):
    """(box t (…, 4), objectness logit (…,), class logits (…, C)) of the last axis of the output tensor."""
    return y[..., :4], y[..., 4], y[..., 5:]


def _terms(y_true, y_pred, multilabel: bool):
    """Per-image (box, objectness, class) losses; y_true holds (σ-target t_x, t_y, t_w, t_h, obj, one-hot C)."""
    t_box, obj, t_cls = split(y_true)
    p_box, p_obj, p_cls = split(y_pred)
    p_xy = ops.sigmoid(p_box[..., :2])
    l1 = ops.sum(ops.abs(p_xy - t_box[..., :2]), -1) + ops.sum(ops.abs(p_box[..., 2:] - t_box[..., 2:]), -1)
    box = LAMBDA_COORD * ops.sum(obj * l1, (1, 2))
    bce = keras.losses.binary_crossentropy(obj[..., None], p_obj[..., None], from_logits=True)
    objectness = ops.sum(bce * (obj + LAMBDA_NOOBJ * (1 - obj)), (1, 2))
    if multilabel:
        ce = ops.sum(keras.losses.binary_crossentropy(t_cls[..., None], p_cls[..., None], from_logits=True), -1)
    else:
        ce = keras.losses.categorical_crossentropy(t_cls, p_cls, from_logits=True)
    cls = ops.sum(obj * ce, (1, 2))
    return box, objectness, cls


@keras.saving.register_keras_serializable("anndl")
class DetectionLoss(keras.losses.Loss):
    """The YOLO-style sum of box, objectness and class losses (§14.8)."""

    def __init__(self, multilabel: bool = False, name: str = "detection_loss", **kwargs):
        super().__init__(name=name, **kwargs)
        self.multilabel = multilabel

    def call(self, y_true, y_pred):
        box, objectness, cls = _terms(y_true, y_pred, self.multilabel)
        return box + objectness + cls

    def get_config(self):
        return {**super().get_config(), "multilabel": self.multilabel}


def _term_metric(index: int, name: str, multilabel: bool):
    def metric(y_true, y_pred):
        return _terms(y_true, y_pred, multilabel)[index]

    metric.__name__ = name
    return metric


def build_detector(config: DetectorConfig | None = None) -> keras.Model:
    """image (any h, w divisible by the stride) -> (h / stride, w / stride, 5 + C), compiled."""
    config = config or DetectorConfig()
    config.check()
    check_budget("detector", *detector_cost(config))
    inputs = keras.Input((None, None, config.channels), name="image")
    x = inputs
    for i, f in enumerate(config.filters):
        if i:
            x = keras.layers.MaxPooling2D(2, name=f"pool{i}")(x)
        x = keras.layers.Conv2D(f, 3, padding="same", activation="relu", name=f"conv{i + 1}")(x)
    x = keras.layers.Conv2D(config.head, 3, padding="same", activation="relu", name="head")(x)
    out = keras.layers.Conv2D(5 + config.n_classes, 1, name="grid")(x)  # (S, S, box 4 + objectness 1 + C)
    model = keras.Model(inputs, out, name="grid_detector")
    compile_detector(model, config)
    return model


def compile_detector(model: keras.Model, config: DetectorConfig) -> None:
    m = config.multilabel
    model.compile(optimizer=keras.optimizers.Adam(config.learning_rate), loss=DetectionLoss(m),
                  metrics=[_term_metric(0, "box_loss", m), _term_metric(1, "obj_loss", m),
                           _term_metric(2, "class_loss", m)])


def encode(boxes: np.ndarray, classes: np.ndarray, side: int, stride: int, n_classes: int) -> np.ndarray:
    """Targets (n, S, S, 5 + C) from padded xyxy pixel boxes (n, k, 4) and classes (n, k) (-1 = no object)."""
    n, s = len(boxes), side // stride
    y = np.zeros((n, s, s, 5 + n_classes), "float32")
    img, slot = np.nonzero(classes >= 0)
    b = boxes[img, slot] / stride
    cx, cy = (b[:, 0] + b[:, 2]) / 2, (b[:, 1] + b[:, 3]) / 2
    j, i = np.minimum(cx.astype(int), s - 1), np.minimum(cy.astype(int), s - 1)
    y[img, i, j, 0], y[img, i, j, 1] = cx - j, cy - i
    y[img, i, j, 2] = np.log(np.maximum(b[:, 2] - b[:, 0], 1e-3))
    y[img, i, j, 3] = np.log(np.maximum(b[:, 3] - b[:, 1], 1e-3))
    y[img, i, j, 4] = 1.0
    y[img, i, j, 5 + classes[img, slot]] = 1.0
    return y


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def decode(grid: np.ndarray, stride: int, multilabel: bool = False) -> dict[str, np.ndarray]:
    """Raw predictions of every cell, before any threshold or NMS: boxes (n, S·S, 4) xyxy px, scores (n, S·S)
    = objectness × best class probability, classes (n, S·S), probs (n, S·S, C)."""
    g = np.asarray(grid, "float32")
    n, sh, sw, _ = g.shape
    ii, jj = np.meshgrid(np.arange(sh), np.arange(sw), indexing="ij")
    cx = (jj + _sigmoid(g[..., 0])) * stride
    cy = (ii + _sigmoid(g[..., 1])) * stride
    w = np.exp(np.minimum(g[..., 2], MAX_LOG_SIDE)) * stride
    h = np.exp(np.minimum(g[..., 3], MAX_LOG_SIDE)) * stride
    boxes = np.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], -1).reshape(n, -1, 4)
    logits = g[..., 5:]
    if multilabel:
        probs = _sigmoid(logits)
    else:
        e = np.exp(logits - logits.max(-1, keepdims=True))
        probs = e / e.sum(-1, keepdims=True)
    probs = probs.reshape(n, sh * sw, -1)
    scores = _sigmoid(g[..., 4]).reshape(n, -1) * probs.max(-1)
    return {"boxes": boxes.astype("float32"), "scores": scores.astype("float32"),
            "classes": probs.argmax(-1), "probs": probs.astype("float32")}
