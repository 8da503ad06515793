"""What is genuinely backend-specific in anndl, chosen by `keras.backend.backend()` (TensorFlow, JAX, PyTorch).

Everything else is keras.ops / keras.random. Here: gradients (of a function's output w.r.t. its input for the
explanations of §12.3–§12.5, of a loss w.r.t. variables for the GAN of §22.3 and the optimiser paths of §4.3),
custom training steps under JAX's stateless `fit`, compiled functions (decoding steps), the in-memory input
pipeline of `anndl.train.fit` (which device the backend computes on: `anndl.device.backend_device`).
"""

from __future__ import annotations

import os
from typing import Any, Callable

import numpy as np


def name() -> str:
    """'tensorflow', 'jax' or 'torch'."""
    import keras

    return keras.backend.backend()


KNOWN = ("tensorflow", "jax", "torch")


def use_env_backend() -> None:
    """`ANNDL_BACKEND`, when set, chooses KERAS_BACKEND for this process and the workers it starts (they inherit
    the environment); `import anndl` calls it, so import anndl before keras."""
    chosen = os.environ.get("ANNDL_BACKEND", "").strip().lower()
    if not chosen:
        return
    if chosen not in KNOWN:
        raise ValueError(f"ANNDL_BACKEND={chosen!r} is not a Keras backend anndl runs on: use {', '.join(KNOWN)}.")
    os.environ["KERAS_BACKEND"] = chosen


def value_and_gradient(fn: Callable, x) -> tuple[np.ndarray, np.ndarray]:
    """(f(x), d sum(f(x)) / dx) as NumPy arrays; `fn` maps a tensor to a tensor with keras.ops."""
    import keras

    backend, x = name(), np.asarray(x, "float32")
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


def loss_and_gradients(loss_fn: Callable[[], tuple], variables: list) -> tuple[Any, Any, list]:
    """(loss, aux, d loss / d variables) for `loss_fn() -> (loss, aux)` reading Keras variables (a GradientTape,
    jax.grad or autograd); `aux` holds tensors computed on the way (e.g. logits), safe to use afterwards.

    On JAX it runs inside a stateless scope: other variables the loss updates (a SeedGenerator's state, batch
    statistics) are handed on to the enclosing scope, or assigned when there is none.
    """
    backend = name()
    if backend == "tensorflow":
        import tensorflow as tf

        with tf.GradientTape() as tape:
            loss, aux = loss_fn()
        return loss, aux, tape.gradient(loss, variables)
    if backend == "jax":
        return _jax_loss_and_gradients(loss_fn, variables)
    if backend == "torch":
        import torch

        loss, aux = loss_fn()
        return loss, aux, list(torch.autograd.grad(loss, [v.value for v in variables]))
    raise NotImplementedError(f"Gradients are not wired for the {backend!r} backend.")


def _jax_loss_and_gradients(loss_fn, variables):
    import jax
    import keras
    from keras.src.backend.common.stateless_scope import get_stateless_scope

    outer = get_stateless_scope()
    base = dict(outer.state_mapping) if outer is not None else {}
    own = {id(v) for v in variables}

    class Recording(keras.StatelessScope):
        def add_update(self, update):
            super().add_update(update)
            self.updated[id(update[0])] = update[0]

    found: list = []  # the other variables the loss updated (jax returns values, not Variable objects)

    def pure(values):
        scope = Recording()
        scope.updated = {}
        scope.state_mapping = {**base, **{id(v): val for v, val in zip(variables, values)}}
        with scope:
            loss, aux = loss_fn()
        found[:] = [var for i, var in scope.updated.items() if i not in own]
        return loss, (aux, [scope.state_mapping[id(var)] for var in found])

    (loss, (aux, values)), grads = jax.value_and_grad(pure, has_aux=True)([v.value for v in variables])
    for var, value in zip(found, values):
        if outer is not None:
            outer.add_update((var, value))
        else:
            var.assign(value)
    return loss, aux, grads


def train_step(model, args: tuple, step: Callable[[Any], dict], extra_variables: list = ()):
    """A custom `train_step` body `step(data) -> logs` that updates variables in place, on every backend.

    TensorFlow and PyTorch call `train_step(data)`: `step` runs as is. JAX's `fit` calls `train_step(state, data)`
    and expects `(logs, state)`: `step` runs as one jitted pure function over the model's state and
    `extra_variables` (e.g. the GAN's two optimisers, which `fit` does not carry); compile such a model with
    `jit_compile=False` on JAX (the step jits itself, then assigns the extra variables).
    """
    if name() != "jax":
        return step(args[-1])
    import jax
    import keras

    state, data = args
    variables = [*model.trainable_variables, *model.non_trainable_variables, *model.optimizer.variables,
                 *model.metrics_variables, *extra_variables]
    jitted = getattr(model, "_anndl_jax_step", None)
    if jitted is None:
        def pure(values, data):
            with keras.StatelessScope(state_mapping=list(zip(variables, values))) as scope:
                logs = step(data)
            return logs, [scope.get_current_value(v) for v in variables]

        jitted = model._anndl_jax_step = jax.jit(pure)
    values = [value for part in state for value in part] + [v.value for v in extra_variables]
    logs, new = jitted(values, data)
    for var, value in zip(extra_variables, new[len(new) - len(extra_variables):]):
        var.assign(value)
    out, start = [], 0
    for part in state:
        out.append(new[start:start + len(part)])
        start += len(part)
    return logs, tuple(out)


