"""`python -m anndl.bench transformer`: exact match on random and systematic splits, BLEU, decoding speed, and
the keras.io English-to-Spanish recipe (same data, same size, plain fit, eager decoding loop) as the baseline."""

from __future__ import annotations

import time

import numpy as np

from anndl.topics.transformer.job import (
    SHIPPED,
    bleu,
    by_combination,
    evaluate,
    exact_match,
    model_config,
    train_translator,
)


def _full_model_greedy(model, src: np.ndarray, tgt_len: int) -> np.ndarray:
    """Batched greedy decoding that reruns the whole functional model (encoder included) at every step."""
    import keras

    from anndl.backend import compiled
    from anndl.decode import greedy_search

    call = compiled(lambda s, t: model([s, t], training=False), model.variables)
    return greedy_search(lambda buf, t: keras.ops.convert_to_numpy(call(src, buf))[:, t], len(src), tgt_len)[0]


def _eager_translate_s(model, src: np.ndarray, tgt_len: int) -> float:
    """Seconds for one sentence with the plain eager loop of the keras.io example (a model call per step)."""
    import keras

    from anndl.decode import greedy_search

    t0 = time.perf_counter()
    greedy_search(lambda buf, t: keras.ops.convert_to_numpy(model([src, buf]))[:, t], 1, tgt_len)
    return time.perf_counter() - t0


