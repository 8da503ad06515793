"""The worker side of the job runner (DESIGN §4): the context a job function gets, the worker process's loop
and its handle in the runner, and `run_inline` (the same job function in this process)."""

from __future__ import annotations

import importlib
import os
import sys
import tempfile
import threading
import time
import traceback
import types
from contextlib import contextmanager
from typing import Callable

from anndl.device import host_device
from anndl.jobenv import running_backend
from anndl.jobspec import Job, Limits


class JobContext:
    """Handed to a job function inside the worker."""

    def __init__(self, job_id: str, events, stop_requested: Callable[[], bool], limits: Limits, workdir: str):
        """`events.put((kind, job_id, payload))` carries progress; `stop_requested()` is True once Stop is pressed."""
        self.job_id, self._events, self.stop_requested = job_id, events, stop_requested
        self.limits, self.workdir = limits, workdir
        self.max_epochs = limits.max_epochs
        self.deadline = time.time() + limits.time_limit_s
        self.deadline_hit = False

    def report(self, event: dict) -> None:
        self._events.put(("progress", self.job_id, event))

    def cancelled(self) -> bool:
        """True once the user pressed Stop or the wall-clock limit has passed (the job should return)."""
        if time.time() > self.deadline:
            self.deadline_hit = True
        return self.stop_requested() or self.deadline_hit


def job_of(train: Callable[..., dict]) -> Callable[[dict, JobContext], dict]:
    """A topic's job `train_job(params, ctx)` over its `train(params, report, cancelled, max_epochs, workdir)`: the
    context's progress sink, Stop, epoch cap and folder handed on, so the topic writes only its own training."""

    def train_job(params: dict, ctx: JobContext) -> dict:
        return train(params, report=ctx.report, cancelled=ctx.cancelled, max_epochs=ctx.max_epochs,
                     workdir=ctx.workdir)

    train_job.__module__, train_job.__qualname__ = train.__module__, "train_job"
    train_job.__doc__ = f"The page's training job: `{train.__name__}` in a worker process (see anndl.jobs)."
    return train_job


def saving(train_model: Callable[..., tuple]) -> Callable[..., dict]:
    """A topic's `train(params, report, cancelled, max_epochs, workdir)` over its `train_model(params, report,
    cancelled, max_epochs) -> (model, summary)`: the summary, with the model saved in `workdir` when one is given."""

    def train(params: dict, report=None, cancelled=None, max_epochs=None, workdir: str | None = None) -> dict:
        model, summary = train_model(params, report, cancelled, max_epochs)
        if workdir:
            summary["model_path"] = save_model(model, workdir)
        return summary

    train.__module__, train.__qualname__ = train_model.__module__, "train"
    train.__doc__ = f"The summary of `{train_model.__name__}`, with the model saved in `workdir`."
    return train


def save_model(model, workdir: str, name: str = "model") -> str:
    """The one way a job hands its model to the page: workdir/NAME.keras, read back by `anndl.zoo.load_file`."""
    path = os.path.join(workdir, f"{name}.keras")
    model.save(path)
    return path


def resolve(target: str):
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


def call_job(target: str, params: dict, ctx: JobContext):
    """The job function's result record, the same in a worker and inline: its dict with the Keras backend and the
    device that trained the model (the page says so, issue 22)."""
    result = resolve(target)(params, ctx)
    if isinstance(result, dict):
        result.setdefault("backend", running_backend())
        result.setdefault("device", host_device())
    return result


def run_job(target: str, params: dict, ctx: JobContext) -> tuple[str, object]:
    """Run one job function: ("done" | "timeout", its result record) or ("failed", the error's last lines)."""
    try:
        result = call_job(target, params, ctx)
        return ("timeout" if ctx.deadline_hit and not ctx.stop_requested() else "done"), result
    except Exception as exc:  # the job failed, the worker lives on
        tail = traceback.format_exc(limit=-3)
        return "failed", f"{type(exc).__name__}: {exc}\n{tail}"


class _Sender:
    """The worker's end of its event pipe; the lock keeps messages whole if a job reports from threads."""

    def __init__(self, conn):
        self.conn, self.lock = conn, threading.Lock()

    def put(self, item) -> None:
        with self.lock:
            self.conn.send(item)  # pickles first, then writes: an unpicklable result raises here


