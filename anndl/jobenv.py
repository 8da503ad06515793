"""Which Keras backend trains a job, and the environment its worker process starts with (issue 22).

Keras fixes its backend when it is first imported, so the backend is a property of the worker process, not of
the job function: the runner starts workers per backend (`anndl.jobs.JobRunner`), each with `worker_env`. A
topic declares the backend its bench measured fastest on CPU and on GPU (`anndl.topics.BACKEND`); `choose`
picks it when that backend is installed here. Nothing here imports TensorFlow, JAX or Keras.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import re

from anndl.device import host_device

BACKENDS = ("tensorflow", "jax")  # the backends anndl's jobs are written for (KERAS_BACKEND values)
NAMES = {"tensorflow": "TensorFlow", "jax": "JAX", "torch": "PyTorch", "numpy": "NumPy"}
GPU_SHARE = 0.8  # of the card's memory for all training workers together; the rest for the app's cached models


@functools.lru_cache(maxsize=None)
def installed(backend: str) -> bool:
    """True when the backend's package can be imported here (looked up, not imported)."""
    return importlib.util.find_spec(backend) is not None


def available() -> tuple[str, ...]:
    """The backends of BACKENDS installed here, in BACKENDS' order."""
    return tuple(b for b in BACKENDS if installed(b))


def default_backend() -> str:
    """The app's own backend: ANNDL_BACKEND, else KERAS_BACKEND, else Keras' default (TensorFlow)."""
    return os.environ.get("ANNDL_BACKEND") or os.environ.get("KERAS_BACKEND") or "tensorflow"


def topic_of(target: str) -> str | None:
    """The topic key of a job target "anndl.topics.KEY.job:train_job", else None."""
    match = re.match(r"anndl\.topics\.(\w+)\.", target)
    return match.group(1) if match else None


def choose(target: str, device: str | None = None) -> str:
    """The backend a job runs on: its topic's declared fastest for this device when installed, else the default.

    ANNDL_JOB_BACKEND, when set, puts every job on that backend (a server without one of them, or a comparison).
    """
    forced = os.environ.get("ANNDL_JOB_BACKEND")
    if forced:
        return forced
    from anndl.topics import backend

    topic = topic_of(target)
    wanted = backend(topic, device or host_device()) if topic else None
    return wanted if wanted and installed(wanted) else default_backend()


def worker_env(backend: str, workers: int = 1, backends: int = 1) -> dict[str, str]:
    """The variables a training worker for `backend` starts with, so that workers share one GPU.

    TensorFlow takes GPU memory as it grows; JAX does not preallocate 75% of the card and stays under its share
    (`GPU_SHARE` divided among `workers` x `backends` processes). Harmless without a GPU.
    """
    share = GPU_SHARE / max(1, workers * backends)
    return {"KERAS_BACKEND": backend, "TF_FORCE_GPU_ALLOW_GROWTH": "true",
            "XLA_PYTHON_CLIENT_PREALLOCATE": "false", "XLA_PYTHON_CLIENT_MEM_FRACTION": f"{share:.2f}",
            "TF_CPP_MIN_LOG_LEVEL": os.environ.get("TF_CPP_MIN_LOG_LEVEL", "2")}


def running_backend() -> str:
    """The backend of the Keras this process imported, else the one it would import (keras not imported yet, or still
    being imported by another session's thread: a partly initialised module has no `backend` yet)."""
    import sys

    backend = getattr(getattr(sys.modules.get("keras"), "backend", None), "backend", None)
    return backend() if callable(backend) else os.environ.get("KERAS_BACKEND", "tensorflow")
