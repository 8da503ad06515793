"""YOLOv8 (beyond §14.8): keras-cv's anchor-free one-stage detector, built from its constructors (presets download).

Every anchor point of the pyramid P3–P5 (strides 8, 16, 32) predicts its box as four distances (left, top, right,
bottom) to the box's sides, each a softmax over 16 bins of one stride ("distribution focal loss"), and one sigmoid
per class (multi-label by design, no objectness). Output per image: boxes (A, 64) and classes (A, C), with
A = (h/8)(w/8) + (h/16)(w/16) + (h/32)(w/32) anchor points. Training assigns anchors to true boxes by the task-aligned
assigner (class score × IoU); loss = 7.5 · CIoU(box) + 0.5 · BCE(class), keras-cv's weights.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import keras
import numpy as np

from ..config import DictConfig
from ..errors import SettingsError
from .budget import check_budget

try:
    import keras_cv  # registers YOLOV8Detector / YOLOV8Backbone, so a saved model loads
    MISSING = ""
except ImportError as exc:  # keras-cv imports TensorFlow: a server without it offers the grid detector only
    keras_cv, MISSING = None, f"YOLOv8 needs keras-cv, which cannot be imported here ({exc})"

BINS = 16  # keras-cv's BOX_REGRESSION_CHANNELS / 4: one distance = expectation over 16 bins of a stride
STRIDES = (8, 16, 32)  # P3–P5, fixed by keras-cv's detector
# measured here: TensorFlow traces the train step (the task-aligned assigner) in ≈ 54 s, an eager step takes ≈ 2.7 s;
# a run of fewer steps than this is faster eager (a one-epoch try on 200 canvases: ≈ 20 s instead of ≈ 60 s)
EAGER_BELOW_STEPS = 16


@dataclass
class YoloConfig(DictConfig):
    channels: int = 1  # gray canvases
    n_classes: int = 3
    widths: tuple[int, ...] = (16, 32, 64, 128)  # half of keras-cv's smallest ("xs", 32…256): 64 px shapes need less
    depths: tuple[int, ...] = (1, 1, 1, 1)  # C2f blocks per stage, as "xs"
    fpn_depth: int = 1  # C2f blocks per path-aggregation step ("xs" has 1)
    learning_rate: float = 2e-3  # Adam; keras-cv's own examples use 1e-3 with far longer schedules

    def check(self) -> None:
        if len(self.widths) != 4 or len(self.depths) != 4:
            raise SettingsError("YOLOv8's backbone has four stages: give four widths and four depths.")
        if not all(8 <= w <= 256 for w in self.widths) or not all(1 <= d <= 3 for d in self.depths):
            raise SettingsError("YOLOv8 widths must be 8–256 filters and depths 1–3 blocks per stage.")
        if not 1 <= self.fpn_depth <= 3 or not 1 <= self.n_classes <= 100:
            raise SettingsError("Give 1–3 path-aggregation blocks and 1–100 classes.")


def yolo_cost(config: YoloConfig, side: int = 64) -> tuple[int, int]:
    """(weights, multiply-adds per side × side image), an upper estimate: every block as two 3×3 convolutions."""
    params = macs = 0
    c, h = config.channels, side // 2
    for i, (w, d) in enumerate(zip(config.widths, config.depths)):
        convs = 9 * c * w + 2 * d * 9 * w * w  # the stride-2 conv, then d C2f blocks
        params += convs
        macs += convs * h * h
        c, h = w, h // 2
    head = 3 * (9 * c * c * 2 + c * (4 * BINS + config.n_classes)) * (1 + config.fpn_depth)
    return params + head, macs + head * (side // 8) ** 2


def build_yolov8(config: YoloConfig | None = None, steps: int | None = None) -> keras.Model:
    """image (any h, w divisible by 32) -> {"boxes": (A, 64), "classes": (A, C)}, compiled (box and class loss);
    eager when it will train fewer than EAGER_BELOW_STEPS `steps`."""
    config = config or YoloConfig()
    config.check()
    if keras_cv is None:
        raise SettingsError(f"{MISSING}; choose the grid detector.")
    check_budget("YOLOv8 detector", *yolo_cost(config))
    backbone = keras_cv.models.YOLOV8Backbone(stackwise_channels=list(config.widths),
                                              stackwise_depth=list(config.depths), include_rescaling=False,
                                              input_shape=(None, None, config.channels))
    model = keras_cv.models.YOLOV8Detector(backbone=backbone, num_classes=config.n_classes,
                                           bounding_box_format="xyxy", fpn_depth=config.fpn_depth)
    model.compile(optimizer=keras.optimizers.Adam(config.learning_rate), classification_loss="binary_crossentropy",
                  box_loss="ciou", run_eagerly=steps is not None and steps < EAGER_BELOW_STEPS)
    return model


def is_yolov8(model) -> bool:
    return type(model).__name__ == "YOLOV8Detector"


_FORWARD: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # detector -> its plain functional view


def raw_outputs(model, images: np.ndarray) -> dict[str, np.ndarray]:
    """{"boxes": (n, A, 64), "classes": (n, A, C)} in batches of 128, through a plain functional view of the detector
    (same layers and weights): its compiled predict function returns the raw outputs, where keras-cv's `predict`
    would threshold and NMS them, and an eager call costs ≈ 300 ms an image here for its many small layers."""
    from ..predict import predict_batch

    plain = _FORWARD.get(model)
    if plain is None:
        plain = _FORWARD[model] = keras.Model(model.input, model.output)  # model.output: the {"boxes", "classes"} dict
    outs = [predict_batch(plain, images[i:i + 128]) for i in range(0, len(images), 128)]
    return {k: np.concatenate([o[k] for o in outs]) for k in ("boxes", "classes")}


def targets(boxes: np.ndarray, classes: np.ndarray) -> dict[str, np.ndarray]:
    """keras-cv's padded label format from xyxy pixel boxes (n, k, 4) and classes (n, k), -1 = no object."""
    return {"boxes": np.where(classes[..., None] >= 0, boxes, -1).astype("float32"),
            "classes": classes.astype("float32")}


