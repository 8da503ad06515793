"""Looking inside a CNN (course §9.11, §9.12, §12.2): filters, activation maps, maximally activating
patches cropped to the receptive field, and image retrieval in the feature space; where a network looks
(§11.4, §12.3–§12.6): CAM, Grad-CAM, saliency and the box a heatmap gives.
"""

from __future__ import annotations

import weakref

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

    return np.moveaxis(predict_one(feature_model(model, layer_name), image, compiled=False), -1, 0)  # a one-use model


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


# --- Heatmaps: where does the network look? (course §12.3–§12.8, §11.4) ------------------------------------


def class_path(model) -> list:
    """The top-level layers from the class output back to the input (breadth-first, the output first): what the
    class score depends on, a side branch (a box head) left out; a nested backbone counts as one layer."""
    import keras

    _, target = _softmax_dense(model)
    names = {layer.name for layer in model.layers}
    queue, seen, out = [target], set(), []
    while queue:
        t = queue.pop(0)
        op = t._keras_history.operation
        if id(op) in seen or isinstance(op, keras.layers.InputLayer):
            continue
        seen.add(id(op))
        if op.name in names:
            out.append(op)
        queue += [p for node in op._inbound_nodes for p in node.input_tensors]
    return out


def last_conv_layer(model) -> str:
    """The last layer with spatial maps (h, w, channels) on the class path, pooling, dropout and BN skipped."""
    import keras

    skip = (keras.layers.MaxPooling2D, keras.layers.AveragePooling2D, keras.layers.Dropout,
            keras.layers.SpatialDropout2D, keras.layers.BatchNormalization)
    for layer in class_path(model):
        if len(layer.output.shape) == 4 and not isinstance(layer, skip):
            return layer.name
    raise ValueError("The network has no layer with spatial maps (h, w, channels) to explain.")


def _softmax_dense(model):
    """The top-level Dense layer that produces the class probabilities (softmax), or None."""
    import keras

    out = model.output
    target = out.get("class", next(iter(out.values()))) if isinstance(out, dict) else (
        out[0] if isinstance(out, (list, tuple)) else out)
    layer = target._keras_history.operation
    if isinstance(layer, keras.layers.Dense) and getattr(layer.activation, "__name__", "") == "softmax":
        return layer, target
    return None, target


class Explainer:
    """A classifier cut at `layer`: trunk (image -> maps A) and head (A -> class scores y^c, before the softmax
    when the last layer is a softmax Dense, as Grad-CAM asks). Built once per (model, layer): ≈ 0.3 s."""

    def __init__(self, model, layer: str | None = None):
        import keras

        self.model, self.layer = model, layer or last_conv_layer(model)
        maps = model.get_layer(self.layer).output
        self.dense, target = _softmax_dense(model)
        self.trunk = keras.Model(model.inputs[0] if len(model.inputs) == 1 else model.inputs, maps)
        self.head = keras.Model(maps, self.dense.input if self.dense is not None else target)

    def scores(self, maps):
        """Class scores (n, classes) from maps (n, h, w, k), in keras.ops (differentiable)."""
        import keras

        h = self.head(maps, training=False)
        return keras.ops.matmul(h, self.dense.kernel) + self.dense.bias if self.dense is not None else h

    def maps(self, x: np.ndarray) -> np.ndarray:
        import keras

        return keras.ops.convert_to_numpy(self.trunk(np.asarray(x, "float32"), training=False))

    def input_scores(self, x):
        return self.scores(self.trunk(x, training=False))


