"""`python -m anndl.bench autoencoder`: the page's conv autoencoder (latent 64 and 2) against keras.io's
convolutional autoencoder (the denoising example's model, plain model.fit on numpy arrays) on the same
MNIST-5k split, in the same run, plus the §19.3 experiment at 10 labels per class.

JSON: value = test reconstruction MSE at latent 64; extra.mse_latent2; extra.init_gain_10 = test accuracy of
the encoder-initialised classifier minus the one from scratch (mean over the seeds), the encoder from the page's
latent-64 autoencoder denoising random moves (job.INIT_AE, `extra.init_autoencoder`); baseline = keras.io;
extra.time_to_baseline_mse_s / _ratio = training seconds until the page's builder, given keras.io's code size
(a spatial 7×7×32 code) and trained with anndl.train.fit, reaches the baseline's final validation MSE (ratio
to the baseline's whole training time). The 64-number code never reaches that MSE (its own key says so).
"""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace

import keras

from anndl.bench import Baseline, BenchResult
from anndl.nets.autoencoder import build_autoencoder
from anndl.train import FitConfig, TimeToTarget, fit, set_seed

from .job import (
    DEFAULTS,
    INIT_AE,
    INIT_LR,
    INIT_SEEDS,
    config_from,
    init_experiment,
    load_images,
    per_image_mse,
    split_images,
)


def keras_io_autoencoder(input_shape=(28, 28, 1)) -> keras.Model:
    """keras.io/examples/vision/autoencoder, verbatim: two conv + pool stages, two transposed convs (7×7×32 code)."""
    from keras import layers

    inp = layers.Input(shape=input_shape)
    x = layers.Conv2D(32, (3, 3), activation="relu", padding="same")(inp)
    x = layers.MaxPooling2D((2, 2), padding="same")(x)
    x = layers.Conv2D(32, (3, 3), activation="relu", padding="same")(x)
    x = layers.MaxPooling2D((2, 2), padding="same")(x)
    x = layers.Conv2DTranspose(32, (3, 3), strides=2, activation="relu", padding="same")(x)
    x = layers.Conv2DTranspose(32, (3, 3), strides=2, activation="relu", padding="same")(x)
    x = layers.Conv2D(1, (3, 3), activation="sigmoid", padding="same")(x)
    model = keras.Model(inp, x)
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["mse"])
    return model


def run_baseline(sp, epochs: int, seed: int) -> dict:
    set_seed(seed)
    model = keras_io_autoencoder(sp.x_train.shape[1:])
    clock = TimeToTarget(monitor="val_mse", mode="min")  # records the validation MSE curve
    model.fit(sp.x_train, sp.x_train, epochs=epochs, batch_size=128, shuffle=True, verbose=0,
              validation_data=(sp.x_val, sp.x_val), callbacks=[clock])
    return {"name": "keras.io convolutional autoencoder (7×7×32 code)", "latent": 7 * 7 * 32, "epochs": epochs,
            "train_s": clock.train_s, "test_mse": float(per_image_mse(model, sp.x_test).mean()),
            "val_final": clock.curve[-1]}


def run_page(sp, latent: int, epochs: int, seed: int, target: float | None = None, spatial: int = 0,
             deform: float = 0.0) -> tuple[dict, keras.Model]:
    """The page's conv autoencoder through anndl.train.fit (a flat code of `latent`, or a spatial one of h/4 × w/4 ×
    `spatial`; denoising random moves of ±`deform`); time until its validation MSE reaches `target`."""
    set_seed(seed)
    params = {**DEFAULTS, "latent": latent, "deform": deform}
    config = replace(config_from(params, sp.x_train.shape[1:]), spatial=spatial)
    model = build_autoencoder(config)
    clock = TimeToTarget(target, monitor="val_mse", mode="min")
    cfg = FitConfig(epochs=epochs, batch_size=DEFAULTS["batch"], seed=seed)
    fit(model, sp.x_train, sp.x_train, cfg, validation_data=(sp.x_val, sp.x_val), callbacks=[clock])
    h, w = sp.x_train.shape[1] // 4, sp.x_train.shape[2] // 4
    name = f"spatial code {h}×{w}×{spatial}" if spatial else f"latent {latent}"
    name += f", denoising by ±{deform:.0%} / ±{deform * 100:g}° moves" if deform else ""
    return {"name": f"page conv autoencoder, {name}", "latent": h * w * spatial if spatial else latent,
            "epochs": epochs, "train_s": clock.train_s, "test_mse": float(per_image_mse(model, sp.x_test).mean()),
            "t_target": clock.seconds, "curve": clock.curve}, model


