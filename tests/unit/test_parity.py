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
