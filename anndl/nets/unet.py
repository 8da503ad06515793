"""U-Net and its skip-less twin, the plain fully convolutional network (course §10.8, §17.2).

The encoder halves the map `depth` times with blocks of conv–BN–activation (two 3×3 convolutions a block,
then 2×2 max pooling); the decoder doubles it back, each step by a transposed convolution (§10.5.4) or a
nearest/bilinear resize followed by a 3×3 convolution, and joins the encoder's map of the same resolution by
concatenation (U-Net) or addition (§17.2), or not at all (a plain FCN, §10.8). The head is a 1×1 convolution
with a softmax over the classes at every pixel, trained with pixel-wise sparse categorical cross-entropy (§10.6).
"""

from __future__ import annotations

from dataclasses import dataclass

import keras
from keras import layers, ops

from ..config import DictConfig
from ..errors import SettingsError

SKIPS = ("concat", "add", "none")  # "none": the plain FCN of §10.8
UPSAMPLING = ("transpose", "nearest", "bilinear")
MAX_PARAMS = 3_000_000  # a server-safe size: the default is ~120 k


@dataclass
class UNetConfig(DictConfig):
    input_shape: tuple[int, int, int] = (48, 48, 1)  # the generated canvases (anndl.topics.unet.job.SIZE)
    n_classes: int = 4  # background + circle, square, triangle
    depth: int = 3  # poolings: 48 → 6 px at the bottleneck, a receptive field larger than the objects
    filters: int = 8  # base filters, doubled at each level (8, 16, 32, 64 at the bottleneck): CPU-sized
    skip: str = "concat"  # "concat" (U-Net), "add" (as in FPN/LinkNet) or "none" (plain FCN)
    upsampling: str = "transpose"  # "transpose" (learned, §10.5.4), "nearest" or "bilinear" resize + 3×3 conv
    activation: str = "relu"
    learning_rate: float = 3e-3  # AdamW as in §17.4; a small BN network takes large steps
    weight_decay: float = 1e-4  # AdamW's decoupled decay
    class_weights: tuple[float, ...] | None = None  # per-class loss weights for rare classes; None = all 1

    def check(self) -> None:
        """Refuse settings that cannot build, with one sentence."""
        h, w = self.input_shape[:2]
        if self.skip not in SKIPS:
            raise SettingsError(f"Skip must be one of {', '.join(SKIPS)}, not {self.skip!r}.")
        if self.upsampling not in UPSAMPLING:
            raise SettingsError(f"Upsampling must be one of {', '.join(UPSAMPLING)}, not {self.upsampling!r}.")
        if not 1 <= self.depth <= 5 or not 2 <= self.filters <= 64:
            raise SettingsError("Depth must be 1–5 and base filters 2–64.")
        if not 2 <= self.n_classes <= 21:
            raise SettingsError("A segmentation needs 2–21 classes (background included).")
        step = 2 ** self.depth
        if h % step or w % step:
            raise SettingsError(
                f"A {h}×{w} image cannot go through {self.depth} poolings and come back to its size: both sides "
                f"must be multiples of 2^{self.depth} = {step} (e.g. {h // step * step or step}×"
                f"{w // step * step or step}), or the skips would join maps of different sizes.")
        if self.class_weights is not None and len(self.class_weights) != self.n_classes:
            raise SettingsError(f"Give one class weight per class ({self.n_classes}), not {len(self.class_weights)}.")


@keras.saving.register_keras_serializable(package="anndl")
class PixelCrossEntropy(keras.losses.Loss):
    """Pixel-wise sparse categorical cross-entropy (§10.6), each pixel weighted by its true class's weight."""

    def __init__(self, class_weights=None, name="pixel_crossentropy", **kwargs):
        super().__init__(name=name, **kwargs)
        self.class_weights = None if class_weights is None else [float(w) for w in class_weights]

    def call(self, y_true, y_pred):
        y_true = ops.cast(ops.reshape(y_true, ops.shape(y_pred)[:-1]), "int32")  # (b, h, w) class ids
        loss = keras.losses.sparse_categorical_crossentropy(y_true, y_pred)  # (b, h, w)
        if self.class_weights is not None:
            loss = loss * ops.take(ops.convert_to_tensor(self.class_weights, "float32"), y_true)
        return loss

    def get_config(self):
        return {**super().get_config(), "class_weights": self.class_weights}


