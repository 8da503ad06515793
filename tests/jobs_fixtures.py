"""Tiny job functions for tests/unit/test_jobs.py, importable by the runner's spawned workers."""

from __future__ import annotations

import os
import time


def epochs(params: dict, ctx) -> dict:
    """`n` fake epochs of `epoch_s` seconds, reporting each and checking the cancel flag between them."""
    done = 0
    for epoch in range(1, min(params.get("n", 3), ctx.max_epochs) + 1):
        if ctx.cancelled():
            break
        time.sleep(params.get("epoch_s", 0.0))
        done = epoch
        ctx.report({"kind": "epoch", "epoch": epoch, "epochs": params.get("n", 3), "logs": {"loss": 1.0 / epoch},
                    "pid": os.getpid(), "t": time.time()})
    return {"epochs_run": done, "value": params.get("value")}


def stubborn(params: dict, ctx) -> dict:
    """Ignores cancel and time limit: only killing the worker stops it."""
    ctx.report({"kind": "batch", "pid": os.getpid()})
    time.sleep(params.get("sleep_s", 600))
    return {"slept": True}


def failing(params: dict, ctx) -> dict:
    raise ValueError("the learning rate must be positive")


def unpicklable(params: dict, ctx) -> dict:
    return {"callback": lambda: None}


def keras_fit(params: dict, ctx) -> dict:
    """A tiny dense net trained through anndl.train.fit: cancel goes through the Keras ProgressCallback."""
    import keras
    import numpy as np

    from anndl.train import FitConfig, fit, set_seed

    set_seed(0)
    x = np.random.default_rng(0).normal(size=(256, 4)).astype("float32")
    y = (x.sum(1) > 0).astype("float32")
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    pause = params.get("batch_s", 0.0)  # slows the epochs down so the test can press Stop mid-training
    slow = keras.callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs=None: time.sleep(pause))
    stamped = lambda event: ctx.report({**event, "t": time.time()})  # noqa: E731  (when each epoch ended)
    summary = fit(model, x, y, FitConfig(epochs=params.get("epochs", 50), batch_size=32), report=stamped,
                  cancelled=ctx.cancelled, max_epochs=ctx.max_epochs, callbacks=[slow])
    path = os.path.join(ctx.workdir, "model.keras")
    model.save(path)
    return {"epochs_run": summary["epochs_run"], "cancelled": summary["cancelled"], "model": path}


def workdir_file(params: dict, ctx) -> dict:
    """Writes one file into its workdir and returns where it was."""
    path = os.path.join(ctx.workdir, "model.keras")
    with open(path, "wb") as f:
        f.write(b"x")
    return {"path": path, "existed": os.path.exists(path)}


def backend_seen(params: dict, ctx) -> dict:
    """What the worker's process runs on: Keras' backend (imported here) and the GPU memory variables it got."""
    import keras

    names = ("KERAS_BACKEND", "XLA_PYTHON_CLIENT_PREALLOCATE", "XLA_PYTHON_CLIENT_MEM_FRACTION",
             "TF_FORCE_GPU_ALLOW_GROWTH")
    return {"keras_backend": keras.backend.backend(), "env": {n: os.environ.get(n) for n in names}}


def niceness(params: dict, ctx) -> dict:
    """The worker process's scheduling niceness (os.nice(0) reads it without changing it)."""
    return {"nice": os.nice(0)}
