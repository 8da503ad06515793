"""Defaults that follow the data: a recipe fixes optimiser steps, not epochs (course §4.5, early stopping).

A topic states what its training needs (`StepBudget`); `data_recipe(n_train, budget)` turns that into the
batch size, epochs and patience for a data set of `n_train` examples and says why in one sentence. After
training, `training_advice` reads the training and held-out scores (memorised, under-trained or fine) and
`size_advice` says before training when a data set is below what the topic needs to generalise.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class StepBudget:
    """What a topic's recipe fixes; epochs follow from the data's size."""

    steps: int  # optimiser steps the model needs to fit a small data set
    batch_size: int  # preferred mini-batch on data large enough for it
    min_steps_per_epoch: int = 4  # batch capped so an epoch is several steps, not one full batch
    min_epochs: int = 3  # large data: a few passes still let early stopping see a trend
    max_epochs: int = 300  # tiny data: the epoch cap of the job runner keeps the server safe
    needed: int = 100  # training examples below which the topic cannot generalise
    unit: str = "examples"  # how the page names one example ("pairs", "images", "rows", "windows")
    augment_below: int = 0  # image sets smaller than this get augmentation (0: never)
    patience_share: float = 0.1  # early stopping waits this share of the epochs (noisy tiny validation sets: more)
    augment_copies: int = 1  # augmentation by copies in memory (e.g. 2: each example and its mirror image) ...
    copies_unit: str = ""  # ... which an epoch sees, so the recipe counts them, named so ("pairs (yours and ...)")


@dataclass(frozen=True)
class Recipe:
    """Batch, epochs and early stopping derived from the data's size, with the reason."""

    n_train: int
    batch_size: int
    steps_per_epoch: int
    epochs: int
    patience: int  # early stopping patience, best weights restored
    augment: bool
    why: str

    @property
    def total_steps(self) -> int:
        return self.epochs * self.steps_per_epoch

    def as_params(self) -> dict:
        """The page/job parameter names every topic understands."""
        return {"epochs": self.epochs, "batch": self.batch_size, "patience": self.patience,
                "augment": self.augment}


def data_recipe(n_train: int, budget: StepBudget, seconds_per_step: float | None = None,
                time_limit_s: float | None = None) -> Recipe:
    """Epochs so that the model gets `budget.steps` optimiser steps on `n_train` examples, within the time limit."""
    n, unit = max(1, int(n_train)), budget.unit
    augment = 0 < n < budget.augment_below
    if augment and budget.augment_copies > 1:
        n, unit = n * budget.augment_copies, budget.copies_unit or unit
    batch = max(1, min(budget.batch_size, math.ceil(n / budget.min_steps_per_epoch)))
    steps_per_epoch = math.ceil(n / batch)
    epochs = min(budget.max_epochs, max(budget.min_epochs, math.ceil(budget.steps / steps_per_epoch)))
    capped = ""
    if seconds_per_step and time_limit_s:
        fits = int(0.8 * time_limit_s / (seconds_per_step * steps_per_epoch))
        if fits < epochs:
            epochs, capped = max(1, fits), f", cut to {max(1, fits)} by the {time_limit_s:.0f} s time limit"
    patience = max(3, int(epochs * budget.patience_share))
    why = (f"{n} {unit} → batch {batch}, {steps_per_epoch} step{'s' * (steps_per_epoch > 1)} an epoch, "
           f"{epochs} epochs ≈ {epochs * steps_per_epoch} optimiser steps{capped}; early stopping after "
           f"{patience} epochs without progress keeps the best weights"
           + ("; augmentation on (small image set)" if augment else ""))
    return Recipe(n, batch, steps_per_epoch, epochs, patience, augment, why)


