"""`python -m anndl.bench perceptron`: iris against the course's plain §5 network, spiral, perceptron, speed.

Both iris runs validate (time to the target) on a validation split carved from the training rows; the test
rows are scored once, by the final model, after training.
"""

from __future__ import annotations

import time

import numpy as np

from anndl import data as catalogue
from anndl.bench import Baseline, BenchResult, Stopwatch
from anndl.device import backend_device
from anndl.nets.ffnn import FFNNConfig, build_ffnn
from anndl.nets.perceptron import GATES, train_perceptron
from anndl.topics.perceptron.job import DEFAULTS, model_config, train_model
from anndl.train import FitConfig, TimeToTarget, fit, set_seed

TARGET = 0.95


def plain_baseline(sp, n_classes: int, epochs: int, stop: bool = False, seed: int = 0):
    """The course's §5 iris network as keras.io writes it: 16 ReLU, softmax, Adam 1e-3, batch 16, model.fit."""
    import keras

    set_seed(seed)
    model = keras.Sequential([keras.Input((sp.x_train.shape[1],)), keras.layers.Dense(16, activation="relu"),
                              keras.layers.Dense(n_classes, activation="softmax")])
    model.compile(keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    timer = TimeToTarget(TARGET, stop=stop)
    with Stopwatch() as sw:
        model.fit(sp.x_train, sp.y_train, epochs=epochs, batch_size=16, verbose=0,
                  validation_data=(sp.x_val, sp.y_val), callbacks=[timer])
    return _test_accuracy(model, sp), sw.seconds, timer


def ours(ds, sp, epochs: int, stop: bool = False, seed: int = 0):
    """The page's default network on iris, through anndl's one training loop."""
    set_seed(seed)
    model = build_ffnn(model_config(ds, sp, FFNNConfig().to_dict(), seed))
    timer = TimeToTarget(TARGET, stop=stop)
    summary = fit(model, sp.x_train, sp.y_train, FitConfig(epochs=epochs, batch_size=16),
                  validation_data=(sp.x_val, sp.y_val), callbacks=[timer])
    return _test_accuracy(model, sp), summary["train_s"], timer


def _test_accuracy(model, sp) -> float:
    """Accuracy of the final model on the test rows, measured once after training."""
    return float(np.mean(model.predict(sp.x_test, verbose=0).argmax(-1) == sp.y_test))


def _median(values):
    """Median of the runs that reached the target; None if fewer than half did."""
    hit = sorted(v for v in values if v is not None)
    return float(np.median(hit)) if len(hit) * 2 > len(values) else None


def perceptron_epochs() -> dict[str, int | None]:
    out = {}
    for gate in ("AND", "OR", "XOR"):
        steps, converged = train_perceptron(*GATES[gate], eta=0.25, max_epochs=50)
        out[gate] = steps[-1].epoch if converged else None
    return out


def playground_run(epochs: int = 100) -> dict:
    """The page's default 2-D training (spiral, 500 points, 100 epochs) with its event cadence."""
    events: list[tuple[float, dict]] = []
    t0 = time.perf_counter()
    result = train_model({**DEFAULTS, "fit": {**DEFAULTS["fit"], "epochs": epochs}},
                         report=lambda e: events.append((time.perf_counter(), e)))
    total = time.perf_counter() - t0
    stamps = [t for t, _ in events]
    return {"seconds": total, "train_accuracy": result["history"]["accuracy"][-1],
            "first_update_s": stamps[0] - t0 if stamps else total,  # data, build and graph tracing
            "max_gap_s": float(np.max(np.diff(stamps))) if len(stamps) > 1 else total,
            "test_accuracy": result["test"]["accuracy"]}


def bench(quick: bool = False, tiny: bool = False) -> BenchResult:
    ds = catalogue.load("iris")
    sp = catalogue.split(ds, test=0.2, val=0.2, seed=0)  # 96 train / 24 validation / 30 test rows
    base_epochs, our_epochs = (20, 10) if tiny else (150, 60) if quick else (500, 100)
    b_acc, b_s, b_timer = plain_baseline(sp, ds.n_classes, base_epochs)
    o_acc, o_s, o_timer = ours(ds, sp, our_epochs)
    play = playground_run(5 if tiny else 100)
    gates = perceptron_epochs()
    n_train = len(sp.x_train)
    # Time to 0.95: the median of three seeds each (runs stop at the target), as DESIGN §8 asks for noise.
    seeds = () if tiny else (1, 2)
    o_times = [o_timer.seconds] + [ours(ds, sp, 100, True, s)[2].seconds for s in seeds]
    b_times = [b_timer.seconds] + [plain_baseline(sp, ds.n_classes, base_epochs, True, s)[2].seconds for s in seeds]
    o_med, b_med = _median(o_times), _median(b_times)
    ratio = o_med / b_med if o_med and b_med else None
    rows = [
        {"run": "anndl default (16,16) ReLU, Adam 1e-2, standardised", "test_acc": o_acc, "train_s": o_s,
         "s_to_0.95 (median of 3)": o_med if o_med is not None else "never"},
        {"run": f"plain §5 net 16 ReLU, Adam 1e-3, batch 16, {base_epochs} ep", "test_acc": b_acc, "train_s": b_s,
         "s_to_0.95 (median of 3)": b_med if b_med is not None else "never"},
        {"run": "playground default: spiral 500 pts, 100 epochs", "test_acc": play["test_accuracy"],
         "train_s": play["seconds"], "s_to_0.95 (median of 3)": f"train acc {play['train_accuracy']:.3f}"},
        {"run": "perceptron epochs to converge (AND / OR / XOR)", "test_acc": "",
         "train_s": "", "s_to_0.95 (median of 3)": " / ".join(str(gates[g] or "never") for g in ("AND", "OR", "XOR"))},
    ]
    return BenchResult(
        topic="perceptron", dataset="iris (150: seeded 96 train / 24 validation / 30 test)", metric="test_accuracy",
        value=o_acc,
        train_s=o_s, samples_per_s=n_train * our_epochs / o_s,
        baseline=Baseline("keras.io-style 16-ReLU Sequential, Adam 1e-3, batch 16", b_acc, b_s),
        device=backend_device(), rows=rows,
        extra={"time_to_0.95_s": o_med, "baseline_time_to_0.95_s": b_med, "runs_s": o_times,
               # the first seed compiles its steps; on JAX the later ones reuse the compilation cache (anndl/__init__)
               "time_to_0.95_first_run_s": o_times[0], "baseline_time_to_0.95_first_run_s": b_times[0],
               "baseline_runs_s": b_times,
               "time_to_0.95_ratio": ratio, "baseline_samples_per_s": n_train * base_epochs / b_s,
               "spiral_train_accuracy": play["train_accuracy"], "playground_seconds": play["seconds"],
               "playground_max_update_gap_s": play["max_gap_s"],
               "playground_first_update_s": play["first_update_s"], "perceptron_epochs": gates})
