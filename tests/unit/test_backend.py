"""The backend-specific pieces (anndl.backend) and a smoke subset of anndl on whatever KERAS_BACKEND says.

Marked `backend_smoke`: the normal suite runs them on TensorFlow, `make test` runs them again with
KERAS_BACKEND=jax (`-m backend_smoke`). Tiny shapes: on JAX most of the time is compilation.
"""

import keras
import numpy as np
import pytest

from anndl import backend
from anndl.train import FitConfig, fit

pytestmark = pytest.mark.backend_smoke


def test_backend_name_device_and_the_sidebar_agree():
    from anndl.device import backend_device, host_device
    from anndl.jobenv import running_backend

    assert backend.name() == keras.backend.backend() == running_backend()
    assert backend_device() == host_device() == "cpu"  # the suite hides GPUs (tests/conftest.py)


def test_gradients_of_inputs_and_of_variables_match_the_analytic_ones():
    x = np.array([[1.0, -2.0, 0.5]], "float32")
    y, g = backend.value_and_gradient(lambda t: t**3, x)
    np.testing.assert_allclose(y, x**3, rtol=1e-6)
    np.testing.assert_allclose(g, 3 * x**2, rtol=1e-6)
    v = keras.Variable(np.array([1.0, -2.0], "float32"))
    weights = keras.ops.convert_to_tensor([3.0, 1.0])
    loss, aux, (gv,) = backend.loss_and_gradients(lambda: (keras.ops.sum(v.value**2 * weights), v.value + 1), [v])
    np.testing.assert_allclose(keras.ops.convert_to_numpy(gv), [6.0, -4.0], rtol=1e-6)
    assert float(keras.ops.convert_to_numpy(loss)) == pytest.approx(7.0)
    assert keras.ops.convert_to_numpy(aux).tolist() == [2.0, -1.0]


def test_optimiser_path_matches_plain_gradient_descent():
    from anndl.nets.landscape import optimizer_paths

    path = np.array(optimizer_paths("elongated bowl", (-3.5, 1.5), 0.1, steps=3, optimizers=("sgd",))["sgd"])
    expected = [np.array([-3.5, 1.5])]
    for _ in range(3):  # f = 0.05 x² + 2 y²: grad (0.1 x, 4 y)
        p = expected[-1]
        expected.append(p - 0.1 * np.array([0.1 * p[0], 4 * p[1]]))
    np.testing.assert_allclose(path, expected, rtol=1e-5)


def test_fit_one_epoch_then_save_and_load_predicts_the_same(tmp_path):
    from anndl.nets.ffnn import FFNNConfig, build_ffnn
    from anndl.predict import predict_batch

    rng = np.random.default_rng(0)
    x = rng.normal(size=(48, 2)).astype("float32")
    y = (x[:, 0] > 0).astype("float32")
    model = build_ffnn(FFNNConfig(hidden=(4,), activations=("tanh",)))  # the playground's builder, compiled
    before = [w.copy() for w in model.get_weights()]
    out = fit(model, x, y, FitConfig(epochs=1, batch_size=16, validation_split=0.25))
    assert out["epochs_run"] == 1 and {"loss", "val_loss", "val_accuracy"} <= set(out["history"])
    assert any(not np.allclose(a, b) for a, b in zip(before, model.get_weights()))  # it trained
    model.save(tmp_path / "m.keras")
    again = keras.saving.load_model(tmp_path / "m.keras", compile=False)
    np.testing.assert_allclose(predict_batch(again, x[:5]), predict_batch(model, x[:5]), atol=1e-6)


