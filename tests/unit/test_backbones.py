"""Backbones: the MobileNet-style builder, the shipped pretrained ones, and what is available offline and why."""

import keras
import numpy as np
import pytest

from anndl import backbones, zoo
from anndl.nets.mobilenet import MobileNetConfig, build_mobilenet, feature_extractor, mobilenet_cost


def offline():
    return False, "ImageNet weights are not reachable from this server (gaierror)"


def online():
    return True, "the ImageNet weights server is reachable"


def test_builder_counts_and_keras_applications_layer_names(tmp_path):
    cfg = MobileNetConfig(n_classes=5)
    model = build_mobilenet(cfg)
    assert model.count_params() == mobilenet_cost(cfg)[0]
    for name in ("Conv1", "block_1_expand", "block_1_depthwise", "block_2_add", "out_relu", "avg_pool"):
        model.get_layer(name)
    assert model.output.shape == (None, 5)
    feats = feature_extractor(model)
    assert feats.output.shape == (None, cfg.top)
    x = np.random.default_rng(0).random((2, 28, 28, 1)).astype("float32")
    model.save(tmp_path / "m.keras")
    again = keras.saving.load_model(tmp_path / "m.keras")
    np.testing.assert_allclose(again.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6)


def test_offline_only_random_weights_with_the_reason():
    status = {s.name: s for s in backbones.available(probe=offline)}
    for name in backbones.APPLICATIONS:
        assert status[name].weights == ["none"] and "not reachable" in status[name].reason
    online_status = {s.name: s for s in backbones.available(probe=online)}
    assert online_status["MobileNetV2"].weights == ["none", "imagenet"]


def test_imagenet_request_offline_raises_one_sentence_and_random_weights_still_build():
    with pytest.raises(backbones.WeightsUnavailable, match="not reachable.*random weights"):
        backbones.application("MobileNetV3Small", probe=offline)
    model = backbones.application("MobileNetV2", weights=None, input_shape=(32, 32, 3), alpha=0.35)
    assert model.output.shape[-1] == 1280


def test_a_failing_download_is_caught_and_remembered(monkeypatch):
    monkeypatch.setattr(backbones, "_REACHABLE", {})

    def no_download(**kwargs):
        raise OSError("URL fetch failure")

    monkeypatch.setattr(keras.applications, "ResNet50", no_download)
    with pytest.raises(backbones.WeightsUnavailable, match="downloading ImageNet weights failed"):
        backbones.application("ResNet50", probe=online)
    assert backbones.imagenet_reachable()[0] is False  # the next page asks no network again


def test_the_probe_answer_is_cached(monkeypatch):
    calls = []
    monkeypatch.setattr(backbones, "_REACHABLE", {})
    monkeypatch.setattr(backbones, "probe_weights_host", lambda: calls.append(1) or offline())
    assert backbones.imagenet_reachable() == backbones.imagenet_reachable() == offline()
    assert len(calls) == 1


def test_training_writes_the_sidecar_metrics():
    rng = np.random.default_rng(0)
    x = rng.random((24, 28, 28, 1)).astype("float32")
    y = np.arange(24) % 3
    _, info = backbones._train_backbone(x, y, x[:6], y[:6], x[:6], y[:6], ["a", "b", "c"], 1, 0, {"dataset": "t"})
    assert set(info["metrics"]) == {"test_accuracy", "val_accuracy"} and info["data"]["train"] == 24
    assert info["config"]["n_classes"] == 3


@pytest.mark.parametrize("name", ["mobilenet_fashion", "mobilenet_digits04"])
def test_shipped_backbones_load_and_match_their_sidecar(name):
    if not zoo.exists(name):
        pytest.fail(f"models/{name}.keras is missing: run `python -m anndl.zoo build {name}`")
    meta = zoo.info(name)
    model = zoo.load(name)
    if name == "mobilenet_fashion":
        from anndl.data.images import fashion_arrays

        _, _, x, y, _ = fashion_arrays()
        x, y, floor = x[:1000, ..., None] / 255.0, y[:1000], 0.8
    else:
        from anndl.data.images import mnist_arrays

        x, y = mnist_arrays()
        keep = y <= 4
        x, y, floor = x[keep][:1000, ..., None] / 255.0, y[keep][:1000], 0.9
    accuracy = float((model.predict(x.astype("float32"), verbose=0).argmax(1) == y).mean())
    assert meta["metrics"]["test_accuracy"] >= floor
    assert accuracy >= floor  # a sample of the data it claims to know, read through the shipped file
    status = {s.name: s for s in backbones.available(probe=offline)}[name]
    assert status.metrics["test_accuracy"] == meta["metrics"]["test_accuracy"]


def test_each_backbone_has_its_own_preprocessing():
    x = np.array([[[[0.0, 0.0, 0.0], [255.0, 255.0, 255.0]]]])
    np.testing.assert_allclose(np.asarray(backbones.preprocess_input("MobileNetV2")(x.copy())).ravel(),
                               [-1, -1, -1, 1, 1, 1])
    vgg = np.asarray(backbones.preprocess_input("VGG16")(x.copy()))
    assert vgg[0, 0, 0, 0] == pytest.approx(-103.939, abs=1e-3)  # BGR, ImageNet mean subtracted
    np.testing.assert_allclose(backbones.preprocess_input("mobilenet_fashion")(x)[0, 0, 1], [1, 1, 1])
    with pytest.raises(KeyError, match="Unknown backbone"):
        backbones.preprocess_input("AlexNet")
