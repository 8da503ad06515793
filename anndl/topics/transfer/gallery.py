"""The gallery of famous CNNs (course §8), built with `weights=None` (nothing downloads): parameters, multiply-adds
at 224×224, depth, year and the one idea each introduced. Building VGG16 and friends takes seconds, so the table is
computed once into gallery.json (`python -m anndl.topics.transfer.gallery`) and the page reads that."""

from __future__ import annotations

import json
from pathlib import Path

CACHE = Path(__file__).with_name("gallery.json")
# name, year, the idea, the builder ("keras:NAME" = keras.applications, else a function of this module),
# ImageNet top-1 accuracy as the Keras applications table publishes it (None: not in keras.applications)
NETWORKS = [
    ("LeNet-5", 1998, "convolution + subsampling, trained end to end by backprop (32×32 digits)", "lenet5", None),
    ("AlexNet", 2012, "ReLU, dropout, data augmentation and GPUs: deep CNNs win ImageNet", "alexnet", None),
    ("VGG16", 2014, "only 3×3 convolutions, stacked deep: two 3×3 see what one 5×5 sees", "keras:VGG16", 0.713),
    ("NiN", 2014, "1×1 convolutions (an MLP per pixel) and global average pooling instead of dense layers", "nin",
     None),
    ("GoogLeNet (Inception v3)", 2015, "Inception modules: parallel 1×1/3×3/5×5 branches with 1×1 reductions",
     "keras:InceptionV3", 0.779),
    ("ResNet50", 2015, "residual connections: blocks learn F(x) + x, so 50–150 layers still train",
     "keras:ResNet50", 0.749),
    ("MobileNet", 2017, "depthwise separable convolutions: 8–9× fewer multiply-adds", "keras:MobileNet", 0.704),
    ("DenseNet121", 2017, "dense connections: every layer reads all earlier feature maps", "keras:DenseNet121", 0.750),
    ("SENet (SE-ResNet-50)", 2018, "squeeze-and-excitation: channels reweighted by a global summary",
     "se_resnet50", None),
    ("EfficientNetB0", 2019, "compound scaling of depth, width and resolution together", "keras:EfficientNetB0",
     0.771),
]


def lenet5():
    """LeCun et al. 1998 on 32×32 gray digits (C3 fully connected, as most reimplementations)."""
    from keras import Input, Model, layers

    inp = Input((32, 32, 1))
    x = layers.Conv2D(6, 5, activation="tanh")(inp)
    x = layers.AveragePooling2D(2)(x)
    x = layers.Conv2D(16, 5, activation="tanh")(x)
    x = layers.AveragePooling2D(2)(x)
    x = layers.Conv2D(120, 5, activation="tanh")(x)
    x = layers.Dense(84, activation="tanh")(layers.Flatten()(x))
    return Model(inp, layers.Dense(10, activation="softmax")(x), name="lenet5")


def alexnet():
    """Krizhevsky et al. 2012 as one tower (the paper split it over two GPUs), 224×224 with 'same' padding."""
    from keras import Input, Model, layers

    inp = Input((224, 224, 3))
    x = layers.Conv2D(96, 11, strides=4, padding="same", activation="relu")(inp)
    x = layers.MaxPooling2D(3, 2)(x)
    x = layers.Conv2D(256, 5, padding="same", activation="relu")(x)
    x = layers.MaxPooling2D(3, 2)(x)
    for f in (384, 384, 256):
        x = layers.Conv2D(f, 3, padding="same", activation="relu")(x)
    x = layers.Flatten()(layers.MaxPooling2D(3, 2)(x))
    for _ in range(2):
        x = layers.Dropout(0.5)(layers.Dense(4096, activation="relu")(x))
    return Model(inp, layers.Dense(1000, activation="softmax")(x), name="alexnet")


def nin():
    """Lin et al. 2014: each convolution followed by two 1×1 convolutions; the last gives one map per class, GAP."""
    from keras import Input, Model, layers

    inp = Input((224, 224, 3))
    x = inp
    for i, (f, k, s) in enumerate(((96, 11, 4), (256, 5, 1), (384, 3, 1), (1024, 3, 1))):
        out = 1000 if i == 3 else f
        x = layers.Conv2D(f, k, strides=s, padding="same", activation="relu")(x)
        x = layers.Conv2D(f, 1, activation="relu")(x)
        x = layers.Conv2D(out, 1, activation="relu")(x)
        x = layers.MaxPooling2D(3, 2)(x) if i < 3 else x
    return Model(inp, layers.Softmax()(layers.GlobalAveragePooling2D()(x)), name="nin")


