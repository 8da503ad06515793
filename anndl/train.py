"""The one training loop of anndl: seeding, progress reporting, early stopping (course §4.5)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Callable

import keras
import numpy as np

from .backend import in_memory_inputs

Report = Callable[[dict], None]


@dataclass
class FitConfig:
    """How to train; every page and job passes one of these to `fit`."""

    epochs: int = 100  # small course nets need tens to hundreds of passes
    batch_size: int = 32  # mini-batch: between SGD (1) and full batch
    validation_split: float = 0.0  # used only when no validation_data is given
    early_stopping: int = 0  # patience in epochs; 0 turns it off (§4.5)
    restore_best: bool = True  # early stopping keeps the best weights, not the last
    monitor: str = "val_loss"  # the quantity early stopping and LR reduction watch
    # "max" for a score, "min" for a loss; "auto" lets Keras tell from the compiled metric, which it cannot for a
    # quantity a caller's callback writes into the logs (e.g. a validation mean IoU): say "max" there
    mode: str = "auto"
    reduce_lr: int = 0  # ReduceLROnPlateau patience; 0 turns it off
    reduce_lr_factor: float = 0.5  # halve the step when the plateau is reached
    report_every_s: float = 0.5  # batch progress at most twice a second
    seed: int = 0  # shuffling order of the mini-batches
    verbose: int = 0  # Keras' own printing; pages show progress themselves


def set_seed(seed: int) -> None:
    """Seed Python, NumPy and the backend so a demo link reproduces the same result."""
    keras.utils.set_random_seed(int(seed))


def _floats(logs: dict | None) -> dict[str, float]:
    return {k: float(v) for k, v in (logs or {}).items() if np.ndim(v) == 0}


class ProgressCallback(keras.callbacks.Callback):
    """Reports batch and epoch progress to `report` and stops when `cancelled()` says so."""

    def __init__(self, report: Report | None = None, cancelled: Callable[[], bool] | None = None,
                 every_s: float = 0.5, extra: Callable[[keras.Model, int], Any] | None = None):
        super().__init__()
        self.report = report or (lambda event: None)
        self.cancelled = cancelled or (lambda: False)
        self.every_s = every_s
        self.extra = extra
        self.epoch = 0
        self.t0 = self.last = time.perf_counter()
        self.was_cancelled = False

    def _check_cancel(self) -> None:
        if self.cancelled():
            self.was_cancelled = True
            self.model.stop_training = True

    def on_train_begin(self, logs=None):
        self.t0 = self.last = time.perf_counter()

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        now = time.perf_counter()
        if now - self.last >= self.every_s:
            self.last = now
            self.report({"kind": "batch", "epoch": self.epoch + 1, "batch": batch + 1,
                         "steps": self.params.get("steps"), "epochs": self.params.get("epochs"),
                         "logs": _floats(logs), "elapsed": now - self.t0})
        self._check_cancel()

    def on_epoch_end(self, epoch, logs=None):
        event = {"kind": "epoch", "epoch": epoch + 1, "epochs": self.params.get("epochs"),
                 "logs": _floats(logs), "elapsed": time.perf_counter() - self.t0}
        if self.extra is not None:
            event["extra"] = self.extra(self.model, epoch)
        self.report(event)
        self._check_cancel()


class TimeToTarget(keras.callbacks.Callback):
    """Training seconds (evaluation excluded) until a score first reaches `target` (benchmarks).

    The score is `logs[monitor]` after each epoch, or `score(model)` when given (e.g. accuracy on a held-out
    set, recorded in `curve`, and written to the epoch's logs as `log_as` when given, for early stopping on it).
    `stop=True` ends training at the target; `budget_s` ends it once that many seconds of training are spent.
    `seconds` and `epoch` stay None while the target is not reached.
    """

    def __init__(self, target: float | None = None, monitor: str = "val_accuracy", mode: str = "max",
                 stop: bool = False, score: Callable[[keras.Model], float] | None = None,
                 budget_s: float | None = None, log_as: str | None = None):
        super().__init__()
        self.log_as = log_as
        self.target, self.monitor, self.mode, self.stop = target, monitor, mode, stop
        self.score, self.budget_s = score, budget_s
        self.seconds: float | None = None
        self.epoch: int | None = None
        self.train_s = 0.0
        self.curve: list[float] = []
        self._t = 0.0

    def on_epoch_begin(self, epoch, logs=None):
        self._t = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.train_s += time.perf_counter() - self._t
        value = self.score(self.model) if self.score is not None else (logs or {}).get(self.monitor)
        if self.log_as and logs is not None:
            logs[self.log_as] = value
        if value is not None:
            self.curve.append(float(value))
        hit = value is not None and self.target is not None and (
            value >= self.target if self.mode == "max" else value <= self.target)
        if hit and self.seconds is None:
            self.seconds, self.epoch = self.train_s, epoch + 1
            if self.stop:  # only the time to the target is wanted
                self.model.stop_training = True
        if self.budget_s is not None and self.train_s >= self.budget_s:
            self.model.stop_training = True


def standard_callbacks(config: FitConfig) -> list[keras.callbacks.Callback]:
    """Early stopping and ReduceLROnPlateau as the configuration asks."""
    out: list[keras.callbacks.Callback] = []
    if config.early_stopping > 0:
        out.append(keras.callbacks.EarlyStopping(monitor=config.monitor, mode=config.mode,
                                                 patience=config.early_stopping,
                                                 restore_best_weights=config.restore_best))
    if config.reduce_lr > 0:
        out.append(keras.callbacks.ReduceLROnPlateau(monitor=config.monitor, mode=config.mode,
                                                     patience=config.reduce_lr, factor=config.reduce_lr_factor,
                                                     min_lr=1e-6))
    return out


def fit(model: keras.Model, x, y=None, config: FitConfig | None = None, *, validation_data=None,
        report: Report | None = None, cancelled: Callable[[], bool] | None = None,
        extra: Callable[[keras.Model, int], Any] | None = None, callbacks=(), max_epochs: int | None = None,
        ) -> dict:
    """Train `model` with progress, cancel, early stopping and LR schedule; return the history summary.

    The caller's `callbacks` run first at each epoch's end, so a metric one writes into the logs is seen by early
    stopping and LR reduction (`config.monitor`, with `config.mode`), the history and the progress events.
    """
    config = config or FitConfig()
    epochs = min(config.epochs, max_epochs) if max_epochs else config.epochs
    progress = ProgressCallback(report, cancelled, config.report_every_s, extra)
    stopper = standard_callbacks(config)
    kwargs: dict[str, Any] = {"validation_data": validation_data}
    if isinstance(x, np.ndarray) and y is not None:
        if validation_data is None and config.validation_split > 0:
            cut = int(len(x) * (1 - config.validation_split))
            x, y, validation_data = x[:cut], y[:cut], (x[cut:], y[cut:])
        kwargs = in_memory_inputs(x, y, validation_data, config.batch_size, config.seed)
        x, y = kwargs.pop("x"), kwargs.pop("y")
    kwargs.setdefault("batch_size", config.batch_size)
    t0 = time.perf_counter()
    hist = model.fit(x, y, epochs=epochs, verbose=config.verbose, callbacks=[*callbacks, *stopper, progress],
                     **kwargs)
    history = {k: [float(v) for v in vals] for k, vals in hist.history.items()}
    early = next((c for c in stopper if isinstance(c, keras.callbacks.EarlyStopping)), None)
    monitored = history.get(config.monitor)
    best_epoch = None
    if monitored:
        wants_max = config.mode == "max" or (config.mode == "auto" and "acc" in config.monitor)
        best = np.argmax(monitored) if wants_max else np.argmin(monitored)
        best_epoch = int(best) + 1
    return {"history": history, "epochs_run": len(next(iter(history.values()), [])),
            "best_epoch": best_epoch, "stopped_early": bool(early and early.stopped_epoch > 0),
            "cancelled": progress.was_cancelled, "train_s": time.perf_counter() - t0}
