"""Looking inside a CNN (course §9.11, §9.12, §12.2): filters, activation maps, maximally activating
patches cropped to the receptive field, and image retrieval in the feature space.
"""

from __future__ import annotations

import numpy as np


def first_layer_filters(model) -> np.ndarray:
    """The first convolution's kernels as (n_filters, k, k, channels), each min–max scaled to [0, 1]."""
    import keras

    conv = next((layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D)), None)
    if conv is None:
        raise ValueError("The network has no plain convolution layer whose filters could be shown.")
    w = keras.ops.convert_to_numpy(conv.kernel)  # (k, k, C_in, n_f)
    w = np.moveaxis(w, -1, 0)  # (n_f, k, k, C_in)
    lo = w.min(axis=(1, 2, 3), keepdims=True)
    hi = w.max(axis=(1, 2, 3), keepdims=True)
    return (w - lo) / np.maximum(hi - lo, 1e-12)


def feature_model(model, layer_name: str):
    """image -> the output of `layer_name` (a model sharing the trained weights)."""
    import keras

    return keras.Model(model.inputs, model.get_layer(layer_name).output)


def activation_maps(model, layer_name: str, image: np.ndarray) -> np.ndarray:
    """The activation maps of one layer for one image (h, w, c), as (channels, h', w') (§9.11)."""
    from anndl.predict import predict_one

    return np.moveaxis(predict_one(feature_model(model, layer_name), image), -1, 0)


def tile(tiles: np.ndarray, cols: int = 8, pad: int = 1) -> np.ndarray:
    """(n, h, w[, c]) images or maps -> one mosaic image, each tile min–max scaled, white gaps between."""
    tiles = np.asarray(tiles, dtype="float32")
    n, h, w = tiles.shape[:3]
    extra = tiles.shape[3:]
    lo = tiles.reshape(n, -1).min(1).reshape((n, 1, 1) + (1,) * len(extra))
    hi = tiles.reshape(n, -1).max(1).reshape((n, 1, 1) + (1,) * len(extra))
    tiles = (tiles - lo) / np.maximum(hi - lo, 1e-12)
    cols = min(cols, n)
    rows = -(-n // cols)
    out = np.ones((rows * (h + pad) - pad, cols * (w + pad) - pad) + extra, dtype="float32")
    for i in range(n):
        r, c = divmod(i, cols)
        out[r * (h + pad): r * (h + pad) + h, c * (w + pad): c * (w + pad) + w] = tiles[i]
    return out


def max_activating_patches(model, rows, layer_name: str, channel: int, x: np.ndarray, top: int = 9,
                           batch_size: int = 256) -> list[dict]:
    """The `top` input patches (cropped to the receptive field) that most excite one channel (§12.2).

    `rows` is `anndl.nets.cnn.layer_table(model)`; each result has the patch, its score, the image index and
    the (top, left, bottom, right) box.
    """
    from .nets.cnn import receptive_box

    acts = feature_model(model, layer_name).predict(x, batch_size=batch_size, verbose=0)[..., channel]  # (n, h, w)
    n, h, w = acts.shape
    flat = acts.reshape(n, -1)
    best_pos = flat.argmax(1)  # the strongest position in each image
    order = np.argsort(-flat[np.arange(n), best_pos])[:top]
    out = []
    for i in order:
        y, xx = divmod(int(best_pos[i]), w)
        box = receptive_box(rows, layer_name, y, xx, x.shape[1:3])
        out.append({"index": int(i), "score": float(flat[i, best_pos[i]]), "box": box,
                    "patch": x[i, box[0]:box[2], box[1]:box[3]]})
    return out


def embed(model, x: np.ndarray, batch_size: int = 256) -> np.ndarray:
    """Feature vectors of images: the trained network without its classifier (§9.12)."""
    from .nets.cnn import embedding_model

    return embedding_model(model).predict(x, batch_size=batch_size, verbose=0)


def nearest(embeddings: np.ndarray, query: np.ndarray, k: int = 10, exclude: int | None = None):
    """Indices and Euclidean distances of the `k` embeddings nearest to `query` (excluding one index)."""
    d = np.linalg.norm(embeddings - query[None], axis=1)
    if exclude is not None:
        d[exclude] = np.inf
    idx = np.argsort(d)[:k]
    return idx, d[idx]
