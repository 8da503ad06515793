"""Activations with their derivatives (§3.3, vanishing gradients) and optimiser paths on 2-D losses (§4.3)."""

from __future__ import annotations

import numpy as np

# Loss surfaces f(x, y) written with keras.ops so the gradient comes from automatic differentiation.
SURFACES = {
    "elongated bowl": ("0.05·x² + 2·y²: ill-conditioned, SGD zig-zags", (-4.0, 4.0, -2.0, 2.0), (-3.5, 1.5)),
    "rosenbrock": ("(1−x)² + 10·(y−x²)²: a curved valley, minimum at (1, 1)", (-2.0, 2.0, -1.0, 3.0), (-1.5, 2.5)),
    "saddle": ("x² − y² + 0.1·y⁴: a saddle at the origin, minima at y = ±√5", (-2.0, 2.0, -3.0, 3.0), (1.5, 0.01)),
}


def surface_value(name: str, x, y):
    from keras import ops

    if name == "elongated bowl":
        return 0.05 * x**2 + 2.0 * y**2
    if name == "rosenbrock":
        return (1.0 - x) ** 2 + 10.0 * (y - x**2) ** 2
    if name == "saddle":
        return x**2 - y**2 + 0.1 * ops.power(y, 4)
    raise ValueError(f"Unknown surface {name!r}")


def surface_grid(name: str, n: int = 60) -> dict:
    """f over an n×n grid of the surface's box, for the background of the path chart."""
    x0, x1, y0, y1 = SURFACES[name][1]
    xs, ys = np.linspace(x0, x1, n), np.linspace(y0, y1, n)
    gx, gy = np.meshgrid(xs, ys)
    z = np.asarray(surface_value(name, gx, gy), dtype=float)
    return {"xs": xs.tolist(), "ys": ys.tolist(), "z": z.tolist()}


def optimizer_paths(name: str, start: tuple[float, float], learning_rate: float, steps: int = 100,
                    optimizers=("sgd", "momentum", "nesterov", "rmsprop", "adam")) -> dict[str, list[list[float]]]:
    """Positions visited by each Keras optimiser from `start`, minimising the surface `name`."""
    from anndl.backend import descent_path
    from anndl.nets.ffnn import make_optimizer

    paths = {}
    for opt_name in optimizers:
        path = descent_path(lambda x, y: surface_value(name, x, y), start, make_optimizer(opt_name, learning_rate),
                            steps)
        bad = ~np.all(np.isfinite(path), axis=1) | (np.abs(path).max(axis=1) > 1e3)
        if bad.any():  # diverged: the step is too large for this surface
            path = path[: int(np.argmax(bad))]
        paths[opt_name] = path.tolist()
    return paths


def activation_curves(names, lo: float = -5.0, hi: float = 5.0, n: int = 201) -> list[dict]:
    """f(a) and f'(a) for each activation (Keras' own functions, derivative by autodiff)."""
    import keras

    from anndl.backend import value_and_gradient

    a = np.linspace(lo, hi, n, dtype="float32")
    rows = []
    for name in names:
        f, d = value_and_gradient(keras.activations.get(name), a)
        rows.append({"name": name, "a": a.tolist(), "f": f.tolist(), "df": d.tolist(), "max_df": float(np.max(d))})
    return rows
