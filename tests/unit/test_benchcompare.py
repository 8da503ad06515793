"""The two-backend bench (issue 22): runs compared as ratios, a backend that fails is reported, not hidden."""

import pytest

from anndl.benchcompare import apply_variant, compare, same_quality


def _run(value, train_s, sps, extra=None):
    return {"metric": "accuracy", "value": value, "train_s": train_s, "samples_per_s": sps, "device": "cpu",
            "baseline": {"name": "plain", "value": 0.9, "train_s": 2.0}, "extra": extra or {}}


def test_backends_compared_as_ratios_and_a_failure_is_reported():
    record = compare("perceptron", {
        "tensorflow": _run(0.96, 4.0, 100.0, {"time_to_0.95_s": 2.0, "baseline_time_to_0.95_s": 6.0}),
        "jax": _run(0.95, 1.0, 400.0, {"time_to_0.95_s": 0.5, "baseline_time_to_0.95_s": 5.0, "note": "x"}),
        "jax_bf16": {"error": "NotImplementedError: no bf16 here", "wall_s": 1.0}})
    jax = record["runs"]["jax"]
    assert jax["speed_ratio_vs_reference"] == 4.0 and jax["train_s_ratio_vs_reference"] == 0.25
    assert jax["quality_equal_within_noise"] and "note" not in jax["extra"]
    assert record["fastest"] == "jax" and record["failed"] == ["jax_bf16"]
    assert record["runs"]["jax_bf16"] == {"status": "failed", "error": "NotImplementedError: no bf16 here"}
    best = record["best_time_to_0.95_s"]  # anndl on its best backend against the plain net on its best
    assert (best["run"], best["plain_run"], best["ratio"]) == ("jax", "jax", 0.1)
    # the dashboard's perceptron runs on JAX (anndl.topics.BACKEND); the course's plain net on TensorFlow
    product = record["product_time_to_0.95_s"]
    assert (product["run"], product["plain_run"], product["ratio"]) == ("jax", "tensorflow", 0.5 / 6.0)


def test_a_topic_declared_on_tensorflow_is_compared_with_the_plain_net_on_tensorflow():
    record = compare("cnn", {"tensorflow": _run(0.9, 4.0, 100.0, {"t_s": 2.0, "baseline_t_s": 8.0}),
                             "jax": _run(0.9, 9.0, 50.0, {"t_s": 1.0, "baseline_t_s": 4.0})})
    assert record["product_t_s"]["run"] == "tensorflow" and record["product_t_s"]["ratio"] == 0.25


def test_quality_equal_within_noise():
    assert same_quality(0.95, 0.94) and same_quality(100.0, 104.0)
    assert not same_quality(0.95, 0.80) and not same_quality(100.0, 120.0)


@pytest.mark.backend_smoke
def test_forced_xla_keeps_a_self_jitting_step_unjitted_on_jax(monkeypatch):
    """--xla on must not wrap a step that jits itself (the GAN on JAX) in a second jit: that leaked tracers."""
    import keras

    monkeypatch.setattr(keras.Model, "compile", keras.Model.compile)  # restored after the test
    apply_variant(xla="on")
    plain, own = (keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)]) for _ in range(2))
    plain.compile("sgd", "mse")
    own.compile("sgd", "mse", jit_compile=False)
    assert plain.jit_compile is True
    assert own.jit_compile is (keras.backend.backend() != "jax")
