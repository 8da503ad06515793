"""Shared test set-up: quiet TensorFlow, repository root on sys.path."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "-1")  # tests are CPU-only, also on a GPU machine
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
