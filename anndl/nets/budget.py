"""The size budget every builder checks before it creates a weight: a link or a typed stack cannot make the
server allocate a model it cannot train (issue 9, "Guards").

The estimates are the course's counting rules (weights, multiply-adds per example), exact for plain layers and
upper bounds for the composite blocks; they only need to be right within a few per cent at the limit.
"""

from __future__ import annotations

from anndl.errors import SettingsError

# 16 M weights: 64 MB of float32, 192 MB with Adam's two moments, so a class server holds a dozen at once;
# the largest preset on a 64×64 RGB upload has 8.4 M (inception with a flatten head and 256 hidden units).
MAX_PARAMS = 16_000_000
# 1 G multiply-adds per example: one image in ≈ 15 ms on a 2-core CPU, an epoch of 5,000 images in minutes;
# the course's presets need 2–100 M.
MAX_MACS = 1_000_000_000


def check_budget(what: str, params: int, macs: int) -> None:
    """Raise SettingsError (one sentence with the figures and the fix) when a model is over the budget."""
    if params > MAX_PARAMS or macs > MAX_MACS:
        raise SettingsError(
            f"This {what} would have {params:,} weights and {macs:,} multiply-adds per example; the server builds "
            f"at most {MAX_PARAMS:,} weights and {MAX_MACS:,} multiply-adds: use fewer filters or units, smaller "
            "kernels, more pooling or stride, or a GAP head.")


def _out(h: int, k: int, s: int, padding: str) -> int:
    return max(1, (h - k) // s + 1) if padding == "valid" else -(-h // s)


def cnn_cost(blocks: list[dict], input_shape, head: str = "flatten", hidden: int = 0,
             n_classes: int = 10) -> tuple[int, int]:
    """(weights, multiply-adds per image) of a parsed block stack + head, before anything is built."""
    h, w, c = (int(v) for v in input_shape)
    params = macs = 0
    for b in blocks:
        t, k, s = b["type"], b.get("kernel", 1), b.get("stride", 1)
        if t == "conv":
            f = b["filters"]
            h, w = _out(h, k, s, b["padding"]), _out(w, k, s, b["padding"])
            params, macs, c = params + (k * k * c + 1) * f, macs + h * w * k * k * c * f, f
        elif t in ("maxpool", "avgpool"):
            h, w = _out(h, k, s, b["padding"]), _out(w, k, s, b["padding"])
        elif t == "batchnorm":
            params += 4 * c
        elif t == "inception":  # GoogLeNet 3a proportions (cnn.make_layer): ≤ c·f 1×1 weights + 9·f²/2 + 25·f²/128
            f = b["filters"]
            p = c * f + 9 * (3 * f // 8 + 1) * (f // 2 + 1) + 25 * (f // 16 + 1) * (f // 8 + 1) + 3 * f
            params, macs, c = params + p, macs + h * w * p, f
        elif t == "residual":
            f = b["filters"]
            h, w = -(-h // s), -(-w // s)
            p = 9 * c * f + 9 * f * f + c * f + 12 * f
            params, macs, c = params + p, macs + h * w * p, f
        elif t == "se":
            r = max(1, c // b["ratio"])
            params, macs = params + 2 * c * r + c + r, macs + 2 * c * r + h * w * c
        elif t == "mobilenet":
            f = b["filters"]
            h, w = -(-h // s), -(-w // s)
            p = k * k * c + c * f + 4 * (c + f)
            params, macs, c = params + p, macs + h * w * p, f
    features = h * w * c if head == "flatten" else c
    for units in ([hidden] if hidden else []) + [n_classes]:
        params, macs, features = params + (features + 1) * units, macs + features * units, units
    return params, macs


def dense_cost(widths: list[int]) -> tuple[int, int]:
    """(weights, multiply-adds) of a chain of Dense layers, widths = [inputs, hidden…, outputs]."""
    macs = sum(a * b for a, b in zip(widths, widths[1:]))
    return macs + sum(widths[1:]), macs


def recurrent_cost(window: int, channels: int, units: int, layers: int, outputs: int) -> tuple[int, int]:
    """(weights, multiply-adds) of `layers` stacked LSTMs (4 gates) over `window` steps + a Dense head; a GRU,
    a 1-D CNN with kernel 5 and the conv-LSTM stack of the same width stay below it."""
    params, cin = 0, channels
    for _ in range(layers):
        params, cin = params + 4 * (cin + units + 1) * units + 5 * cin * units, units
    head = (window * units + 1) * outputs  # a flatten head (the forecaster's CNN) bounds the others
    return params + head, window * params + head


def transformer_cost(src_vocab: int, tgt_vocab: int, src_len: int, tgt_len: int, embed_dim: int, ff_dim: int,
                     enc_layers: int, dec_layers: int) -> tuple[int, int]:
    """(weights, multiply-adds per sentence pair): embeddings, 4·d² per attention, 2·d·ff per feed-forward."""
    d = embed_dim
    enc, dec = 4 * d * d + 2 * d * ff_dim, 8 * d * d + 2 * d * ff_dim
    params = (src_vocab + tgt_vocab + src_len + tgt_len) * d + enc_layers * enc + dec_layers * dec + d * tgt_vocab
    return params, src_len * enc_layers * enc + tgt_len * (dec_layers * dec + d * tgt_vocab)
