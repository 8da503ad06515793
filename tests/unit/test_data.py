"""The data catalogue (DESIGN §3): toy sets, curves, tabular sets, seeded stratified splits, k-fold."""

import numpy as np
import pytest

from anndl.data import Dataset, kfold, load, names, split

TOYS = ["circle", "xor", "gauss", "spiral", "moons"]


def test_catalogue_lists_every_kind():
    assert set(TOYS) <= set(names("toy2d"))
    assert {"iris", "wine", "breast_cancer"} <= set(names("tabular"))
    assert {"sine", "cubic"} <= set(names("curve"))
    with pytest.raises(KeyError, match="Unknown dataset 'nope'"):
        load("nope")


@pytest.mark.parametrize("name", TOYS)
def test_toy_sets_have_size_noise_and_seed(name):
    ds = load(name, n=300, noise=0.1, seed=1)
    assert ds.x.shape == (300, 2) and ds.x.dtype == np.float32
    assert ds.y.shape == (300,) and set(np.unique(ds.y)) == {0, 1}
    assert ds.task == "binary" and ds.n_classes == 2 and ds.source
    assert 0.3 < ds.y.mean() < 0.7  # both classes well represented
    assert np.abs(ds.x).max() < 3  # the playground's plotting range
    again = load(name, n=300, noise=0.1, seed=1)
    np.testing.assert_array_equal(ds.x, again.x)
    assert not np.array_equal(ds.x, load(name, n=300, noise=0.1, seed=2).x)
    noisy = load(name, n=300, noise=0.5, seed=1)
    assert not np.array_equal(ds.x, noisy.x)


def test_noise_blurs_the_xor_classes():
    """More noise, more points on the wrong side of the true boundary x1·x2 = 0."""
    def wrong(noise):
        ds = load("xor", n=2000, noise=noise, seed=0)
        return np.mean((ds.x[:, 0] * ds.x[:, 1] > 0) != ds.y.astype(bool))

    assert wrong(0.0) == 0.0
    assert wrong(0.6) > wrong(0.1) + 0.05


@pytest.mark.parametrize("name", ["sine", "cubic"])
def test_regression_curves(name):
    ds = load(name, n=120, noise=0.0, seed=0)
    assert ds.task == "regression" and ds.x.shape == (120, 1) and ds.y.shape == (120,)
    expected = np.sin(2 * np.pi * ds.x[:, 0]) if name == "sine" else ds.x[:, 0] ** 3 - ds.x[:, 0]
    np.testing.assert_allclose(ds.y, expected, atol=1e-5)


@pytest.mark.parametrize("name,shape,classes", [("iris", (150, 4), 3), ("wine", (178, 13), 3),
                                                ("breast_cancer", (569, 30), 2)])
def test_tabular_sets(name, shape, classes):
    ds = load(name)
    assert ds.x.shape == shape and ds.x.dtype == np.float32
    assert ds.n_classes == classes and len(ds.feature_names) == shape[1]
    assert ds.task == ("binary" if classes == 2 else "multiclass")
    assert sorted(np.unique(ds.y)) == list(range(classes))


def test_split_is_stratified_seeded_and_disjoint():
    ds = load("iris")
    s = split(ds, test=0.2, val=0.25, seed=3)
    assert (len(s.x_train), len(s.x_val), len(s.x_test)) == (90, 30, 30)
    for part in (s.y_train, s.y_val, s.y_test):  # iris has 50 of each class: proportions are kept
        counts = np.bincount(part, minlength=3)
        assert counts.max() - counts.min() <= 1
    np.testing.assert_array_equal(s.x_test, ds.x[s.idx_test])
    rows = {tuple(r) for r in np.vstack([s.x_train, s.x_val, s.x_test])}
    assert len(rows) == len({tuple(r) for r in ds.x})  # every sample once (iris has one duplicate row)
    again = split(ds, test=0.2, val=0.25, seed=3)
    np.testing.assert_array_equal(s.idx_test, again.idx_test)
    assert not np.array_equal(s.idx_test, split(ds, test=0.2, val=0.25, seed=4).idx_test)


def test_split_without_validation_and_for_regression():
    s = split(load("sine", n=100), test=0.3, val=0.0, seed=0)
    assert (len(s.x_train), len(s.x_val), len(s.x_test)) == (70, 0, 30)


def test_split_of_a_tiny_upload_falls_back_to_a_plain_shuffle():
    """Five classes of two rows cannot be stratified into a 2-row test set; the split still works."""
    ds = Dataset("tiny", np.arange(20, dtype="float32").reshape(10, 2), np.repeat(np.arange(5), 2), "multiclass",
                 ["a", "b"], list("vwxyz"))
    s = split(ds, test=0.2, val=0.0, seed=0)
    assert len(s.x_test) == 2 and len(s.x_train) == 8


def test_kfold_is_stratified_and_covers_every_sample_once():
    ds = load("wine")
    folds = list(kfold(ds, k=5, seed=0))
    assert len(folds) == 5
    val = np.concatenate([v for _, v in folds])
    assert sorted(val) == list(range(len(ds.x)))
    overall = np.bincount(ds.y) / len(ds.y)
    for tr, va in folds:
        assert not set(tr) & set(va)
        assert np.abs(np.bincount(ds.y[va], minlength=3) / len(va) - overall).max() < 0.05
    again = list(kfold(ds, k=5, seed=0))
    assert all(np.array_equal(a[1], b[1]) for a, b in zip(folds, again))
    reg = list(kfold(load("cubic", n=50), k=5, seed=0))
    assert sum(len(v) for _, v in reg) == 50
