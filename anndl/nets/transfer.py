"""Transfer learning (course §9.13): a frozen pretrained backbone + dropout + a softmax head on new classes."""

from __future__ import annotations

import keras
import numpy as np

GRAY = (0.299, 0.587, 0.114)  # ITU-R 601 luma weights: RGB uploads meet a gray backbone
# what each family of keras.applications expects, as (scale, per-channel offset) of a [0, 1] gray pixel
IMAGENET_INPUT = {"mobilenet_v3": (255.0, (0.0, 0.0, 0.0)),  # 0–255; the model rescales inside
                  "efficientnet": (255.0, (0.0, 0.0, 0.0)),
                  "mobilenet_v2": (2.0, (-1.0, -1.0, -1.0)),  # [-1, 1]
                  "resnet50": (255.0, (-103.939, -116.779, -123.68)),  # "caffe": BGR, ImageNet mean subtracted
                  "vgg16": (255.0, (-103.939, -116.779, -123.68))}
FIXED = ("to_gray", "to_imagenet_rgb")  # input adapters: never trained, never fine-tuned


def _copy(layer, pairs: list):
    """A frozen copy of a pretrained layer (weights set once the graph is built)."""
    new = layer.__class__.from_config(layer.get_config())
    new.trainable = False
    pairs.append((new, layer))
    return new


def imagenet_rgb(x, family: str | None):
    """Gray [0, 1] pixels as the three channels ImageNet weights of `family` expect (a fixed 1×1 convolution)."""
    scale, offset = IMAGENET_INPUT[family or "mobilenet_v3"]
    return keras.layers.Conv2D(3, 1, trainable=False, name="to_imagenet_rgb",
                               kernel_initializer=keras.initializers.Constant(scale),
                               bias_initializer=keras.initializers.Constant(offset))(x)


def backbone_head(features: keras.Model, input_shape: tuple, n_classes: int, dropout: float = 0.3,
                  learning_rate: float = 1e-3, imagenet: str | None = None) -> keras.Model:
    """Inputs resized (and made gray, or gray made RGB as ImageNet weights of the keras.applications family
    `imagenet` expect) to what `features` takes, its frozen features, dropout, softmax; compiled."""
    h, w, c = features.input_shape[1:]
    inputs = keras.Input(tuple(input_shape), name="image")
    x = inputs
    if tuple(input_shape[:2]) != (h, w):
        x = keras.layers.Resizing(h, w, name="resize_to_backbone")(x)
    if input_shape[2] == 3 and c == 1:
        x = keras.layers.Conv2D(1, 1, use_bias=False, trainable=False, name="to_gray",
                                kernel_initializer=keras.initializers.Constant([[[[g] for g in GRAY]]]))(x)
    if input_shape[2] == 1 and c == 3:
        x = imagenet_rgb(x, imagenet)
    # the backbone's own layers (shared weights) wired into this graph, not nested: every layer stays visible to
    # the activation maps and patches; frozen BN layers run in inference mode, as §9.13 advises
    pairs = []  # (copy, pretrained) of each backbone layer, wired into this graph: every layer stays visible
    x = features._run_through_graph([x], operation_fn=lambda op: _copy(op, pairs))  # Functional.call, not nested
    if len(x.shape) == 4:
        x = keras.layers.Flatten(name="features")(x)  # the embedding retrieval reads
    x = keras.layers.Dropout(dropout, name="dropout")(x)
    outputs = keras.layers.Dense(n_classes, activation="softmax", name="predictions")(x)
    model = keras.Model(inputs, outputs, name=f"transfer_{features.name}")
    for new, old in pairs:
        if isinstance(new, keras.layers.Layer):  # keras.applications graphs also hold plain ops (Add): no weights
            new.set_weights(old.get_weights())
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="categorical_crossentropy",
                  metrics=["accuracy"])
    return model


FINE_TUNED = ("Conv2D", "DepthwiseConv2D")  # §9.14: only convolutions are unfrozen; BatchNormalization never is


def fine_tune(model: keras.Model, n_layers: int, learning_rate: float = 3e-4) -> list[str]:
    """§9.14: unfreeze the top `n_layers` Conv2D / DepthwiseConv2D layers of the frozen backbone (BN stays frozen,
    so its statistics keep the pretrained ones), recompile with a smaller step; the names unfrozen, top first."""
    convs = [layer for layer in model.layers if type(layer).__name__ in FINE_TUNED and layer.name not in FIXED]
    top = convs[::-1][:max(0, int(n_layers))]
    for layer in top:
        layer.trainable = True
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="categorical_crossentropy",
                  metrics=["accuracy"])
    return [layer.name for layer in top]


def unfreeze_all(model: keras.Model, learning_rate: float = 3e-3) -> keras.Model:
    """From scratch: every layer trainable (the same graph as the transfer model, random weights); recompiled."""
    for layer in model.layers:
        layer.trainable = layer.name not in FIXED
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def parameter_counts(model: keras.Model) -> dict[str, int]:
    """Trainable and non-trainable parameters (what model.summary() prints at its foot)."""
    return {"trainable": _count(model.trainable_weights), "non_trainable": _count(model.non_trainable_weights)}


def _count(weights) -> int:
    return int(sum(int(np.prod(w.shape)) for w in weights))


def validation_loss(model: keras.Model, validation: tuple) -> float:
    """The loss on held-out (x, y), without dropout."""
    return float(model.evaluate(*validation, batch_size=512, verbose=0, return_dict=True)["loss"])


def keep_if_better(model: keras.Model, before: list, loss_before: float, validation: tuple) -> dict:
    """§9.14: fine-tuning a few examples can overfit; its weights stay only if they lowered the validation loss,
    else the transfer weights `before` (model.get_weights() before fine-tuning) come back."""
    loss_after = validation_loss(model, validation)
    kept = loss_after < loss_before
    if not kept:
        model.set_weights(before)
    return {"kept": kept, "val_loss_before": round(loss_before, 4), "val_loss_after": round(loss_after, 4)}
