"""Own data (issue 12): each topic's recipe on small and large uploads, and the jobs' advice after training."""

import pytest

from anndl.data.owndata import number_pairs
from anndl.recipe import data_recipe, own_data_report
from anndl.topics.transformer import job as translator


def test_translator_budget_on_10_100_10000_pairs():
    small, hundred, large = (data_recipe(translator.n_train_pairs(n), translator.BUDGET) for n in (10, 100, 10_000))
    assert (small.n_train, small.batch_size, small.epochs) == (8, 2, 150)
    assert (hundred.n_train, hundred.batch_size, hundred.steps_per_epoch, hundred.epochs) == (86, 22, 4, 150)
    assert (large.batch_size, large.steps_per_epoch, large.epochs) == (64, 134, 5)
    assert "86 pairs → batch 22, 4 steps an epoch, 150 epochs ≈ 600 optimiser steps" in hundred.why


def test_report_carries_both_scores_the_recipe_and_the_size_advice():
    r = data_recipe(86, translator.BUDGET)
    own = own_data_report(86, r, translator.BUDGET, 0.99, 0.2, "exact match", good=0.9)
    assert own["regime"] == "memorised" and own["train"] == 0.99 and own["held_out"] == 0.2
    assert own["recipe"] == r.why and "needs about 1000" in own["size_advice"]
    assert own_data_report(5000, None, translator.BUDGET, 0.5, 0.5)["size_advice"] is None


def test_number_pairs_are_distinct_english_italian_phrases():
    pairs = number_pairs(100)
    assert pairs[20] == ("the number twenty one", "il numero venti uno") and pairs[-1][1] == "il numero cento"
    assert len(set(pairs)) == 100


def test_translator_job_scores_training_pairs_and_says_what_they_mean(tmp_path):
    """A tiny run: the result carries training and held-out exact match and the advice read from them."""
    params = {"pairs": number_pairs(30), "seed": 0, "epochs": 1, "batch_size": 64, "embed_dim": 16, "heads": 2,
              "ff_dim": 16, "enc_layers": 1, "dec_layers": 1, "dropout": 0.0, "lr": 1e-3, "recipe": False}
    res = translator.train(params, workdir=str(tmp_path))
    own = res["own_data"]
    assert res["metrics"]["training"]["n"] == 27  # 30 pairs - 3 test
    assert own["train"] == res["metrics"]["training"]["exact_match"] < 0.9
    assert own["regime"] == "under-trained" and own["recipe"] is None
    assert res["summary"]["epochs_run"] == 1



def test_cnn_budgets_on_10_100_10000_images():
    from anndl.topics.cnn.transfer import budget_for

    scratch, transfer = budget_for("scratch"), budget_for("transfer")
    assert (data_recipe(10, scratch).batch_size, data_recipe(10, scratch).epochs) == (3, 100)
    r = data_recipe(100, scratch)
    assert (r.batch_size, r.steps_per_epoch, r.epochs, r.patience, r.augment) == (25, 4, 100, 30, True)
    assert not data_recipe(100, transfer).augment and "augmentation" not in data_recipe(100, transfer).why
    big = data_recipe(10_000, scratch)
    assert (big.batch_size, big.epochs, big.augment) == (128, 6, False)


def test_backbone_head_is_flat_frozen_and_keeps_pretrained_weights():
    import numpy as np

    from anndl.topics.cnn.transfer import FEATURE_LAYER, build_transfer, features_of

    model = build_transfer("mobilenet_digits04", (32, 32, 3), 4)
    assert model.input_shape == (None, 32, 32, 3) and model.output_shape == (None, 4)
    assert [w.name for w in model.trainable_weights] == ["kernel", "bias"]  # only the softmax head learns
    x = np.random.default_rng(0).random((2, 32, 32, 3)).astype("float32")
    mine = model.get_layer(FEATURE_LAYER)  # a layer of this graph, not of a nested backbone
    gray = x @ np.array([0.299, 0.587, 0.114], "float32")[:, None]
    import keras

    want = features_of("mobilenet_digits04")(keras.ops.image.resize(gray, (28, 28)))
    got = keras.Model(model.inputs, mine.output)(x)
    np.testing.assert_allclose(np.asarray(got), np.asarray(want), atol=1e-4)


def test_cnn_upload_job_reports_training_and_test_accuracy_and_names_the_backbone(tmp_path):
    from anndl.data.images import zip_dataset
    from anndl.data.owndata import image_zip
    from anndl.topics.cnn import job

    read = zip_dataset(image_zip(8, 3, "mnist"), size=(28, 28), channels=1)
    path = job.save_upload(read.dataset, str(tmp_path / "up.npz"))
    res = job.train({"dataset": "upload", "data_path": path, "seed": 0, **job.recipe_params("fast"),
                     "route": "transfer", "recipe": True})
    own = res["own_data"]
    assert own["held_out"] == res["test_accuracy"] and 0 <= own["train"] <= 1
    assert own["recipe"].startswith("16 images → batch 4, 4 steps an epoch")
    assert "needs about 300" in own["size_advice"]  # a pretrained backbone needs far fewer
    assert res["backbone"].startswith("models/mobilenet_")


