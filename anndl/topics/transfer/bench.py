"""`python -m anndl.bench transfer`: the page's default two-phase run on MNIST 5–9 from the digits 0–4 backbone,
against keras.io's transfer-learning recipe (whole backbone frozen + GAP + dropout + softmax, then everything
unfrozen at 1e-5; plain model.fit on numpy arrays) on the same images, in the same run; and the comparison
scratch / transfer / fine-tune at 10 images per class on the same test set (median over the seeds).

JSON: value = the default run's test accuracy, train_s = its training time; extra.scratch_10, extra.transfer_10,
extra.finetune_10 = test accuracy with 10 images per class; extra.own_zip_10x30 = mean test accuracy of the upload
task's defaults on five 10 × 30 digit zips (extra.own_zip_wall_s: the slowest run); baseline = keras.io's recipe.
"""

from __future__ import annotations

import numpy as np

from anndl.bench import Baseline, BenchResult, Stopwatch

from .compare import compare_runs
from .job import DEFAULTS, epochs_for, few, one_hot, task_data, train


def keras_io_transfer(backbone, n_classes: int):
    """keras.io/guides/transfer_learning: base frozen, called with training=False, GAP, Dropout(0.2), Dense."""
    import keras

    base = keras.Model(backbone.inputs, backbone.get_layer("out_relu").output)
    base.trainable = False
    inp = keras.Input((28, 28, 1))
    x = keras.layers.GlobalAveragePooling2D()(base(inp, training=False))
    out = keras.layers.Dense(n_classes, activation="softmax")(keras.layers.Dropout(0.2)(x))
    model = keras.Model(inp, out)
    model.compile(keras.optimizers.Adam(), "categorical_crossentropy", metrics=["accuracy"])
    return model, base


def run_baseline(params: dict) -> dict:
    """keras.io's two steps on the default run's images and steps: head, then all layers at 1e-5."""
    import keras

    from anndl import zoo
    from anndl.train import set_seed

    ds, sp = task_data(params)
    idx = few(sp.y_train, int(params["per_class"]), int(params["seed"]))
    x, y = sp.x_train[idx], one_hot(sp.y_train[idx], ds.n_classes)
    set_seed(int(params["seed"]))
    model, base = keras_io_transfer(zoo.load("mobilenet_digits04"), ds.n_classes)
    batch = int(params["batch"])
    with Stopwatch() as sw:
        model.fit(x, y, batch_size=batch, epochs=epochs_for(len(x), batch, int(params["transfer_steps"])), verbose=0)
        base.trainable = True
        model.compile(keras.optimizers.Adam(1e-5), "categorical_crossentropy", metrics=["accuracy"])
        model.fit(x, y, batch_size=batch, epochs=epochs_for(len(x), batch, int(params["finetune_steps"])), verbose=0)
    acc = float(np.mean(model.predict(sp.x_test, verbose=0).argmax(1) == sp.y_test))
    return {"name": "keras.io transfer learning guide (GAP head, then all layers at 1e-5)", "test_accuracy": acc,
            "train_s": sw.seconds}


def own_zips(zips=(0, 1, 2, 3, 4), per_class: int = 30, tiny: bool = False) -> dict:
    """Issues 12/13's case: 10 classes × `per_class` gray digits a student zips, none that the shipped backbone saw,
    through this page's upload task with its defaults: test accuracy per zip, and the slowest wall time."""
    import tempfile

    from anndl.topics.owndata_bench import unseen_digits_upload

    accuracy, walls = [], []
    for z in zips:
        with tempfile.TemporaryDirectory(prefix="anndl-transfer-") as folder, Stopwatch() as sw:
            path = unseen_digits_upload(per_class, z, folder)
            steps = {"transfer_steps": 4, "finetune_steps": 4} if tiny else {}
            accuracy.append(train({"task": "upload", "data_path": path, "per_class": 0, **steps})["test_accuracy"])
        walls.append(sw.seconds)
    return {"own_zip_10x30": round(float(np.mean(accuracy)), 4), "own_zip_each": [round(a, 3) for a in accuracy],
            "own_zip_wall_s": round(max(walls), 1)}


def bench(quick: bool = False, seed: int = 0, tiny: bool = False) -> BenchResult:
    from anndl.device import backend_device

    params = {**DEFAULTS, "seed": seed}
    if tiny:  # the code path only
        params.update(per_class=5, transfer_steps=4, finetune_steps=4, batch=16)
    with Stopwatch() as sw:
        ours = train(params)
    base = run_baseline(params)
    seeds = (seed,) if quick or tiny else (seed, seed + 1, seed + 2)
    k = 2 if tiny else 10
    runs = [compare_runs({**params, "seed": s}, per_class=(k,)) for s in seeds]
    median = {r: float(np.median([row["test_accuracy"] for rows in runs for row in rows if row["run"] == r]))
              for r in ("scratch", "transfer", "fine-tune")}
    table = [{"run": "page default (transfer + fine-tune)", "images/class": params["per_class"],
              "test accuracy": ours["test_accuracy"], "train_s": ours["train_s"], "wall_s": sw.seconds},
             {"run": base["name"], "images/class": params["per_class"], "test accuracy": base["test_accuracy"],
              "train_s": base["train_s"]}]
    table += [{"run": f"{r}, median of {len(seeds)} seed(s)", "images/class": k, "test accuracy": v}
              for r, v in median.items()]
    extra = {"scratch_10": median["scratch"], "transfer_10": median["transfer"], "finetune_10": median["fine-tune"],
             "transfer_gain_10": round(median["transfer"] - median["scratch"], 4),
             "finetune_gain_10": round(median["fine-tune"] - median["transfer"], 4), "per_class_measured": k,
             "seeds": list(seeds), "default_wall_s": round(sw.seconds, 1), "phases": ours["phases"],
             **own_zips((seed,) if quick or tiny else (0, 1, 2, 3, 4), per_class=6 if tiny else 30, tiny=tiny)}
    return BenchResult(topic="transfer", dataset=f"MNIST digits 5–9 from the digits 0–4 + letters backbone "
                       f"({params['per_class']} training images per class, {len(ours['y_true'])} test)",
                       metric="test_accuracy", value=ours["test_accuracy"], train_s=float(ours["train_s"]),
                       samples_per_s=ours["n_train"] * ours["epochs_run"] / max(ours["train_s"], 1e-9),
                       baseline=Baseline(base["name"], base["test_accuracy"], float(base["train_s"])),
                       device=backend_device(), rows=table, extra=extra)
