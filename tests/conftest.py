"""Shared test set-up: quiet TensorFlow, repository root on sys.path, the suite's own results folder."""

import atexit
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "-1")  # tests are CPU-only, also on a GPU machine
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


class _WithoutTensorFlow:
    """One of Python's import finders, blind to TensorFlow: with every finder wrapped, `import tensorflow` raises
    ModuleNotFoundError and `importlib.util.find_spec("tensorflow")` is None, as on a machine without it, while
    `sys.modules` stays clean (a `sys.modules["tensorflow"] = None` hide makes Keras' `in_tf_graph()` touch it and
    every random image layer fail, which a real JAX-only server does not)."""

    def __init__(self, finder):
        self.finder = finder

    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] == "tensorflow":
            return None
        return self.finder.find_spec(name, path, target)

    def __getattr__(self, attr):  # invalidate_caches and the rest: the wrapped finder's own
        return getattr(self.finder, attr)


def hide_tensorflow() -> None:
    """From here on this process finds no TensorFlow (`make test`'s JAX leg: as on a GPU server without it)."""
    if "tensorflow" in sys.modules:
        raise RuntimeError("TensorFlow was imported before the test set-up could hide it")
    sys.meta_path[:] = [f if isinstance(f, _WithoutTensorFlow) else _WithoutTensorFlow(f) for f in sys.meta_path]


if os.environ.get("ANNDL_HIDE_TENSORFLOW"):
    hide_tensorflow()
    # only the files holding backend_smoke tests are collected (the others may import TensorFlow at the top)
    collect_ignore = [str(p.relative_to(ROOT / "tests")) for p in (ROOT / "tests").rglob("test_*.py")
                      if "backend_smoke" not in p.read_text()]

# The suite's own job results folder (read by app.ui.training.runner, inherited by the servers e2e tests start):
# a developer's running dashboard and a test run never see each other's results.
RESULTS = tempfile.mkdtemp(prefix="anndl-test-results-")
os.environ["ANNDL_RESULTS"] = RESULTS
atexit.register(shutil.rmtree, RESULTS, True)
