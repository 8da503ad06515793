"""anndl: the Keras model package behind the course dashboard (no UI imports, usable from Python)."""

import os

# The app process (cached models) and the training workers share one GPU: TensorFlow must take GPU memory
# as it needs it, not all of it in the first process that starts (set before anything imports TensorFlow).
os.environ.setdefault("TF_FORCE_GPU_ALLOW_GROWTH", "true")

from .backend import use_env_backend  # noqa: E402

use_env_backend()  # ANNDL_BACKEND -> KERAS_BACKEND, before anything imports Keras

__version__ = "0.1.0"
