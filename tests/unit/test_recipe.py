"""Defaults that follow the data's size, and the advice read off training vs held-out scores."""

import pytest

from anndl.recipe import StepBudget, data_recipe, size_advice, training_advice

BUDGET = StepBudget(steps=600, batch_size=64, min_epochs=3, max_epochs=300, needed=1000, unit="pairs")


def test_ten_examples_get_small_batches_and_many_epochs():
    r = data_recipe(10, BUDGET)
    assert (r.batch_size, r.steps_per_epoch) == (3, 4)  # ceil(10 / 4 steps) = 3 → 4 steps an epoch
    assert r.epochs == 150 and r.total_steps == 600
    assert r.patience == 15
    assert "10 pairs → batch 3, 4 steps an epoch, 150 epochs" in r.why


def test_hundred_examples():
    r = data_recipe(100, BUDGET)
    assert (r.batch_size, r.steps_per_epoch, r.epochs) == (25, 4, 150)


def test_ten_thousand_examples_keep_the_preferred_batch_and_few_epochs():
    r = data_recipe(10_000, BUDGET)
    assert (r.batch_size, r.steps_per_epoch) == (64, 157)
    assert r.epochs == 4  # ceil(600 / 157)
    assert r.patience == 3


def test_epoch_cap_and_minimum_hold():
    tiny = data_recipe(1, StepBudget(steps=10_000, batch_size=32, max_epochs=300))
    assert tiny.epochs == 300 and tiny.batch_size == 1
    huge = data_recipe(10**6, StepBudget(steps=100, batch_size=32, min_epochs=3))
    assert huge.epochs == 3


def test_time_limit_cuts_epochs_and_says_so():
    r = data_recipe(100, BUDGET, seconds_per_step=0.5, time_limit_s=100)
    assert r.epochs == int(0.8 * 100 / (0.5 * 4)) == 40
    assert "time limit" in r.why


def test_augmentation_only_for_small_image_sets():
    budget = StepBudget(steps=500, batch_size=64, augment_below=2000, unit="images")
    assert data_recipe(300, budget).augment
    assert not data_recipe(5000, budget).augment
    assert not data_recipe(300, BUDGET).augment
    assert data_recipe(300, budget).as_params()["augment"] is True


def test_augmentation_by_copies_is_counted_in_the_examples_an_epoch_sees():
    copies = StepBudget(steps=240, batch_size=16, augment_below=100, augment_copies=2, unit="images",
                        copies_unit="images (yours and their mirror images)")
    small = data_recipe(30, copies)
    assert (small.n_train, small.batch_size, small.steps_per_epoch, small.augment) == (60, 15, 4, True)
    assert small.why.startswith("60 images (yours and their mirror images) → batch 15")
    assert data_recipe(200, copies).n_train == 200 and "mirror" not in data_recipe(200, copies).why


def test_size_advice_names_the_number_needed():
    assert size_advice(100, BUDGET) == (
        "100 pairs is few for this model: it can learn them by heart but needs about 1000 to generalise to new "
        "ones. Expect a gap between training and held-out scores.")
    assert size_advice(1000, BUDGET) is None


@pytest.mark.parametrize("train, held, regime", [
    (0.99, 0.40, "memorised"),
    (0.55, 0.50, "under-trained"),
    (0.97, 0.93, "fine"),
])
def test_advice_for_each_regime_of_accuracy(train, held, regime):
    advice = training_advice(train, held)
    assert advice.regime == regime
    assert f"training accuracy {train:.3g}, held-out {held:.3g}" in advice.sentence


@pytest.mark.parametrize("train, held, regime", [
    (0.10, 0.30, "memorised"),  # error three times larger on unseen data
    (0.90, 0.95, "under-trained"),  # no better than the naive forecast on its own training data
    (0.30, 0.32, "fine"),
])
def test_advice_for_errors_lower_is_better(train, held, regime):
    advice = training_advice(train, held, metric="MAE", higher_is_better=False, good=0.8, gap=0.5)
    assert advice.regime == regime


def test_a_gpu_gets_bigger_defaults_and_the_page_says_so():
    from anndl.recipe import GPU_DEFAULTS, device_defaults, device_note

    cpu = {"n_train": 2000, "epochs": 8}
    assert device_defaults("detection", cpu, "cpu") == cpu and device_note("detection", "cpu") is None
    gpu = device_defaults("detection", cpu, "gpu")
    assert gpu["n_train"] == GPU_DEFAULTS["detection"]["n_train"] > cpu["n_train"] and gpu["epochs"] == 8
    assert "4,000 training canvases" in device_note("detection", "gpu")
    assert device_defaults("perceptron", cpu, "gpu") == cpu and device_note("perceptron", "gpu") is None
