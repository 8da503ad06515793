"""The 'Keras code' of the detection page: keras-cv's YOLOv8 or the grid detector with its loss, and the training,
runnable as is."""

from __future__ import annotations

from .job import CANVAS, DEFAULTS, SIZE


def keras_code(params: dict) -> str:
    """Runnable Keras 3 code of the page's configuration (canvases from anndl's offline generator)."""
    p = {**DEFAULTS, **params}
    return yolo_code(p) if p["detector"] == "yolov8" else grid_code(p)


def yolo_code(p: dict) -> str:
    """keras-cv's YOLOv8 built from its constructors (presets download), trained on the canvases."""
    return f'''"""YOLOv8 from the anndl detection page (course §14, keras-cv), Keras 3 on TensorFlow."""
import keras
import keras_cv
import numpy as np

from anndl.data.canvas import CanvasConfig, generate


def canvases(n, part, seed):
    return generate(n, CanvasConfig(size={SIZE}, objects={p["objects"]!r}, part=part, **{CANVAS!r}), seed)


def labels(c):
    """keras-cv's padded format: xyxy pixel boxes and classes, -1 where a canvas has fewer objects."""
    return {{"boxes": np.where(c.classes[..., None] >= 0, c.boxes, -1).astype("float32"),
            "classes": c.classes.astype("float32")}}


keras.utils.set_random_seed({int(p["seed"])})
train, val = canvases({int(p["n_train"])}, "train", {int(p["seed"])}), canvases(300, "train", {int(p["seed"]) + 1})
backbone = keras_cv.models.YOLOV8Backbone(stackwise_channels=[16, 32, 64, 128], stackwise_depth=[1, 1, 1, 1],
                                          include_rescaling=False, input_shape=(None, None, 1))
model = keras_cv.models.YOLOV8Detector(backbone=backbone, num_classes=len(train.class_names),
                                       bounding_box_format="xyxy", fpn_depth=1)
model.compile(optimizer=keras.optimizers.Adam({float(p["lr"])}), classification_loss="binary_crossentropy",
              box_loss="ciou")  # logs box_loss and class_loss
model.fit(train.images, labels(train), batch_size={int(p["batch"])}, epochs={int(p["epochs"])},
          validation_data=(val.images, labels(val)))

# predict() decodes the anchor points' distances, thresholds the scores and runs NMS (keras-cv's defaults)
out = model.predict(val.images[:1], verbose=0)
for box, score, k in zip(out["boxes"][0], out["confidence"][0], out["classes"][0]):
    if score > 0:
        print(f"box {{np.round(box, 1)}} {{train.class_names[int(k)]}} score {{score:.2f}}")
print("true boxes", val.objects(0))
'''


def grid_code(p: dict) -> str:
    """The course's grid detector (§14.8): its encoding, its YOLO v1 loss and its decoding."""
    ml = bool(p["multilabel"])
    cls_loss = ("ops.sum(keras.losses.binary_crossentropy(cls[..., None], p_cls[..., None], from_logits=True), -1)"
                if ml else "keras.losses.categorical_crossentropy(cls, p_cls, from_logits=True)")
    return f'''"""One-stage grid detector from the anndl detection page (course §14.8), Keras 3."""
import keras
import numpy as np
from keras import ops

from anndl.data.canvas import CanvasConfig, generate

STRIDE, SIDE = 8, {SIZE}


def canvases(n, part, seed):
    return generate(n, CanvasConfig(size=SIDE, objects={p["objects"]!r}, part=part, **{CANVAS!r}), seed)


def encode(c, n_classes):
    """Targets (n, S, S, 5 + C): the cell holding each object's centre gets (offset x, y, log w, log h, 1, one-hot)."""
    s = SIDE // STRIDE
    y = np.zeros((len(c.images), s, s, 5 + n_classes), "float32")
    img, slot = np.nonzero(c.classes >= 0)
    b = c.boxes[img, slot] / STRIDE
    cx, cy = (b[:, 0] + b[:, 2]) / 2, (b[:, 1] + b[:, 3]) / 2
    j, i = np.minimum(cx.astype(int), s - 1), np.minimum(cy.astype(int), s - 1)
    y[img, i, j, :4] = np.stack([cx - j, cy - i, np.log(b[:, 2] - b[:, 0]), np.log(b[:, 3] - b[:, 1])], -1)
    y[img, i, j, 4] = 1.0
    y[img, i, j, 5 + c.classes[img, slot]] = 1.0
    return y


def detection_loss(y, pred):
    """5·L1(box) + BCE(objectness) (0.5 on empty cells) + CE(class), summed over the cells (YOLO v1)."""
    obj, cls, p_obj, p_cls = y[..., 4], y[..., 5:], pred[..., 4], pred[..., 5:]
    l1 = ops.sum(ops.abs(ops.sigmoid(pred[..., :2]) - y[..., :2]), -1)
    l1 += ops.sum(ops.abs(pred[..., 2:4] - y[..., 2:4]), -1)
    bce = keras.losses.binary_crossentropy(obj[..., None], p_obj[..., None], from_logits=True)
    ce = {cls_loss}
    return ops.sum(5 * obj * l1 + bce * (obj + 0.5 * (1 - obj)) + obj * ce, (1, 2))


keras.utils.set_random_seed({int(p["seed"])})
train, val = canvases({int(p["n_train"])}, "train", {int(p["seed"])}), canvases(300, "train", {int(p["seed"]) + 1})
n_classes = len(train.class_names)
inputs = keras.Input((None, None, 1), name="image")
x = inputs
for i, f in enumerate((16, 32, 64, 64)):  # stride 8: three 2×2 poolings
    if i:
        x = keras.layers.MaxPooling2D(2)(x)
    x = keras.layers.Conv2D(f, 3, padding="same", activation="relu")(x)
x = keras.layers.Conv2D(64, 3, padding="same", activation="relu")(x)
grid = keras.layers.Conv2D(5 + n_classes, 1, name="grid")(x)  # (S, S, 4 box + 1 objectness + C classes)
model = keras.Model(inputs, grid)
model.compile(keras.optimizers.Adam({float(p["lr"])}), loss=detection_loss)
model.fit(train.images, encode(train, n_classes), batch_size={int(p["batch"])}, epochs={int(p["epochs"])},
          validation_data=(val.images, encode(val, n_classes)))

# decode the first validation canvas: score = σ(objectness) × class probability, then a threshold
g = np.asarray(model(val.images[:1]))[0]
probs = {"1 / (1 + np.exp(-g[..., 5:]))" if ml else "np.asarray(keras.ops.softmax(g[..., 5:]))"}
score = 1 / (1 + np.exp(-g[..., 4])) * probs.max(-1)
for i, j in zip(*np.nonzero(score > 0.3)):
    cx, cy = (j + 1 / (1 + np.exp(-g[i, j, 0]))) * STRIDE, (i + 1 / (1 + np.exp(-g[i, j, 1]))) * STRIDE
    w, h = np.exp(g[i, j, 2:4]) * STRIDE
    print(f"box centre ({{cx:.1f}}, {{cy:.1f}}) size {{w:.1f}}×{{h:.1f}} score {{score[i, j]:.2f}}")
print("true boxes", val.objects(0))
'''
