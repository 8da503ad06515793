"""Forecasters and classifiers: shapes, normalisation inside the model, .keras round trip; tiny jobs; RNN gradients."""

import numpy as np
import pytest

from anndl.jobs import run_inline
from anndl.nets.timeseries import (
    CLASSIFIERS,
    FORECASTERS,
    ClassifierConfig,
    ForecastConfig,
    build_classifier,
    build_forecaster,
)


@pytest.mark.parametrize("kind", FORECASTERS)
def test_forecaster_shapes_and_round_trip(kind, tmp_path):
    import keras

    cfg = ForecastConfig(window=16, channels=2, telescope=5, target_idx=[1], kind=kind, units=8,
                         mean=[0.0, 10.0], std=[1.0, 2.0])
    model = build_forecaster(cfg)
    x = np.random.default_rng(0).normal(size=(3, 16, 2)).astype("float32")
    out = model.predict(x, verbose=0)
    assert out.shape == (3, 5, 1)
    model.save(tmp_path / "m.keras")
    again = keras.saving.load_model(tmp_path / "m.keras", compile=False)
    np.testing.assert_allclose(again.predict(x, verbose=0), out, rtol=1e-5, atol=1e-5)


def test_relative_norm_is_shift_invariant():
    """Window-relative normalisation: shifting a window by c shifts its forecast by exactly c."""
    model = build_forecaster(ForecastConfig(window=12, telescope=4, units=8, std=[2.0]))
    x = np.random.default_rng(1).normal(size=(2, 12, 1)).astype("float32")
    np.testing.assert_allclose(model.predict(x + 300.0, verbose=0), model.predict(x, verbose=0) + 300.0, atol=1e-3)


def test_global_norm_uses_the_given_training_statistics():
    from anndl.nets.timeseries import WindowNorm

    z = WindowNorm("global", [10.0], [2.0])(np.full((1, 3, 1), 14.0, "float32"))
    assert np.allclose(np.asarray(z), 2.0)


@pytest.mark.parametrize("kind", CLASSIFIERS)
def test_classifier_shapes(kind):
    model = build_classifier(ClassifierConfig(window=20, channels=3, n_classes=5, kind=kind, units=8,
                                              mean=[0.0] * 3, std=[1.0] * 3))
    probs = model.predict(np.zeros((2, 20, 3), "float32"), verbose=0)
    assert probs.shape == (2, 5) and np.allclose(probs.sum(1), 1, atol=1e-5)


def test_forecast_job_direct_and_autoregressive(tmp_path):
    import keras

    from anndl.data import timeseries as ts
    from anndl.topics.timeseries.job import evaluate_forecast

    events = []
    params = {"task": "forecast", "series": "airline", "window": 24, "telescope": 12, "ar_step": 4, "units": 8,
              "epochs": 2, "kind": "gru"}
    result = run_inline("anndl.topics.timeseries.job:train_job", params, workdir=str(tmp_path), report=events.append)
    assert result["fit"]["epochs_run"] == 2 and result["ar_fit"]["epochs_run"] == 2
    epochs = [e for e in events if e["kind"] == "epoch"]
    assert set(epochs[0]["logs"]) == {"mae", "val_mae"} and set(epochs[-1]["logs"]) == {"ar_mae", "val_ar_mae"}
    model = keras.saving.load_model(result["model_path"])
    ar = keras.saving.load_model(result["ar_model_path"])
    assert ar.output_shape == (None, 4, 1)
    ev = evaluate_forecast(ts.airline(), model, ar)
    assert set(ev["horizon"].method) == {"direct", "autoregressive", "last value", "seasonal naive"}
    assert len(ev["horizon"]) == 4 * 12 and ev["future"]["autoregressive"].shape == (12, 1)


def test_classify_job_on_basic_motions(tmp_path):
    params = {"task": "classify", "window": 50, "stride": 50, "units": 8, "epochs": 1}
    result = run_inline("anndl.topics.timeseries.job:train_job", params, workdir=str(tmp_path))
    assert result["confusion"].sum() == 80  # 40 test recordings, two windows each
    assert not set(result["users"]["train"]) & set(result["users"]["val"])
    assert (len(result["users"]["train"]), len(result["users"]["val"]), len(result["users"]["test"])) == (32, 8, 40)
    assert result["report"][-1]["class"] == "weighted avg"


def test_lstm_keeps_gradients_that_the_tanh_rnn_loses():
    from anndl.topics.timeseries.job import vanishing_gradients

    frame = vanishing_gradients(length=40, units=16, trials=2)
    far = frame[frame["steps before the end"] == 39].set_index("cell")["gradient norm"]
    near = frame[frame["steps before the end"] == 0].set_index("cell")["gradient norm"]
    assert far["simple RNN (tanh)"] / near["simple RNN (tanh)"] < far["LSTM"] / near["LSTM"]


