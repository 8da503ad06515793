"""Shipped artifacts of the playground: ffnn_spiral and ffnn_iris (the default network on its default data)."""

from __future__ import annotations

from anndl import zoo

from .job import DEFAULTS


def _zoo(params: dict):
    result, model = zoo.trained("perceptron", params)
    test = {k: v for k, v in result["test"].items() if k in ("accuracy", "mse", "mae")}
    return model, {"config": result["config"], "data": params, "metrics": {**test,
                   "train_accuracy": result["history"].get("accuracy", [None])[-1]},
                   "history": result["history"]}


def ffnn_spiral(seed: int):
    """The page's instant default: the default network trained on the default spiral."""
    return _zoo({**DEFAULTS, "seed": seed})


def ffnn_iris(seed: int):
    return _zoo({**DEFAULTS, "dataset": "iris", "seed": seed, "fit": {"epochs": 100, "batch_size": 16}})
