"""Shipped artifacts of the CNN trainer: cnn_mnist (the 'best' recipe) and cnn_fashion (the 'fast' one)."""

from __future__ import annotations

from anndl import zoo

from .job import RECIPES


def _zoo(dataset: str, recipe: str, seed: int, epochs: int):
    params = {**RECIPES[recipe], "dataset": dataset, "seed": seed, "epochs": epochs}
    out, model = zoo.trained("cnn", params)
    info = {"config": {"recipe": recipe, **params}, "class_names": out["class_names"], "epochs_run": out["epochs_run"],
            "data": {"dataset": dataset, "source": out["source"],
                     "split": "stratified 72/8/20 % train/validation/test (anndl.topics.cnn.job.split_images)"},
            "metrics": {"test_accuracy": out["test_accuracy"], "tta_accuracy": out["tta_accuracy"],
                        "val_accuracy": out["history"]["val_accuracy"][-1]}}
    return model, info


def cnn_mnist(seed: int = 0):
    """Shipped artifact: the default stack trained on MNIST-5k with the augmented 'best' recipe."""
    return _zoo("mnist", "best", seed, RECIPES["best"]["epochs"])


def cnn_fashion(seed: int = 0):
    """Shipped artifact: the default 'fast' CNN trained on 20,000 Fashion-MNIST items."""
    return _zoo("fashion_mnist", "fast", seed, 12)
