"""Shipped artifacts of the words-as-vectors page: skip-gram vectors of the grammar text and of the fortune
cookies, and the neural language model of the grammar text."""

from __future__ import annotations

from anndl import zoo

from .job import DEFAULTS


def _zoo(params: dict, seed: int):
    params = {**DEFAULTS, **params, "seed": seed}
    result, model = zoo.trained("embeddings", params)
    history = result["summary"]["history"]
    metrics = {**result["metrics"], "final_loss": history["loss"][-1], "final_val_loss": history["val_loss"][-1]}
    return model, {"params": params, "config": result["config"], "data": result["source"], "metrics": metrics,
                   "epochs_run": result["summary"]["epochs_run"], "fit_s": result["summary"]["train_s"],
                   "words": result["words"]}


def w2v_grammar(seed: int = 0):
    """Shipped artifact: skip-gram with negative sampling (d=32, window 2) on the grammar's English sentences."""
    return _zoo({"text": "grammar", "kind": "skipgram", "epochs": 3}, seed)


def nlm_grammar(seed: int = 0):
    """Shipped artifact: the §26 neural language model (2 previous words, d=32, 64 tanh units) on the same text."""
    return _zoo({"text": "grammar", "kind": "nlm", "epochs": 4}, seed)


def w2v_fortunes(seed: int = 0):
    """Shipped artifact: skip-gram (d=32, window 2) on Debian's fortune cookies (needs the `fortunes` package)."""
    from anndl.data.text import fortunes_available

    if not fortunes_available():
        raise FileNotFoundError("Debian's `fortunes` package is missing: `apt-get install fortunes` first.")
    return _zoo({"text": "fortunes", "kind": "skipgram", "epochs": 3}, seed)