def anchor_points(h: int, w: int) -> tuple[np.ndarray, np.ndarray]:
    """(centres (A, 2) as x, y in px, stride (A,)) of every anchor point, level by level, row by row."""
    centres, strides = [], []
    for s in STRIDES:
        yy, xx = np.meshgrid(np.arange(-(-h // s)), np.arange(-(-w // s)), indexing="ij")
        centres.append(np.stack([xx.ravel() + 0.5, yy.ravel() + 0.5], -1) * s)
        strides.append(np.full(yy.size, s))
    return np.concatenate(centres).astype("float32"), np.concatenate(strides).astype("float32")


def decode(outputs: dict, h: int, w: int) -> dict[str, np.ndarray]:
    """Raw predictions of every anchor point before thresholds and NMS: boxes (n, A, 4) xyxy px, scores (n, A) = the
    best class probability, classes (n, A), probs (n, A, C), distances (n, A, 4) in strides (left, top, right,
    bottom)."""
    bins = np.asarray(outputs["boxes"], "float32").reshape(len(outputs["boxes"]), -1, 4, BINS)
    e = np.exp(bins - bins.max(-1, keepdims=True))
    dist = (e / e.sum(-1, keepdims=True) * np.arange(BINS)).sum(-1)  # (n, A, 4)
    centres, stride = anchor_points(h, w)
    side = dist * stride[None, :, None]
    boxes = np.concatenate([centres - side[..., :2], centres + side[..., 2:]], -1)
    probs = np.asarray(outputs["classes"], "float32")
    return {"boxes": boxes.astype("float32"), "scores": probs.max(-1), "classes": probs.argmax(-1),
            "probs": probs, "distances": dist.astype("float32")}
