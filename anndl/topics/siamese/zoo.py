"""Shipped artifacts of the Siamese page: the shared encoder trained on MNIST digits 0–7 with the contrastive loss,
with the triplet loss, and the softmax classifier whose penultimate layer is the baseline embedding."""

from __future__ import annotations

from anndl import zoo

from .job import DEFAULTS

METRICS = ("recall1", "recall5", "map", "gamma", "unseen_id_acc", "unseen_id_acc_no_reject", "unseen_far",
           "roc_auc", "far_frr", "roc")


def _zoo(loss: str, seed: int):
    params = {**DEFAULTS, "loss": loss, "seed": seed}
    out, model = zoo.trained("siamese", params)
    info = {"config": params, "epochs_run": out["epochs_run"], "replay": out["replay"],
            "data": {"dataset": "mnist digits 0–7 (8–9 held out)", "source": out["source"],
                     "split": "digits 0–7 stratified 72/8/20 % train/validation/test; 8–9 never trained on "
                              "(anndl.topics.siamese.job.load_data)"},
            "metrics": {k: out[k] for k in METRICS}}
    return model, info


def siamese_triplet(seed: int = 0):
    """Shipped artifact: the encoder trained with the triplet loss (semi-hard mining), the page's default."""
    return _zoo("triplet", seed)


def siamese_contrastive(seed: int = 0):
    """Shipped artifact: the same encoder trained with the contrastive loss."""
    return _zoo("contrastive", seed)


def siamese_softmax(seed: int = 0):
    """Shipped artifact: the softmax classifier on the same encoder (its penultimate layer: the baseline)."""
    return _zoo("softmax", seed)
