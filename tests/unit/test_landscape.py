"""Activations with derivatives and optimiser paths (course §3.3, §4.3)."""

import numpy as np
import pytest

from anndl.nets.landscape import activation_curves, optimizer_paths, surface_grid


def test_sigmoid_derivative_peaks_at_a_quarter():
    rows = {r["name"]: r for r in activation_curves(["sigmoid", "relu", "tanh"])}
    assert rows["sigmoid"]["max_df"] == pytest.approx(0.25, abs=1e-4)
    assert rows["tanh"]["max_df"] == pytest.approx(1.0, abs=1e-4)
    relu = rows["relu"]
    assert relu["df"][0] == 0 and relu["df"][-1] == 1


def test_optimisers_descend_the_bowl_and_momentum_beats_sgd():
    paths = optimizer_paths("elongated bowl", (-3.5, 1.5), 0.1, steps=50)
    loss = {k: 0.05 * p[-1][0] ** 2 + 2 * p[-1][1] ** 2 for k, p in paths.items()}
    start = 0.05 * 3.5**2 + 2 * 1.5**2
    assert all(v < start for v in loss.values())
    assert loss["momentum"] < loss["sgd"]


def test_too_large_a_step_diverges_and_is_cut():
    paths = optimizer_paths("elongated bowl", (-3.5, 1.5), 1.5, steps=50, optimizers=("sgd",))
    assert len(paths["sgd"]) < 51
    assert np.all(np.isfinite(paths["sgd"]))


def test_surface_grid_shape():
    g = surface_grid("rosenbrock", n=20)
    assert np.asarray(g["z"]).shape == (20, 20)
