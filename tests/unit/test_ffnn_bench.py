"""Pieces of `python -m anndl.bench perceptron` that are cheap enough for the suite."""

from anndl.topics.perceptron.bench import _median, perceptron_epochs


def test_perceptron_figures():
    epochs = perceptron_epochs()
    assert epochs["AND"] <= 10 and epochs["OR"] <= 10 and epochs["XOR"] is None


def test_median_needs_most_runs_to_reach_the_target():
    assert _median([3.0, 1.0, 2.0]) == 2.0
    assert _median([1.0, None, 3.0]) == 2.0
    assert _median([1.0, None, None]) is None
