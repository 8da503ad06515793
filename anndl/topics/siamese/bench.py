"""`python -m anndl.bench siamese`: the page's encoder trained with the triplet loss (and with the contrastive loss)
against the softmax classifier on the same encoder (plain model.fit on numpy arrays, its penultimate layer as the
embedding), on the same MNIST split, in the same run.

JSON: value = recall@1 on the seen test digits 0–7 (triplet); extra.unseen_id_acc = identification accuracy of the
held-out digits 8–9 enrolled from 5 templates each at the γ chosen on the validation digits (equal error rate);
extra.softmax_recall1 / softmax_unseen_id_acc = the same figures of the classifier embedding; baseline = softmax.
"""

from __future__ import annotations

import time

from anndl.bench import Baseline, BenchResult
from anndl.nets.siamese import build_siamese
from anndl.train import FitConfig, fit, set_seed

from .job import DEFAULTS, config_from, evaluate, load_data

KEYS = ("recall1", "recall5", "map", "gamma", "unseen_id_acc", "unseen_id_acc_no_reject", "unseen_far", "roc_auc")


def run(data, loss: str, epochs: int, seed: int, plain: bool = False) -> dict:
    """Train one encoder (through anndl.train.fit, or plain model.fit) and evaluate it; its figures and time."""
    set_seed(seed)
    model = build_siamese(config_from({**DEFAULTS, "loss": loss}, data.x_train.shape[1:]))
    t0 = time.perf_counter()
    if plain:
        model.fit(data.x_train, data.y_train, epochs=epochs, batch_size=DEFAULTS["batch"], verbose=0,
                  validation_data=(data.x_val, data.y_val))
    else:
        fit(model, data.x_train, data.y_train, FitConfig(epochs=epochs, batch_size=DEFAULTS["batch"], seed=seed),
            validation_data=(data.x_val, data.y_val))
    train_s = time.perf_counter() - t0
    return {"loss": loss, "train_s": train_s, **{k: float(v) for k, v in evaluate(model, data, seed).items()
                                                  if k in KEYS}}


def bench(quick: bool = False, seed: int = 0, tiny: bool = False) -> BenchResult:
    from anndl.device import backend_device

    data = load_data(seed, 1500 if tiny else None)
    epochs = 1 if tiny else 4 if quick else DEFAULTS["epochs"]
    ours = run(data, "triplet", epochs, seed)
    other = run(data, "contrastive", epochs, seed)
    base = run(data, "softmax", epochs, seed, plain=True)
    table = [{"embedding": r["loss"], "epochs": epochs, "train_s": round(r["train_s"], 1),
              **{k: round(r[k], 4) for k in KEYS}} for r in (ours, other, base)]
    extra = {"unseen_id_acc": ours["unseen_id_acc"], "softmax_recall1": base["recall1"],
             "softmax_unseen_id_acc": base["unseen_id_acc"], "recall5": ours["recall5"], "map": ours["map"],
             "gamma": ours["gamma"], "unseen_far": ours["unseen_far"], "roc_auc": ours["roc_auc"],
             "unseen_id_acc_no_reject": ours["unseen_id_acc_no_reject"],
             "contrastive_recall1": other["recall1"], "contrastive_unseen_id_acc": other["unseen_id_acc"],
             "softmax_map": base["map"], "epochs": epochs}
    return BenchResult(topic="siamese", dataset=f"mnist-5k digits 0–7 ({len(data.x_train):,} train / "
                       f"{len(data.x_val):,} validation / {len(data.x_test):,} test), 8–9 held out "
                       f"({len(data.x_new):,}), seed {seed}", metric="recall@1", value=ours["recall1"],
                       train_s=float(ours["train_s"]), samples_per_s=len(data.x_train) * epochs / ours["train_s"],
                       baseline=Baseline("softmax classifier on the same encoder (plain model.fit), penultimate "
                                         "layer as the embedding", base["recall1"], float(base["train_s"])),
                       device=backend_device(), rows=table, extra=extra)
