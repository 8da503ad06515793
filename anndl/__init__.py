"""anndl: the Keras model package behind the course dashboard (no UI imports, usable from Python)."""

import os

# The app process (cached models) and the training workers share one GPU: TensorFlow must take GPU memory
# as it needs it, not all of it in the first process that starts (set before anything imports TensorFlow).
os.environ.setdefault("TF_FORCE_GPU_ALLOW_GROWTH", "true")

# JAX compiles each new model's steps with XLA, seconds on CPU; a persistent cache lets the next model with the
# same shapes (a classmate's, another seed, a worker restart) skip that (issue 22: the iris net's first epoch
# 6–8 s -> 1–1.5 s under load). Read when JAX is imported, so it must be set before; workers inherit it.
os.environ.setdefault("JAX_COMPILATION_CACHE_DIR", os.path.join(
    os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "anndl", "jax"))
os.environ.setdefault("JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS", "0")  # our steps compile in < 1 s, JAX's floor
os.environ.setdefault("JAX_COMPILATION_CACHE_MAX_SIZE", str(2**30))  # 1 GiB, least recently used evicted

from .backend import use_env_backend  # noqa: E402

use_env_backend()  # ANNDL_BACKEND -> KERAS_BACKEND, before anything imports Keras

__version__ = "0.1.0"
