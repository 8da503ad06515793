"""Shipped artifact of the U-Net page: unet_shapes, the page's default trained on canvases of drawn shapes."""

from __future__ import annotations

from anndl import zoo

from .job import DEFAULTS


def unet_shapes(seed: int = 0):
    """Shipped artifact: the default U-Net (depth 3, 16 base filters, concatenated skips) on shape canvases."""
    params = {**DEFAULTS, "seed": seed}
    out, model = zoo.trained("unet", params)
    metric_keys = ("mean_iou", "pixel_accuracy", "class_iou", "class_dice", "border_iou", "border_mean_iou")
    info = {"config": params, "class_names": out["class_names"], "epochs_run": out["epochs_run"],
            "n_params": out["n_params"],
            "data": {"dataset": "shapes", "source": out["source"], "n_train": out["n_train"],
                     "test": "canvases of sprites unseen in training (anndl.topics.unet.job.canvases)"},
            "metrics": {k: out[k] for k in metric_keys}}
    return model, info