def upsample(maps: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """(n, h, w) maps bilinearly resized to (n, H, W) (the CAM paper's upsampling)."""
    import keras

    m = np.asarray(maps, "float32")[..., None]
    return keras.ops.convert_to_numpy(keras.ops.image.resize(m, size, interpolation="bilinear"))[..., 0]


def normalise(heat: np.ndarray) -> np.ndarray:
    """A heatmap scaled to [0, 1] by its maximum (an all-zero map stays zero)."""
    top = float(np.max(heat)) if np.size(heat) else 0.0
    return np.clip(heat, 0, None) / top if top > 0 else np.zeros_like(heat, dtype="float32")


_CAM_PARTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # model -> (maps model, softmax Dense)


def _cam_parts(model):
    """(image -> the maps entering the last GAP, the softmax Dense after it), built once per model."""
    import keras

    if model not in _CAM_PARTS:
        gap = next((layer for layer in reversed(model.layers)
                    if isinstance(layer, keras.layers.GlobalAveragePooling2D)), None)
        dense, _ = _softmax_dense(model)
        if gap is None or dense is None:
            raise ValueError("CAM needs a GAP layer followed by one softmax Dense layer (use Grad-CAM here).")
        _CAM_PARTS[model] = (keras.Model(model.inputs[0] if len(model.inputs) == 1 else model.inputs, gap.input),
                             dense)
    return _CAM_PARTS[model]


def class_activation_map(model, images: np.ndarray, classes, batch_size: int = 256) -> np.ndarray:
    """CAM (§12.6): M_c(i, j) = Σ_k w_k^c f_k(i, j), f the maps entering the network's GAP, w the softmax Dense's
    weights; (n, h, w) at the maps' resolution, one class per image."""
    import keras

    maps, dense = _cam_parts(model)
    x = np.asarray(images, "float32")
    f = np.concatenate([keras.ops.convert_to_numpy(maps(x[i:i + batch_size], training=False))
                        for i in range(0, len(x), batch_size)])  # direct calls: no predict function per call
    w = keras.ops.convert_to_numpy(dense.kernel)  # (k, classes)
    return np.einsum("nhwk,kn->nhw", f, w[:, np.broadcast_to(np.asarray(classes), (len(f),))])


def cam_heatmaps(model, images: np.ndarray, classes) -> np.ndarray:
    """CAMs as heatmaps over the input (n, H, W): the positive evidence ReLU(M_c), then upsampled (upsampling
    first would let the negative maps around the object eat into its region)."""
    images = np.asarray(images, "float32")
    return upsample(np.maximum(class_activation_map(model, images, classes), 0), images.shape[1:3])


def augmented_cam(model, images: np.ndarray, classes, views: int = 2) -> np.ndarray:
    """The augmented CAM of §12.7 over rotations: CAM heatmaps (n, H, W) of square images averaged over `views`
    (1–8) of their 4 quarter turns, then those turns mirrored, each map turned back first. One view's CAM sits on
    the parts the filters find telling in that orientation (a triangle's corner), another view adds the rest."""
    total = 0.0
    for k in range(views):
        turn, mirror = k % 4, k >= 4
        v = np.rot90(images, turn, axes=(1, 2))
        v = v[:, :, ::-1] if mirror else v
        m = np.maximum(class_activation_map(model, np.ascontiguousarray(v, "float32"), classes), 0)  # (n, h, w)
        total = total + np.rot90(m[:, :, ::-1] if mirror else m, -turn, axes=(1, 2))
    return upsample(total / views, images.shape[1:3])


def grad_cam(ex: Explainer, image: np.ndarray, class_index: int | None = None) -> tuple[np.ndarray, int]:
    """Grad-CAM (§12.5): ReLU(Σ_k α_k A_k), α_k = mean_ij ∂y^c/∂A_k(i, j); (h, w) at the maps' resolution, and c."""
    import keras

    from .backend import value_and_gradient

    a = ex.maps(np.asarray(image, "float32")[None])  # (1, h, w, k)
    if class_index is None:
        class_index = int(np.argmax(keras.ops.convert_to_numpy(ex.scores(a))[0]))
    _, g = value_and_gradient(lambda m: ex.scores(m)[:, class_index], a)
    alpha = g.mean(axis=(1, 2))  # (1, k)
    return np.maximum((a * alpha[:, None, None, :]).sum(-1)[0], 0), class_index


def saliency_map(ex: Explainer, image: np.ndarray, class_index: int) -> np.ndarray:
    """Saliency (§12.3): |∂y^c/∂x|, the largest over the colour channels; (H, W)."""
    from .backend import value_and_gradient

    _, g = value_and_gradient(lambda v: ex.input_scores(v)[:, class_index], np.asarray(image, "float32")[None])
    return np.abs(g[0]).max(-1)


def heatmap_box(heat: np.ndarray, fraction: float = 0.25) -> np.ndarray:
    """The xyxy box of the largest connected region where the heatmap is ≥ `fraction` of its maximum (§11.4);
    zeros for an all-zero map."""
    from scipy import ndimage

    from .data.boxes import mask_to_box

    top = float(np.max(heat))
    if top <= 0:
        return np.zeros(4, "float32")
    labels, n = ndimage.label(heat >= fraction * top)
    sizes = ndimage.sum_labels(np.ones_like(labels), labels, index=np.arange(1, n + 1))
    return mask_to_box(labels == 1 + int(np.argmax(sizes)))