def bench(quick: bool = False, tiny: bool = False):
    import keras

    from anndl.bench import Baseline, BenchResult
    from anndl.decode import Decoder
    from anndl.device import backend_device
    from anndl.nets.transformer import build_kerasio_baseline

    # tiny: the same code path at the smallest size (one layer each side, one epoch): what costs is tracing
    params = {**SHIPPED, "seed": 0, **({"n": 4000, "epochs": 1} if quick else {}),
              **({"n": 300, "epochs": 1, "embed_dim": 16, "ff_dim": 16, "heads": 2, "enc_layers": 1,
                  "dec_layers": 1} if tiny else {})}
    limit = 10 if tiny else 200 if quick else None
    model, prep, summary = train_translator(params)
    corpus = prep.corpus
    n_train = len(corpus.train) - max(1, len(corpus.train) // 20)
    dec = Decoder(model, prep.src_vocab, prep.tgt_vocab)
    rnd = evaluate(dec, corpus, corpus.test_random, limit=limit)
    sys_g = evaluate(dec, corpus, corpus.test_systematic, limit=limit)
    sys_b = evaluate(dec, corpus, corpus.test_systematic, beam=4, limit=limit)
    sub = corpus.test_random[: 10 if tiny else 100 if quick else 400]
    rnd_sub_g, rnd_sub_b = evaluate(dec, corpus, sub), evaluate(dec, corpus, sub, beam=4)
    sentences = [corpus.pairs[i][0] for i in corpus.test_random[: 6 if tiny else 21]]
    dec.greedy(sentences[0])
    latency = []
    for s in sentences[1:]:
        t0 = time.perf_counter()
        dec.greedy(s)
        latency.append(time.perf_counter() - t0)

    keras.utils.set_random_seed(0)
    order = np.random.default_rng(0).permutation(corpus.train)
    n_val = max(1, len(order) // 20)
    (x_tr, d_tr), y_tr = prep.arrays(order[n_val:])
    (x_va, d_va), y_va = prep.arrays(order[:n_val])
    base = build_kerasio_baseline(model_config(params, prep))
    base.compile(optimizer=keras.optimizers.Adam(params["lr"]),  # as keras.io: the Keras mask hides padding
                 loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=0),
                 metrics=["sparse_categorical_accuracy"])
    t0 = time.perf_counter()
    base.fit([x_tr, d_tr], y_tr, epochs=params["epochs"], batch_size=params["batch_size"],
             validation_data=([x_va, d_va], y_va), verbose=0)
    base_s = time.perf_counter() - t0
    (x_te, _), _ = prep.arrays(corpus.test_random[:limit] if limit else corpus.test_random)
    found = _full_model_greedy(base, x_te, prep.tgt_len)
    refs = [corpus.pairs[i][1] for i in (corpus.test_random[:limit] if limit else corpus.test_random)]
    base_hyps = [prep.tgt_vocab.decode(row) for row in found]
    base_em, base_bleu = exact_match(base_hyps, refs), bleu(base_hyps, refs)
    base_latency = float(np.median([_eager_translate_s(base, x_te[i:i + 1], prep.tgt_len)
                                    for i in range(1, 4 if tiny else 11)]))

    combos = by_combination(params["n"], 0, list(corpus.test_systematic)[:limit] if limit else corpus.test_systematic,
                            sys_g["hyps"], corpus.pairs)
    ours_ms, base_ms = 1000 * float(np.median(latency)), 1000 * base_latency
    rows = [
        {"split": "random", "decoder": "greedy", "n": rnd["n"], "exact_match": rnd["exact_match"], "bleu": rnd["bleu"]},
        {"split": f"random[:{len(sub)}]", "decoder": "greedy", "n": len(sub), "exact_match": rnd_sub_g["exact_match"],
         "bleu": rnd_sub_g["bleu"]},
        {"split": f"random[:{len(sub)}]", "decoder": "beam 4", "n": len(sub), "exact_match": rnd_sub_b["exact_match"],
         "bleu": rnd_sub_b["bleu"]},
        {"split": "systematic", "decoder": "greedy", "n": sys_g["n"], "exact_match": sys_g["exact_match"],
         "bleu": sys_g["bleu"]},
        {"split": "systematic", "decoder": "beam 4", "n": sys_b["n"], "exact_match": sys_b["exact_match"],
         "bleu": sys_b["bleu"]},
        *[{"split": f"systematic: {k}", "decoder": "greedy", "n": "", "exact_match": v, "bleu": ""}
          for k, v in combos.items()],
        {"split": "random", "decoder": "keras.io baseline greedy", "n": len(refs), "exact_match": base_em,
         "bleu": base_bleu},
        {"split": "speed", "decoder": f"ours: train {summary['train_s']:.1f} s, greedy {ours_ms:.0f} ms/sentence",
         "n": "", "exact_match": "", "bleu": ""},
        {"split": "speed", "decoder": f"baseline: train {base_s:.1f} s, eager loop {base_ms:.0f} ms/sentence",
         "n": "", "exact_match": "", "bleu": ""},
    ]
    extra = {"systematic_greedy_exact_match": sys_g["exact_match"], "systematic_beam_exact_match": sys_b["exact_match"],
             "random_bleu_greedy": rnd["bleu"], "random_subset_bleu_greedy": rnd_sub_g["bleu"],
             "random_subset_bleu_beam": rnd_sub_b["bleu"], "systematic_bleu_greedy": sys_g["bleu"],
             "systematic_bleu_beam": sys_b["bleu"], "greedy_ms_per_sentence": ours_ms,
             "baseline_eager_ms_per_sentence": base_ms, "decode_speedup_vs_baseline": base_ms / ours_ms,
             "train_speed_ratio_vs_baseline": base_s / summary["train_s"], "baseline_bleu": base_bleu,
             "epochs": summary["epochs_run"], "n_train": n_train, "systematic_by_combination": combos,
             "final_val_masked_accuracy": summary["history"].get("val_masked_accuracy", [None])[-1]}
    return BenchResult(
        topic="transformer", dataset=corpus.source, metric="greedy exact match, random held-out split",
        value=rnd["exact_match"], train_s=summary["train_s"],
        samples_per_s=n_train * summary["epochs_run"] / summary["train_s"],
        baseline=Baseline("keras.io English-to-Spanish KerasHub recipe (same size, plain fit)", base_em, base_s),
        device=backend_device(), rows=rows, extra=extra)