def test_unet_budget_on_10_100_10000_pairs_counts_mirror_images_of_small_sets():
    from anndl.topics.unet.job import BUDGET

    small, hundred, large = (data_recipe(n, BUDGET) for n in (10, 100, 10_000))
    assert (small.n_train, small.batch_size, small.steps_per_epoch, small.epochs, small.augment) == (20, 5, 4, 63, True)
    assert "20 pairs (yours and their mirror images) → batch 5, 4 steps an epoch, 63 epochs" in small.why
    assert (hundred.n_train, hundred.batch_size, hundred.steps_per_epoch, hundred.epochs) == (200, 16, 13, 20)
    assert (large.n_train, large.batch_size, large.epochs, large.augment) == (10_000, 16, 3, False)
    assert large.patience == 3 and small.patience == 25  # 40% of the epochs: tiny validation sets start flat


def test_unet_mirrors_each_small_training_image_with_its_mask():
    import numpy as np

    from anndl.topics.unet.job import BUDGET, SegData, training_inputs

    x = np.arange(2 * 3 * 4, dtype="float32").reshape(2, 3, 4, 1)
    y = (x[..., 0] > 10).astype("uint8")
    data = SegData(x, y, x, y, x, y, ["background", "thing"], "test")
    xa, ya = training_inputs(data, data_recipe(2, BUDGET))
    assert xa.shape == (4, 3, 4, 1) and ya.shape == (4, 3, 4, 1)
    assert np.array_equal(xa[2:], x[:, :, ::-1]) and np.array_equal(ya[2:, ..., 0], y[:, :, ::-1])
    xs, ys = training_inputs(data, None)
    assert xs is x and ys.shape == (2, 3, 4, 1)


def test_unet_job_on_an_uploaded_zip_reads_training_vs_test_iou(tmp_path):
    from anndl.data.maskzip import mask_zip_dataset
    from anndl.data.owndata import mask_zip
    from anndl.topics.unet import job

    pairs = mask_zip_dataset(mask_zip(12, seed=1), size=(32, 32), channels=1)
    path = job.save_upload(pairs.images, pairs.masks, ["background", "a", "b", "c"], str(tmp_path / "u.npz"))
    params = {**job.DEFAULTS, "dataset": "upload", "data_path": path, "depth": 1, "filters": 4, "recipe": True}
    res = job.train(params, max_epochs=2)
    own = res["own_data"]
    assert own["metric"] == "mean IoU" and 0 <= own["train"] <= 1 and own["held_out"] == res["mean_iou"]
    assert own["recipe"].startswith("18 pairs (yours and their mirror images)")  # 12 pairs: 9 train, ×2
    assert "9 image + mask pairs is few" in own["size_advice"] and own["regime"] == "under-trained"
    assert res["epochs_run"] == 2


def test_words_budgets_on_10_100_10000_examples():
    from anndl.topics.embeddings.job import BUDGETS

    sg = BUDGETS["skipgram"]
    assert (data_recipe(10, sg).batch_size, data_recipe(10, sg).epochs) == (3, 275)
    r = data_recipe(100, sg)
    assert (r.batch_size, r.steps_per_epoch, r.epochs, r.patience) == (25, 4, 275, 27)
    big = data_recipe(10_000, sg)
    assert (big.batch_size, big.steps_per_epoch, big.epochs) == (512, 20, 55)
    assert "10000 word–context pairs → batch 512, 20 steps an epoch, 55 epochs" in big.why


def test_words_example_count_is_what_the_job_trains_on():
    from anndl.data.owndata import grammar_txt
    from anndl.data.text import read_text_upload
    from anndl.topics.embeddings import job

    text = job.text_of({"sentences": read_text_upload(grammar_txt(200)), "seed": 3})
    prep = job.prepare(text)
    for kind in ("skipgram", "cbow", "nlm"):
        cfg = job.model_config({**job.DEFAULTS, "kind": kind, "window": 3}, prep)
        _, y = job.examples(prep, cfg, job.fit_split(text, 3)[0], 0)
        assert job.n_examples(text, kind, 3, seed=3) == len(y)


def test_words_baselines_word_frequencies_and_one_in_k_plus_one():
    import math

    from anndl.topics.embeddings.job import negative_sampling_baseline

    p = 1 / 5
    assert negative_sampling_baseline(4) == pytest.approx(-(p * math.log(p) + (1 - p) * math.log(1 - p)))


@pytest.mark.parametrize("kind, metric", [("skipgram", "loss"), ("nlm", "perplexity")])
def test_words_job_on_an_uploaded_text_reads_training_vs_held_out(kind, metric):
    from anndl.data.owndata import grammar_txt
    from anndl.data.text import read_text_upload
    from anndl.topics.embeddings import job

    params = {"sentences": read_text_upload(grammar_txt(200)), "kind": kind, "dim": 8, "recipe": True}
    res = job.train(params, max_epochs=2)
    own = res["own_data"]
    assert own["metric"] == metric and own["train"] > 0 and own["held_out"] > 0
    assert own["recipe"] == job.recipe_of({**job.DEFAULTS, **params}, job.text_of(params)).why
    assert "is few for this model" in own["size_advice"] and res["summary"]["epochs_run"] == 2
    if kind == "nlm":
        assert own["held_out"] == pytest.approx(res["metrics"]["test_perplexity"])
    assert "sentences" not in res["params"]
