"""Localization (issue 14): the two-head builder, its loss, box scores, CAM by hand, Grad-CAM, saliency, boxes
from heatmaps, the .keras round trip, the training job and the generated code, on tiny shapes."""

import os

import keras
import numpy as np
import pytest

from anndl import explain
from anndl.errors import SettingsError
from anndl.nets.localization import LAST_CONV, LocalizerConfig, build_localizer, localizer_cost
from anndl.topics.localization import job

TINY = LocalizerConfig(input_shape=(16, 16, 1), n_classes=3, filters=(4, 8), box_units=8)


def test_two_heads_shapes_and_weights_counted_before_building():
    model = build_localizer(TINY)
    out = model(np.random.default_rng(0).random((5, 16, 16, 1), "float32"))
    assert out["class"].shape == (5, 3) and out["box"].shape == (5, 4)
    assert np.allclose(np.asarray(out["class"]).sum(1), 1, atol=1e-5)
    assert 0 <= float(np.min(out["box"])) and float(np.max(out["box"])) <= 1
    assert model.get_layer(LAST_CONV).output.shape == (None, 8, 8, 8)  # one pooling: 16 px -> 8 px maps
    assert model.count_params() == localizer_cost(TINY)[0]


def test_refused_settings_get_one_sentence():
    with pytest.raises(SettingsError, match="α must be between 0 and 1"):
        build_localizer(LocalizerConfig(alpha=1.5))


@pytest.mark.parametrize("alpha", [0.0, 0.3, 1.0])
def test_loss_is_alpha_cross_entropy_plus_one_minus_alpha_box_l1(alpha):
    from dataclasses import replace

    model = build_localizer(replace(TINY, alpha=alpha))
    rng = np.random.default_rng(1)
    x = rng.random((6, 16, 16, 1), "float32")
    y = {"class": np.array([0, 1, 2, 0, 1, 2]), "box": rng.random((6, 4)).astype("float32")}
    out = model(x)
    ce = -np.mean(np.log(np.asarray(out["class"])[np.arange(6), y["class"]]))
    l1 = np.mean(np.abs(np.asarray(out["box"]) - y["box"]))
    got = model.evaluate(x, y, verbose=0, return_dict=True, batch_size=6)["loss"]
    assert got == pytest.approx(alpha * ce + (1 - alpha) * l1, rel=1e-4, abs=1e-6)


def test_iou_and_spearman_against_hand_values():
    pred = np.array([[0, 0, 2, 2], [0, 0, 4, 4], [1, 1, 3, 3]], "float32")
    true = np.array([[1, 1, 3, 3], [0, 0, 4, 2], [1, 1, 3, 3]], "float32")
    iou, rho = job.box_scores(pred, true)
    assert iou == pytest.approx([1 / 7, 8 / 16, 1.0])
    rho = job.box_scores(np.array([[1, 2, 3, 9], [2, 3, 4, 8], [3, 1, 5, 7]], "float32"),
                         np.array([[10, 5, 0, 1], [20, 6, 1, 2], [30, 4, 2, 3]], "float32"))[1]
    assert rho == pytest.approx({"x_min": 1.0, "y_min": 1.0, "x_max": 1.0, "y_max": -1.0})


def gap_model() -> keras.Model:
    """x (4, 4, 1) -> linear 1×1 conv with 2 known filters -> GAP -> softmax Dense with known weights."""
    inputs = keras.Input((4, 4, 1))
    maps = keras.layers.Conv2D(2, 1, use_bias=False, name="maps")(inputs)
    out = keras.layers.Dense(2, activation="softmax", name="probs")(keras.layers.GlobalAveragePooling2D()(maps))
    model = keras.Model(inputs, out)
    model.get_layer("maps").set_weights([np.array([1.0, -2.0], "float32").reshape(1, 1, 1, 2)])
    model.get_layer("probs").set_weights([np.array([[3.0, 0.5], [1.0, -1.0]], "float32"), np.zeros(2, "float32")])
    return model


def test_cam_is_the_weighted_sum_of_the_last_maps_by_hand():
    x = np.arange(16, dtype="float32").reshape(1, 4, 4, 1) / 16
    f = np.stack([x[0, ..., 0], -2 * x[0, ..., 0]], -1)  # the two maps f_k(i, j)
    for c, w in ((0, [3.0, 1.0]), (1, [0.5, -1.0])):
        cam = explain.class_activation_map(gap_model(), x, [c])
        assert cam.shape == (1, 4, 4)
        assert np.allclose(cam[0], w[0] * f[..., 0] + w[1] * f[..., 1], atol=1e-6)


