"""app.ui.models: the cached loaders read a rewritten model file again (caches keyed by (path, mtime))."""

import json
import os

import numpy as np
import pytest


def _write(models_dir, name: str, value: float) -> None:
    """A one-weight model whose output is `value` * x, saved as the artifact NAME with its sidecar."""
    import keras

    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1, use_bias=False)])
    model.layers[0].set_weights([np.full((1, 1), value, "float32")])
    model.save(models_dir / f"{name}.keras")
    (models_dir / f"{name}.json").write_text(json.dumps({"version": value}))


def test_a_rebuilt_artifact_is_loaded_again(monkeypatch, tmp_path):
    """`python -m anndl.zoo build` rewrites models/NAME.keras while the server runs: the next `shipped(NAME)` returns
    the new model and sidecar, not the cached old ones; an unchanged file is not read twice."""
    from anndl import zoo
    from app.ui import models

    monkeypatch.setattr(zoo, "MODELS_DIR", tmp_path)
    _write(tmp_path, "ts_co2", 1.0)
    os.utime(tmp_path / "ts_co2.keras", (1e9, 1e9))
    first, info = models.shipped("ts_co2")
    assert models.shipped("ts_co2")[0] is first and info == {"version": 1.0}
    _write(tmp_path, "ts_co2", 2.0)  # the zoo built it again
    os.utime(tmp_path / "ts_co2.keras", (2e9, 2e9))
    rebuilt, info = models.shipped("ts_co2")
    assert rebuilt is not first and info == {"version": 2.0}
    assert float(rebuilt.layers[0].get_weights()[0][0, 0]) == 2.0
    assert models.file_key(tmp_path / "ts_co2.keras") == (str(tmp_path / "ts_co2.keras"), 2e9)


def test_a_missing_artifact_says_how_to_build_it(monkeypatch, tmp_path):
    from anndl import zoo
    from app.ui import models

    monkeypatch.setattr(zoo, "MODELS_DIR", tmp_path)
    with pytest.raises(FileNotFoundError, match="python -m anndl.zoo build ts_co2"):
        models.shipped("ts_co2")


def test_the_playgrounds_shipped_network_is_evaluated_again_after_a_rebuild(monkeypatch, tmp_path):
    """The perceptron page's own cache over the shipped network is keyed by the file's (path, mtime) too."""
    from anndl import zoo
    from app.ui.perceptron import network

    monkeypatch.setattr(zoo, "MODELS_DIR", tmp_path)
    monkeypatch.setattr(network, "shipped_result", lambda name: ({"built": object()}, None))
    (tmp_path / "ffnn_spiral.keras").write_bytes(b"v1")
    os.utime(tmp_path / "ffnn_spiral.keras", (1e9, 1e9))
    first = network.shown_result({"dataset": "spiral"}, None, None)[0]
    assert network.shown_result({"dataset": "spiral"}, None, None)[0] is first
    os.utime(tmp_path / "ffnn_spiral.keras", (2e9, 2e9))  # the zoo wrote it again
    assert network.shown_result({"dataset": "spiral"}, None, None)[0] is not first
