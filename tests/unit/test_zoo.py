"""The model zoo: build a tiny artifact into a temporary folder, load it, get the same predictions."""

import json
import os

import keras
import numpy as np
import pytest

from anndl import zoo
from anndl.data import load

BUILT: dict[str, keras.Model] = {}  # the model each builder returned, to compare with what load() reads back


@keras.saving.register_keras_serializable(package="anndl_test")
class Scale(keras.layers.Layer):
    """A custom layer: the artifact must round-trip through .keras with it."""

    def __init__(self, factor: float = 2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def call(self, x):
        return x * self.factor

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


def tiny_builder(seed: int):
    """Iris, one hidden layer of 4, three epochs: a real trained artifact in about a second."""
    ds = load("iris")
    x = (ds.x - ds.x.mean(0)) / ds.x.std(0)
    model = keras.Sequential([keras.Input((4,)), Scale(0.5), keras.layers.Dense(4, activation="tanh"),
                              keras.layers.Dense(3, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    hist = model.fit(x, ds.y, epochs=3, batch_size=32, verbose=0)
    BUILT["tiny"] = model
    return model, {"config": {"hidden": [4], "epochs": 3}, "data": "iris", "metrics":
                   {"accuracy": np.float32(hist.history["accuracy"][-1])}}


@pytest.fixture
def tiny(monkeypatch, tmp_path):
    monkeypatch.setitem(zoo.ARTIFACTS, "tiny", f"{__name__}:tiny_builder")
    return tmp_path


def test_build_then_load_gives_the_same_predictions(tiny):
    meta = zoo.build("tiny", seed=3, out_dir=tiny)
    assert (tiny / "tiny.keras").stat().st_size < zoo.MAX_BYTES
    assert zoo.exists("tiny", tiny) and not zoo.exists("tiny")
    loaded = zoo.load("tiny", tiny)
    x = np.random.default_rng(0).normal(size=(16, 4)).astype("float32")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), BUILT["tiny"].predict(x, verbose=0), atol=1e-6)
    assert isinstance(loaded.layers[0], Scale) and loaded.layers[0].factor == 0.5
    assert meta == zoo.info("tiny", tiny) | {"metrics": meta["metrics"]}


def test_json_sidecar_has_config_seed_metrics_versions_and_time(tiny):
    zoo.build("tiny", seed=3, out_dir=tiny)
    side = json.loads((tiny / "tiny.json").read_text())
    for key in ("config", "data", "seed", "metrics", "versions", "train_s", "device", "name"):
        assert key in side, key
    assert side["seed"] == 3 and side["config"] == {"hidden": [4], "epochs": 3} and side["data"] == "iris"
    assert 0.0 <= side["metrics"]["accuracy"] <= 1.0  # a NumPy float32 was written as a JSON number
    assert side["train_s"] > 0 and side["device"] in ("cpu", "gpu")
    assert side["versions"]["keras"] == keras.__version__ and side["versions"]["tensorflow"].startswith("2.")


def test_cli_builds_and_reports_failures(tiny, capsys):
    zoo.main(["build", "tiny", "--out", str(tiny)])
    out = capsys.readouterr().out
    assert out.startswith("tiny: ") and "MB" in out and "accuracy" in out
    with pytest.raises(SystemExit, match="failed to build: nope"):
        zoo.main(["build", "nope", "--out", str(tiny)])
    assert "nope: FAILED KeyError" in capsys.readouterr().err


def test_missing_artifact_says_how_to_build_it(tiny):
    with pytest.raises(FileNotFoundError, match="python -m anndl.zoo build tiny"):
        zoo.load("tiny", tiny)


def test_trained_runs_the_topics_job_and_reads_its_model_back_then_removes_the_folder():
    params = {"dataset": "iris", "seed": 0, "model": {"hidden": [4], "activations": ["tanh"]},
              "fit": {"epochs": 2, "batch_size": 32}}
    result, model = zoo.trained("perceptron", params)
    assert result["epochs_run"] == 2 and not os.path.exists(result["model_path"])
    assert model.output_shape == (None, 3) and not model.compiled  # read back uncompiled, as pages use it


def test_predict_one_equals_predict_on_a_batch_of_one():
    from anndl.predict import predict_one

    model = zoo.load("cnn_mnist")
    x = np.random.default_rng(0).random((28, 28, 1), dtype=np.float32)
    np.testing.assert_allclose(predict_one(model, x), model.predict(x[None], verbose=0)[0], atol=1e-5)


@pytest.mark.parametrize("structure", ["tensor", "list", "dict", "nested"])
def test_predict_one_passes_the_input_in_the_structure_the_model_expects(structure, recwarn):
    from anndl.predict import predict_one

    inp = keras.Input((3,), name="features")
    out = keras.layers.Dense(2, kernel_initializer="ones")(inp)
    inputs = {"tensor": inp, "list": [inp], "dict": {"features": inp}, "nested": {"a": [inp]}}[structure]
    model = keras.Model(inputs, out)
    x = np.array([1.0, 2.0, 3.0], "float32")
    np.testing.assert_allclose(predict_one(model, x), [6.0, 6.0])
    assert not [str(w.message) for w in recwarn if "structure" in str(w.message)]