def test_cam_over_views_turns_each_map_back_so_it_turns_with_the_image():
    keras.utils.set_random_seed(3)
    inputs = keras.Input((8, 8, 1))
    maps = keras.layers.Conv2D(3, 3, padding="same", activation="relu")(inputs)  # random, not rotation-symmetric
    probs = keras.layers.Dense(2, activation="softmax")(keras.layers.GlobalAveragePooling2D()(maps))
    model = keras.Model(inputs, probs)
    x = np.random.default_rng(0).random((2, 8, 8, 1), "float32")
    turned = np.ascontiguousarray(np.rot90(x, 1, axes=(1, 2)))
    cam = explain.augmented_cam
    one = cam(model, x, [0, 1], views=1)
    assert np.allclose(one, explain.cam_heatmaps(model, x, [0, 1]), atol=1e-6)  # one view: the plain CAM
    assert not np.allclose(cam(model, turned, [0, 1], views=1), np.rot90(one, 1, axes=(1, 2)), atol=1e-3)
    eight = cam(model, x, [0, 1], views=8)
    assert np.allclose(cam(model, turned, [0, 1], views=8), np.rot90(eight, 1, axes=(1, 2)), atol=1e-5)
    assert eight.shape == (2, 8, 8) and eight.min() >= 0


def test_grad_cam_of_a_gap_network_is_relu_cam_over_the_map_area_and_non_negative():
    model = gap_model()
    x = np.random.default_rng(2).normal(size=(4, 4, 1)).astype("float32")
    ex = explain.Explainer(model)
    assert ex.layer == "maps"
    for c in (0, 1):
        heat, got_c = explain.grad_cam(ex, x, c)
        assert got_c == c and heat.shape == (4, 4) and heat.min() >= 0
        cam = explain.class_activation_map(model, x[None], [c])[0]
        assert np.allclose(heat, np.maximum(cam, 0) / 16, atol=1e-5)  # ∂y^c/∂A_k(i, j) = w_k^c / (h·w)


def test_grad_cam_and_saliency_on_the_localizer_have_the_input_size():
    model = build_localizer(TINY)
    x = np.random.default_rng(3).random((16, 16, 1), "float32")
    ex = explain.Explainer(model)
    assert ex.layer == LAST_CONV and ex.dense is model.get_layer("class")
    heat, c = explain.grad_cam(ex, x)
    big = explain.upsample(heat[None], (16, 16))[0]
    sal = explain.saliency_map(ex, x, c)
    assert big.shape == sal.shape == (16, 16) and heat.min() >= 0 and sal.min() >= 0 and sal.max() > 0
    probs = np.asarray(model(x[None])["class"])[0]
    assert c == int(np.argmax(probs))  # the default class is the predicted one


def test_box_from_heatmap_keeps_the_largest_blob():
    yy, xx = np.mgrid[0:32, 0:32]
    heat = np.exp(-((xx - 20) ** 2 + (yy - 10) ** 2) / 8.0) + 0.5 * ((abs(xx - 4) <= 1) & (abs(yy - 28) <= 1))
    box = explain.heatmap_box(heat, 0.25)
    assert box[0] < 20 < box[2] and box[1] < 10 < box[3] and box[2] - box[0] < 10  # the big blob, not the square
    assert np.array_equal(explain.heatmap_box(np.zeros((8, 8)), 0.25), np.zeros(4))
    assert np.array_equal(explain.heatmap_box(((xx >= 3) & (xx < 7) & (yy >= 5) & (yy < 9)) * 1.0, 0.5),
                          [3, 5, 7, 9])


def test_keras_round_trip(tmp_path):
    from anndl.zoo import load_file

    model = build_localizer(TINY)
    x = np.random.default_rng(4).random((2, 16, 16, 1), "float32")
    model.save(tmp_path / "m.keras")
    back = load_file(tmp_path / "m.keras", "localization")
    for k in ("class", "box"):
        assert np.allclose(model(x)[k], back(x)[k], atol=1e-6)


def test_hide_and_seek_blanks_whole_patches_in_training_only(tmp_path):
    from dataclasses import replace

    from anndl.nets.localization import HidePatches
    from anndl.zoo import load_file

    x = np.random.default_rng(5).uniform(0.5, 1.0, (8, 16, 16, 1)).astype("float32")
    hidden = np.asarray(HidePatches(4, 0.5, seed=1)(x, training=True))
    patches = hidden.reshape(8, 4, 4, 4, 4).transpose(0, 1, 3, 2, 4).reshape(8, 16, 16)  # (image, patch, pixels)
    blank = (patches == 0).all(-1)
    assert (blank | (patches == x.reshape(8, 4, 4, 4, 4).transpose(0, 1, 3, 2, 4).reshape(8, 16, 16)).all(-1)).all()
    assert 0.3 < blank.mean() < 0.7  # about half the 128 patches hidden
    model = build_localizer(replace(TINY, hide=0.5, hide_patch=4))
    np.testing.assert_allclose(model(x)["class"], model(x, training=False)["class"])  # inference sees everything
    model.save(tmp_path / "h.keras")
    assert load_file(tmp_path / "h.keras", "localization").get_layer("hide").rate == 0.5


