"""`python -m anndl.bench fit`: `anndl.train.fit`'s in-memory input path (`anndl.backend.in_memory_inputs`) against
plain `model.fit(x, y, validation_data=...)` on numpy arrays, same network, data and epochs, on the Keras backend
of this process (run it once per KERAS_BACKEND to compare backends).

The task is the playground's default (spiral, 500 points, 20 % validation, a 2-16-16-1 network, batch 16): a small
course network, where Keras' per-epoch overhead rather than arithmetic sets the speed. Each path trains a fresh
model `repeats` times (compilation included, as a page pays it); the JSON's value is the median seconds of
`anndl.train.fit`, the baseline's that of plain `fit`; extra.ratio = plain / ours (> 1: ours is faster) and the
median steady-state milliseconds an epoch (epochs after the first).
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from .bench import Baseline, BenchResult


def _model(seed: int):
    import keras

    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(16, activation="tanh"),
                              keras.layers.Dense(16, activation="tanh"), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(keras.optimizers.Adam(0.01), "binary_crossentropy", metrics=["accuracy"])
    return model


def _epoch_clock():
    import keras

    class EpochClock(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.times = [time.perf_counter()]

        def on_epoch_end(self, epoch, logs=None):
            self.times.append(time.perf_counter())

    return EpochClock()


def _run(path: str, data, epochs: int, seed: int) -> dict:
    from .train import FitConfig, fit

    x, y, xv, yv = data
    model, clock = _model(seed), _epoch_clock()
    t0 = time.perf_counter()
    if path == "ours":
        fit(model, x, y, FitConfig(epochs=epochs, batch_size=16, seed=seed), validation_data=(xv, yv),
            callbacks=[clock])
    else:
        model.fit(x, y, batch_size=16, epochs=epochs, validation_data=(xv, yv), verbose=0, callbacks=[clock])
    seconds = time.perf_counter() - t0
    steady = np.diff(clock.times)[1:]
    acc = float(model.evaluate(xv, yv, verbose=0, return_dict=True)["accuracy"])
    return {"seconds": seconds, "epoch_ms": 1000 * float(np.median(steady)) if len(steady) else 0.0, "val_acc": acc}


def bench(quick: bool = False, tiny: bool = False) -> BenchResult:
    from .backend import name
    from .data.toy2d import spiral

    epochs, repeats = (3, 1) if tiny else (30, 3) if quick else (100, 5)
    ds = spiral(500, seed=0)
    order = np.random.default_rng(0).permutation(len(ds.x))
    cut = int(0.8 * len(order))
    y = ds.y.astype("float32")
    data = (ds.x[order[:cut]], y[order[:cut]], ds.x[order[cut:]], y[order[cut:]])
    runs = {"ours": [], "plain": []}
    for i in range(repeats):  # interleaved, so a load change on the machine hits both paths alike
        for path in runs:
            runs[path].append(_run(path, data, epochs, seed=i))
    med = {p: {k: statistics.median(r[k] for r in rs) for k in rs[0]} for p, rs in runs.items()}
    ours, plain = med["ours"], med["plain"]
    rows = [{"path": f"anndl.train.fit ({'tf.data stream' if name() == 'tensorflow' else 'numpy arrays'})", **ours},
            {"path": "plain model.fit on numpy arrays", **plain}]
    extra = {"backend": name(), "ratio": plain["seconds"] / ours["seconds"],
             "epoch_ms_ratio": plain["epoch_ms"] / max(ours["epoch_ms"], 1e-9), "epoch_ms": ours["epoch_ms"],
             "baseline_epoch_ms": plain["epoch_ms"], "epochs": epochs, "repeats": repeats}
    return BenchResult(topic="fit", dataset=f"spiral 500 points (400 train, 100 validation), {epochs} epochs, batch 16",
                       metric="seconds (median of fresh runs, compilation included)", value=ours["seconds"],
                       train_s=ours["seconds"], samples_per_s=cut * epochs / ours["seconds"],
                       baseline=Baseline("plain model.fit(x, y, validation_data) on numpy arrays", plain["seconds"],
                                         plain["seconds"]), rows=rows, extra=extra)
