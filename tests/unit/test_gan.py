"""GAN page (course §21–§22): losses against hand values, label conditioning, k discriminator steps, the
.keras round-trip, the judge, the sampler, the jobs and the generated code."""

import math

import numpy as np
import pytest

from anndl.errors import SettingsError
from anndl.nets.gan import (
    GAN,
    GANConfig,
    build_discriminator,
    build_gan,
    build_generator,
    discriminator_loss,
    generator_loss,
    latent_noise,
    one_hot,
)

TINY = dict(hidden=(16, 32), latent=8)  # a few thousand weights: steps in milliseconds


def test_losses_match_hand_values():
    # D(x) = sigmoid(2), D(G(z)) = sigmoid(-1): -log σ(2) - log(1 - σ(-1)) = log(1+e^-2) + log(1+e^-1)
    d = float(discriminator_loss(np.array([[2.0]]), np.array([[-1.0]])))
    assert d == pytest.approx(math.log1p(math.exp(-2)) + math.log1p(math.exp(-1)), rel=1e-5)
    assert float(discriminator_loss(np.zeros((4, 1)), np.zeros((4, 1)))) == pytest.approx(2 * math.log(2), rel=1e-5)
    # non-saturating -log σ(-1) = log(1+e); saturating log(1 - σ(-1)) = -log(1+e^-1)
    assert float(generator_loss(np.array([[-1.0]]), True)) == pytest.approx(math.log1p(math.e), rel=1e-5)
    assert float(generator_loss(np.array([[-1.0]]), False)) == pytest.approx(-math.log1p(math.exp(-1)), rel=1e-5)


def test_saturating_loss_gradient_vanishes_when_the_discriminator_wins():
    import tensorflow as tf

    logit = tf.Variable([[-6.0]])  # D(G(z)) ≈ 0.0025: the discriminator is sure the sample is fake
    grads = []
    for ns in (True, False):
        with tf.GradientTape() as tape:
            loss = generator_loss(logit, ns)
        grads.append(abs(float(tape.gradient(loss, logit)[0, 0])))
    assert grads[0] > 0.99 and grads[1] < 0.003  # -log D keeps pushing, log(1 - D) stalls


@pytest.mark.parametrize("kind", ["dense", "conv"])
def test_label_conditioning_shapes_and_the_label_matters(kind):
    cfg = GANConfig(kind=kind, filters=(8, 4), **TINY)
    g, d = build_generator(cfg), build_discriminator(cfg)
    z = latent_noise(3, cfg.latent, 0)
    a = np.asarray(g([z, one_hot([3, 3, 3], 10)]))
    b = np.asarray(g([z, one_hot([7, 7, 7], 10)]))
    assert a.shape == (3, 28, 28, 1) and np.abs(a).max() <= 1.0  # tanh range
    assert np.abs(a - b).max() > 1e-4  # the label enters the generator
    assert d([a, one_hot([3, 3, 3], 10)]).shape == (3, 1)
    assert [tuple(i.shape) for i in g.inputs] == [(None, cfg.latent), (None, 10)]
    plain = build_generator(GANConfig(kind=kind, n_classes=0, filters=(8, 4), **TINY))
    assert len(plain.inputs) == 1 and plain(z).shape == (3, 28, 28, 1)


def test_k_discriminator_steps_are_really_taken():
    k = 3
    gan = build_gan(GANConfig(d_steps=k, **TINY))
    gan.run_eagerly = True  # two steps: tracing the graph would cost more than running them
    x = np.random.default_rng(0).random((64, 28, 28, 1), dtype="float32")
    hist = gan.fit(x, np.arange(64) % 10, batch_size=32, epochs=1, verbose=0)
    assert int(gan.g_optimizer.iterations) == 2 and int(gan.d_optimizer.iterations) == 2 * k
    assert {"d_loss", "g_loss", "d_real", "d_fake"} <= set(hist.history)


def test_generator_and_gan_round_trip(tmp_path):
    import keras

    gan = build_gan(GANConfig(**TINY))
    z, lab = latent_noise(2, 8, 1), one_hot([1, 2], 10)
    gan.generator.save(tmp_path / "g.keras")
    again = keras.saving.load_model(tmp_path / "g.keras", compile=False)
    np.testing.assert_allclose(np.asarray(again([z, lab])), np.asarray(gan.generator([z, lab])), atol=1e-6)
    clone = GAN.from_config(gan.get_config())
    assert clone.d_steps == gan.d_steps and clone.n_classes == 10 and clone.latent == 8


def test_bad_settings_get_one_sentence():
    for cfg in (GANConfig(kind="rnn"), GANConfig(d_steps=50), GANConfig(kind="conv", data_shape=(32, 32, 3))):
        with pytest.raises(SettingsError):
            build_generator(cfg)


def test_shipped_judge_reads_real_test_digits():
    from anndl import zoo
    from anndl.topics.gan.job import load_images, split_images
    from anndl.topics.gan.quality import judge_outputs

    sp = split_images(load_images("mnist"))
    _, probs = judge_outputs(zoo.load("gan_judge_mnist"), sp.x_test[:400])
    assert (probs.argmax(1) == sp.y_test[:400]).mean() >= 0.97


