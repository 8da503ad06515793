"""A small MobileNetV2-style backbone (course §8 MobileNet, §9.13 transfer learning): inverted residual blocks
of 1×1 expansion, 3×3 depthwise and 1×1 linear projection, with the layer names of keras.applications.MobileNetV2
("Conv1", "block_3_depthwise", "out_relu", …), so that code written for that model (freezing, fine-tuning the top
blocks, taking "out_relu" features) works on this one unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass

import keras

from ..config import DictConfig
from .budget import check_budget


@dataclass
class MobileNetConfig(DictConfig):
    input_shape: tuple[int, int, int] = (28, 28, 1)  # MNIST / Fashion-MNIST size: trains in minutes on a CPU
    n_classes: int = 10
    stem: int = 16  # filters of the first 3×3 convolution, stride 2 as in MobileNetV2: 28 px -> 14 px
    # (expansion t, output channels c, stride s) per inverted residual block, as in MobileNetV2's table;
    # two more stride-2 blocks take 14 px to 4 px; few channels keep training to minutes on a 2-core CPU
    blocks: tuple[tuple[int, int, int], ...] = ((1, 16, 1), (4, 24, 2), (4, 24, 1), (4, 48, 2), (4, 48, 1))
    top: int = 96  # the 1×1 convolution before global average pooling ("Conv_1" in MobileNetV2)
    dropout: float = 0.2  # before the softmax head, as keras.applications' classifiers


def mobilenet_cost(config: MobileNetConfig) -> tuple[int, int]:
    """(weights, multiply-adds per image) before anything is built (BN counted as 4 weights a channel)."""
    h, w, c = config.input_shape
    h, w = -(-h // 2), -(-w // 2)
    params = 9 * c * config.stem + 4 * config.stem
    macs = h * w * 9 * c * config.stem
    c = config.stem
    for t, out, s in config.blocks:
        mid = c * t
        if t != 1:
            params += c * mid + 4 * mid
            macs += h * w * c * mid
        h, w = -(-h // s), -(-w // s)
        params += 9 * mid + 4 * mid + mid * out + 4 * out
        macs += h * w * (9 * mid + mid * out)
        c = out
    params += c * config.top + 4 * config.top + (config.top + 1) * config.n_classes
    macs += h * w * c * config.top + config.top * config.n_classes
    return params, macs


BN_MOMENTUM = 0.9  # keras.applications use 0.999; a few hundred steps of training need faster moving statistics


def _conv_bn(x, filters: int, kernel: int, stride: int, name: str, bn: str, relu: str | None):
    x = keras.layers.Conv2D(filters, kernel, strides=stride, padding="same", use_bias=False, name=name)(x)
    x = keras.layers.BatchNormalization(momentum=BN_MOMENTUM, name=bn)(x)
    return keras.layers.ReLU(6.0, name=relu)(x) if relu else x


def inverted_residual(x, expansion: int, filters: int, stride: int, index: int):
    """MobileNetV2 block: 1×1 expand (t×), 3×3 depthwise (stride s), 1×1 linear project; a skip when shapes match."""
    prefix = f"block_{index}_" if index else "expanded_conv_"
    c = x.shape[-1]
    y = x
    if expansion != 1:
        y = _conv_bn(y, c * expansion, 1, 1, prefix + "expand", prefix + "expand_BN", prefix + "expand_relu")
    y = keras.layers.DepthwiseConv2D(3, strides=stride, padding="same", use_bias=False, name=prefix + "depthwise")(y)
    y = keras.layers.BatchNormalization(momentum=BN_MOMENTUM, name=prefix + "depthwise_BN")(y)
    y = keras.layers.ReLU(6.0, name=prefix + "depthwise_relu")(y)
    y = _conv_bn(y, filters, 1, 1, prefix + "project", prefix + "project_BN", None)  # linear bottleneck
    if stride == 1 and c == filters:
        y = keras.layers.Add(name=prefix + "add")([x, y])
    return y


def build_mobilenet(config: MobileNetConfig | None = None) -> keras.Model:
    """The classifier: backbone ("out_relu" features, GAP "avg_pool") + dropout + softmax "predictions"."""
    config = config or MobileNetConfig()
    check_budget("MobileNet", *mobilenet_cost(config))
    inputs = keras.Input(config.input_shape, name="input_layer")
    x = _conv_bn(inputs, config.stem, 3, 2, "Conv1", "bn_Conv1", "Conv1_relu")
    for i, (t, c, s) in enumerate(config.blocks):
        x = inverted_residual(x, t, c, s, i)
    x = _conv_bn(x, config.top, 1, 1, "Conv_1", "Conv_1_bn", "out_relu")
    x = keras.layers.GlobalAveragePooling2D(name="avg_pool")(x)
    x = keras.layers.Dropout(config.dropout, name="dropout")(x)
    outputs = keras.layers.Dense(config.n_classes, activation="softmax", name="predictions")(x)
    return keras.Model(inputs, outputs, name="mobilenet_small")


def feature_extractor(model: keras.Model, layer: str = "avg_pool") -> keras.Model:
    """The backbone part of a classifier: its input to `layer` ("avg_pool" gives one feature vector per image)."""
    return keras.Model(model.inputs, model.get_layer(layer).output, name=f"{model.name}_features")
