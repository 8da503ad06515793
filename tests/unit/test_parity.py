"""Shipped artifacts predict the same on TensorFlow (this process) and JAX (a child process): two small ones here,
every one in `python -m anndl.parity`."""

import pytest

from anndl import parity
from anndl.jobenv import installed


@pytest.mark.skipif(not installed("jax"), reason="JAX is not installed (pip install anndl[jax])")
def test_shipped_models_predict_the_same_on_tensorflow_and_jax():
    names = ["ffnn_iris", "loc_shapes"]  # a dense net and a two-head convnet with a dict output
    here = parity.outputs(names)
    diffs = parity.max_diffs(here, parity.on_backend("jax", names))
    assert set(diffs) == set(names) and all(len(here[n]) for n in names)
    assert max(diffs.values()) <= parity.TOLERANCE, diffs


def test_fixed_inputs_fit_a_network_of_open_size_that_goes_down_to_stride_32():
    """A detector's feature pyramid (det_yolov8: P3–P5) halves an open-sized image five times and joins the levels
    again: 8-pixel inputs broke it (1×1 against 2×2 at the join)."""
    import keras
    from keras import layers

    inp = keras.Input((None, None, 1))
    levels = [inp]
    for _ in range(5):
        levels.append(layers.Conv2D(2, 3, strides=2, padding="same")(levels[-1]))
    top = layers.Concatenate()([layers.UpSampling2D()(levels[5]), levels[4]])  # P5 up, joined with P4
    model = keras.Model(inp, top)
    (x,) = parity.fixed_inputs(model)
    assert model(x).shape[1] == x.shape[1] // 16