def conv_block(x, filters: int, activation: str, name: str):
    """Two conv–BN–activation layers (§17.2)."""
    for i in (1, 2):
        x = layers.Conv2D(filters, 3, padding="same", use_bias=False, name=f"{name}_conv{i}")(x)
        x = layers.BatchNormalization(momentum=0.9, name=f"{name}_bn{i}")(x)  # short runs: fresh statistics
        x = layers.Activation(activation, name=f"{name}_act{i}")(x)
    return x


def upsample(x, filters: int, how: str, name: str):
    """Double the map: a learned 2×2 stride-2 transposed convolution, or a fixed resize then a 3×3 convolution."""
    if how == "transpose":
        return layers.Conv2DTranspose(filters, 2, strides=2, padding="same", name=f"{name}_tconv")(x)
    x = layers.UpSampling2D(2, interpolation=how, name=f"{name}_{how}")(x)
    return layers.Conv2D(filters, 3, padding="same", name=f"{name}_conv")(x)


def build_unet(config: UNetConfig | None = None) -> keras.Model:
    """U-Net (skip="concat"/"add") or plain FCN (skip="none"): (h, w, c) image -> (h, w, n_classes) softmax."""
    cfg = config or UNetConfig()
    cfg.check()
    inputs = keras.Input(tuple(cfg.input_shape), name="image")
    x, skips = inputs, []
    for level in range(cfg.depth):  # encoder: (h / 2^l, w / 2^l, filters·2^l) kept for the skips
        x = conv_block(x, cfg.filters * 2 ** level, cfg.activation, f"enc{level + 1}")
        skips.append(x)
        x = layers.MaxPooling2D(2, name=f"pool{level + 1}")(x)
    x = conv_block(x, cfg.filters * 2 ** cfg.depth, cfg.activation, "bottleneck")
    for level in reversed(range(cfg.depth)):  # decoder: back to the encoder's resolutions
        f = cfg.filters * 2 ** level
        x = upsample(x, f, cfg.upsampling, f"up{level + 1}")
        if cfg.skip == "concat":
            x = layers.Concatenate(name=f"skip{level + 1}")([x, skips[level]])  # (…, 2f) channels
        elif cfg.skip == "add":
            x = layers.Add(name=f"skip{level + 1}")([x, skips[level]])  # (…, f) channels
        x = conv_block(x, f, cfg.activation, f"dec{level + 1}")
    outputs = layers.Conv2D(cfg.n_classes, 1, activation="softmax", name="classes")(x)
    name = "fcn" if cfg.skip == "none" else "unet"
    model = keras.Model(inputs, outputs, name=name)
    if model.count_params() > MAX_PARAMS:
        raise SettingsError(f"This network has {model.count_params():,} parameters; at most {MAX_PARAMS:,} are "
                            "trained on this server (lower the depth or the base filters).")
    model.compile(optimizer=keras.optimizers.AdamW(cfg.learning_rate, weight_decay=cfg.weight_decay),
                  loss=PixelCrossEntropy(cfg.class_weights), metrics=["accuracy"])
    return model


def skip_shapes(model: keras.Model) -> list[tuple[str, tuple, tuple]]:
    """(skip layer, its input shapes, its output shape) of each skip connection, deepest first."""
    return [(layer.name, tuple(tuple(t.shape[1:]) for t in layer.input), tuple(layer.output.shape[1:]))
            for layer in model.layers if layer.name.startswith("skip")]