def size_advice(n_train: int, budget: StepBudget) -> str | None:
    """A sentence before training when the data set is below what the topic needs to generalise."""
    if n_train >= budget.needed:
        return None
    return (f"{n_train} {budget.unit} is few for this model: it can learn them by heart but needs about "
            f"{budget.needed} to generalise to new ones. Expect a gap between training and held-out scores.")


@dataclass(frozen=True)
class Advice:
    regime: str  # "memorised", "under-trained" or "fine"
    sentence: str


def training_advice(train: float, held_out: float, metric: str = "accuracy", higher_is_better: bool = True,
                    good: float | None = None, gap: float = 0.1) -> Advice:
    """Read training vs held-out scores as the course does (§4.5): under-fitting, over-fitting, or fine.

    `good` is the training score a fitted model reaches (e.g. 0.9 accuracy; for errors, the naive baseline's
    error); `gap` the difference (higher-better) or ratio - 1 (lower-better) that counts as over-fitting.
    """
    scores = f"training {metric} {train:.3g}, held-out {held_out:.3g}"
    if higher_is_better:
        under = train < (0.9 if good is None else good)
        over = train - held_out > gap
    else:
        under = good is not None and train > good
        over = held_out > train * (1 + gap) + 1e-12
    if under:
        return Advice("under-trained", f"Under-trained ({scores}): even the training examples are not learned "
                      "yet. Train for more steps, raise the learning rate or give the model more capacity.")
    if over:
        return Advice("memorised", f"Memorised but not generalised ({scores}): the model learned the training "
                      "examples but not the rule behind them. More data helps most; augmentation, dropout, L2, "
                      "early stopping or a pretrained backbone help with what you have.")
    return Advice("fine", f"Fits and generalises ({scores}): the held-out score is close to the training score.")


def own_data_report(n_train: int, recipe: Recipe | None, budget: StepBudget, train: float, held_out: float,
                    metric: str = "accuracy", higher_is_better: bool = True, good: float | None = None,
                    gap: float = 0.1) -> dict:
    """What a job on uploaded data returns besides its model: the recipe used, both scores and their reading."""
    advice = training_advice(train, held_out, metric, higher_is_better, good, gap)
    return {"recipe": recipe.why if recipe else None, "size_advice": size_advice(n_train, budget),
            "metric": metric, "train": float(train), "held_out": float(held_out),
            "regime": advice.regime, "advice": advice.sentence}


# Bigger defaults on a GPU server (issue 22): what a page starts from when a GPU is present. One place, read by
# the jobs and the pages (`device_defaults`), and said on the page by the training panel (`device_note`).
GPU_DEFAULTS: dict[str, dict] = {
    "cnn": {"fashion_n": 70_000},  # all of Fashion-MNIST (train + test) instead of a 20,000 slice
    "detection": {"n_train": 4_000},  # twice the canvases
    "localization": {"n_train": 5_000},
    "unet": {"n_train": 1_600},
    "transformer": {"embed_dim": 256},  # a wider translator (ff 2 x d): about 4x the weights of the CPU default
}
GPU_WORDS = {"fashion_n": "Fashion-MNIST items", "n_train": "training canvases", "embed_dim": "embedding size"}


def device_defaults(topic: str, defaults: dict, device: str | None = None) -> dict:
    """`defaults` with the GPU's bigger values (GPU_DEFAULTS) when `device` (found when None) is a GPU."""
    if (device or _device()) != "gpu":
        return dict(defaults)
    return {**defaults, **GPU_DEFAULTS.get(topic, {})}


def device_note(topic: str, device: str | None = None) -> str | None:
    """The sentence a page shows when its defaults are the GPU's bigger ones, else None."""
    bigger = GPU_DEFAULTS.get(topic)
    if not bigger or (device or _device()) != "gpu":
        return None
    what = ", ".join(f"{v:,} {GPU_WORDS.get(k, k)}" for k, v in bigger.items())
    return f"A GPU is present, so the defaults are bigger: {what}."


def _device() -> str:
    from anndl.device import host_device

    return host_device()
