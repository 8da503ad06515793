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