@pytest.mark.slow
def test_tiny_job_trains_evaluates_and_saves(tmp_path):
    from anndl.jobs import Limits, run_inline

    events = []
    result = run_inline("anndl.topics.localization.job:train_job", {"n_train": 64, "epochs": 2, "batch": 32},
                        Limits(time_limit_s=300), workdir=str(tmp_path), report=events.append)
    assert result["epochs_run"] == 2 and {"val_class_accuracy", "val_box_loss"} <= set(result["history"])
    assert 0 <= result["mean_iou"] <= 1 and 0 <= result["cam_iou50"] <= 1 and set(result["spearman"]) == {
        "x_min", "y_min", "x_max", "y_max"}
    assert result["class_names"] == ["circle", "square", "triangle"]
    assert result["model_path"].startswith(str(tmp_path)) and os.path.exists(result["model_path"])


def test_generated_code_runs(tmp_path, monkeypatch):
    from anndl.topics.localization.code import keras_code

    code = keras_code({"n_train": 32, "epochs": 1, "batch": 16, "alpha": 0.7, "hide": 0.5})
    assert "alpha = 0.7" in code and "HidePatches(16, 0.5" in code
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "localization.py", "exec"), {"__name__": "__main__"})


def test_rise_finds_the_pixels_a_linear_scorer_weights():
    """A GAP network whose class-0 score grows with the left half's brightness: RISE ranks left above right."""
    from anndl.explain_checks import class_probabilities, rise

    inputs = keras.Input((8, 8, 1))
    maps = keras.layers.Conv2D(1, 1, use_bias=False, name="maps")(inputs)
    out = keras.layers.Dense(2, activation="softmax", name="probs")(keras.layers.GlobalAveragePooling2D()(maps))
    model = keras.Model(inputs, out)
    model.get_layer("maps").set_weights([np.ones((1, 1, 1, 1), "float32")])
    model.get_layer("probs").set_weights([np.array([[2.0, -2.0]], "float32"), np.zeros(2, "float32")])
    image = np.zeros((8, 8, 1), "float32")
    image[:, :4] = 1.0
    ex = explain.Explainer(model)
    assert class_probabilities(ex, image[None]).shape == (1, 2)
    sal = rise(ex, image, 0, n_masks=2000, grid=2)  # masks keep or drop (blurred) quarters
    assert sal.shape == (8, 8) and sal.min() >= 0
    assert sal[:, :4].mean() > sal[:, 4:].mean() + 0.02


def test_sanity_check_randomises_only_the_top_layers_and_maps_change():
    from anndl.explain_checks import randomised_copy, rank_similarity, weighted_class_path

    model = build_localizer(TINY)
    assert weighted_class_path(model) == ["class", LAST_CONV, "conv1"]  # the box head is not on the class path
    copy = randomised_copy(model, top_k=2)
    for layer in model.layers:
        same = all(np.array_equal(a, b) for a, b in zip(layer.get_weights(), copy.get_layer(layer.name).get_weights()))
        assert same == (layer.name not in ("class", LAST_CONV)), layer.name
    a = np.random.default_rng(5).random((6, 6))
    assert rank_similarity(a, 2 * a + 1) == pytest.approx(1.0) and rank_similarity(a, -a) == pytest.approx(-1.0)
    assert np.isnan(rank_similarity(a, np.zeros((6, 6))))


def test_class_visualisation_stays_an_image():
    from anndl.explain_checks import class_visualisation

    x = class_visualisation(explain.Explainer(build_localizer(TINY)), 1, steps=3)
    assert x.shape == (16, 16, 1) and 0 <= x.min() and x.max() <= 1 and np.ptp(x) > 0


def test_augmented_cam_is_the_relu_cam_without_shifts_and_full_size_with_them():
    from anndl.explain_checks import augmented_cam

    model = gap_model()
    x = np.random.default_rng(6).normal(size=(4, 4, 1)).astype("float32")
    ex = explain.Explainer(model)
    cam = explain.class_activation_map(model, x[None], [0])[0]
    assert np.allclose(augmented_cam(ex, x, 0, shifts=1), np.maximum(cam, 0), atol=1e-6)
    big = augmented_cam(explain.Explainer(build_localizer(TINY)), np.random.default_rng(7).random((16, 16, 1),
                                                                                                 "float32"), 1)
    assert big.shape == (16, 16) and big.min() >= 0