def test_greedy_beam_and_attention_decoding_match_rerunning_the_whole_model():
    from anndl.data.translation import Vocabulary
    from anndl.decode import END, START, Decoder
    from anndl.nets.transformer import TransformerConfig, build_transformer

    keras.utils.set_random_seed(0)
    words = ["a", "b", "c", "d"]
    cfg = TransformerConfig(src_vocab=8, tgt_vocab=8, src_len=5, tgt_len=5, embed_dim=8, ff_dim=8, heads=2,
                            enc_layers=1, dec_layers=1)
    model = build_transformer(cfg)
    dec = Decoder(model, Vocabulary(words), Vocabulary(words))
    ids = dec.greedy("a b c").ids
    assert 1 <= len(ids) <= 5 and (ids[-1] == END or len(ids) == 5)
    buf = np.zeros((1, 5), "int32")  # [start] + the chosen tokens: causal, so one call checks every step
    buf[0, 0], buf[0, 1:len(ids)] = START, ids[:-1]
    logits = keras.ops.convert_to_numpy(model([dec.source_ids("a b c"), buf], training=False))[0]
    assert [int(np.argmax(logits[t, 1:]) + 1) for t in range(len(ids))] == ids  # the best token but PAD
    both, beam = dec.greedy_and_beam("a b c", width=3)  # §28.5: the beam's batched steps, greedy riding along
    assert both.ids == ids and beam.logp >= both.logp - 1e-5 and dec.beam("a b c", width=1).ids == ids
    assert dec.translate(["a b c", "c b a"]) == [dec.greedy("a b c").text, dec.greedy("c b a").text]
    _, _, maps = dec.attention_of("a b c")  # §27.9: one compiled call, numpy weights whose rows sum to 1
    assert maps["cross"][0].shape == (1, 2, 5, 5) and isinstance(maps["cross"][0], np.ndarray)
    np.testing.assert_allclose(maps["decoder_self"][0].sum(-1), 1.0, atol=1e-5)


def test_grad_cam_is_cam_over_the_map_area_for_a_gap_network():
    from anndl.explain import Explainer, class_activation_map, grad_cam

    keras.utils.set_random_seed(0)
    inp = keras.Input((8, 8, 1))
    a = keras.layers.Conv2D(3, 3, padding="same", activation="relu", name="maps")(inp)
    out = keras.layers.Dense(2, activation="softmax")(keras.layers.GlobalAveragePooling2D()(a))
    model = keras.Model(inp, out)
    image = np.random.default_rng(0).random((8, 8, 1)).astype("float32")
    heat, c = grad_cam(Explainer(model), image, 1)
    cam = class_activation_map(model, image[None], [1])[0]
    np.testing.assert_allclose(heat, np.maximum(cam, 0) / 64, atol=1e-6)  # ∂y/∂A_k(i,j) = w_k / (h·w)
    probs = keras.ops.convert_to_numpy(model(image[None], training=False))[0]
    assert grad_cam(Explainer(model), image)[1] == int(np.argmax(probs))  # no class given: the predicted one


def test_gan_step_trains_both_networks_on_fresh_noise():
    from anndl.nets.gan import GANConfig, build_gan

    gan = build_gan(GANConfig(data_shape=(2,), kind="points", n_classes=0, latent=2))
    x = np.random.default_rng(0).normal(size=(32, 2)).astype("float32")
    g0, d0 = gan.generator.get_weights()[0].copy(), gan.discriminator.get_weights()[0].copy()
    seed0 = keras.ops.convert_to_numpy(gan.noise.state.value).copy()
    hist = gan.fit(x, np.zeros(32, "int32"), batch_size=16, epochs=1, verbose=0).history
    assert np.isfinite(hist["d_loss"][0]) and np.isfinite(hist["g_loss"][0])
    assert not np.allclose(g0, gan.generator.get_weights()[0])
    assert not np.allclose(d0, gan.discriminator.get_weights()[0])
    assert int(gan.d_optimizer.iterations.value) == int(gan.g_optimizer.iterations.value) == 2
    assert not np.array_equal(seed0, keras.ops.convert_to_numpy(gan.noise.state.value))  # new noise each step


