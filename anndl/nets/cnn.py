"""The CNN builder (course §6–§9): a stack of blocks the user composes, a head, and the live layer table.

A block is a dict, e.g. {"type": "conv", "filters": 32, "kernel": 3, "stride": 1, "padding": "same",
"activation": "relu"}; the stack also travels as text ("conv:f=32,k=3|maxpool:k=2|...") in the URL.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import keras
from keras import layers

from ..errors import SettingsError
from .budget import check_budget, cnn_cost
from .cnn_blocks import DepthwiseSeparable, InceptionBlock, ResidualBlock, SqueezeExcite, same_pad

BLOCK_TYPES = ["conv", "maxpool", "avgpool", "batchnorm", "dropout", "inception", "residual", "se", "mobilenet"]
DEFAULTS = {
    "conv": dict(filters=32, kernel=3, stride=1, padding="same", activation="relu"),
    "maxpool": dict(kernel=2, stride=2, padding="valid"),
    "avgpool": dict(kernel=2, stride=2, padding="valid"),
    "batchnorm": {},
    "dropout": dict(rate=0.25),
    "inception": dict(filters=64),
    "residual": dict(filters=32, stride=1),
    "se": dict(ratio=4),
    "mobilenet": dict(filters=64, kernel=3, stride=1),
}
SHORT = {"f": "filters", "k": "kernel", "s": "stride", "p": "padding", "a": "activation", "r": "rate", "q": "ratio"}
ACTIVATIONS = ["relu", "elu", "gelu", "tanh", "sigmoid", "linear"]
MAX_BLOCKS = 40  # deeper than any network of the course (ResNet-34 has 16 residual blocks)
LIMITS = {"filters": (1, 512), "kernel": (1, 11), "stride": (1, 4), "rate": (0.0, 0.9), "ratio": (1, 64)}

PRESETS: dict[str, str] = {
    # fast: the keras.io convnet + BN, which lets a 4× larger step converge in a few epochs
    "fast": "conv:f=32,k=3,p=valid|batchnorm|maxpool|conv:f=64,k=3,p=valid|batchnorm|maxpool",
    # wide: two convs per stage (VGG style) for the augmented "best" recipe
    "wide (VGG-style)": "conv:f=32|batchnorm|conv:f=32|batchnorm|maxpool|conv:f=64|batchnorm|conv:f=64|batchnorm"
                        "|maxpool|dropout:r=0.25",
    # the keras.io "simple MNIST convnet" (the baseline of the benchmark)
    "keras.io simple convnet": "conv:f=32,k=3,p=valid|maxpool|conv:f=64,k=3,p=valid|maxpool",
    "residual (ResNet)": "conv:f=32,k=3|batchnorm|residual:f=32|maxpool:k=2|residual:f=64,s=2",
    "inception (GoogLeNet)": "conv:f=32,k=3|maxpool:k=2|inception:f=64|maxpool:k=2|inception:f=128",
    "squeeze-excitation": "conv:f=32,k=3|batchnorm|se:q=4|maxpool:k=2|conv:f=64,k=3|batchnorm|se:q=4|maxpool:k=2",
    "mobilenet": "conv:f=32,k=3,s=2|batchnorm|mobilenet:f=64|mobilenet:f=128,s=2|mobilenet:f=128",
}


@dataclass
class CNNConfig:
    """The whole network: input, block stack, head and optimiser step."""

    input_shape: tuple[int, int, int] = (28, 28, 1)  # MNIST-sized grayscale images
    n_classes: int = 10  # ten digits
    blocks: str = PRESETS["fast"]  # the stack, in the URL's text form
    head: str = "flatten"  # "flatten" keeps position information, "gap" is translation invariant and tiny
    hidden: int = 0  # an extra dense layer before the classifier; 0: none (the convs already extract features)
    dropout: float = 0.3  # before the classifier: the usual place to regularise a small CNN
    learning_rate: float = 4e-3  # Adam with BN tolerates a larger step than the default 1e-3
    decay_steps: int = 0  # cosine decay of the step to 0 over this many updates; 0 keeps it constant


def parse_blocks(text: str) -> list[dict]:
    """'conv:f=32,k=3|maxpool' -> block dicts with defaults; nonsense raises one SettingsError sentence."""
    blocks = []
    for i, part in enumerate(p.strip() for p in (text or "").split("|") if p.strip()):
        kind, _, args = part.partition(":")
        blocks.append(block({"type": kind.strip(), **dict(_kv(a, i) for a in args.split(",") if a.strip())}, i))
    if not blocks:
        raise SettingsError("The stack is empty: add at least one convolution block.")
    if len(blocks) > MAX_BLOCKS:
        raise SettingsError(f"The stack has {len(blocks)} blocks; the server builds at most {MAX_BLOCKS}.")
    return blocks


def _kv(arg: str, i: int) -> tuple[str, str]:
    key, sep, value = arg.partition("=")
    if not sep:
        raise SettingsError(f"Block {i + 1}: {arg!r} should look like key=value (e.g. f=32).")
    return SHORT.get(key.strip(), key.strip()), value.strip()


def block(spec: dict, i: int = 0) -> dict:
    """Fill a block's defaults and check its values."""
    kind = str(spec.get("type", "")).strip().lower()
    if kind not in DEFAULTS:
        raise SettingsError(f"Block {i + 1}: unknown type {kind!r}; use one of {', '.join(BLOCK_TYPES)}.")
    out = {"type": kind, **DEFAULTS[kind]}
    for key, value in spec.items():
        if key == "type" or key not in DEFAULTS[kind] or value is None or value == "":
            continue
        default = DEFAULTS[kind][key]
        try:
            value = type(default)(float(value)) if isinstance(default, (int, float)) else str(value)
        except (TypeError, ValueError):
            raise SettingsError(f"Block {i + 1} ({kind}): {key} must be a number, not {value!r}.") from None
        lo, hi = LIMITS.get(key, (None, None))
        if lo is not None and not lo <= value <= hi:
            raise SettingsError(f"Block {i + 1} ({kind}): {key} = {value} is outside {lo}–{hi}.")
        if key == "padding" and value not in ("same", "valid"):
            raise SettingsError(f"Block {i + 1} ({kind}): padding must be 'same' or 'valid'.")
        if key == "activation" and value not in ACTIVATIONS:
            raise SettingsError(f"Block {i + 1} ({kind}): activation must be one of {', '.join(ACTIVATIONS)}.")
        out[key] = value
    return out