def bench(quick: bool = False, seed: int = 0, tiny: bool = False) -> BenchResult:
    from anndl.device import backend_device

    ds = load_images("mnist", seed)
    sp = split_images(ds, seed)  # 3,600 train / 400 validation / 1,000 test
    if tiny:  # 600 / 100 / 200 images: the code path only
        sp = SimpleNamespace(x_train=sp.x_train[:600], y_train=sp.y_train[:600], x_val=sp.x_val[:100],
                             y_val=sp.y_val[:100], x_test=sp.x_test[:200], y_test=sp.y_test[:200])
    epochs = 1 if tiny else 5 if quick else DEFAULTS["epochs"]
    base = run_baseline(sp, epochs, seed)
    ours, _ = run_page(sp, 64, epochs, seed, target=base["val_final"])
    # the baseline's code size (7×7×32) with our builder and recipe, timed to the baseline's final validation MSE
    same, _ = run_page(sp, 64, epochs, seed, target=base["val_final"], spatial=32)
    two, _ = run_page(sp, 2, epochs, seed)
    # §19.3 on the autoencoder the page ships for it (more epochs: the moved inputs make each epoch new)
    init_epochs = 2 if tiny else 10 if quick else INIT_AE["epochs"]
    moved, init_ae = run_page(sp, INIT_AE["latent"], init_epochs, seed, deform=INIT_AE["deform"])
    rows = init_experiment(init_ae, sp, ds.n_classes, labels=(2,) if tiny else (10,),
                           epochs=2 if tiny else 40, seeds=(seed,) if tiny or quick else INIT_SEEDS)
    gain = rows[0]["ae_init"] - rows[0]["scratch"]
    table = [{"run": r["name"], "code size": r["latent"], "epochs": r["epochs"], "train_s": r["train_s"],
              "test MSE": r["test_mse"], "s to baseline MSE": r.get("t_target")}
             for r in (base, same, ours, two, moved)]
    table += [{"run": f"§19.3 classifier, {rows[0]['labels_per_class']} labels/class: encoder-init "
                      f"{rows[0]['ae_init']:.3f}, scratch {rows[0]['scratch']:.3f}"}]
    extra = {"mse_latent2": two["test_mse"], "init_gain_10": round(float(gain), 4), "init_rows": rows,
             "init_autoencoder": moved["name"], "init_lr": INIT_LR,
             "mse_ratio_to_baseline": round(ours["test_mse"] / base["test_mse"], 3),
             "train_s_ratio_to_baseline": round(ours["train_s"] / base["train_s"], 3),
             "time_to_baseline_mse_s": same["t_target"],  # spatial 7×7×32 code; None: not reached in the epochs
             "time_to_baseline_mse_ratio": round(same["t_target"] / base["train_s"], 3) if same["t_target"] else None,
             "spatial_test_mse": same["test_mse"], "spatial_train_s": round(same["train_s"], 1),
             "latent64_time_to_baseline_mse_s": ours["t_target"]}
    return BenchResult(topic="autoencoder", dataset=f"mnist-5k ({len(sp.x_train):,} train / {len(sp.x_val):,} "
                       f"validation / {len(sp.x_test):,} test, seed {seed})", metric="test_mse",
                       value=ours["test_mse"], train_s=float(ours["train_s"]),
                       samples_per_s=len(sp.x_train) * epochs / max(ours["train_s"], 1e-9),
                       baseline=Baseline(base["name"], base["test_mse"], float(base["train_s"])),
                       device=backend_device(), rows=table, extra=extra)