def _se_bottleneck(x, filters: int, stride: int, ratio: int = 16):
    from keras import layers

    shortcut = x
    y = layers.ReLU()(layers.BatchNormalization()(layers.Conv2D(filters, 1, strides=stride, use_bias=False)(x)))
    y = layers.ReLU()(layers.BatchNormalization()(layers.Conv2D(filters, 3, padding="same", use_bias=False)(y)))
    y = layers.BatchNormalization()(layers.Conv2D(4 * filters, 1, use_bias=False)(y))
    s = layers.GlobalAveragePooling2D(keepdims=True)(y)  # squeeze: (1, 1, 4f)
    s = layers.Conv2D(4 * filters // ratio, 1, activation="relu")(s)
    s = layers.Conv2D(4 * filters, 1, activation="sigmoid")(s)  # excitation: one weight per channel
    y = layers.Multiply()([y, s])
    if stride != 1 or x.shape[-1] != 4 * filters:
        shortcut = layers.BatchNormalization()(layers.Conv2D(4 * filters, 1, strides=stride, use_bias=False)(x))
    return layers.ReLU()(layers.Add()([y, shortcut]))


def se_resnet50():
    """Hu et al. 2018: ResNet-50 with a squeeze-and-excitation block (ratio 16) in every bottleneck."""
    from keras import Input, Model, layers

    inp = Input((224, 224, 3))
    x = layers.ReLU()(layers.BatchNormalization()(layers.Conv2D(64, 7, strides=2, padding="same", use_bias=False)(inp)))
    x = layers.MaxPooling2D(3, 2, padding="same")(x)
    for stage, (filters, blocks) in enumerate(((64, 3), (128, 4), (256, 6), (512, 3))):
        for b in range(blocks):
            x = _se_bottleneck(x, filters, 2 if b == 0 and stage > 0 else 1)
    x = layers.GlobalAveragePooling2D()(x)
    return Model(inp, layers.Dense(1000, activation="softmax")(x), name="se_resnet50")


def build(builder: str):
    """One gallery network with random weights (the classifier top included, 224×224×3 unless its own size)."""
    import keras

    if builder.startswith("keras:"):
        return getattr(keras.applications, builder[6:])(weights=None, input_shape=(224, 224, 3))
    return globals()[builder]()


def multiply_adds(model) -> int:
    """Multiply-adds of the convolutions and dense layers for one image (other layers are a small rest)."""
    import numpy as np

    total = 0
    for layer in model.layers:
        kind = type(layer).__name__
        if kind not in ("Conv2D", "DepthwiseConv2D", "Dense"):
            continue
        out = np.prod(layer.output.shape[1:-1]) if len(layer.output.shape) > 2 else 1
        if kind == "Dense":
            total += int(layer.kernel.shape[0] * layer.kernel.shape[1])
        else:  # kernel (kh, kw, cin/groups, cout) or depthwise (kh, kw, cin, multiplier): every weight once a pixel
            total += int(out * np.prod(layer.kernel.shape))
    return total


def depth(model) -> int:
    """Weight layers on the model (convolutions and dense), the way the papers count depth."""
    return sum(type(layer).__name__ in ("Conv2D", "DepthwiseConv2D", "Dense") for layer in model.layers)


def row(entry) -> dict:
    name, year, idea, builder, top1 = entry
    model = build(builder)
    return {"network": name, "year": year, "params": int(model.count_params()), "multiply_adds": multiply_adds(model),
            "depth": depth(model), "input": "×".join(str(d) for d in model.input_shape[1:]), "idea": idea,
            "imagenet_top1": top1, "built_with": "keras.applications" if builder.startswith("keras:") else
            "anndl.topics.transfer.gallery"}


def gallery(refresh: bool = False) -> list[dict]:
    """The table, from the cache (built and written when missing or on `refresh`)."""
    if CACHE.exists() and not refresh:
        return json.loads(CACHE.read_text())
    import keras

    rows = []
    for entry in NETWORKS:
        rows.append(row(entry))
        keras.backend.clear_session()
    CACHE.write_text(json.dumps(rows, indent=1, ensure_ascii=False) + "\n")
    return rows


if __name__ == "__main__":
    for r in gallery(refresh=True):
        print(f"{r['network']:28s} {r['params']:>12,d} params {r['multiply_adds'] / 1e9:8.3f} G mult-adds "
              f"depth {r['depth']}")
