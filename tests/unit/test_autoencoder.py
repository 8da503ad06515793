"""Autoencoder topic (§19–§20): builders, encoder/decoder composition, latent walks, the §19.3 classifier
initialisation, the job on tiny data, the generated Keras code (its bench: tests/unit/test_benches_run.py)."""

import os
import subprocess
import sys

import numpy as np
import pytest

from anndl.errors import SettingsError
from anndl.nets.autoencoder import AEConfig, build_autoencoder, build_classifier, decoder_of, encoder_of
from anndl.topics.autoencoder import latent as lat
from tests.conftest import ROOT

X = np.random.default_rng(0).random((6, 8, 8, 1), dtype=np.float32)


@pytest.mark.parametrize("kw", [dict(), dict(kind="dense", latent=3), dict(noise=0.3, latent=4),
                                dict(deform=0.1, latent=4), dict(variational=True, latent=2, beta=0.5)])
def test_shapes_and_encoder_then_decoder_is_the_autoencoder(kw):
    model = build_autoencoder(AEConfig(input_shape=(8, 8, 1), filters=(4, 8), hidden=16, **kw))
    enc, dec = encoder_of(model), decoder_of(model)
    codes = enc(X)
    assert tuple(codes.shape) == (6, kw.get("latent", 2))
    out = np.asarray(model(X, training=False))
    assert out.shape == X.shape and out.min() >= 0 and out.max() <= 1  # sigmoid pixels
    np.testing.assert_allclose(np.asarray(dec(codes)), out, atol=1e-6)


def test_spatial_code_keeps_the_map_layout_and_composes():
    """keras.io's code shape (h/4 × w/4 × channels) with the page's builder, for the bench's time to its MSE."""
    model = build_autoencoder(AEConfig(input_shape=(8, 8, 1), filters=(4, 8), spatial=3))
    codes = encoder_of(model)(X)
    assert tuple(codes.shape) == (6, 2, 2, 3)
    np.testing.assert_allclose(np.asarray(decoder_of(model)(codes)), np.asarray(model(X)), atol=1e-6)
    with pytest.raises(SettingsError, match="spatial code"):
        build_autoencoder(AEConfig(input_shape=(8, 8, 1), kind="dense", spatial=3))
    clf = build_classifier(encoder_of(model), 5)  # §19.3 on a spatial code: its map flattened before the head
    assert clf.output_shape == (None, 5) and clf.get_layer("classes").kernel.shape == (2 * 2 * 3, 5)


def test_conv_parameter_count_is_the_course_formula():
    model = build_autoencoder(AEConfig(input_shape=(8, 8, 1), latent=2, filters=(4, 8)))
    # encoder: (3·3·1+1)·4 + (3·3·4+1)·8 + (2·2·8+1)·2; decoder: (2+1)·32 + (3·3·8+1)·4 + (3·3·4+1)·1
    encoder = 40 + 296 + 66
    decoder = 96 + 292 + 37
    assert encoder_of(model).count_params() == encoder and decoder_of(model).count_params() == decoder
    assert model.count_params() == encoder + decoder


def test_keras_round_trip_keeps_the_vae(tmp_path):
    import keras

    model = build_autoencoder(AEConfig(input_shape=(8, 8, 1), filters=(4, 8), variational=True, beta=2.0))
    model.save(tmp_path / "vae.keras")
    back = keras.saving.load_model(tmp_path / "vae.keras", compile=False)
    np.testing.assert_allclose(np.asarray(back(X, training=False)), np.asarray(model(X, training=False)), atol=1e-6)
    assert back.get_layer("sampling").beta == 2.0
    model(X, training=True)
    assert len(model.losses) == 1 and float(model.losses[0]) >= 0  # β·KL joins the training loss


def test_bad_settings_get_one_sentence():
    with pytest.raises(SettingsError, match="divisible by 4"):
        build_autoencoder(AEConfig(input_shape=(10, 10, 1)))
    with pytest.raises(SettingsError, match="latent size"):
        build_autoencoder(AEConfig(latent=0))
    with pytest.raises(SettingsError, match="deformation"):
        build_autoencoder(AEConfig(deform=0.5))


def test_denoising_by_moves_moves_the_input_only_while_training(tmp_path):
    import keras

    from anndl.nets.autoencoder import corrupt

    config = AEConfig(latent=4, deform=0.2)
    inp = keras.Input(config.input_shape)
    seen = keras.Model(inp, corrupt(inp, config))  # what the encoder is given
    x = np.zeros((16, 28, 28, 1), "float32")
    x[:, 10:18, 12:16] = 1.0  # a bar off the centre: any shift or turn moves its pixels
    assert np.array_equal(np.asarray(seen(x, training=False)), x)
    moved = np.asarray(seen(x, training=True))
    assert np.mean(np.abs(moved - x).reshape(16, -1).max(1) > 0.5) > 0.5  # most images moved
    model = build_autoencoder(config)
    model.save(tmp_path / "ae.keras")
    back = keras.models.load_model(tmp_path / "ae.keras")
    assert "deform" in {layer.name for layer in back.layers}
    np.testing.assert_allclose(back.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6)


def test_classifier_init_copies_the_encoder_weights_and_scratch_does_not():
    model = build_autoencoder(AEConfig(input_shape=(8, 8, 1), filters=(4, 8), latent=4))
    enc = encoder_of(model)
    for init in (True, False):
        clf = build_classifier(enc, 3, init=init)
        body = clf.get_layer("encoder")
        assert body is not enc  # a copy: fine-tuning the classifier leaves the autoencoder alone
        same = [np.array_equal(a, b) for a, b in zip(body.get_weights(), enc.get_weights()) if a.ndim > 1]
        assert all(same) if init else not any(same)
        assert clf.output_shape == (None, 3)


