"""The attention sandbox (§27.2–§27.3): how dot, scaled-dot, bilinear and MLP scores weigh a few small vectors.

score(q, k) is turned into weights with a softmax over the keys; the context is the weighted sum of the values.
"""

from __future__ import annotations

import numpy as np

SCORES = ("dot", "scaled dot", "bilinear", "MLP")


def softmax(z: np.ndarray) -> np.ndarray:
    z = np.asarray(z, dtype="float64")
    e = np.exp(z - z.max())
    return e / e.sum()


def scores(q: np.ndarray, keys: np.ndarray, kind: str = "dot", w: np.ndarray | None = None, seed: int = 0,
           hidden: int = 8) -> np.ndarray:
    """(n,) alignment scores of query q (d,) against keys (n, d).

    dot: qᵀk (Luong); scaled dot: qᵀk/√d (Transformer); bilinear: qᵀWk (Luong "general");
    MLP: vᵀtanh(W₁q + W₂k) (Bahdanau additive). W, W₁, W₂, v are random (seeded) unless `w` is given.
    """
    q, keys = np.asarray(q, "float64"), np.asarray(keys, "float64")
    d = q.shape[-1]
    rng = np.random.default_rng(seed)
    if kind == "dot":
        return keys @ q
    if kind == "scaled dot":
        return keys @ q / np.sqrt(d)
    if kind == "bilinear":
        w = rng.normal(size=(d, d)) / np.sqrt(d) if w is None else np.asarray(w, "float64")
        return keys @ (w.T @ q)  # qᵀ W k for every key
    if kind == "MLP":
        w1, w2 = rng.normal(size=(2, hidden, d)) / np.sqrt(d)
        v = rng.normal(size=hidden) / np.sqrt(hidden)
        return np.tanh(q @ w1.T + keys @ w2.T) @ v  # (n, hidden) -> (n,)
    raise ValueError(f"unknown score {kind!r}; choose one of {', '.join(SCORES)}")


def attention_weights(q, keys, kind: str = "dot", **kwargs) -> np.ndarray:
    """Softmax of the scores: the attention weights, non-negative and summing to 1."""
    return softmax(scores(q, keys, kind, **kwargs))


def context(q, keys, values, kind: str = "dot", **kwargs) -> np.ndarray:
    """The context vector: the values averaged with the attention weights."""
    return attention_weights(q, keys, kind, **kwargs) @ np.asarray(values, "float64")