WORKER_NICE = 10  # training yields the CPU to the server's page reruns: a class's clicks stay quick while jobs train


def lower_priority() -> int:
    """Raise this process's niceness to `ANNDL_WORKER_NICE` (default WORKER_NICE); returns the niceness now."""
    if not hasattr(os, "nice"):  # not on Windows
        return 0
    return os.nice(max(0, int(os.environ.get("ANNDL_WORKER_NICE", WORKER_NICE)) - os.nice(0)))


def _worker_main(inbox, conn, cancel_flag, warm: tuple[str, ...], env: dict[str, str] | None = None) -> None:
    os.environ.update(env or {})  # KERAS_BACKEND and GPU memory: before anything imports Keras (anndl.jobenv)
    lower_priority()
    for module in warm:  # import TensorFlow once, before the first job, so jobs start at once
        try:
            importlib.import_module(module)
        except Exception:  # a broken import shows up as the job's own error, not as a crash loop
            pass
    events = _Sender(conn)
    while True:
        msg = inbox.get()
        if msg is None:
            return
        job_id, num, target, params, limits, workdir = msg
        ctx = JobContext(job_id, events, lambda num=num: cancel_flag.value == num, limits, workdir)
        events.put(("started", job_id, os.getpid()))
        kind, payload = run_job(target, params, ctx)
        try:
            events.put((kind, job_id, payload))
        except Exception as exc:  # pickled before anything is written: an unpicklable result fails the job only
            events.put(("failed", job_id, f"the job's result cannot be sent: {type(exc).__name__}: {exc}"))


_MAIN_SWAP = threading.Lock()


@contextmanager
def _bare_main():
    """A spawned worker needs only `_worker_main`: the parent's `__main__` is not run again in it.

    multiprocessing's spawn re-runs the parent's `__main__` file in the child. Under Streamlit that is the page script
    (`app/main.py` in bare mode: 1.9 s of CPU and Streamlit's imports in every worker), under a test the AppTest's
    temporary script (which fails there). While the process starts, `__main__` is a module without a file.
    """
    with _MAIN_SWAP:
        parent, bare = sys.modules.get("__main__"), types.ModuleType("__main__")
        sys.modules["__main__"] = bare
        try:
            yield
        finally:
            if sys.modules.get("__main__") is bare:  # another session's script run may have put in its own since
                sys.modules["__main__"] = parent


class _Worker:
    def __init__(self, ctx, warm, backend: str = "tensorflow", env: dict[str, str] | None = None):
        self.backend = backend  # the Keras backend this process imports (its KERAS_BACKEND in `env`)
        self.inbox = ctx.Queue()
        self.events, sender = ctx.Pipe(duplex=False)
        self.cancel_flag = ctx.Value("q", -1)
        self.proc = ctx.Process(target=_worker_main, args=(self.inbox, sender, self.cancel_flag, warm, env),
                                daemon=True)
        with _bare_main():
            self.proc.start()
        sender.close()  # only the worker writes: when it dies, our end reads EOF
        self.job: Job | None = None
        self.num = -1
        self.cancel_at: float | None = None
        self.broken = False  # its pipe closed: the process is gone or going
        self.born = time.time()

    def alive(self) -> bool:
        return not self.broken and self.proc.is_alive()

    def discard(self) -> None:
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join(timeout=5)
        self.inbox.cancel_join_thread()
        self.inbox.close()
        self.events.close()


def run_inline(target: str, params: dict, limits: Limits | None = None, workdir: str | None = None,
               report=None) -> dict:
    """Run a job function in this process (command line, tests, benchmarks): the same result record as a worker's.

    Without `workdir` the job writes into a temporary folder that is removed when it returns: pass a folder
    (e.g. `tempfile.TemporaryDirectory()`) to keep the files the result points to while you use them.
    """

    class _Sink:
        def put(self, item):
            if report and item[0] == "progress":
                report(item[2])

    if workdir is None:
        with tempfile.TemporaryDirectory(prefix="anndl-job-") as tmp:
            return run_inline(target, params, limits, tmp, report)
    return call_job(target, params, JobContext("inline", _Sink(), lambda: False, limits or Limits(), workdir))
