"""Shipped artifact of the Transformer page: transformer_en_it, the English→Italian translator."""

from __future__ import annotations

from anndl import zoo

from .job import SHIPPED, corpus_from_params, decoder_of, evaluate


def transformer_en_it(seed: int, params: dict | None = None):
    """The shipped English→Italian translator, trained by the page's job; its vocabularies and its scores on
    the whole held-out splits go into the JSON sidecar (the file holds no optimizer state: a third the size)."""
    params = {**SHIPPED, "seed": seed, **(params or {})}
    result, model = zoo.trained("transformer", params)
    corpus = corpus_from_params(params)
    decoder = decoder_of(model, result)
    metrics = {f"{split}_exact_match": evaluate(decoder, corpus, idx)["exact_match"]
               for split, idx in (("random", corpus.test_random), ("systematic", corpus.test_systematic))}
    history = result["summary"]["history"]
    metrics["final_val_masked_accuracy"] = history.get("val_masked_accuracy", [None])[-1]
    keys = ("src_words", "tgt_words", "src_len", "tgt_len")
    return model, {"params": SHIPPED, "config": result["config"], "data": corpus.source,
                   "fit_s": result["summary"]["train_s"], "epochs_run": result["summary"]["epochs_run"],
                   "metrics": metrics, **{k: result[k] for k in keys}}
