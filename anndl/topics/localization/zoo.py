"""Shipped artifact of the localization page: loc_shapes, the two-head network on drawn-shape canvases."""

from __future__ import annotations

from anndl import zoo

from .job import DEFAULTS, N_TEST, N_VAL, SIZE


def loc_shapes(seed: int = 0):
    """Shipped artifact: class + box heads (α = 0.5) on 64 px canvases of one drawn shape, trained by the job."""
    params = {**DEFAULTS, "seed": seed}
    out, model = zoo.trained("localization", params)
    info = {"config": params, "class_names": out["class_names"], "epochs_run": out["epochs_run"],
            "data": {"dataset": f"canvases {SIZE}×{SIZE}, one object", "source": out["source"],
                     "split": f"{params['n_train']} training / {N_VAL} validation canvases (training sprites), "
                              f"{N_TEST} test canvases of unseen sprites"},
            "metrics": {k: out[k] for k in ("accuracy", "mean_iou", "iou50", "cam_mean_iou", "cam_iou50",
                                            "spearman")}}
    return model, info
