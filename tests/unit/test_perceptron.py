"""Perceptron and Hebbian learning (course §2) against hand-computed steps."""

import numpy as np
import pytest

from anndl.nets.perceptron import GATES, hebbian_update, hyperplane, perceptron_output, train_perceptron


def test_hebbian_update_matches_hand_computation():
    # w = (w0, w1, w2) = (0.5, -1, 2), x = (1, 3), t = -1, η = 0.1:
    # Δw = η·[1, x]·t = 0.1·(1, 1, 3)·(-1) = (-0.1, -0.1, -0.3)
    w = hebbian_update(np.array([0.5, -1.0, 2.0]), np.array([1.0, 3.0]), -1.0, 0.1)
    np.testing.assert_allclose(w, [0.4, -1.1, 1.7])


def test_output_is_sign_with_bias_as_w0():
    w = np.array([-1.5, 1.0, 1.0])  # fires only when x1 + x2 > 1.5: AND
    assert perceptron_output(w, GATES["AND"][0]).tolist() == [-1, -1, -1, 1]


def test_first_steps_of_and_by_hand():
    steps, _ = train_perceptron(*GATES["AND"], eta=0.25)
    # w = 0 outputs -1 everywhere: the first three samples (targets -1) leave w unchanged,
    # the fourth (1, 1) with t = +1 is wrong and moves w by 0.25·(1, 1, 1).
    assert [s.updated for s in steps[:4]] == [False, False, False, True]
    assert steps[3].w_after == [0.25, 0.25, 0.25]


@pytest.mark.parametrize("gate", ["AND", "OR", "NOT"])
def test_converges_on_separable_gates_within_ten_epochs(gate):
    x, t = GATES[gate]
    steps, converged = train_perceptron(x, t, eta=0.25, max_epochs=10)
    assert converged and steps[-1].epoch <= 10
    assert (perceptron_output(np.array(steps[-1].w_after), x) == t).all()


def test_xor_never_converges():
    steps, converged = train_perceptron(*GATES["XOR"], eta=0.25, max_epochs=50)
    assert not converged
    assert steps[-1].epoch == 50
    assert (perceptron_output(np.array(steps[-1].w_after), GATES["XOR"][0]) != GATES["XOR"][1]).any()


def test_hyperplane_points_lie_on_the_line():
    w = [-1.5, 1.0, 2.0]
    for x1, x2 in hyperplane(w):
        assert abs(w[0] + w[1] * x1 + w[2] * x2) < 1e-9
    assert hyperplane([1.0, 0.0, 0.0]) == []
