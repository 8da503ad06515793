"""Shipped artifacts of the time-series page: ts_co2, ts_co2_ar (forecasters) and ts_basicmotions (classifier)."""

from __future__ import annotations

from anndl import zoo
from anndl.data import timeseries as ts

from .job import evaluate_forecast

CO2 = {"task": "forecast", "series": "co2", "window": 104, "telescope": 52, "stride": 1, "kind": "lstm",
       "units": 32, "norm": "relative", "epochs": 30, "patience": 8, "batch_size": 64, "learning_rate": 2e-3}
CO2_AR = {**CO2, "telescope": 13}  # the autoregressive model predicts a quarter and feeds it back (§24.5)
MOTIONS = {"task": "classify", "activities": "basic_motions", "window": 100, "stride": 100, "kind": "cnn",
           "units": 64, "epochs": 40, "batch_size": 8, "learning_rate": 3e-3}


def _forecast_artifact(params: dict, seed: int):
    result, model = zoo.trained("timeseries", {**params, "seed": seed})
    ev = evaluate_forecast(ts.co2(), model)
    metrics = {row["method"]: round(row["test MAE"], 4) for row in ev["summary"].to_dict("records")}
    return model, {"params": params, "config": result["config"], "data": "statsmodels co2, weekly, split 70/15/15",
                   "metrics": metrics, "history": result["fit"]["history"], "epochs_run": result["fit"]["epochs_run"]}


def ts_co2(seed: int = 0):
    """Direct LSTM forecaster of the next 52 weeks of co2 from 104, windows normalised by their last value."""
    return _forecast_artifact(CO2, seed)


def ts_co2_ar(seed: int = 0):
    """The same LSTM predicting 13 weeks, used autoregressively to reach 52 (§24.5)."""
    return _forecast_artifact(CO2_AR, seed)


def ts_basicmotions(seed: int = 0):
    """1-D CNN with global average pooling on BasicMotions recordings (§24.3.4)."""
    result, model = zoo.trained("timeseries", {**MOTIONS, "seed": seed})
    return model, {
        "params": MOTIONS, "config": result["config"], "class_names": result["class_names"],
        "data": "sktime BasicMotions, shipped train/test split, 20% of train recordings for validation",
        "metrics": {"test_accuracy": result["test_accuracy"]}, "history": result["fit"]["history"]}