def blocks_text(blocks: list[dict]) -> str:
    """Block dicts -> the compact URL text (only values that differ from the defaults)."""
    inv = {v: k for k, v in SHORT.items()}
    parts = []
    for b in blocks:
        args = [f"{inv[k]}={v}" for k, v in b.items() if k != "type" and v != DEFAULTS[b["type"]].get(k)]
        parts.append(b["type"] + (":" + ",".join(args) if args else ""))
    return "|".join(parts)


def make_layer(b: dict, name: str) -> layers.Layer:
    """One block dict -> its Keras layer."""
    t = b["type"]
    if t == "conv":
        return layers.Conv2D(b["filters"], b["kernel"], strides=b["stride"], padding=b["padding"],
                             activation=b["activation"], name=name)
    if t in ("maxpool", "avgpool"):
        cls = layers.MaxPooling2D if t == "maxpool" else layers.AveragePooling2D
        return cls(b["kernel"], strides=b["stride"], padding=b["padding"], name=name)
    if t == "batchnorm":
        return layers.BatchNormalization(momentum=0.9, name=name)  # short runs: statistics must keep up
    if t == "dropout":
        return layers.Dropout(b["rate"], name=name)
    if t == "inception":  # GoogLeNet 3a proportions: 1×1 1/4, 3×3 1/2 (reduce 3/8), 5×5 1/8 (reduce 1/16), pool 1/8
        f = b["filters"]
        return InceptionBlock(max(1, f // 4), max(1, 3 * f // 8), max(1, f // 2), max(1, f // 16), max(1, f // 8),
                              max(1, f // 8), name=name)
    if t == "residual":
        return ResidualBlock(b["filters"], b["stride"], name=name)
    if t == "se":
        return SqueezeExcite(b["ratio"], name=name)
    return DepthwiseSeparable(b["filters"], b["kernel"], b["stride"], name=name)


def check_shapes(blocks: list[dict], input_shape) -> None:
    """Refuse a stack that shrinks the image below its kernels, with the block and the fix."""
    h, w = input_shape[0], input_shape[1]
    for i, b in enumerate(blocks):
        k, s = b.get("kernel", 1), b.get("stride", 1)
        if b.get("padding") == "valid" and (h < k or w < k):
            raise SettingsError(f"Block {i + 1} ({b['type']} {k}×{k}) gets a {h}×{w} input, smaller than its kernel: "
                              "use 'same' padding, or fewer pooling layers.")
        if b.get("padding") == "valid":
            h, w = (h - k) // s + 1, (w - k) // s + 1
        else:
            h, w = -(-h // s), -(-w // s)


def build_cnn(config: CNNConfig | None = None) -> keras.Model:
    """The user's stack (§6–§9) + a Flatten or GAP head (§8.4) + softmax classifier, compiled with Adam."""
    config = config or CNNConfig()
    blocks = parse_blocks(config.blocks)
    check_shapes(blocks, config.input_shape)
    check_budget("network", *cnn_cost(blocks, config.input_shape, config.head, config.hidden, config.n_classes))
    inputs = keras.Input(config.input_shape, name="image")
    x = inputs
    counts: dict[str, int] = {}
    for b in blocks:
        counts[b["type"]] = counts.get(b["type"], 0) + 1
        x = make_layer(b, f"{b['type']}{counts[b['type']]}")(x)
    x = (layers.Flatten if config.head == "flatten" else layers.GlobalAveragePooling2D)(name="features")(x)
    if config.hidden:
        x = layers.Dense(config.hidden, activation="relu", name="hidden")(x)
    if config.dropout:
        x = layers.Dropout(config.dropout, name="head_dropout")(x)
    outputs = layers.Dense(config.n_classes, activation="softmax", name="classifier")(x)
    model = keras.Model(inputs, outputs, name="cnn")
    compile_cnn(model, config.learning_rate, config.decay_steps)
    return model


def compile_cnn(model: keras.Model, learning_rate: float, decay_steps: int = 0) -> None:
    """Adam (optionally with a cosine-decaying step) + cross-entropy on one-hot targets (MixUp/CutMix mix them)."""
    lr = keras.optimizers.schedules.CosineDecay(learning_rate, decay_steps) if decay_steps else learning_rate
    model.compile(optimizer=keras.optimizers.Adam(lr), loss="categorical_crossentropy", metrics=["accuracy"])


def embedding_model(model: keras.Model) -> keras.Model:
    """The trained network without its classifier (§9.12): image -> feature vector."""
    name = "hidden" if any(layer.name == "hidden" for layer in model.layers) else "features"
    return keras.Model(model.inputs, model.get_layer(name).output, name="embedding")


def conv_layers(model: keras.Model) -> list[str]:
    """Names of the layers with a spatial (h, w, c) output, for activation maps."""
    return [layer.name for layer in model.layers[1:] if len(layer.output.shape) == 4]


@dataclass
class Row:
    """One line of the layer table."""

    name: str
    kind: str
    output: tuple
    params: int
    formula: str = ""
    formula_params: int | None = None
    rf: int = 1  # receptive field in input pixels (one side)
    jump: int = 1  # input pixels between neighbouring outputs
    macs: int = 0
    note: str = ""
    geometry: tuple = field(default=(1, 1, 0))  # (kernel, stride, left pad) of this layer alone


def _standard(layer, i, o) -> dict:
    """Course formula, MACs and geometry of a plain Keras layer."""
    hw = o[0] * o[1] if len(o) == 3 else 1
    if isinstance(layer, layers.Conv2D):
        k, s, c, n = layer.kernel_size[0], layer.strides[0], i[-1], layer.filters
        pad = same_pad(i[0], k, s) if layer.padding == "same" else 0
        return dict(formula=f"({k}·{k}·{c}+1)·{n}", formula_params=(k * k * c + 1) * n, macs=hw * k * k * c * n,
                    k=k, s=s, pad=pad)
    if isinstance(layer, (layers.MaxPooling2D, layers.AveragePooling2D)):
        k, s = layer.pool_size[0], layer.strides[0]
        pad = same_pad(i[0], k, s) if layer.padding == "same" else 0
        return dict(formula="0 (no weights)", formula_params=0, k=k, s=s, pad=pad)
    if isinstance(layer, layers.BatchNormalization):
        return dict(formula=f"4·{i[-1]} (γ, β; mean, variance)", formula_params=4 * i[-1])
    if isinstance(layer, layers.Dense):
        return dict(formula=f"({i[-1]}+1)·{layer.units}", formula_params=(i[-1] + 1) * layer.units,
                    macs=i[-1] * layer.units)
    return dict(formula="0 (no weights)", formula_params=0)


def layer_table(model: keras.Model) -> list[Row]:
    """Per layer: output shape, Keras' parameter count against the course formula, receptive field, MACs."""
    rows, rf, jump, global_ = [], 1, 1, False
    for layer in model.layers[1:]:
        inp = layer.input[0] if isinstance(layer.input, list) else layer.input  # Add/Concatenate: the first branch
        i = tuple(inp.shape[1:])
        o = tuple(layer.output.shape[1:])
        info = layer.course(i, o) if hasattr(layer, "course") else _standard(layer, i, o)
        k, s = info.get("k", 1), info.get("s", 1)
        if len(o) != 3 and len(i) == 3:
            global_ = True
        if not global_:
            rf, jump = rf + (k - 1) * jump, jump * s
        note = info.get("note", "") or ("sees the whole image" if global_ and len(i) == 3 else "")
        rows.append(Row(layer.name, type(layer).__name__, o, int(layer.count_params()), info.get("formula", ""),
                        info.get("formula_params"), rf, jump, int(info.get("macs", 0)), note,
                        (k, s, info.get("pad", 0))))
    return rows


def receptive_box(rows: list[Row], upto: str, y: int, x: int, size: tuple[int, int]) -> tuple[int, int, int, int]:
    """Input pixels (top, left, bottom, right; exclusive end, clipped) seen by output (y, x) of layer `upto`."""
    geoms = []
    for row in rows:
        geoms.append(row.geometry)
        if row.name == upto:
            break
    t, b, lft, r = y, y, x, x
    for k, s, pad in reversed(geoms):
        t, b, lft, r = t * s - pad, b * s - pad + k - 1, lft * s - pad, r * s - pad + k - 1
    return max(t, 0), max(lft, 0), min(b + 1, size[0]), min(r + 1, size[1])
