"""TensorFlow's compiled kernels kept between reruns (page speed, issue 9).

Streamlit's ScriptRunner cleans up after every script run (`script_runner._clean_problem_modules`): it closes
matplotlib's figures and, once Keras is imported, calls `keras.backend.clear_session()`, which empties TensorFlow's
eager kernel cache. The first call of every compiled function in the next run was then optimised and instantiated
again (Grappler, ≈ 50–250 ms a function on this machine: the translator's first call per run took 550–750 ms against
60–90 ms for the next ones; `perf`: `KernelAndDeviceFunc::Init` → `grappler::OptimizeGraph`).

`keep_compiled_kernels` replaces that cleanup. The cache is still bounded: TensorFlow keeps the kernels of a deleted
function (a model that left a cache) until the cache is cleared (measured: 400 small models created and dropped,
+61 MB RSS kept, +6 MB when cleared after each), so the cache is cleared once `ORPHANS_BEFORE_CLEAR` compiled
functions were deleted since the last clearing.
"""

from __future__ import annotations

import sys

ORPHANS_BEFORE_CLEAR = 64  # ≈ 150 KB of kernels each (measured above): ≤ 10 MB kept before one clearing
_orphans = 0


def _counted(remove_function):
    """TensorFlow's `Context.remove_function` (called when a compiled function is deleted), counting the calls."""
    def remove(self, name):
        global _orphans
        _orphans += 1
        return remove_function(self, name)

    remove.counted = True
    return remove


def _tf_context():
    """TensorFlow's eager context module once TensorFlow is imported, else None (also while another session's thread
    is still importing it: a partly initialised module)."""
    context = sys.modules.get("tensorflow.python.eager.context")
    ready = context is not None and hasattr(context, "context") and hasattr(getattr(context, "Context", None),
                                                                             "remove_function")
    return context if ready else None


def clean_after_run() -> bool:
    """Streamlit's cleanup after a script run without `clear_session`: matplotlib's figures closed, and the kernel
    cache cleared only once enough compiled functions were deleted (True then). Keras' state needs no reset: it is
    thread-local and every run has a thread of its own."""
    global _orphans
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
    context = _tf_context()
    if context is None or _orphans < ORPHANS_BEFORE_CLEAR:
        return False
    context.context().clear_kernel_cache()
    _orphans = 0
    return True


def keep_compiled_kernels() -> bool:
    """Put `clean_after_run` in Streamlit's place and count deleted compiled functions once TensorFlow is imported
    (idempotent: app/main.py calls it on every run); False when Streamlit no longer has that cleanup."""
    from streamlit.runtime.scriptrunner import script_runner

    if getattr(script_runner, "_clean_problem_modules", None) is None:
        return False  # Streamlit renamed it: tests/unit/test_kernels.py says so
    script_runner._clean_problem_modules = clean_after_run
    context = _tf_context()
    if context is not None and not getattr(context.Context.remove_function, "counted", False):
        context.Context.remove_function = _counted(context.Context.remove_function)
    return True