def test_grid_is_decoded_in_one_call_row_by_row_from_the_top():
    calls = []

    def decoder(z, training=False):  # a fake decoder: the image is filled with the code's first coordinate
        calls.append(len(z))
        z = np.asarray(z)
        return np.repeat(z[:, :1, None, None], 4, axis=1).repeat(4, axis=2)

    images = lat.decode_grid(decoder, lat.Projection("direct"), (0.0, 1.0), (0.0, 2.0), 3)
    assert calls == [9] and images.shape == (3, 3, 4, 4, 1)
    np.testing.assert_allclose(images[0, :, 0, 0, 0], [0.0, 0.5, 1.0])  # x grows left to right
    points = lat.grid_points((0.0, 1.0), (0.0, 2.0), 3)
    assert points[0, 1] == 2.0 and points[-1, 1] == 0.0  # the top row is the largest y
    assert lat.mosaic(images).shape == (3 * 5 - 1, 3 * 5 - 1)


def test_projection_pca_inverts_onto_its_plane_and_tsne_is_capped():
    codes = np.random.default_rng(1).standard_normal((50, 6)).astype("float32")
    points, proj = lat.project(codes, "pca")
    back = proj.to_latent(points)
    assert back.shape == (50, 6) and np.allclose(proj.pca.transform(back), points, atol=1e-4)
    two, direct = lat.project(codes[:, :2], "pca")
    assert direct.method == "direct" and np.array_equal(two, codes[:, :2])
    with pytest.raises(ValueError, match="limited to 1,000 points"):
        lat.project(np.zeros((lat.TSNE_CAP + 1, 3), "float32"), "tsne")
    z = lat.random_codes(codes, 400, prior="fitted")
    assert np.allclose(z.mean(0), codes.mean(0), atol=0.3)


def test_interpolation_starts_and_ends_at_the_two_reconstructions():
    model = build_autoencoder(AEConfig(input_shape=(8, 8, 1), filters=(4, 8), latent=3))
    enc, dec = encoder_of(model), decoder_of(model)
    path = lat.interpolate(enc, dec, X[0], X[1], steps=5)
    assert path.shape == (5, 8, 8, 1)
    np.testing.assert_allclose(path[[0, -1]], np.asarray(model(X[:2], training=False)), atol=1e-5)


@pytest.mark.slow
def test_job_trains_reports_live_reconstructions_and_saves(tmp_path):
    from anndl.jobs import Limits, run_inline
    from anndl.topics.autoencoder.job import SHOW

    events = []
    params = {"dataset": "digits", "latent": 2, "epochs": 2, "batch": 256}
    result = run_inline("anndl.topics.autoencoder.job:train_job", params, Limits(max_epochs=2), workdir=str(tmp_path),
                        report=events.append)
    recon = [e["extra"]["recon"] for e in events if e.get("kind") == "epoch"]
    assert len(recon) == 2 and np.asarray(recon[-1]).shape == (SHOW, 8, 8)
    assert 0 < result["test_mse"] < 0.2 and len(result["per_class_mse"]) == 10
    assert os.path.exists(result["model_path"])


@pytest.mark.slow
def test_init_experiment_rows_on_tiny_data():
    from types import SimpleNamespace

    from anndl.topics.autoencoder.job import few_labels, init_experiment

    rng = np.random.default_rng(0)
    y = np.repeat(np.arange(3), 10)
    sp = SimpleNamespace(x_train=rng.random((30, 8, 8, 1), dtype=np.float32), y_train=y,
                         x_test=rng.random((9, 8, 8, 1), dtype=np.float32), y_test=np.repeat(np.arange(3), 3))
    idx = few_labels(y, 2, 0)
    assert sorted(np.bincount(y[idx])) == [2, 2, 2]
    model = build_autoencoder(AEConfig(input_shape=(8, 8, 1), filters=(4, 8), latent=4))
    rows = init_experiment(model, sp, 3, labels=(2,), epochs=1, seeds=(0, 1))
    assert [(r["labels_per_class"], r["draws"]) for r in rows] == [(2, 2)]
    assert all(0 <= rows[0][k] <= 1 for k in ("ae_init", "scratch"))


@pytest.mark.slow
def test_init_job_runs_the_experiment_on_a_saved_autoencoder(tmp_path):
    from anndl.jobs import run_inline

    model = build_autoencoder(AEConfig(input_shape=(8, 8, 1), filters=(4, 8), latent=4))
    model.save(tmp_path / "ae.keras")
    events = []
    params = {"model_path": str(tmp_path / "ae.keras"), "dataset": "digits", "labels": [2], "seeds": [0],
              "epochs": 1}
    result = run_inline("anndl.topics.autoencoder.job:init_job", params, report=events.append)
    assert [r["labels_per_class"] for r in result["init_rows"]] == [2]
    assert [e["epoch"] for e in events if e.get("kind") == "epoch"] == [1]  # progress: one step per label count


@pytest.mark.slow
def test_generated_keras_code_runs(tmp_path):
    from anndl.topics.autoencoder.code import keras_code

    code = keras_code({"dataset": "digits", "latent": 3, "epochs": 1, "noise": 0.1, "deform": 0.1,
                       "variational": True}, (8, 8, 1))
    (tmp_path / "ae.py").write_text(code)
    out = subprocess.run([sys.executable, "ae.py"], cwd=tmp_path, capture_output=True, text=True, timeout=300,
                         env={"PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3", "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr[-2000:]
    assert "test MSE" in out.stdout and (tmp_path / "autoencoder.keras").exists()

