"""The course's CNN blocks as Keras layers: Inception (§9.4), residual (§9.6), SE (§9.8), MobileNet (§9.9).

Each block also answers `course(in_shape, out_shape)`: the parameter count by the course formula, the
multiply-adds, and its equivalent (kernel, stride, padding) for the receptive field.
"""

from __future__ import annotations

import keras
from keras import layers


def same_pad(n: int, k: int, s: int) -> int:
    """Left padding TensorFlow's 'same' adds along one axis of length n (total split, extra on the right)."""
    out = -(-n // s)
    return max((out - 1) * s + k - n, 0) // 2


@keras.saving.register_keras_serializable(package="anndl")
class InceptionBlock(layers.Layer):
    """Inception module (§9.4): 1×1, 1×1→3×3, 1×1→5×5 and pool→1×1 paths, concatenated along channels."""

    def __init__(self, f1=16, f3r=24, f3=32, f5r=4, f5=8, fp=8, **kwargs):
        super().__init__(**kwargs)
        self.f = dict(f1=f1, f3r=f3r, f3=f3, f5r=f5r, f5=f5, fp=fp)

        def conv(n, k):
            return layers.Conv2D(n, k, padding="same", activation="relu")

        self.p1 = conv(f1, 1)
        self.p3r, self.p3 = conv(f3r, 1), conv(f3, 3)
        self.p5r, self.p5 = conv(f5r, 1), conv(f5, 5)
        self.pool, self.pp = layers.MaxPooling2D(3, strides=1, padding="same"), conv(fp, 1)

    def build(self, input_shape):
        for first, second in ((self.p1, None), (self.p3r, self.p3), (self.p5r, self.p5), (self.pool, self.pp)):
            first.build(input_shape)
            if second is not None:
                second.build((*input_shape[:-1], getattr(first, "filters", input_shape[-1])))

    def call(self, x):  # (b, h, w, C) -> (b, h, w, f1 + f3 + f5 + fp)
        return keras.ops.concatenate([self.p1(x), self.p3(self.p3r(x)), self.p5(self.p5r(x)),
                                      self.pp(self.pool(x))], axis=-1)

    def compute_output_shape(self, s):
        f = self.f
        return (*s[:-1], f["f1"] + f["f3"] + f["f5"] + f["fp"])

    def get_config(self):
        return {**super().get_config(), **self.f}

    def course(self, i, o):
        c, f = i[-1], self.f
        hw = o[0] * o[1]
        parts = [(1, c, f["f1"]), (1, c, f["f3r"]), (3, f["f3r"], f["f3"]), (1, c, f["f5r"]), (5, f["f5r"], f["f5"]),
                 (1, c, f["fp"])]
        params = sum((k * k * cin + 1) * n for k, cin, n in parts)
        text = " + ".join(f"({k}·{k}·{cin}+1)·{n}" for k, cin, n in parts)
        return dict(formula=text, formula_params=params, macs=hw * sum(k * k * cin * n for k, cin, n in parts),
                    k=5, s=1, pad=2, note="widest path 5×5 sets the receptive field")


@keras.saving.register_keras_serializable(package="anndl")
class ResidualBlock(layers.Layer):
    """Residual block (§9.6): two 3×3 conv + BN, added to the identity shortcut (1×1 projection if shapes differ)."""

    def __init__(self, filters=32, stride=1, **kwargs):
        super().__init__(**kwargs)
        self.filters, self.stride = filters, stride
        self.c1 = layers.Conv2D(filters, 3, strides=stride, padding="same")
        self.b1 = layers.BatchNormalization(momentum=0.9)
        self.c2 = layers.Conv2D(filters, 3, padding="same")
        self.b2 = layers.BatchNormalization(momentum=0.9)
        self.proj = None

    def build(self, input_shape):
        if input_shape[-1] != self.filters or self.stride != 1:
            self.proj = layers.Conv2D(self.filters, 1, strides=self.stride)
            self.proj.build(input_shape)
        self.c1.build(input_shape)
        mid = (*self.c1.compute_output_shape(input_shape)[:-1], self.filters)
        self.b1.build(mid)
        self.c2.build(mid)
        self.b2.build(mid)

    def call(self, x, training=None):
        h = keras.ops.relu(self.b1(self.c1(x), training=training))
        h = self.b2(self.c2(h), training=training)
        shortcut = x if self.proj is None else self.proj(x)
        return keras.ops.relu(h + shortcut)

    def compute_output_shape(self, s):
        return (*self.c1.compute_output_shape(s)[:-1], self.filters)

    def get_config(self):
        return {**super().get_config(), "filters": self.filters, "stride": self.stride}

    def course(self, i, o):
        c, f, hw = i[-1], self.filters, o[0] * o[1]
        params = (9 * c + 1) * f + 4 * f + (9 * f + 1) * f + 4 * f
        text = f"(3·3·{c}+1)·{f} + 4·{f} + (3·3·{f}+1)·{f} + 4·{f}"
        macs = hw * (9 * c * f + 9 * f * f)
        if c != f or self.stride != 1:
            params += (c + 1) * f
            text += f" + (1·1·{c}+1)·{f}"
            macs += hw * c * f
        pad1 = same_pad(i[0], 3, self.stride)
        return dict(formula=text, formula_params=params, macs=macs, k=3 + 2 * self.stride, s=self.stride,
                    pad=pad1 + self.stride, note="identity shortcut" if c == f and self.stride == 1
                    else "1×1 projection shortcut (shapes differ)")


@keras.saving.register_keras_serializable(package="anndl")
class SqueezeExcite(layers.Layer):
    """Squeeze-and-Excitation (§9.8): global average → C/r → C sigmoid weights that rescale each channel."""

    def __init__(self, ratio=4, **kwargs):
        super().__init__(**kwargs)
        self.ratio = ratio
        self.squeeze = self.excite = None

    def build(self, input_shape):
        c = input_shape[-1]
        self.squeeze = layers.Dense(max(1, c // self.ratio), activation="relu")
        self.excite = layers.Dense(c, activation="sigmoid")
        self.squeeze.build((None, c))
        self.excite.build((None, max(1, c // self.ratio)))

    def call(self, x):
        w = self.excite(self.squeeze(keras.ops.mean(x, axis=(1, 2))))  # (b, C) channel weights
        return x * w[:, None, None, :]

    def compute_output_shape(self, s):
        return s

    def get_config(self):
        return {**super().get_config(), "ratio": self.ratio}

    def course(self, i, o):
        c = i[-1]
        r = max(1, c // self.ratio)
        return dict(formula=f"({c}+1)·{r} + ({r}+1)·{c}", formula_params=(c + 1) * r + (r + 1) * c,
                    macs=2 * c * r + o[0] * o[1] * c, k=1, s=1, pad=0,
                    note="channel weights from the whole image (global context)")


@keras.saving.register_keras_serializable(package="anndl")
class DepthwiseSeparable(layers.Layer):
    """MobileNet block (§9.9): depthwise k×k conv + BN + ReLU, then pointwise 1×1 conv + BN + ReLU."""

    def __init__(self, filters=32, kernel=3, stride=1, **kwargs):
        super().__init__(**kwargs)
        self.filters, self.kernel, self.stride = filters, kernel, stride
        self.dw = layers.DepthwiseConv2D(kernel, strides=stride, padding="same", use_bias=False)
        self.b1 = layers.BatchNormalization(momentum=0.9)
        self.pw = layers.Conv2D(filters, 1, use_bias=False)
        self.b2 = layers.BatchNormalization(momentum=0.9)

    def build(self, input_shape):
        self.dw.build(input_shape)
        mid = self.dw.compute_output_shape(input_shape)  # (b, h', w', C)
        self.b1.build(mid)
        self.pw.build(mid)
        self.b2.build((*mid[:-1], self.filters))

    def call(self, x, training=None):
        h = keras.ops.relu(self.b1(self.dw(x), training=training))
        return keras.ops.relu(self.b2(self.pw(h), training=training))

    def compute_output_shape(self, s):
        return (*self.dw.compute_output_shape(s)[:-1], self.filters)

    def get_config(self):
        return {**super().get_config(), "filters": self.filters, "kernel": self.kernel, "stride": self.stride}

    def course(self, i, o):
        c, n, k, hw = i[-1], self.filters, self.kernel, o[0] * o[1]
        macs = hw * (k * k * c + c * n)
        standard = hw * k * k * c * n
        return dict(formula=f"{k}·{k}·{c} + 4·{c} + {c}·{n} + 4·{n}", formula_params=k * k * c + 4 * c + c * n + 4 * n,
                    macs=macs, k=k, s=self.stride, pad=same_pad(i[0], k, self.stride),
                    note=f"{macs / standard:.3f}× the MACs of a standard {k}×{k} conv (1/N + 1/k² = "
                         f"{1 / n + 1 / k ** 2:.3f})")