def test_gradient_demo_is_reproducible_and_leaves_the_process_seed_alone():
    """It runs in server threads: reseeding the process would reseed every other session (issue 9)."""
    import random

    from anndl.topics.timeseries.job import vanishing_gradients

    after = []
    for state in (1, 2):  # a session's own random state before the demo…
        random.seed(state)
        np.random.seed(state)
        a = vanishing_gradients(length=12, units=4, trials=1, seed=5)
        after.append((random.random(), np.random.random()))
    assert after[0][0] != after[1][0] and after[0][1] != after[1][1]  # …is still its own after it (no reseed)
    b = vanishing_gradients(length=12, units=4, trials=1, seed=5)
    c = vanishing_gradients(length=12, units=4, trials=1, seed=6)
    assert a.equals(b) and not a.equals(c)


@pytest.mark.parametrize("kind", FORECASTERS)
def test_keras_code_is_valid_python(kind):
    from anndl.topics.timeseries.code import classifier_code, forecast_code

    compile(forecast_code({"series": "sunspots", "kind": kind, "norm": "global"}), "forecast.py", "exec")
    upload = forecast_code({"series": {"targets": ["sales"], "values": None}, "kind": kind})
    compile(upload, "forecast.py", "exec")
    assert "pd.read_csv('my_series.csv')['sales']" in upload
    if kind in CLASSIFIERS:
        compile(classifier_code({"kind": kind}), "classify.py", "exec")


def test_generated_keras_code_runs_and_reports_its_scores(capsys):
    """The code of the page's expander, run as a student would (tiny settings): it trains and prints its scores."""
    from anndl.topics.timeseries.code import classifier_code, forecast_code

    exec(compile(forecast_code({"series": "nile", "kind": "gru", "window": 12, "telescope": 4, "units": 4,
                                "epochs": 1}), "forecast.py", "exec"), {"__name__": "__main__"})
    out = capsys.readouterr().out
    assert "test MAE" in out and float(out.split("test MAE")[1].split()[0]) > 0
    exec(compile(classifier_code({"kind": "cnn", "units": 4, "epochs": 1, "window": 50, "stride": 50}),
                 "classify.py", "exec"), {"__name__": "__main__"})
    accuracy = float(capsys.readouterr().out.split("test accuracy")[1].split()[0])
    assert 0.0 <= accuracy <= 1.0  # printed by the generated script after training on BasicMotions


def test_classify_job_on_uploaded_activities_splits_by_user(tmp_path):
    from anndl.topics.timeseries.job import activities_from_params

    rng = np.random.default_rng(0)
    recs = [rng.normal(size=(30 + 5 * i, 3)).astype("float32") for i in range(8)]
    src = {"recordings": recs, "labels": np.array([0, 1] * 4), "users": np.repeat(np.arange(4), 2),
           "class_names": ["walking", "jogging"], "channels": ["x_axis", "y_axis", "z_axis"]}
    assert len(activities_from_params({"activities": src}).recordings) == 8
    params = {"task": "classify", "activities": src, "window": 20, "stride": 10, "units": 8, "epochs": 1}
    result = run_inline("anndl.topics.timeseries.job:train_job", params, workdir=str(tmp_path))
    parts = [set(result["users"][k]) for k in ("train", "val", "test")]
    assert all(p for p in parts) and not (parts[0] & parts[1] or parts[0] & parts[2] or parts[1] & parts[2])
    assert result["confusion"].shape == (2, 2)


def test_forecast_on_an_uploaded_series_uses_defaults_from_its_size_and_reads_its_scores(tmp_path):
    import pandas as pd

    from anndl.data import timeseries as ts
    from anndl.topics.timeseries.job import recipe_of, training_windows

    values = (np.sin(np.arange(160) / 3) * 10 + np.arange(160) * 0.1).astype("float32")[:, None]
    upload = {"name": "series.csv", "values": values, "columns": ["y"], "targets": ["y"], "season": 0}
    params = {"task": "forecast", "series": upload, "window": 12, "telescope": 4, "ar_step": 0, "units": 8,
              "kind": "gru", "recipe": True, "epochs": 1}
    n = training_windows(ts.Series("series.csv", pd.DataFrame(values, columns=["y"]), ["y"], 0), params)
    assert n == 97  # 112 training rows - 12 - 4 + 1
    recipe = recipe_of(params, n)
    assert (recipe.batch_size, recipe.steps_per_epoch, recipe.epochs) == (25, 4, 150)
    assert recipe_of({**params, "recipe": False}, n) is None and recipe_of({**params, "series": "co2"}, n) is None
    result = run_inline("anndl.topics.timeseries.job:train_job", {**params, "recipe": False}, workdir=str(tmp_path))
    own = result["own_data"]  # one epoch with the knobs (toggle off): scores read, no recipe
    assert own["recipe"] is None and own["metric"] == "MAE" and own["train"] > 0 and own["held_out"] > 0
    assert own["size_advice"].startswith("97 training windows is few")
    assert f"training MAE {own['train']:.3g}, held-out {own['held_out']:.3g}" in own["advice"]