def steps_per_execution(n: int) -> int:
    """`n` training steps per compiled call where the backend can (TensorFlow, JAX); PyTorch's trainer runs one."""
    return 1 if name() == "torch" else n


def compiled(fn: Callable, variables: list = ()) -> Callable:
    """`fn` compiled for repeated calls with changing shapes: tf.function (reduce_retracing) or jax.jit; on
    PyTorch it runs eagerly under `torch.no_grad()` (these are inference steps).

    On JAX the values of `variables` (the Keras variables `fn` reads, e.g. `model.variables`) are arguments of the
    compiled function, not constants baked into it: weights that change later are seen.
    """
    backend = name()
    if backend == "tensorflow":
        import tensorflow as tf

        return tf.function(fn, reduce_retracing=True)
    if backend == "jax":
        import jax
        import keras

        variables = list(variables)

        @jax.jit
        def pure(values, *args):
            with keras.StatelessScope(state_mapping=list(zip(variables, values))):
                return fn(*args)

        return lambda *args: pure([v.value for v in variables], *args)
    if backend == "torch":  # eager, but without autograd's graph: outputs need no detaching
        import torch

        return torch.no_grad()(fn)
    return fn


def descent_path(loss_of: Callable, start, optimizer, steps: int) -> np.ndarray:
    """(steps + 1, 2) positions of a Keras optimiser minimising `loss_of(x, y)` from `start` (§4.3), compiled."""
    import keras

    var = keras.Variable(np.array(start, dtype="float32"))
    backend = name()
    if backend == "tensorflow":
        import tensorflow as tf

        @tf.function
        def run(n):  # the whole descent as one graph
            out = tf.TensorArray(tf.float32, size=n + 1).write(0, var.value)
            for i in tf.range(n):
                with tf.GradientTape() as tape:
                    loss = loss_of(var.value[0], var.value[1])
                optimizer.apply([tape.gradient(loss, var.value)], [var])
                out = out.write(i + 1, var.value)
            return out.stack()

        return run(tf.constant(steps)).numpy()
    if backend == "jax":
        import jax

        optimizer.build([var])
        grad = jax.grad(lambda p: loss_of(p[0], p[1]))

        @jax.jit
        def run(pos, opt_values):
            def body(carry, _):
                pos, opt_values = carry
                (pos,), opt_values = optimizer.stateless_apply(opt_values, [grad(pos)], [pos])
                return (pos, opt_values), pos

            _, path = jax.lax.scan(body, (pos, opt_values), None, length=steps)
            return path

        path = run(var.value, [v.value for v in optimizer.variables])
        return np.concatenate([np.asarray(start, "float32")[None], np.asarray(path)])
    path = [np.asarray(start, "float32")]
    for _ in range(steps):
        _, _, (g,) = loss_and_gradients(lambda: (loss_of(var.value[0], var.value[1]), None), [var])
        optimizer.apply([g], [var])
        path.append(keras.ops.convert_to_numpy(var.value))
    return np.stack(path)


def in_memory_inputs(x: np.ndarray, y: np.ndarray, validation_data, batch_size: int, seed: int = 0) -> dict:
    """`model.fit` keyword arguments for arrays held in memory, the fastest way on this backend.

    TensorFlow: Keras builds a new iterator for numpy inputs every epoch (and for validation every epoch); on small
    course networks that costs more than the training itself (measured 4.7x slower for 100 epochs on the spiral).
    A repeated, reshuffled tf.data stream keeps one iterator for the whole run; validation is pre-batched.
    JAX and PyTorch: Keras' own numpy path has no tf.data iterator to rebuild (`python -m anndl.bench fit`
    measures it against the alternatives), so the arrays go to `fit` as they are, shuffled in Keras.
    """
    n = len(x)
    batch_size = max(1, min(int(batch_size), n))
    if name() != "tensorflow":
        return {"x": x, "y": y, "batch_size": batch_size, "shuffle": True, "validation_data": validation_data}
    import tensorflow as tf

    train = (tf.data.Dataset.from_tensor_slices((x, y)).shuffle(n, seed=seed, reshuffle_each_iteration=True)
             .batch(batch_size).repeat().prefetch(2))
    out: dict[str, Any] = {"x": train, "y": None, "batch_size": None, "steps_per_epoch": -(-n // batch_size),
                           "validation_data": None, "shuffle": False}
    if validation_data is not None and len(validation_data[0]):
        xv, yv = validation_data[0], validation_data[1]
        out["validation_data"] = tf.data.Dataset.from_tensor_slices((xv, yv)).batch(4096).cache()
    return out


def version() -> str:
    """The backend library's version (artifact sidecars)."""
    import importlib

    backend = name()
    return importlib.import_module(backend).__version__
