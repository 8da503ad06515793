"""What Streamlit does between reruns, made cheap: garbage collections (issue 18), compiled kernels kept (issue 9).

Streamlit runs a full `gc.collect(2)` after every script run, fragment runs included, and a second one through
`keras.backend.clear_session()` once Keras is imported: with TensorFlow loaded each scans about 0.5 M objects,
≈ 250 ms of CPU here, so every click on every model page paid ≈ 0.5 s of collection. `gc.freeze()` moves the
objects alive now (mostly the modules, classes and functions that live as long as the server) out of the
collector's reach: the collections then scan only what the reruns create (measured ≈ 1 ms each).

That `clear_session()` also cleared TensorFlow's eager kernel cache after every run, so the first call of every
compiled function in the next run was optimised and instantiated again (Grappler, ≈ 50–250 ms a function here: the
translator's first call per rerun took 550–750 ms against 60–90 ms for the next ones; `perf` showed
`KernelAndDeviceFunc::Init` → `grappler::OptimizeGraph`). `keep_compiled_kernels` drops that call.
"""

from __future__ import annotations

import gc
import sys

MIN_NEW_MODULES = 50  # freeze again only after a batch of imports (a page bringing TensorFlow, JAX, keras-hub)
_modules_at_freeze = 0


def _clean_after_run() -> None:
    """Streamlit's cleanup after a script run (`script_runner._clean_problem_modules`) without Keras' `clear_session`:
    matplotlib's figures are still closed. Keras' state needs no reset here: it is thread-local and every run has a
    thread of its own; its layer-name counters and TensorFlow's graph are not used by eager pages."""
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")


def keep_compiled_kernels() -> bool:
    """Replace Streamlit's per-run cleanup by `_clean_after_run` (idempotent); True when it is in place."""
    from streamlit.runtime.scriptrunner import script_runner

    if getattr(script_runner, "_clean_problem_modules", None) is None:
        return False  # Streamlit renamed it: tests/unit/test_heap.py says so
    script_runner._clean_problem_modules = _clean_after_run
    return True


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
