"""Shipped artifact of the Transformer page: transformer_en_it, the English→Italian translator."""

from __future__ import annotations

from dataclasses import asdict

from .job import SHIPPED, evaluate, train_translator, vocab_info


def transformer_en_it(seed: int):
    """The shipped English→Italian translator; its vocabularies and scores go into the JSON sidecar."""
    from anndl.decode import Decoder

    model, prep, summary = train_translator({**SHIPPED, "seed": seed})
    decoder = Decoder(model, prep.src_vocab, prep.tgt_vocab)
    metrics = {f"{split}_exact_match": evaluate(decoder, prep.corpus, idx)["exact_match"]
               for split, idx in (("random", prep.corpus.test_random), ("systematic", prep.corpus.test_systematic))}
    metrics["final_val_masked_accuracy"] = summary["history"].get("val_masked_accuracy", [None])[-1]
    return without_optimizer(model), {"params": SHIPPED, "config": asdict(model.cfg), "data": prep.corpus.source,
                   "fit_s": summary["train_s"], "epochs_run": summary["epochs_run"], "metrics": metrics,
                   **vocab_info(prep)}


def without_optimizer(model):
    """An uncompiled copy with the same weights: the .keras file then holds no Adam moments (a third the size)."""
    from anndl.nets.transformer import build_transformer

    bare = build_transformer(model.cfg)
    bare.set_weights(model.get_weights())
    return bare