def test_frechet_distance_and_coverage_hand_values():
    from anndl.topics.gan.quality import class_coverage, frechet_distance

    eye = np.eye(2)
    assert frechet_distance((np.zeros(2), eye), (np.zeros(2), eye)) == pytest.approx(0.0, abs=1e-9)
    # means 3 apart, covariances I and 4I: 9 + tr(I + 4I - 2·2I) = 9 + 2
    assert frechet_distance((np.zeros(2), eye), (np.array([3.0, 0.0]), 4 * eye)) == pytest.approx(11.0)
    assert class_coverage(np.array([0, 0, 0, 1]), 2) == 1.0  # class 1 has 1 of 4 ≥ half of its fair 2
    assert class_coverage(np.zeros(10, int), 10) == pytest.approx(0.1)  # collapse onto one class


def test_sampler_seeded_walks_and_arithmetic():
    from anndl.topics.gan import sampler

    g = build_generator(GANConfig(**TINY))
    a = sampler.sample_grid(g, 5, 12)
    assert a.shape == (12, 28, 28, 1) and 0 <= a.min() and a.max() <= 1
    np.testing.assert_array_equal(a, sampler.sample_grid(g, 5, 12))
    assert not np.array_equal(a, sampler.sample_grid(g, 6, 12))
    walk = sampler.class_walk(g, 5, 1, 7, steps=5)
    np.testing.assert_allclose(walk[0], sampler.sample_grid(g, 5, 1, label=1)[0], atol=1e-6)
    np.testing.assert_allclose(walk[-1], sampler.sample_grid(g, 5, 1, label=7)[0], atol=1e-6)
    seeds = sampler.seed_walk(g, 5, 9, steps=4, label=2)
    np.testing.assert_allclose(seeds[0], sampler.sample_grid(g, 5, 1, label=2)[0], atol=1e-6)
    assert sampler.arithmetic(g, 5, 12, 0, 1, 2).shape == (4, 28, 28, 1)
    for bad in (lambda: sampler.sample_grid(g, 0, 500), lambda: sampler.sample_grid(g, 0, 4, label=12),
                lambda: sampler.arithmetic(g, 0, 4, 0, 1, 9)):
        with pytest.raises(SettingsError):
            bad()


def test_job_reports_monitor_grid_and_quality_and_saves_the_generator(tmp_path):
    from anndl.jobs import Limits, run_inline
    from anndl.zoo import load_file

    events = []
    params = {"dataset": "mnist", "conditional": True, "epochs": 1, "n_train": 256, "seed": 0,
              "eager": True}
    result = run_inline("anndl.topics.gan.job:train_job", params, Limits(max_epochs=1), workdir=str(tmp_path),
                        report=events.append)
    extras = [e["extra"] for e in events if e.get("extra")]
    assert len(extras) == 1 and np.shape(extras[-1]["grid"]) == (20, 28, 28)
    q = extras[-1]["quality"]
    assert 0 <= q["cond_accuracy"] <= 1 and q["frechet"] > 0 and q["frechet_noise"] > 0
    assert result["d_updates"] == result["g_updates"] == 4  # 256 images, batch 64
    g = load_file(result["model_path"], "gan")
    assert g.name == "generator" and g.output.shape[1:] == (28, 28, 1)


def test_toy_job_moves_points(tmp_path):
    from anndl.jobs import Limits, run_inline

    params = {"toy": "ring", "epochs": 2, "eager": True}
    result = run_inline("anndl.topics.gan.job:toy_job", params, Limits(max_epochs=2), workdir=str(tmp_path))
    assert np.shape(result["fake"]) == (300, 2) and np.shape(result["real"]) == (300, 2)
    assert result["epochs_run"] == 2 and np.abs(result["fake"]).max() <= 1.0


def test_generated_conv_code_compiles():
    from anndl.topics.gan.code import keras_code

    compile(keras_code({"conditional": False, "kind": "conv"}), "gan.py", "exec")


def test_generated_keras_code_runs(tmp_path, monkeypatch):
    from anndl.topics.gan.code import keras_code

    code = keras_code({"conditional": True, "epochs": 1, "kind": "dense", "d_steps": 2})
    code = code.replace("gan.fit(sp.x_train, sp.y_train", "gan.run_eagerly = True\ngan.fit(sp.x_train[:64], "
                        "sp.y_train[:64]")  # one step, not traced
    monkeypatch.chdir(tmp_path)  # in this process: TensorFlow is imported already (a subprocess costs 15 s more)
    scope = {"__name__": "__main__"}
    exec(compile(code, "gan.py", "exec"), scope)
    assert (tmp_path / "generator.keras").exists() and tuple(scope["images"].shape) == (10, 28, 28, 1)


def test_bench_json_has_the_issue_keys(capsys, monkeypatch):
    """The keys and their figures; the baseline's training is replaced by the shipped generator (the tiny bench in
    tests/unit/test_benches_run.py trains it)."""
    import json

    from anndl import bench, zoo
    from anndl.topics.gan import bench as gan_bench

    monkeypatch.setattr(gan_bench, "run_baseline",
                        lambda sp, seconds, seed, max_steps=None: {"generator": zoo.load("gan_cgan_mnist"),
                                                                   "train_s": 1.0, "steps": 0})
    bench.main(["gan", "--tiny"])
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["topic"] == "gan" and result["metric"] == "conditional_accuracy_by_judge"
    assert {"frechet_judge", "frechet_noise", "sample_ms"} <= set(result["extra"])
    assert 0 <= result["value"] <= 1 and result["extra"]["frechet_noise"] > result["extra"]["frechet_judge"] > 0
    assert result["baseline"]["name"].startswith("keras.io") and result["baseline"]["train_s"] > 0
