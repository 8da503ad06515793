"""Cheap garbage collections between reruns (page speed, issue 18).

Streamlit runs a full `gc.collect(2)` after every script run, fragment runs included, and a second one through
`keras.backend.clear_session()` once Keras is imported: with TensorFlow loaded each scans about 0.5 M objects,
≈ 250 ms of CPU here, so every click on every model page paid ≈ 0.5 s of collection. `gc.freeze()` moves the
objects alive now (mostly the modules, classes and functions that live as long as the server) out of the
collector's reach: the collections then scan only what the reruns create (measured ≈ 1 ms each). The second
collection is gone with `clear_session()` itself (app/ui/kernels.py).
"""

from __future__ import annotations

import gc
import sys

MIN_NEW_MODULES = 50  # freeze again only after a batch of imports (a page bringing TensorFlow, JAX, keras-hub)
_modules_at_freeze = 0


def freeze_imports() -> bool:
    """Freeze the heap when ≥ MIN_NEW_MODULES modules were imported since the last freeze; True when it froze.
    Frozen objects are still freed by reference counting; a few freezes per server bound what cycles keep."""
    global _modules_at_freeze
    if len(sys.modules) - _modules_at_freeze < MIN_NEW_MODULES:
        return False
    gc.collect()  # this run's garbage is freed, not frozen
    gc.freeze()
    _modules_at_freeze = len(sys.modules)
    return True
