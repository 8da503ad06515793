"""`python -m anndl.bench cnn`: the default CNN and the augmented 'best' recipe against the keras.io
"simple MNIST convnet" (plain model.fit on numpy arrays), on the same MNIST-5k split, in the same run.

Every run validates (curves, time to a target, plateaus) on a validation split carved from the training
images; the test set is scored once, by the final model, after training.
"""

from __future__ import annotations

from types import SimpleNamespace

import keras

from anndl.bench import Baseline, BenchResult
from anndl.data import load, split
from anndl.data.images import DataMissing, fashion_arrays
from anndl.nets.augment import AugmentConfig, train_data
from anndl.nets.cnn import build_cnn
from anndl.train import FitConfig, TimeToTarget, fit, set_seed

from .job import RECIPES, config_from, one_hot


def keras_io_convnet(input_shape=(28, 28, 1), n_classes: int = 10) -> keras.Model:
    """keras.io/examples/vision/mnist_convnet, verbatim: the plain baseline."""
    from keras import layers

    model = keras.Sequential([keras.Input(shape=input_shape), layers.Conv2D(32, 3, activation="relu"),
                              layers.MaxPooling2D(2), layers.Conv2D(64, 3, activation="relu"), layers.MaxPooling2D(2),
                              layers.Flatten(), layers.Dropout(0.5), layers.Dense(n_classes, activation="softmax")])
    model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    return model


def _curve(history: dict) -> list[float]:
    return [round(v, 4) for v in history.get("val_accuracy", [])]


def _scores(name: str, model, sp, history: dict, t97, t98) -> dict:
    """Validation curve and times from training; test accuracy of the final model, measured once here."""
    acc = _curve(history)
    test = float(model.evaluate(sp.x_test, one_hot(sp.y_test, model.output_shape[-1]), verbose=0,
                                batch_size=512)[1])
    return {"name": name, "test": round(test, 4), "val_peak": max(acc), "epochs": len(acc),
            "train_s": t97.train_s, "t97": t97.seconds, "t98": t98.seconds, "curve": acc,
            "samples_per_s": len(sp.x_train) * len(acc) / t97.train_s}


def run_baseline(sp, epochs: int, seed: int) -> dict:
    set_seed(seed)
    model = keras_io_convnet()
    t97, t98 = TimeToTarget(0.97), TimeToTarget(0.98)
    hist = model.fit(sp.x_train, one_hot(sp.y_train, 10), batch_size=128, epochs=epochs, verbose=0,
                     validation_data=(sp.x_val, one_hot(sp.y_val, 10)), callbacks=[t97, t98])
    return _scores("keras.io simple convnet", model, sp, hist.history, t97, t98)


def run_recipe(name: str, sp, n_classes: int, epochs: int, seed: int, budget_s: float | None = None,
               recipe: dict | None = None) -> dict:
    """One page recipe through anndl.train.fit, validated on sp's validation split; test scored once at the end."""
    r = recipe or RECIPES[name]
    set_seed(seed)
    model = build_cnn(config_from({**r, "epochs": epochs}, sp.x_train.shape[1:], n_classes, len(sp.x_train)))
    aug = AugmentConfig(**r["augment"])
    x, y = train_data(sp.x_train, one_hot(sp.y_train, n_classes), aug, r["batch"], seed)
    t97, t98 = TimeToTarget(0.97), TimeToTarget(0.98, budget_s=budget_s)
    cfg = FitConfig(epochs=epochs, batch_size=r["batch"], reduce_lr=r["reduce_lr"], monitor="loss")
    out = fit(model, x, y, cfg, validation_data=(sp.x_val, one_hot(sp.y_val, n_classes)), callbacks=[t97, t98])
    return _scores(name, model, sp, out["history"], t97, t98)


def run_fashion(quick: bool, seed: int, tiny: bool = False) -> dict:
    """The default stack (cosine step, 6 epochs) on Fashion-MNIST's official 60,000 / 10,000 split; the last
    10 % of the training images validate."""
    xtr, ytr, xte, yte, _ = fashion_arrays()
    if quick:
        n, m = (600, 200) if tiny else (3000, 1000)
        xtr, ytr, xte, yte = xtr[:n], ytr[:n], xte[:m], yte[:m]
    xtr, ytr = (xtr[..., None] / 255.0).astype("float32"), ytr.astype("int64")
    cut = len(xtr) - len(xtr) // 10
    sp = SimpleNamespace(x_train=xtr[:cut], y_train=ytr[:cut], x_val=xtr[cut:], y_val=ytr[cut:],
                         x_test=(xte[..., None] / 255.0).astype("float32"), y_test=yte.astype("int64"))
    recipe = {**RECIPES["fast"], "cosine": True, "reduce_lr": 0}
    out = run_recipe("fashion", sp, 10, 1 if tiny else 2 if quick else 6, seed, recipe=recipe)
    out["name"] = f"default stack on Fashion-MNIST ({cut:,} + {len(xtr) - cut:,} val / {len(xte):,})"
    return out


def bench(quick: bool = False, seed: int = 0, tiny: bool = False) -> BenchResult:
    from anndl.device import backend_device

    mnist = load("mnist")
    sp = split(mnist, test=0.2, val=0.1, seed=seed)  # 3,600 train / 400 validation / 1,000 test
    if tiny:  # 600 / 100 / 200 images: the code path only
        sp = SimpleNamespace(x_train=sp.x_train[:600], y_train=sp.y_train[:600], x_val=sp.x_val[:100],
                             y_val=sp.y_val[:100], x_test=sp.x_test[:200], y_test=sp.y_test[:200])
    epochs = (1, 1, 1) if tiny else (6, 4, 2) if quick else (40, 12, RECIPES["best"]["epochs"])
    base = run_baseline(sp, epochs[0], seed)
    fast = run_recipe("fast", sp, 10, epochs[1], seed)
    best = run_recipe("best", sp, 10, epochs[2], seed, budget_s=120.0)
    runs = [base, fast, best]
    try:
        fres = run_fashion(quick, seed, tiny)
    except DataMissing as exc:  # Fashion-MNIST not installed: say so in the table
        fres = {"name": f"Fashion-MNIST skipped: {exc}"}
    runs.append(fres)
    rows = [{"run": r["name"], "epochs": r.get("epochs", ""), "train_s": r.get("train_s", ""),
             "samples/s": r.get("samples_per_s", ""), "t>=0.97 s": r.get("t97") or "-",
             "t>=0.98 s": r.get("t98") or "-",
             "val peak": r.get("val_peak", ""), "test acc": r.get("test", "")} for r in runs]

    def ratio(a, b):
        return round(a / b, 3) if a and b else None

    extra = {"fast_t97_s": fast["t97"], "baseline_t97_s": base["t97"],
             "time_to_097_ratio": ratio(fast["t97"], base["t97"]),
             "samples_per_s_ratio": ratio(fast["samples_per_s"], base["samples_per_s"]),
             "best_test_acc_within_120s": best["test"], "best_t98_s": best["t98"], "best_train_s": best["train_s"],
             "baseline_t98_s": base["t98"], "fashion_acc": fres.get("test"),
             "val_curves": {r["name"]: r.get("curve") for r in runs}}
    return BenchResult(topic="cnn", dataset="mnist-5k (3,600 train / 400 validation / 1,000 test, seed %d)" % seed,
                       metric="test_accuracy", value=float(fast["test"]), train_s=float(fast["train_s"]),
                       samples_per_s=float(fast["samples_per_s"]),
                       baseline=Baseline(base["name"], float(base["test"]), float(base["train_s"])),
                       device=backend_device(), rows=rows, extra=extra)