def test_importing_anndl_gives_jax_a_persistent_compilation_cache(tmp_path):
    """A second process compiling the same step finds it on disk (anndl/__init__ sets JAX's cache variables)."""
    import os
    import subprocess
    import sys

    pytest.importorskip("jax")
    env = {k: v for k, v in os.environ.items() if not k.startswith("JAX_")}
    env.update(XDG_CACHE_HOME=str(tmp_path), KERAS_BACKEND="jax")
    code = ("import anndl, jax, jax.numpy as jnp; jax.jit(lambda x: jnp.tanh(x) * 2)(jnp.ones(3)).block_until_ready();"
            "print(jax.config.jax_compilation_cache_dir)")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    cache = tmp_path / "anndl" / "jax"
    assert out.stdout.strip() == str(cache), out.stderr[-500:]
    assert any(cache.iterdir())  # the compiled function was written


def test_an_autoencoder_denoising_random_moves_trains_and_round_trips(tmp_path):
    from anndl.nets.autoencoder import AEConfig, build_autoencoder

    model = build_autoencoder(AEConfig(input_shape=(8, 8, 1), filters=(4, 8), latent=3, deform=0.1))
    x = np.random.default_rng(0).random((32, 8, 8, 1)).astype("float32")
    before = [w.copy() for w in model.get_weights()]
    out = fit(model, x, x, FitConfig(epochs=1, batch_size=16))  # the random shift and turn run in the train step
    assert out["epochs_run"] == 1 and any(not np.allclose(a, b) for a, b in zip(before, model.get_weights()))
    model.save(tmp_path / "ae.keras")
    back = keras.models.load_model(tmp_path / "ae.keras")
    np.testing.assert_allclose(back.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6)


def test_tensorflow_is_hidden_as_on_a_machine_without_it_when_the_leg_asks():
    """The JAX leg's hide (tests/conftest.py) must look like a real TensorFlow-less install: nothing importable,
    nothing found, and nothing put in sys.modules for Keras to trip over."""
    import importlib.util
    import os
    import sys

    if not os.environ.get("ANNDL_HIDE_TENSORFLOW"):
        pytest.skip("TensorFlow is hidden only in make test's JAX leg")
    with pytest.raises(ModuleNotFoundError):
        import tensorflow  # noqa: F401
    assert importlib.util.find_spec("tensorflow") is None and "tensorflow" not in sys.modules


def test_augmented_training_runs_every_random_layer_on_this_backend():
    """§7.1 augmentation: tf.data on TensorFlow, an augmenting PyDataset elsewhere, the same Keras random layers."""
    from anndl.nets.augment import AugmentConfig, preview, train_data

    rng = np.random.default_rng(0)
    x, y = rng.random((24, 8, 8, 1)).astype("float32"), np.eye(3, dtype="float32")[rng.integers(0, 3, 24)]
    config = AugmentConfig(flip=True, translate=0.1, rotate=0.05, zoom=0.1, brightness=0.1, contrast=0.1,
                           mixup=0.2, cutmix=1.0)
    shown, mixed = preview(x, y, config, n=8)
    assert shown.shape == (8, 8, 8, 1) and not np.allclose(shown, x[:8])
    np.testing.assert_allclose(mixed.sum(-1), 1.0, atol=1e-5)  # mixed labels stay distributions
    data, labels = train_data(x, y, config, batch_size=8)
    model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(), keras.layers.Dense(3, "softmax")])
    model.compile("adam", "categorical_crossentropy")
    hist = model.fit(data, labels, epochs=1, verbose=0).history
    assert np.isfinite(hist["loss"][0])


def test_the_gan_judge_trains_with_its_random_shifts_and_round_trips(tmp_path):
    from anndl.topics.gan.quality import build_judge, judge_outputs

    judge = build_judge(n_classes=3, features=8)
    x = np.random.default_rng(0).random((16, 28, 28, 1)).astype("float32")
    judge.fit(x, np.arange(16) % 3, batch_size=8, epochs=1, verbose=0)  # RandomTranslation runs in training
    judge.save(tmp_path / "judge.keras")
    back = keras.models.load_model(tmp_path / "judge.keras")
    (f1, p1), (f2, p2) = judge_outputs(judge, x), judge_outputs(back, x)
    assert f1.shape == (16, 8) and p1.shape == (16, 3)
    np.testing.assert_allclose(f2, f1, atol=1e-6)
    np.testing.assert_allclose(p2, p1, atol=1e-6)  # no random shift outside training
