"""Which compute device is in use: two questions with two answers, both importable without TensorFlow.

- `host_device()`: does this machine have a GPU (nvidia-smi)? Nothing imported; for decisions taken before any
  Keras backend exists in the process: job routing (`anndl.jobenv`), defaults (`anndl.recipe`), the worker's
  and training panel's labels, the sidebar.
- `backend_device()`: does the Keras backend this process imported compute on a GPU? Imports the backend; for
  figures that must say where they were measured (benchmarks, zoo artifacts).
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess


@functools.lru_cache(maxsize=1)
def describe() -> str:
    """'CPU (n cores)' or the GPU's name as nvidia-smi reports it."""
    if os.environ.get("CUDA_VISIBLE_DEVICES", None) in ("", "-1"):
        return f"CPU ({os.cpu_count()} cores)"
    smi = shutil.which("nvidia-smi")
    if smi:
        try:
            out = subprocess.run([smi, "--query-gpu=name", "--format=csv,noheader"], capture_output=True,
                                 text=True, timeout=5)
            names = [n.strip() for n in out.stdout.splitlines() if n.strip()]
            if out.returncode == 0 and names:
                return "GPU: " + ", ".join(names)
        except (OSError, subprocess.SubprocessError):
            pass
    return f"CPU ({os.cpu_count()} cores)"


def host_device() -> str:
    """'gpu' when nvidia-smi names a GPU that CUDA_VISIBLE_DEVICES does not hide, else 'cpu'; imports nothing.

    Use it to decide before a backend is imported (which backend a job runs on, bigger defaults); it says nothing
    about whether the backend installed here can use that GPU.
    """
    return "gpu" if describe().startswith("GPU") else "cpu"


def backend_device() -> str:
    """'gpu' when the imported Keras backend computes on a GPU, else 'cpu'; imports the backend.

    Use it to label what was measured in this process (benchmarks, zoo artifacts): a GPU the backend cannot use
    (e.g. a CPU-only JAX) counts as 'cpu' here.
    """
    from .backend import name

    backend = name()
    if backend == "tensorflow":
        import tensorflow as tf

        return "gpu" if tf.config.list_physical_devices("GPU") else "cpu"
    if backend == "jax":
        import jax

        return "gpu" if jax.default_backend() in ("gpu", "cuda", "rocm") else "cpu"
    if backend == "torch":
        import torch

        return "gpu" if torch.cuda.is_available() else "cpu"
    return "cpu"
