"""Time series (course §23–§24): forecasting with windows and telescopes, the page's one training job (forecasting or
activity classification, anndl.topics.timeseries.classify), RNN gradients."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from anndl.data import timeseries as ts
from anndl.jobs import job_of, save_model
from anndl.nets.timeseries import ForecastConfig, build_forecaster
from anndl.predict import predict_one
from anndl.recipe import Recipe, StepBudget, data_recipe, own_data_report
from anndl.topics.timeseries.classify import (  # noqa: F401 — the activity names stay importable from here
    ActivityData,
    activities_from_params,
    activity_data,
    classify,
    evaluate_classifier,
)

# an uploaded series trains for about the steps of the shipped CO2 forecaster (30 epochs of ~9 steps, with margin)
BUDGET = StepBudget(steps=600, batch_size=64, min_epochs=10, max_epochs=200, needed=500, unit="training windows")


@dataclass
class ForecastData:
    """Windows of one series, split in time order; validation and test windows may look back for input."""

    x_train: np.ndarray  # (m, window, channels)
    y_train: np.ndarray  # (m, telescope, targets)
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    start_test: np.ndarray  # first row of each test window
    bounds: tuple[int, int]  # rows [:a] train, [a:b] validation, [b:] test
    mean: np.ndarray  # training statistics per channel (§4.7)
    std: np.ndarray


def forecast_data(series: ts.Series, window: int, telescope: int, stride: int = 1, val: float = 0.15,
                  test: float = 0.15) -> ForecastData:
    """Split in time, then build windows: training windows lie wholly in the training rows."""
    from anndl.errors import SettingsError

    v = series.values
    a, b = ts.time_split(len(v), val, test)
    need = window + telescope
    if a < need + 10 or b - a < telescope or len(v) - b < telescope:
        raise SettingsError(f"The series has {len(v)} rows: too short for a window of {window} and a telescope of "
                          f"{telescope}; make them smaller (training needs at least {need + 10} rows).")
    xtr, ytr, _ = ts.build_sequences(v[:a], window, stride, telescope, series.target_idx)
    xva, yva, _ = ts.build_sequences(v[:b], window, 1, telescope, series.target_idx, first_target=a)
    xte, yte, st = ts.build_sequences(v, window, 1, telescope, series.target_idx, first_target=b)
    mean, std = ts.fit_scaler(v[:a])
    return ForecastData(xtr, ytr, xva, yva, xte, yte, st, (a, b), mean, std)


def autoregressive(model, x: np.ndarray, telescope: int) -> np.ndarray:
    """§24.5: predict a short step, append it to the window, slide, repeat until the telescope is covered."""
    step = model.output_shape[1]
    window, out = np.array(x, "float32"), []
    while sum(p.shape[1] for p in out) < telescope:
        pred = model.predict(window, verbose=0, batch_size=512)  # (m, step, channels)
        out.append(pred)
        window = np.concatenate([window[:, step:], pred], axis=1)
    return np.concatenate(out, axis=1)[:, :telescope]


def horizon_mae(pred: np.ndarray, y: np.ndarray) -> np.ndarray:
    """MAE per horizon step (telescope,), averaged over windows and targets."""
    return np.abs(pred - y).mean(axis=(0, 2))


def evaluate_forecast(series: ts.Series, model=None, ar_model=None, window: int = 104, telescope: int = 52,
                      val: float = 0.15, test: float = 0.15) -> dict:
    """Test MAE per horizon step for the model, the autoregressive model and the naive baselines; forecasts."""
    if model is not None:
        window, telescope = model.input_shape[1], model.output_shape[1]
    data = forecast_data(series, window, telescope, 1, val, test)
    idx = series.target_idx
    preds = {"last value": ts.last_value(data.x_test, telescope, idx),
             "seasonal naive": ts.seasonal_naive(data.x_test, telescope, idx, series.season)}
    if model is not None:
        preds = {"direct": model.predict(data.x_test, verbose=0, batch_size=512), **preds}
    ar_ok = ar_model is not None and ar_model.input_shape[1] == window and idx == list(range(series.values.shape[1]))
    if ar_ok:
        preds["autoregressive"] = autoregressive(ar_model, data.x_test, telescope)
    if not series.season or series.season > window:  # it needs one whole season inside the window
        preds.pop("seasonal naive")
    rows = [{"method": k, "step": h + 1, "mae": float(m)} for k, p in preds.items()
            for h, m in enumerate(horizon_mae(p, data.y_test))]
    ref = float(np.abs(preds.get("seasonal naive", preds["last value"]) - data.y_test).mean())
    maes = {k: float(np.abs(p - data.y_test).mean()) for k, p in preds.items()}
    summary = [{"method": k, "test MAE": m, "÷ naive": m / ref if ref else float("nan")} for k, m in maes.items()]
    last = series.values[None, -window:]
    future = {"direct": predict_one(model, last[0])} if model is not None else {}
    if ar_ok:
        future["autoregressive"] = autoregressive(ar_model, last, telescope)[0]
    tiles = np.arange(0, len(data.x_test), telescope)  # non-overlapping test windows, for the picture
    return {"horizon": pd.DataFrame(rows), "summary": pd.DataFrame(summary), "bounds": data.bounds,
            "window": window, "telescope": telescope, "future": future, "reference": ref,
            "test_paths": {k: (data.start_test[tiles] + window, p[tiles]) for k, p in preds.items()}}


def _config(params: dict, series: ts.Series, data: ForecastData, telescope: int) -> ForecastConfig:
    return ForecastConfig(window=int(params.get("window", 104)), channels=series.values.shape[1], telescope=telescope,
                          target_idx=series.target_idx, kind=params.get("kind", "lstm"),
                          units=int(params.get("units", 32)), norm=params.get("norm", "relative"),
                          mean=data.mean.tolist(), std=data.std.tolist(),
                          learning_rate=float(params.get("learning_rate", 2e-3)), seed=int(params.get("seed", 0)))


def series_from_params(params: dict) -> ts.Series:
    """A catalogue series by name, or an uploaded one passed as a plain dict (picklable job parameters)."""
    src = params.get("series", "co2")
    if isinstance(src, str):
        return ts.load_series(src)
    frame = pd.DataFrame(np.asarray(src["values"], "float32"), columns=src["columns"])
    return ts.Series(src.get("name", "uploaded CSV"), frame, list(src["targets"]), int(src.get("season", 0)),
                     source="your upload")


def _fit_forecaster(params, series, telescope, report, cancelled, max_epochs):
    from anndl.train import FitConfig, fit

    data = forecast_data(series, int(params.get("window", 104)), telescope, int(params.get("stride", 1)),
                         float(params.get("val", 0.15)), float(params.get("test", 0.15)))
    config = _config(params, series, data, telescope)
    model = build_forecaster(config)
    recipe = recipe_of(params, len(data.x_train))
    fit_cfg = FitConfig(epochs=int(params.get("epochs", 30)), batch_size=int(params.get("batch_size", 64)),
                        early_stopping=int(params.get("patience", 8)))
    if recipe is not None:
        fit_cfg = FitConfig(epochs=recipe.epochs, batch_size=recipe.batch_size, early_stopping=recipe.patience)
    summary = fit(model, data.x_train, data.y_train, fit_cfg, validation_data=(data.x_val, data.y_val),
                  report=report, cancelled=cancelled, max_epochs=max_epochs)
    return model, config, summary, data, recipe


def recipe_of(params: dict, n_windows: int) -> Recipe | None:
    """Defaults from an uploaded series' size (its training windows), when the page's toggle asks for them."""
    return data_recipe(n_windows, BUDGET) if isinstance(params.get("series"), dict) and params.get("recipe") else None


def training_windows(series: ts.Series, params: dict) -> int:
    """How many windows the forecaster trains on (0 when the series is too short for the settings)."""
    from anndl.errors import SettingsError

    try:
        data = forecast_data(series, int(params.get("window", 104)), int(params.get("telescope", 52)),
                             int(params.get("stride", 1)))
    except SettingsError:
        return 0
    return len(data.x_train)


def own_data(model, series: ts.Series, data: ForecastData, recipe: Recipe | None) -> dict:
    """Training vs test MAE of a forecaster trained on an uploaded series; under-trained = no better than naive."""
    idx, telescope = series.target_idx, data.y_train.shape[1]
    train = float(np.abs(model.predict(data.x_train, verbose=0, batch_size=512) - data.y_train).mean())
    test = float(np.abs(model.predict(data.x_test, verbose=0, batch_size=512) - data.y_test).mean())
    naive = float(np.abs(ts.seasonal_naive(data.x_train, telescope, idx, series.season) - data.y_train).mean())
    return own_data_report(len(data.x_train), recipe, BUDGET, train, test, "MAE", False, good=naive, gap=0.5)


def forecast(params: dict, report=None, cancelled=None, max_epochs=None, workdir=None) -> dict:
    """Train the direct forecaster (and, with `ar_step` > 0, the autoregressive one); save both."""
    series = series_from_params(params)
    telescope = int(params.get("telescope", 52))
    def mae_only(event):  # MAE in the data's units is the curve to read; the MSE loss adds little
        if report:
            report({**event, "logs": {k: v for k, v in event.get("logs", {}).items() if k.endswith("mae")}})

    model, config, summary, data, recipe = _fit_forecaster(params, series, telescope, mae_only, cancelled, max_epochs)
    result = {"task": "forecast", "config": config.to_dict(), "fit": summary, "ar_model_path": None,
              "series": series.name}
    if workdir:
        result["model_path"] = save_model(model, workdir)
    if isinstance(params.get("series"), dict):
        result["own_data"] = own_data(model, series, data, recipe)
    step = int(params.get("ar_step", 0))
    stopped = cancelled is not None and cancelled()
    if 0 < step < telescope and not stopped and len(series.target_idx) == series.values.shape[1]:
        def renamed(event):  # the AR run's curves get their own panel: ar_mae
            if report:
                report({**event, "logs": {(f"val_ar_{k[4:]}" if k.startswith("val_") else f"ar_{k}"): v
                                          for k, v in event.get("logs", {}).items() if k.endswith("mae")}})

        ar_model, _, ar_summary, _, _ = _fit_forecaster(params, series, step, renamed, cancelled, max_epochs)
        if workdir:
            result["ar_model_path"] = save_model(ar_model, workdir, "model_ar")
        result["ar_fit"] = ar_summary
    return result


def train(params: dict, report=None, cancelled=None, max_epochs=None, workdir=None) -> dict:
    """The page's one training: forecasting or classification by `params["task"]`."""
    task = classify if params.get("task") == "classify" else forecast
    return task(params, report=report, cancelled=cancelled, max_epochs=max_epochs, workdir=workdir)


