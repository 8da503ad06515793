"""FFNN builder, losses, optimisers, training job and look-inside views (course §3–§5) on tiny shapes."""

import pickle

import numpy as np
import pytest

from anndl import data as catalogue
from anndl.metrics import classification_report
from anndl.nets.ffnn import OPTIMIZERS, FFNNConfig, TrainChoices, build_ffnn, head, keras_code, make_optimizer
from anndl.topics.perceptron import job as topic
from anndl.train import FitConfig, fit, set_seed


def test_parameter_count_matches_course_formula():
    # Dense layer: (inputs + 1) · units. 2→16→8→1: 3·16 + 17·8 + 9·1 = 48 + 136 + 9 = 193
    model = build_ffnn(FFNNConfig(inputs=2, hidden=(16, 8), activations=("relu", "tanh")))
    assert model.count_params() == 193
    assert model.output_shape == (None, 1)


@pytest.mark.parametrize("task,units,act,loss", [
    ("binary", 1, "sigmoid", "binary_crossentropy"),
    ("multiclass", 3, "softmax", "sparse_categorical_crossentropy"),
    ("regression", 1, "linear", "mse"),
])
def test_head_matches_task(task, units, act, loss):
    assert head(FFNNConfig(task=task, n_classes=3))[:3] == (units, act, loss)


def test_one_hot_uses_categorical_crossentropy():
    assert head(FFNNConfig(task="multiclass", n_classes=3, one_hot=True))[2] == "categorical_crossentropy"


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_every_optimiser_builds(name):
    assert make_optimizer(name, 0.01) is not None


def test_bad_settings_are_refused():
    with pytest.raises(ValueError):
        build_ffnn(FFNNConfig(hidden=(4, 4), activations=("relu",)))
    with pytest.raises(ValueError):
        make_optimizer("lbfgs", 0.1)


def test_config_round_trip():
    cfg = FFNNConfig(hidden=(3, 4), activations=("elu", "silu"), norm_mean=(0.0, 1.0), norm_var=(1.0, 2.0))
    assert FFNNConfig.from_dict(cfg.to_dict()) == cfg


def _train_xor(initializer: str) -> float:
    set_seed(0)
    ds = catalogue.load("xor", n=300, noise=0.0, seed=0)
    model = build_ffnn(FFNNConfig(hidden=(8,), activations=("relu",), initializer=initializer, learning_rate=0.03))
    out = fit(model, ds.x, ds.y, FitConfig(epochs=40, batch_size=32))
    return out["history"]["accuracy"][-1]


def test_zeros_initialisation_does_not_learn_but_glorot_does():
    # With all weights zero every hidden unit is the same (and ReLU(0) has no gradient): stuck at chance.
    assert _train_xor("zeros") < 0.65
    assert _train_xor("glorot_normal") > 0.9


def test_metrics_against_hand_computed_values():
    y_true = [0, 0, 1, 1, 2, 2]
    y_pred = [0, 1, 1, 1, 2, 0]
    rows = {r["class"]: r for r in classification_report(y_true, y_pred, ["a", "b", "c"])}
    # class a: TP 1, FP 1 (a true c), FN 1 -> P = R = F1 = 0.5; b: P = 2/3, R = 1, F1 = 0.8; c: P = 1, R = 0.5
    assert rows["a"]["precision"] == pytest.approx(0.5) and rows["a"]["recall"] == pytest.approx(0.5)
    assert rows["b"]["precision"] == pytest.approx(2 / 3) and rows["b"]["f1"] == pytest.approx(0.8)
    assert rows["c"]["precision"] == pytest.approx(1.0) and rows["c"]["f1"] == pytest.approx(2 / 3)
    assert rows["macro avg"]["f1"] == pytest.approx((0.5 + 0.8 + 2 / 3) / 3)
    assert rows["weighted avg"]["recall"] == pytest.approx(4 / 6)


