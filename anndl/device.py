"""Which compute device is in use, found without importing TensorFlow (the home page stays light)."""

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


def kind() -> str:
    """'gpu' when the Keras backend computes on a GPU, else 'cpu' (imports the backend; for jobs and benchmarks)."""
    from .backend import device_kind

    return device_kind()
