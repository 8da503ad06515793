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
    import keras
    import tensorflow as tf

    from anndl.nets.ffnn import make_optimizer

    paths = {}
    for opt_name in optimizers:
        var = keras.Variable(np.array(start, dtype="float32"))
        opt = make_optimizer(opt_name, learning_rate)

        @tf.function
        def run(n):  # the whole descent as one graph: (n + 1, 2) positions
            out = tf.TensorArray(tf.float32, size=n + 1).write(0, var.value)
            for i in tf.range(n):
                with tf.GradientTape() as tape:
                    loss = surface_value(name, var.value[0], var.value[1])
                opt.apply([tape.gradient(loss, var.value)], [var])
                out = out.write(i + 1, var.value)
            return out.stack()

        path = run(tf.constant(steps)).numpy()
        bad = ~np.all(np.isfinite(path), axis=1) | (np.abs(path).max(axis=1) > 1e3)
        if bad.any():  # diverged: the step is too large for this surface
            path = path[: int(np.argmax(bad))]
        paths[opt_name] = path.tolist()
    return paths


def activation_curves(names, lo: float = -5.0, hi: float = 5.0, n: int = 201) -> list[dict]:
    """f(a) and f'(a) for each activation (Keras' own functions, derivative by autodiff)."""
    import keras
    import tensorflow as tf

    a = tf.constant(np.linspace(lo, hi, n, dtype="float32"))
    rows = []
    for name in names:
        fn = keras.activations.get(name)
        with tf.GradientTape() as tape:
            tape.watch(a)
            f = fn(a)
        d = tape.gradient(f, a)
        rows.append({"name": name, "a": a.numpy().tolist(), "f": f.numpy().tolist(), "df": d.numpy().tolist(),
                     "max_df": float(np.max(d.numpy()))})
    return rows