def test_train_model_returns_views_and_members(tmp_path):
    params = {**topic.DEFAULTS, "dataset": "circle", "n": 200, "fit": {"epochs": 5, "batch_size": 32}}
    events = []
    result = topic.train_model(params, report=events.append, workdir=str(tmp_path))
    assert [e["epoch"] for e in events if e["kind"] == "epoch"] == [1, 2, 3, 4, 5]
    assert np.asarray(result["view"]["grid"]["p"]).shape == (topic.GRID, topic.GRID)
    assert len(result["view"]["neurons"]) == 16
    cells = result["test"]["members"]
    assert sum(len(v) for v in cells.values()) == len(result["test_idx"]) == 40
    assert (tmp_path / "model.keras").exists()


def test_regression_and_kfold():
    params = {**topic.DEFAULTS, "dataset": "sine", "n": 100, "validation": "kfold", "k": 3,
              "fit": {"epochs": 3, "batch_size": 32}}
    result = topic.train_model(params)
    assert len(result["kfold"]) == 3 and "mse" in result["test"] and "curve" in result["view"]


def test_early_stopping_restores_best_epoch():
    # Noisy moons and a big, fast network: it overfits within a few dozen epochs.
    params = {**topic.DEFAULTS, "dataset": "moons", "n": 100, "noise": 0.4,
              "model": {"hidden": [64, 64], "activations": ["relu", "relu"], "learning_rate": 0.1},
              "fit": {"epochs": 200, "batch_size": 16, "early_stopping": 3}}
    result = topic.train_model(params)
    assert result["stopped_early"] and result["epochs_run"] < 200
    val = result["history"]["val_loss"]
    assert result["best_epoch"] == int(np.argmin(val)) + 1


def test_generated_keras_code_runs():
    code = keras_code(FFNNConfig(hidden=(4,), activations=("tanh",), task="multiclass", n_classes=3, inputs=4,
                                 dropout=0.1, batchnorm=True, one_hot=True), TrainChoices(epochs=2, batch_size=16,
                                                                             early_stopping=2), "iris")
    exec(compile(code, "ffnn.py", "exec"), {})


def test_shipped_default_loads_and_scores():
    result, ds = topic.shipped_result("ffnn_spiral")
    assert ds.name == "spiral" and result["test"]["accuracy"] >= 0.95


def test_one_hot_targets_train_with_categorical_crossentropy():
    params = {**topic.DEFAULTS, "dataset": "iris", "model": {**topic.DEFAULTS["model"], "one_hot": True},
              "fit": {"epochs": 30, "batch_size": 16}}
    result = topic.train_model(params)
    assert result["test"]["accuracy"] > 0.8


def test_a_result_keeps_the_uploaded_csv_by_hash_not_its_bytes():
    data = ("a,b,label\n" + "".join(f"{i},{(i * 7) % 5},{i % 2}\n" for i in range(40))).encode()
    params = {**topic.DEFAULTS, "dataset": "csv", "csv": data, "target": "label", "fit": {"epochs": 1}}
    result = topic.train_model(params)
    assert "csv" not in result["params"] and data not in pickle.dumps(result)
    assert topic.result_params(result, params)["csv"] == data  # the same upload is still there: reload it
    other = {**params, "csv": data.replace(b"39,", b"38,")}
    assert topic.result_params(result, other) is None and topic.result_params(result, {"dataset": "csv"}) is None
    spiral = topic.kept_params(topic.DEFAULTS)
    assert topic.result_params({"params": spiral}, {}) == spiral


def test_an_uploaded_csv_trains_with_defaults_from_its_size_unless_switched_off():
    from anndl.topics.perceptron.job import recipe_of, with_recipe

    params = {"dataset": "csv", "recipe": True, "fit": {"epochs": 10, "batch_size": 128, "reduce_lr": 3}}
    recipe = recipe_of(params, 76)
    assert (recipe.batch_size, recipe.epochs, recipe.patience) == (19, 375, 37)
    fit_cfg = with_recipe(params, recipe)["fit"]
    assert fit_cfg == {"epochs": 375, "batch_size": 19, "early_stopping": 37, "reduce_lr": 3}
    assert recipe_of({**params, "recipe": False}, 76) is None  # the toggle off keeps the knobs
    assert recipe_of({**params, "dataset": "spiral"}, 76) is None  # built-in sets keep their tuned defaults
    assert with_recipe(params, None) is params
