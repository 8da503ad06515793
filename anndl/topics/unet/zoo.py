"""Shipped artifacts of the U-Net page on canvases of drawn shapes: unet_shapes (the page's default) and fcn_shapes
(the same network without skips, §10.8), so the page opens on what the skips buy."""

from __future__ import annotations

from anndl import zoo

from .job import DEFAULTS

SHIPPED_RECIPE = {"n_train": 800, "batch": 32, "lr": 3e-3}  # twice the page's canvases: trained once, offline


def _zoo(seed: int, **change):
    params = {**DEFAULTS, **SHIPPED_RECIPE, "seed": seed, **change}
    out, model = zoo.trained("unet", params)
    metric_keys = ("mean_iou", "pixel_accuracy", "class_iou", "class_dice", "border_iou", "border_mean_iou",
                   "confusion")
    info = {"config": params, "class_names": out["class_names"], "epochs_run": out["epochs_run"],
            "n_params": out["n_params"],
            "data": {"dataset": "shapes", "source": out["source"], "n_train": out["n_train"],
                     "test": "canvases of sprites unseen in training (anndl.topics.unet.job.canvases)"},
            "metrics": {k: out[k] for k in metric_keys}}
    return model, info


def unet_shapes(seed: int = 0):
    """Shipped artifact: the default U-Net (depth 3, 8 base filters, concatenated skips) on shape canvases."""
    return _zoo(seed)


def fcn_shapes(seed: int = 0):
    """Shipped artifact: the same network without skips (a plain FCN, §10.8), trained the same way."""
    return _zoo(seed, skip="none")
