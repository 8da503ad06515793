"""CNN builder: block parsing, shapes, parameter counts against the course formula, receptive field,
MobileNet saving, .keras round trip, augmentation/TTA, look-inside helpers and a tiny training job."""

import keras
import numpy as np
import pytest

from anndl import explain
from anndl.errors import SettingsError
from anndl.nets import augment, cnn
from anndl.nets.cnn import PRESETS, CNNConfig, build_cnn, layer_table

ALL_BLOCKS = "conv:f=8|batchnorm|inception:f=16|residual:f=16|se:q=4|mobilenet:f=12,s=2|avgpool|dropout:r=0.1"


def test_blocks_text_round_trip_and_defaults():
    blocks = cnn.parse_blocks("conv:f=16,k=5,p=valid | maxpool | dropout:r=0.5")
    assert blocks[0] == {"type": "conv", "filters": 16, "kernel": 5, "stride": 1, "padding": "valid",
                         "activation": "relu"}
    assert blocks[1] == {"type": "maxpool", "kernel": 2, "stride": 2, "padding": "valid"}
    assert cnn.parse_blocks(cnn.blocks_text(blocks)) == blocks


@pytest.mark.parametrize("text, message", [
    ("", "empty"), ("dense:f=3", "unknown type"), ("conv:f=abc", "must be a number"), ("conv:f=9999", "outside"),
    ("conv:p=full", "padding must be"), ("conv:a=swishy", "activation must be"), ("conv:f32", "key=value"),
])
def test_nonsense_stacks_get_one_sentence(text, message):
    with pytest.raises(SettingsError, match=message):
        cnn.parse_blocks(text)


def test_too_small_input_names_the_block():
    with pytest.raises(SettingsError, match=r"Block 4 \(maxpool 2×2\) gets a 1×1 input"):
        build_cnn(CNNConfig(input_shape=(8, 8, 1), blocks="conv:p=valid|maxpool|conv:p=valid|maxpool|conv:p=valid"))


def test_keras_io_convnet_shapes_params_receptive_field_by_hand():
    model = build_cnn(CNNConfig(blocks=PRESETS["keras.io simple convnet"], dropout=0.5))
    rows = {r.name: r for r in layer_table(model)}
    assert rows["conv1"].output == (26, 26, 32) and rows["conv1"].params == (3 * 3 * 1 + 1) * 32 == 320
    assert rows["conv2"].output == (11, 11, 64) and rows["conv2"].params == (3 * 3 * 32 + 1) * 64 == 18496
    assert rows["maxpool2"].output == (5, 5, 64) and rows["classifier"].params == (1600 + 1) * 10
    assert model.count_params() == 34826  # the keras.io example's own summary
    # receptive field by hand: r_l = r_(l-1) + (k_l - 1) * jump_(l-1); jump_l = jump_(l-1) * s_l
    assert [rows[n].rf for n in ("conv1", "maxpool1", "conv2", "maxpool2")] == [3, 4, 8, 10]
    assert [rows[n].jump for n in ("conv1", "maxpool1", "conv2", "maxpool2")] == [1, 2, 2, 4]
    assert rows["conv2"].macs == 11 * 11 * 3 * 3 * 32 * 64


def test_strided_receptive_field_and_box():
    model = build_cnn(CNNConfig(blocks="conv:s=2,p=valid|conv:p=valid"))
    rows = layer_table(model)
    assert rows[0].output[:2] == (13, 13) and rows[1].rf == 3 + (3 - 1) * 2
    keras_io = layer_table(build_cnn(CNNConfig(blocks=PRESETS["keras.io simple convnet"])))
    assert cnn.receptive_box(keras_io, "conv2", 0, 0, (28, 28)) == (0, 0, 8, 8)
    assert cnn.receptive_box(keras_io, "conv2", 1, 2, (28, 28)) == (2, 4, 10, 12)
    assert cnn.receptive_box(keras_io, "conv2", 10, 10, (28, 28)) == (20, 20, 28, 28)


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset_matches_the_course_formula(name):
    model = build_cnn(CNNConfig(blocks=PRESETS[name]))
    rows = layer_table(model)
    assert all(r.formula_params == r.params for r in rows), [(r.name, r.params, r.formula_params) for r in rows]
    assert sum(r.params for r in rows) == model.count_params()
    assert model.output.shape[1:] == (10,)


def test_course_blocks_shapes_and_mobilenet_saving():
    model = build_cnn(CNNConfig(input_shape=(16, 16, 3), n_classes=4, blocks=ALL_BLOCKS, head="gap", hidden=8))
    rows = {r.name: r for r in layer_table(model)}
    assert rows["inception1"].output == (16, 16, 4 + 8 + 2 + 2)  # GoogLeNet 3a proportions of 16
    assert rows["residual1"].note == "identity shortcut"  # inception gives 16 channels, the block keeps 16
    assert rows["mobilenet1"].output == (8, 8, 12)
    n, k = 12, 3
    assert f"(1/N + 1/k² = {1 / n + 1 / k ** 2:.3f})" in rows["mobilenet1"].note
    c = 16  # channels into the MobileNet block
    assert rows["mobilenet1"].macs == 8 * 8 * (k * k * c + c * n)
    assert rows["mobilenet1"].macs / (8 * 8 * k * k * c * n) == pytest.approx(1 / n + 1 / k ** 2)
    assert cnn.conv_layers(model)[:3] == ["conv1", "batchnorm1", "inception1"]
    assert cnn.embedding_model(model).output.shape[1:] == (8,)


