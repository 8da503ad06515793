"""More ways to ask where a network looks, and whether the answer means anything (course §12.4, §12.8):
RISE, the input that maximally activates a class, and the model-randomisation sanity check of Adebayo et al.
(2018). They take an `anndl.explain.Explainer`; gradients come from `anndl.backend`."""

from __future__ import annotations

import numpy as np

from .explain import Explainer


def class_probabilities(ex: Explainer, images: np.ndarray, batch_size: int = 256) -> np.ndarray:
    """(n, classes) probabilities: the softmax of the explained scores (or the outputs when there is no softmax)."""
    import keras

    x = np.asarray(images, "float32")
    s = np.concatenate([keras.ops.convert_to_numpy(ex.input_scores(x[i:i + batch_size]))
                        for i in range(0, len(x), batch_size)])
    if ex.dense is None:
        return s
    e = np.exp(s - s.max(1, keepdims=True))
    return e / e.sum(1, keepdims=True)


def rise(ex: Explainer, image: np.ndarray, class_index: int, n_masks: int = 500, grid: int = 8, p: float = 0.5,
         seed: int = 0) -> np.ndarray:
    """RISE (§12.8): random masks M_i (a coarse grid of keep/drop cells, upsampled and shifted), saliency
    S = Σ_i P(c | x ⊙ M_i) M_i / (N·p); (H, W), no gradient needed."""
    from .explain import upsample

    h, w = image.shape[:2]
    ch, cw = -(-h // grid), -(-w // grid)
    rng = np.random.default_rng(seed)
    cells = (rng.random((n_masks, grid, grid)) < p).astype("float32")
    big = upsample(cells, ((grid + 1) * ch, (grid + 1) * cw))
    dy, dx = rng.integers(0, ch, n_masks), rng.integers(0, cw, n_masks)
    masks = np.stack([big[i, dy[i]:dy[i] + h, dx[i]:dx[i] + w] for i in range(n_masks)])  # (N, H, W)
    scores = class_probabilities(ex, image[None] * masks[..., None])[:, class_index]
    return np.tensordot(scores, masks, axes=1) / (n_masks * p)


def class_visualisation(ex: Explainer, class_index: int, steps: int = 60, step_size: float = 0.05,
                        l2: float = 0.01) -> np.ndarray:
    """The input that maximally activates a class (§12.4): gradient ascent on y^c(x) − λ‖x‖², from gray, kept in
    [0, 1]; (H, W, C)."""
    from .backend import value_and_gradient

    x = np.full((1, *ex.model.input_shape[1:]), 0.5, "float32")
    for _ in range(steps):
        _, g = value_and_gradient(lambda v: ex.input_scores(v)[:, class_index], x)
        g = g - 2 * l2 * x
        x = np.clip(x + step_size * g / (np.abs(g).max() + 1e-12), 0, 1)
    return x[0]


def weighted_class_path(model) -> list[str]:
    """The layers with weights that the class score depends on, the output's first."""
    from .explain import class_path

    return [layer.name for layer in class_path(model) if layer.weights]


def randomised_copy(model, top_k: int, seed: int = 0):
    """The model with the top `top_k` weighted layers of its class path re-drawn from their initialisers and every
    other weight kept (the cascading randomisation of Adebayo et al., 2018)."""
    import keras

    keras.utils.set_random_seed(seed)
    clone = keras.models.clone_model(model)
    random = set(weighted_class_path(model)[:top_k])
    for layer in model.layers:
        if layer.weights and layer.name not in random:
            clone.get_layer(layer.name).set_weights(layer.get_weights())
    return clone


def rank_similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Spearman's ρ between two maps' pixels: near 1 when randomising the weights left a map unchanged."""
    from scipy.stats import spearmanr

    if np.ptp(a) == 0 or np.ptp(b) == 0:
        return float("nan")
    return float(spearmanr(np.ravel(a), np.ravel(b)).statistic)


def augmented_cam(ex: Explainer, image: np.ndarray, class_index: int, shifts: int | None = None) -> np.ndarray:
    """Augmented super-resolution CAM (§12.7): the maps of the image shifted by every (dy, dx) below the maps'
    stride, each enlarged to the input, shifted back and averaged, so the shifts fill in the detail one coarse
    map cannot hold; Grad-CAM maps when the network has no GAP + softmax Dense. (H, W)."""
    from .explain import class_activation_map, grad_cam

    h, w = image.shape[:2]
    fh = ex.trunk.output.shape[1]
    s = shifts or max(1, h // fh)
    offsets = [(dy, dx) for dy in range(s) for dx in range(s)]
    shifted = np.stack([np.roll(image, (dy, dx), axis=(0, 1)) for dy, dx in offsets])
    try:
        maps = np.maximum(class_activation_map(ex.model, shifted, [class_index]), 0)
    except ValueError:
        maps = np.stack([grad_cam(ex, x, class_index)[0] for x in shifted])
    out = np.zeros((h, w), "float32")
    for (dy, dx), m in zip(offsets, maps):
        big = np.kron(m, np.ones((-(-h // m.shape[0]), -(-w // m.shape[1])), "float32"))[:h, :w]
        out += np.roll(big, (-dy, -dx), axis=(0, 1))
    return out / len(offsets)
