"""The one backend-specific piece of the explanations: the gradient of a function's output w.r.t. its input.

Everything else in anndl.explain is keras.ops; saliency, Grad-CAM and gradient ascent (§12.3–§12.5) only ask
this module for d sum(f(x)) / dx, on TensorFlow (GradientTape), JAX (jax.grad) or PyTorch (autograd).
"""

from __future__ import annotations

from typing import Callable

import numpy as np


def value_and_gradient(fn: Callable, x) -> tuple[np.ndarray, np.ndarray]:
    """(f(x), d sum(f(x)) / dx) as NumPy arrays; `fn` maps a tensor to a tensor with keras.ops."""
    import keras

    backend = keras.backend.backend()
    x = np.asarray(x, "float32")
    if backend == "tensorflow":
        import tensorflow as tf

        t = tf.convert_to_tensor(x)
        with tf.GradientTape() as tape:
            tape.watch(t)
            y = fn(t)
            total = tf.reduce_sum(y)
        return np.asarray(y), np.asarray(tape.gradient(total, t))
    if backend == "jax":
        import jax
        import jax.numpy as jnp

        def total(v):
            y = fn(v)
            return jnp.sum(y), y

        (_, y), g = jax.value_and_grad(total, has_aux=True)(jnp.asarray(x))
        return np.asarray(y), np.asarray(g)
    if backend == "torch":
        t = keras.ops.convert_to_tensor(x).detach().requires_grad_(True)
        y = fn(t)
        y.sum().backward()
        return keras.ops.convert_to_numpy(y.detach()), keras.ops.convert_to_numpy(t.grad)
    raise NotImplementedError(f"Gradients are not wired for the {backend!r} backend.")