def test_residual_identity_shortcut_when_shapes_agree():
    rows = {r.name: r for r in layer_table(build_cnn(CNNConfig(blocks="conv:f=16|residual:f=16")))}
    assert rows["residual1"].note == "identity shortcut" and rows["residual1"].rf == 3 + 4


def test_custom_blocks_round_trip_through_keras_file(tmp_path):
    model = build_cnn(CNNConfig(input_shape=(16, 16, 3), n_classes=4, blocks=ALL_BLOCKS))
    x = np.random.default_rng(0).random((3, 16, 16, 3), dtype=np.float32)
    model.save(tmp_path / "m.keras")
    again = keras.saving.load_model(tmp_path / "m.keras", compile=False)
    np.testing.assert_allclose(model.predict(x, verbose=0), again.predict(x, verbose=0), atol=1e-5)
    assert again.get_layer("inception1").get_config()["f3"] == 8


def test_augmentation_preview_mixup_and_tta():
    rng = np.random.default_rng(0)
    x = rng.random((8, 12, 12, 1), dtype=np.float32)
    y = np.eye(4, dtype=np.float32)[np.arange(8) % 4]
    cfg = augment.AugmentConfig(translate=0.1, rotate=0.05, mixup=0.2, cutmix=1.0)
    xa, ya = augment.preview(x, y, cfg, n=8)
    assert xa.shape == x.shape and not np.allclose(xa, x) and np.allclose(ya.sum(1), 1.0)
    assert (ya.max(1) < 1).any()  # some labels were mixed
    shifted = augment._shift(np.arange(9, dtype=float).reshape(1, 3, 3, 1), 1, 0)[0, :, :, 0]
    assert shifted.tolist() == [[0, 0, 0], [0, 1, 2], [3, 4, 5]]
    model = build_cnn(CNNConfig(input_shape=(12, 12, 1), n_classes=4, blocks="conv:f=4"))
    assert augment.predict_tta(model, x, flip=True).shape == (8, 4)
    ds, none = augment.train_data(x, y, cfg, batch_size=4)
    assert none is None and next(iter(ds))[0].shape == (4, 12, 12, 1)
    assert augment.train_data(x, y, augment.AugmentConfig(), 4)[0] is x


def test_look_inside_helpers():
    model = build_cnn(CNNConfig(blocks=PRESETS["keras.io simple convnet"]))
    x = np.random.default_rng(1).random((20, 28, 28, 1), dtype=np.float32)
    filters = explain.first_layer_filters(model)
    assert filters.shape == (32, 3, 3, 1) and filters.min() == 0 and filters.max() == 1
    maps = explain.activation_maps(model, "conv2", x[0])
    assert maps.shape == (64, 11, 11)
    assert explain.tile(maps, cols=8).shape == (8 * 12 - 1, 8 * 12 - 1)
    rows = layer_table(model)
    patches = explain.max_activating_patches(model, rows, "conv2", 5, x, top=4)
    assert len(patches) == 4 and all(p["patch"].shape[0] <= 8 and p["patch"].shape[1] <= 8 for p in patches)
    assert [p["score"] for p in patches] == sorted((p["score"] for p in patches), reverse=True)
    emb = explain.embed(model, x)
    idx, dist = explain.nearest(emb, emb[3], k=5, exclude=3)
    assert 3 not in idx and list(dist) == sorted(dist) and len(idx) == 5


def test_tiny_training_job_end_to_end(tmp_path):
    from anndl.jobs import run_inline

    events = []
    params = {"dataset": "digits", "blocks": "conv:f=8|maxpool", "epochs": 2, "batch": 64, "lr": 0.01,
              "augment": {"translate": 0.1}, "seed": 0}
    out = run_inline("anndl.topics.cnn.job:train_job", params, workdir=str(tmp_path), report=events.append)
    assert out["epochs_run"] == 2 and len(out["y_pred"]) == 359 and 0.5 < out["test_accuracy"] <= 1
    assert 0 <= out["tta_accuracy"] <= 1 and (tmp_path / "model.keras").exists()
    assert [e["epoch"] for e in events if e["kind"] == "epoch"] == [1, 2]


def test_keras_code_runs_and_builds_the_same_network(tmp_path, monkeypatch):
    from anndl.topics.cnn.code import keras_code

    params = {"dataset": "digits", "blocks": "conv:f=8|residual:f=8|se|inception:f=16|maxpool|mobilenet:f=8",
              "head": "gap", "hidden": 16, "dropout": 0.2, "lr": 0.01, "batch": 64, "epochs": 1, "cosine": True,
              "early_stopping": 2, "reduce_lr": 1, "augment": {"translate": 0.1, "mixup": 0.2}}
    code = keras_code(params, (8, 8, 1), 10)
    monkeypatch.chdir(tmp_path)
    scope: dict = {}
    exec(compile(code, "cnn.py", "exec"), scope)
    expected = build_cnn(CNNConfig(input_shape=(8, 8, 1), blocks=params["blocks"], head="gap", hidden=16))
    assert scope["model"].count_params() == expected.count_params()
    assert (tmp_path / "cnn.keras").exists()


def test_split_images_keeps_every_class_in_every_part():
    from anndl.data import Dataset
    from anndl.topics.cnn.job import split_images

    ds = Dataset("tiny", np.zeros((10, 4, 4, 1), "float32"), np.repeat([0, 1], 5), "binary", [], ["a", "b"])
    sp = split_images(ds, seed=0)
    assert set(sp.y_test) == set(sp.y_val) == set(sp.y_train) == {0, 1}
    assert len(sp.x_train) + len(sp.x_val) + len(sp.x_test) == 10
