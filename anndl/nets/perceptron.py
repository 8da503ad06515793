"""The perceptron of Rosenblatt with Hebbian learning (course §2): h(x) = sign(w0 + w1·x1 + … + wI·xI)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Logic gates with targets in {-1, +1}; inputs in {0, 1} as in the lecture's truth tables.
GATES: dict[str, tuple[np.ndarray, np.ndarray]] = {
    "AND": (np.array([[0, 0], [0, 1], [1, 0], [1, 1]], float), np.array([-1, -1, -1, 1], float)),
    "OR": (np.array([[0, 0], [0, 1], [1, 0], [1, 1]], float), np.array([-1, 1, 1, 1], float)),
    "NOT": (np.array([[0], [1]], float), np.array([1, -1], float)),
    "XOR": (np.array([[0, 0], [0, 1], [1, 0], [1, 1]], float), np.array([-1, 1, 1, -1], float)),
}


def with_bias(x: np.ndarray) -> np.ndarray:
    """Prepend the constant input x0 = 1, so the bias is the weight w0."""
    return np.c_[np.ones(len(x)), x]


def perceptron_output(w: np.ndarray, x: np.ndarray) -> np.ndarray:
    """h(x) = sign(wᵀ[1, x]) with sign(0) = -1 (the lecture's convention: on the plane means 'not firing')."""
    return np.where(with_bias(x) @ w > 0, 1.0, -1.0)


def hebbian_update(w: np.ndarray, x: np.ndarray, t: float, eta: float) -> np.ndarray:
    """Hebb's rule: Δw = η·x·t on the bias-augmented input x = [1, x1, …]; returns the new weights."""
    return w + eta * np.r_[1.0, x] * t


@dataclass
class Step:
    epoch: int  # 1-based pass over the data
    index: int  # which sample was shown
    x: list[float]
    target: float
    output: float
    w_before: list[float]
    w_after: list[float]

    @property
    def updated(self) -> bool:
        return self.w_before != self.w_after


def train_perceptron(x: np.ndarray, t: np.ndarray, eta: float = 0.25, max_epochs: int = 20,
                     w0: np.ndarray | None = None) -> tuple[list[Step], bool]:
    """Hebbian learning as in the lecture: show each sample, update only when the output is wrong.

    Stops after the first epoch without errors (converged) or after `max_epochs` (no convergence, e.g. XOR:
    no hyperplane separates its classes). Returns every step and whether it converged.
    """
    w = np.zeros(x.shape[1] + 1) if w0 is None else np.asarray(w0, float).copy()
    steps: list[Step] = []
    for epoch in range(1, max_epochs + 1):
        errors = 0
        for i in range(len(x)):
            out = float(perceptron_output(w, x[i : i + 1])[0])
            before = w.copy()
            if out != t[i]:
                w = hebbian_update(w, x[i], t[i], eta)
                errors += 1
            steps.append(Step(epoch, i, x[i].tolist(), float(t[i]), out, before.tolist(), w.tolist()))
        if errors == 0:
            return steps, True
    return steps, False


def hyperplane(w, lo: float = -0.5, hi: float = 1.5) -> list[tuple[float, float]]:
    """Two points of the line w0 + w1·x1 + w2·x2 = 0 inside the box [lo, hi]², for drawing (empty if none)."""
    w0, w1, w2 = (list(w) + [0.0, 0.0])[:3]
    if abs(w2) > 1e-12:
        return [(x1, -(w0 + w1 * x1) / w2) for x1 in (lo, hi)]
    if abs(w1) > 1e-12:
        return [(-w0 / w1, lo), (-w0 / w1, hi)]
    return []
