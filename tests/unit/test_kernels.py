"""app.ui.kernels: reruns keep TensorFlow's compiled kernels; the kernels of deleted functions are bounded (issue 9)."""

import numpy as np

from app.ui import kernels


def test_reruns_keep_tensorflows_compiled_kernels(monkeypatch):
    """Streamlit ran keras.backend.clear_session() after every script run, which empties TensorFlow's kernel cache:
    each compiled function of a page was optimised again on its first call of the next run."""
    import keras  # noqa: F401 — Streamlit's cleanup acts only once Keras is imported
    from tensorflow.python.eager import context

    from tests.app.conftest import open_app

    cleared = []
    monkeypatch.setattr(context.Context, "clear_kernel_cache", lambda self: cleared.append(1))
    monkeypatch.setattr(kernels, "_orphans", 0)  # earlier tests' deleted functions would trigger the bounded clearing
    at = open_app()
    at.run()
    assert not at.exception and cleared == []
    assert kernels.keep_compiled_kernels()  # still in place (False: Streamlit renamed its cleanup)


def test_the_cache_is_cleared_once_enough_compiled_functions_were_deleted(monkeypatch):
    import tensorflow as tf
    from tensorflow.python.eager import context

    assert kernels.keep_compiled_kernels() and context.Context.remove_function.counted
    cleared = []
    monkeypatch.setattr(context.Context, "clear_kernel_cache", lambda self: cleared.append(1))
    monkeypatch.setattr(kernels, "ORPHANS_BEFORE_CLEAR", 3)
    monkeypatch.setattr(kernels, "_orphans", 0)
    x = np.ones((2, 3), "float32")
    kept = tf.function(lambda t: t * 2.0)
    kept(x)
    assert not kernels.clean_after_run() and cleared == []  # nothing deleted: the cache stays
    for k in range(3):  # three compiled functions made, called and dropped (a model leaving a cache)
        tf.function(lambda t, k=k: t + float(k))(x)
    assert kernels.clean_after_run() and cleared == [1] and kernels._orphans == 0
    assert not kernels.clean_after_run() and cleared == [1]


def test_a_tensorflow_still_being_imported_by_another_session_is_left_alone(monkeypatch):
    """Three students opening the app on a fresh server: one thread imports TensorFlow while the others' runs call
    keep_compiled_kernels and clean_after_run on the partly initialised module (no error, nothing patched)."""
    import sys
    import types

    monkeypatch.setitem(sys.modules, "tensorflow.python.eager.context", types.ModuleType("partly_imported"))
    monkeypatch.setattr(kernels, "_orphans", kernels.ORPHANS_BEFORE_CLEAR)
    assert kernels.keep_compiled_kernels() and not kernels.clean_after_run()
