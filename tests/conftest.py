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
if os.environ.get("ANNDL_HIDE_TENSORFLOW"):  # `make test`'s JAX leg: as on a GPU server without TensorFlow
    sys.modules["tensorflow"] = None  # `import tensorflow` raises ImportError
    # only the files holding backend_smoke tests are collected (the others may import TensorFlow at the top)
    collect_ignore = [str(p.relative_to(ROOT / "tests")) for p in (ROOT / "tests").rglob("test_*.py")
                      if "backend_smoke" not in p.read_text()]

# The suite's own job results folder (read by app.ui.training.runner, inherited by the servers e2e tests start):
# a developer's running dashboard and a test run never see each other's results.
RESULTS = tempfile.mkdtemp(prefix="anndl-test-results-")
os.environ["ANNDL_RESULTS"] = RESULTS
atexit.register(shutil.rmtree, RESULTS, True)
