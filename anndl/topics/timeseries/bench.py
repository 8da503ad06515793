"""`python -m anndl.bench timeseries` (DESIGN §7): co2 forecasting and BasicMotions classification.

The BasicMotions runs follow their validation accuracy (the validation users' windows) each epoch for the time
to the target; the test recordings are scored once, by the final model, after training.
"""

from __future__ import annotations

import time

import numpy as np

from anndl import zoo
from anndl.data import timeseries as ts
from anndl.topics.timeseries.job import activity_data, evaluate_forecast, forecast_data
from anndl.topics.timeseries.zoo import CO2, MOTIONS

TARGET_ACC = 0.975


def _accuracy(model, x, y) -> float:
    return float(np.mean(model.predict(x, verbose=0).argmax(1) == y))


def _val_accuracy(x, y):
    """TimeToTarget of the BasicMotions target, scored on the validation windows after each epoch."""
    from anndl.train import TimeToTarget

    return TimeToTarget(TARGET_ACC, score=lambda model: _accuracy(model, x, y))


def _plain_lstm_co2(data, units: int, epochs: int, batch: int):
    """keras.io style: globally standardised values, LSTM, Dense, plain model.fit."""
    import keras

    mean, std = float(data.mean[0]), float(data.std[0])
    model = keras.Sequential([keras.Input(data.x_train.shape[1:]), keras.layers.LSTM(units),
                              keras.layers.Dense(data.y_train.shape[1]), keras.layers.Reshape(data.y_train.shape[1:])])
    model.compile("adam", "mse")
    t0 = time.perf_counter()
    model.fit((data.x_train - mean) / std, (data.y_train - mean) / std, epochs=epochs, batch_size=batch, verbose=0,
              validation_data=((data.x_val - mean) / std, (data.y_val - mean) / std))
    train_s = time.perf_counter() - t0
    pred = model.predict((data.x_test - mean) / std, verbose=0) * std + mean
    return float(np.abs(pred - data.y_test).mean()), train_s


def _plain_cnn(md, epochs, batch):
    """keras.io 'Timeseries classification from scratch': 3 × (Conv1D 64, BN, ReLU), GAP, softmax."""
    import keras

    x, y = md.x_train, md.y_train
    inp = keras.Input(x.shape[1:])
    z = inp
    for _ in range(3):
        z = keras.layers.ReLU()(keras.layers.BatchNormalization()(keras.layers.Conv1D(64, 3, padding="same")(z)))
    out = keras.layers.Dense(int(y.max()) + 1, activation="softmax")(keras.layers.GlobalAveragePooling1D()(z))
    model = keras.Model(inp, out)
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    cb = _val_accuracy(md.x_val, md.y_val)
    model.fit(x, y, epochs=epochs, batch_size=batch, verbose=0, callbacks=[cb])
    return cb, _accuracy(model, md.x_test, md.y_test)


def bench(quick: bool = False, tiny: bool = False):
    import keras

    from anndl.bench import Baseline, BenchResult
    from anndl.device import backend_device
    from anndl.nets.timeseries import ClassifierConfig, build_classifier
    from anndl.train import set_seed

    epochs = 1 if tiny else 3 if quick else CO2["epochs"]
    set_seed(0)
    result, model = zoo.trained("timeseries", {**CO2, "epochs": epochs, "seed": 0})
    ev = evaluate_forecast(ts.co2(), model)
    mae = {r["method"]: r["test MAE"] for r in ev["summary"].to_dict("records")}
    data = forecast_data(ts.co2(), CO2["window"], CO2["telescope"])
    set_seed(0)
    plain_mae, plain_s = _plain_lstm_co2(data, CO2["units"], result["fit"]["epochs_run"], CO2["batch_size"])
    ours_s = result["fit"]["train_s"]
    sps = len(data.x_train) * result["fit"]["epochs_run"] / ours_s
    sn = mae["seasonal naive"]

    acts = ts.basic_motions()
    md = activity_data(acts, MOTIONS["window"], MOTIONS["stride"], 0)
    m_epochs = 1 if tiny else 5 if quick else MOTIONS["epochs"]
    set_seed(0)
    model = build_classifier(ClassifierConfig(channels=md.x_train.shape[-1], mean=md.mean.tolist(),
                                              std=md.std.tolist()))
    ours = _val_accuracy(md.x_val, md.y_val)  # same conditions as the baseline: plain model.fit
    model.fit(md.x_train, md.y_train, epochs=m_epochs, batch_size=MOTIONS["batch_size"], verbose=0, callbacks=[ours])
    ours_total, ours_test = ours.train_s, _accuracy(model, md.x_test, md.y_test)
    set_seed(0)
    base, base_test = _plain_cnn(md, m_epochs, MOTIONS["batch_size"])
    keras.backend.clear_session()

    def hit(cb):
        return f"epoch {cb.epoch}, {cb.seconds:.1f} s" if cb.seconds is not None else "not reached"

    rows = [
        {"task": "co2 52-week", "model": "LSTM, window-relative (default)", "test MAE": mae["direct"],
         "÷ seasonal naive": mae["direct"] / sn, "train s": ours_s},
        {"task": "co2 52-week", "model": "plain keras LSTM, global norm", "test MAE": plain_mae,
         "÷ seasonal naive": plain_mae / sn, "train s": plain_s},
        {"task": "co2 52-week", "model": "seasonal naive (52 weeks)", "test MAE": sn, "÷ seasonal naive": 1.0},
        {"task": "co2 52-week", "model": "last value", "test MAE": mae["last value"],
         "÷ seasonal naive": mae["last value"] / sn},
        {"task": "BasicMotions", "model": "1-D CNN + GAP (default)", "test acc": ours_test, "val acc": ours.curve[-1],
         f"to {TARGET_ACC}": hit(ours), "train s": ours_total},
        {"task": "BasicMotions", "model": "plain keras.io 1-D CNN", "test acc": base_test, "val acc": base.curve[-1],
         f"to {TARGET_ACC}": hit(base), "train s": base.train_s},
    ]
    extra = {"seasonal_naive_mae": sn, "ratio_to_seasonal_naive": mae["direct"] / sn,
             "plain_ratio_to_seasonal_naive": plain_mae / sn, "speed_ratio_vs_plain": plain_s / ours_s,
             "co2_epochs": result["fit"]["epochs_run"],
             "basicmotions": {"accuracy": ours_test, "baseline_accuracy": base_test,
                              "time_to_target_s": ours.seconds, "baseline_time_to_target_s": base.seconds,
                              "epoch_to_target": ours.epoch, "baseline_epoch_to_target": base.epoch,
                              "train_s": ours_total}}
    return BenchResult("timeseries", "statsmodels co2 (52-week telescope) + sktime BasicMotions", "co2 test MAE (ppm)",
                       mae["direct"], ours_s, sps, Baseline("plain keras LSTM, global normalisation", plain_mae,
                                                            plain_s), backend_device(), rows, extra)