train_job = job_of(train)  # the job target anndl.topics.timeseries.job:train_job


def vanishing_gradients(length: int = 60, units: int = 32, trials: int = 4, seed: int = 0) -> pd.DataFrame:
    """§23.3–§23.5: ‖∂h_T/∂x_t‖ for a tanh RNN and an LSTM, by how many steps t lies before the end T.

    Runs in the server's threads: every random number comes from seeded local generators (initialisers with a
    seed, a numpy Generator), never from the process-wide seed that other sessions share.
    """
    import keras

    from anndl.backend import value_and_gradient

    rng = np.random.default_rng(seed)
    init = keras.initializers

    def seeded(i: int) -> dict:
        return {"kernel_initializer": init.GlorotUniform(seed=seed * 10 + i),
                "recurrent_initializer": init.Orthogonal(seed=seed * 10 + i + 5)}

    rows = []
    open_gate = keras.layers.LSTM(units, bias_initializer=keras.initializers.Constant(
        np.r_[np.zeros(units), 3 * np.ones(units), np.zeros(2 * units)]), unit_forget_bias=False, **seeded(2))
    cells = (("simple RNN (tanh)", keras.layers.SimpleRNN(units, **seeded(0))),
             ("LSTM", keras.layers.LSTM(units, **seeded(1))), ("LSTM, forget gate open (bias 3)", open_gate))
    inputs = rng.normal(size=(trials, 1, length, 4)).astype("float32")  # the same inputs for every cell
    for name, layer in cells:
        norms = np.zeros(length)
        layer(inputs[0])  # build the weights outside the gradient's trace
        for x in inputs:  # d sum(h_T) / dx: the last hidden state h_T is (1, units)
            norms += np.linalg.norm(value_and_gradient(layer, x)[1][0], axis=-1) / trials
        rows += [{"cell": name, "steps before the end": length - 1 - t, "gradient norm": float(n)}
                 for t, n in enumerate(norms)]
    return pd.DataFrame(rows)
