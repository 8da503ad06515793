"""`python -m anndl.bench word2vec` (topic `embeddings`): the §26 neural language model against a trigram model
with interpolated Kneser-Ney on the same held-out sentences of the grammar text, and skip-gram analogies.

JSON: value = held-out perplexity of the neural LM (2 previous words, d=32, 64 tanh units);
extra.ngram_perplexity = trigram Kneser-Ney on the same split (extra.ngram_addk_perplexity: add-k, k=0.1);
extra.analogy_acc = skip-gram top-1 b − a + c with d's form (plural noun, past verb, 3rd person) on the analogies
the grammar makes exact, extra.analogy_exact_acc = the word d itself (chance-level by construction, see job.py);
baseline = the same neural LM with plain model.fit on numpy arrays (keras.io style).
"""

from __future__ import annotations

import time

import numpy as np

from .job import (
    DEFAULTS,
    EXACT,
    analogy_accuracy,
    examples,
    model_config,
    nlm_perplexity,
    prepare,
    text_of,
    train_embeddings,
)
from .ngram import NGramLM


def run_baseline(params: dict) -> dict:
    """The same model trained the keras.io way: model.fit on numpy arrays, validation_split, no anndl loop."""
    from anndl.nets.embeddings import build_embedding_model
    from anndl.train import set_seed

    set_seed(int(params["seed"]))
    prep = prepare(text_of(params), int(params["max_vocab"]), int(params["min_count"]))
    cfg = model_config(params, prep)
    x, y = examples(prep, cfg, prep.text.train, int(params["seed"]))
    model = build_embedding_model(cfg, float(params["lr"]))
    t0 = time.perf_counter()
    model.fit(x, y, epochs=int(params["epochs"]), batch_size=int(params["batch"]), validation_split=0.05, verbose=0)
    train_s = time.perf_counter() - t0
    return {"name": "same neural LM, plain model.fit on numpy arrays", "train_s": train_s,
            "perplexity": nlm_perplexity(model, prep, prep.text.test, cfg.window)}


def bench(quick: bool = False, tiny: bool = False, seed: int = 0):
    from anndl.bench import Baseline, BenchResult
    from anndl.device import backend_device
    from anndl.nets.embeddings import word_vectors

    size = {"n": 600, "epochs": 1} if tiny else {"epochs": 2} if quick else {"epochs": 4}
    nlm_params = {**DEFAULTS, "kind": "nlm", "seed": seed, **size}
    model, prep, cfg, summary = train_embeddings(nlm_params)
    nlm_ppl = nlm_perplexity(model, prep, prep.text.test, cfg.window)
    train = [prep.text.sentences[i] for i in prep.text.train]
    test = [prep.text.sentences[i] for i in prep.text.test]
    t0 = time.perf_counter()
    kn = NGramLM(3, "kneser-ney").fit(train)
    kn_ppl = kn.perplexity(test)
    ngram_s = time.perf_counter() - t0
    addk_ppl = NGramLM(3, "add-k", k=0.1).fit(train).perplexity(test)
    sg_model, sg_prep, _, sg_summary = train_embeddings({**nlm_params, "kind": "skipgram",
                                                         "epochs": 1 if tiny or quick else 2})
    acc = analogy_accuracy(word_vectors(sg_model), sg_prep.vocab.words)
    base = run_baseline(nlm_params)
    exact = [acc[f"{r} exact"] for r in EXACT if f"{r} exact" in acc]
    exact_acc = float(np.mean(exact)) if exact else float("nan")
    n_examples = sum(len(prep.text.sentences[i]) + 1 for i in prep.text.train)
    rows = [{"model": "neural LM (§26), anndl.train.fit", "held-out perplexity": nlm_ppl,
             "train_s": summary["train_s"]},
            {"model": base["name"], "held-out perplexity": base["perplexity"], "train_s": base["train_s"]},
            {"model": "trigram, interpolated Kneser-Ney (d=0.75)", "held-out perplexity": kn_ppl, "train_s": ngram_s},
            {"model": "trigram, add-k (k=0.1)", "held-out perplexity": addk_ppl},
            {"model": "skip-gram analogies b − a + c: right form / exact word",
             "held-out perplexity": f"{acc['all']:.3f} / {exact_acc:.3f}",
             "train_s": sg_summary["train_s"]}]
    extra = {"ngram_perplexity": kn_ppl, "ngram_addk_perplexity": addk_ppl, "analogy_acc": acc["all"],
             "analogy_exact_acc": exact_acc,
             "analogy_by_relation": acc, "skipgram_train_s": sg_summary["train_s"],
             "train_s_ratio_to_baseline": round(summary["train_s"] / max(base["train_s"], 1e-9), 3),
             "perplexity_ratio_to_baseline": round(nlm_ppl / base["perplexity"], 3)}
    return BenchResult(topic="embeddings", dataset=f"{prep.text.source}: {len(train):,} train / {len(test):,} held-out "
                       "sentences", metric="heldout_perplexity_nlm", value=nlm_ppl, train_s=float(summary["train_s"]),
                       samples_per_s=n_examples * summary["epochs_run"] / max(summary["train_s"], 1e-9),
                       baseline=Baseline(base["name"], base["perplexity"], float(base["train_s"])),
                       device=backend_device(), rows=rows, extra=extra)
