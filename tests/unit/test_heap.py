"""app.ui.heap: the heap is frozen after a batch of new imports, not on every rerun."""

import gc

from app.ui import heap


def test_freezes_after_new_imports_only(monkeypatch):
    monkeypatch.setattr(heap, "_modules_at_freeze", 0)
    try:
        assert heap.freeze_imports() and gc.get_freeze_count() > 0
        assert not heap.freeze_imports()  # no new imports since: a rerun does not freeze again
    finally:
        gc.unfreeze()


def test_reruns_keep_tensorflows_compiled_kernels(monkeypatch):
    """Streamlit ran keras.backend.clear_session() after every script run, which empties TensorFlow's kernel cache:
    each compiled function of a page was optimised again on its first call of the next run (issue 9)."""
    import keras  # noqa: F401 — Streamlit's cleanup acts only once Keras is imported
    from tensorflow.python.eager import context

    from tests.app.conftest import open_app

    cleared = []
    monkeypatch.setattr(context.Context, "clear_kernel_cache", lambda self: cleared.append(1))
    at = open_app()
    at.run()
    assert not at.exception and cleared == []
    assert heap.keep_compiled_kernels()  # still in place (False: Streamlit renamed its cleanup)
