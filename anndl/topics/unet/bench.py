"""`python -m anndl.bench unet`: the page's default U-Net and the same network without skips (plain FCN) against
keras.io's "Image segmentation with a U-Net-like architecture" (the Oxford-pets example: Xception-style encoder,
transposed-convolution decoder, RMSprop, plain model.fit on numpy arrays), on the same generated shape canvases,
in the same run.

Every run is scored after each epoch on the validation canvases (mean IoU without the background, §17.3), which
gives the time to a target; the test canvases (sprites unseen in training) are scored once, after training.
"""

from __future__ import annotations

import keras
from keras import layers

from anndl.bench import Baseline, BenchResult
from anndl.metrics import mean_iou
from anndl.nets.unet import build_unet
from anndl.train import TimeToTarget, fit, set_seed

from .job import DEFAULTS, canvases, config_from, fit_config, predict_masks

BASELINE_WIDTHS = (8, 16, 32, 64)  # keras.io uses (32, 64, 128, 256) on 160 px pets; scaled to our model's size


def keras_io_unet(input_shape, n_classes: int, widths=BASELINE_WIDTHS) -> keras.Model:
    """keras.io/examples/vision/oxford_pets_image_segmentation, `get_model`, with its filters scaled by `widths`."""
    inputs = keras.Input(shape=input_shape)
    x = layers.Conv2D(widths[0], 3, strides=2, padding="same")(inputs)
    x = layers.BatchNormalization()(x)
    x = layers.Activation("relu")(x)
    previous = x
    for filters in widths[1:]:
        x = layers.Activation("relu")(x)
        x = layers.SeparableConv2D(filters, 3, padding="same")(x)
        x = layers.BatchNormalization()(x)
        x = layers.Activation("relu")(x)
        x = layers.SeparableConv2D(filters, 3, padding="same")(x)
        x = layers.BatchNormalization()(x)
        x = layers.MaxPooling2D(3, strides=2, padding="same")(x)
        residual = layers.Conv2D(filters, 1, strides=2, padding="same")(previous)
        x = layers.add([x, residual])
        previous = x
    for filters in widths[::-1]:
        x = layers.Activation("relu")(x)
        x = layers.Conv2DTranspose(filters, 3, padding="same")(x)
        x = layers.BatchNormalization()(x)
        x = layers.Activation("relu")(x)
        x = layers.Conv2DTranspose(filters, 3, padding="same")(x)
        x = layers.BatchNormalization()(x)
        x = layers.UpSampling2D(2)(x)
        residual = layers.UpSampling2D(2)(previous)
        residual = layers.Conv2D(filters, 1, padding="same")(residual)
        x = layers.add([x, residual])
        previous = x
    outputs = layers.Conv2D(n_classes, 3, activation="softmax", padding="same")(x)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy")  # as keras.io
    return model


def _score(data):
    return lambda model: mean_iou(data.y_val, predict_masks(model, data.x_val), data.n_classes)


def run_ours(data, params: dict, target: float | None, seed: int) -> dict:
    set_seed(seed)
    model = build_unet(config_from(params, data.x_train.shape[1:], data.n_classes))
    timer = TimeToTarget(target, score=_score(data), log_as="val_mean_iou")  # scored once, for fit's stopper too
    out = fit(model, data.x_train, data.y_train[..., None].astype("int64"), fit_config({**params, "seed": seed}),
              callbacks=[timer],  # as the page's job (its val_mean_iou callback): the best epoch kept
              validation_data=(data.x_val, data.y_val[..., None].astype("int64")))
    return _result(model, data, timer, out["epochs_run"])


def run_baseline(data, epochs: int, batch: int, seed: int) -> dict:
    set_seed(seed)
    model = keras_io_unet(data.x_train.shape[1:], data.n_classes)
    timer = TimeToTarget(None, score=_score(data))
    model.fit(data.x_train, data.y_train[..., None], batch_size=batch, epochs=epochs, verbose=0, callbacks=[timer],
              validation_data=(data.x_val, data.y_val[..., None]))
    return _result(model, data, timer, epochs)


def _result(model, data, timer, epochs: int) -> dict:
    test = mean_iou(data.y_test, predict_masks(model, data.x_test), data.n_classes)
    return {"test_miou": round(test, 4), "val_curve": [round(v, 4) for v in timer.curve], "train_s": timer.train_s,
            "epochs": epochs, "t_target": timer.seconds, "params": model.count_params(),
            "samples_per_s": len(data.x_train) * epochs / max(timer.train_s, 1e-9)}


def bench(quick: bool = False, seed: int = 0, tiny: bool = False) -> BenchResult:
    from anndl.device import backend_device

    n_train = 64 if tiny else 300 if quick else DEFAULTS["n_train"]
    epochs = 1 if tiny else 3 if quick else DEFAULTS["epochs"]
    base_epochs = 1 if tiny else 4 if quick else 15  # keras.io's 15 epochs
    data = canvases("shapes", n_train, seed)
    params = {**DEFAULTS, "n_train": n_train, "epochs": epochs}
    base = run_baseline(data, base_epochs, DEFAULTS["batch"], seed)
    target = base["val_curve"][-1]  # the baseline's final validation mean IoU
    ours = run_ours(data, params, target, seed)
    fcn = run_ours(data, {**params, "skip": "none"}, target, seed)
    runs = {"keras.io U-Net-like (oxford pets), rmsprop": base, "default U-Net (concat skips)": ours,
            "same network without skips (FCN)": fcn}
    rows = [{"run": name, "params": r["params"], "epochs": r["epochs"], "train_s": r["train_s"],
             "samples/s": r["samples_per_s"], "t to baseline's final val mIoU": r["t_target"] or "-",
             "val mIoU last": r["val_curve"][-1], "test mIoU": r["test_miou"]} for name, r in runs.items()]
    ratio = round(ours["t_target"] / base["train_s"], 3) if ours["t_target"] else None
    extra = {"fcn_miou": fcn["test_miou"], "baseline_final_val_miou": target,
             "time_to_baseline_miou_s": ours["t_target"], "baseline_train_s": base["train_s"],
             "time_to_baseline_miou_ratio": ratio, "default_train_s": ours["train_s"],
             "params": {"unet": ours["params"], "fcn": fcn["params"], "baseline": base["params"]},
             "val_curves": {name: r["val_curve"] for name, r in runs.items()}}
    return BenchResult(topic="unet", dataset=f"shape canvases {data.x_train.shape[1]}×{data.x_train.shape[2]} "
                       f"({len(data.x_train)} train / {len(data.x_val)} validation / {len(data.x_test)} test of unseen "
                       f"sprites, seed {seed})", metric="test mean IoU (background excluded)",
                       value=float(ours["test_miou"]), train_s=float(ours["train_s"]),
                       samples_per_s=float(ours["samples_per_s"]),
                       baseline=Baseline("keras.io oxford_pets U-Net-like (widths 8-64), rmsprop, plain model.fit",
                                         float(base["test_miou"]), float(base["train_s"])),
                       device=backend_device(), rows=rows, extra=extra)
