"""Transformer translator (course §25–§28): data preparation, training job, shipped artifact, benchmark."""

from __future__ import annotations

import os
import time
from dataclasses import asdict, dataclass, fields

import numpy as np

from anndl.data.translation import Corpus, Vocabulary, grammar_corpus, pairs_corpus, sequence_lengths, tokens, vectorize
from anndl.nets.transformer import TransformerConfig

ARTIFACT = "transformer_en_it"


@dataclass
class Prepared:
    """A corpus turned into tensors (§28.2): vocabularies from the training pairs, lengths, teacher forcing."""

    corpus: Corpus
    src_vocab: Vocabulary
    tgt_vocab: Vocabulary
    src_len: int
    tgt_len: int

    def arrays(self, idx: np.ndarray):
        return vectorize([self.corpus.pairs[i] for i in idx], self.src_vocab, self.tgt_vocab, self.src_len,
                         self.tgt_len)


def prepare(corpus: Corpus, max_vocab: int = 5000) -> Prepared:
    train = [corpus.pairs[i] for i in corpus.train]
    src_len, tgt_len = sequence_lengths(corpus.pairs)
    return Prepared(corpus, Vocabulary.build([e for e, _ in train], max_vocab),
                    Vocabulary.build([i for _, i in train], max_vocab), src_len, tgt_len)


def corpus_from_params(params: dict) -> Corpus:
    if params.get("pairs"):
        return pairs_corpus([tuple(p) for p in params["pairs"]], int(params.get("seed", 0)))
    return grammar_corpus(int(params.get("n", 24_000)), int(params.get("seed", 0)))


def model_config(params: dict, prep: Prepared) -> TransformerConfig:
    names = {f.name for f in fields(TransformerConfig)}
    known = {k: v for k, v in params.items() if k in names}
    return TransformerConfig(**{**known, "src_vocab": len(prep.src_vocab), "tgt_vocab": len(prep.tgt_vocab),
                                "src_len": prep.src_len, "tgt_len": prep.tgt_len})


def exact_match(hyps: list[str], refs: list[str]) -> float:
    """Share of translations equal to the reference after standardisation (§25.7)."""
    return float(np.mean([tokens(h) == tokens(r) for h, r in zip(hyps, refs)])) if refs else float("nan")


def bleu(hyps: list[str], refs: list[str]) -> float:
    """Corpus BLEU (sacrebleu, 0–100) on standardised text."""
    import sacrebleu

    std = lambda s: " ".join(tokens(s))  # noqa: E731
    return float(sacrebleu.corpus_bleu([std(h) for h in hyps], [[std(r) for r in refs]]).score)


def evaluate(decoder, corpus: Corpus, idx, beam: int = 0, limit: int | None = None) -> dict:
    """Exact match and BLEU of greedy (beam=0) or beam-search translations of corpus[idx]."""
    idx = list(idx)[:limit] if limit else list(idx)
    src = [corpus.pairs[i][0] for i in idx]
    refs = [corpus.pairs[i][1] for i in idx]
    t0 = time.perf_counter()
    hyps = decoder.translate(src) if beam == 0 else [decoder.beam(s, beam).text for s in src]
    return {"n": len(idx), "exact_match": exact_match(hyps, refs), "bleu": bleu(hyps, refs),
            "s_per_sentence": (time.perf_counter() - t0) / max(1, len(idx)), "hyps": hyps}


def by_combination(corpus_n: int, seed: int, idx, hyps: list[str], pairs) -> dict[str, float]:
    """Exact match of systematic-split translations per held-out combination ("red car", "we + sell", ...)."""
    from anndl.data.translation import HELD_OUT_ADJ_NOUN, VERBS, grammar_clauses

    clauses = grammar_clauses(corpus_n, seed)
    hits: dict[str, list[bool]] = {}
    for i, hyp in zip(idx, hyps):
        c = clauses[i]
        held = [f"{a} {n}" for a, n in c.adj_nouns() if (a, n) in HELD_OUT_ADJ_NOUN]
        key = held[0] if held else f"{c.subject_head()} + {VERBS[c.verb][0]}"
        hits.setdefault(key, []).append(tokens(hyp) == tokens(pairs[i][1]))
    return {k: float(np.mean(v)) for k, v in sorted(hits.items())}


def train_translator(params: dict, report=None, cancelled=None, max_epochs=None):
    """Prepare the corpus, build and train the translator with anndl.train.fit; return (model, prep, summary)."""
    from anndl.nets.transformer import build_transformer, compile_transformer
    from anndl.train import FitConfig, fit, set_seed

    seed = int(params.get("seed", 0))
    set_seed(seed)
    prep = prepare(corpus_from_params(params))
    order = np.random.default_rng(seed).permutation(prep.corpus.train)
    n_val = max(1, len(order) // 20)  # 5% of the training pairs watch for overfitting; the tests stay unseen
    x_tr, y_tr = prep.arrays(order[n_val:])
    x_va, y_va = prep.arrays(order[:n_val])
    model = compile_transformer(build_transformer(model_config(params, prep)), float(params.get("lr", 1e-3)))
    config = FitConfig(epochs=int(params.get("epochs", 6)), batch_size=int(params.get("batch_size", 64)))
    summary = fit(model, x_tr, y_tr, config, validation_data=(x_va, y_va), report=report, cancelled=cancelled,
                  max_epochs=max_epochs)
    return model, prep, summary


def vocab_info(prep: Prepared) -> dict:
    return {"src_words": prep.src_vocab.words, "tgt_words": prep.tgt_vocab.words, "src_len": prep.src_len,
            "tgt_len": prep.tgt_len}


def train_job(params: dict, ctx) -> dict:
    """Job: train a translator on the grammar corpus or uploaded pairs; score it on its held-out pairs."""
    from anndl.decode import Decoder

    model, prep, summary = train_translator(params, ctx.report, ctx.cancelled, ctx.max_epochs)
    path = os.path.join(ctx.workdir, "model.keras")
    model.save(path)
    decoder = Decoder(model, prep.src_vocab, prep.tgt_vocab)
    metrics = {"random": {k: v for k, v in evaluate(decoder, prep.corpus, prep.corpus.test_random, limit=500).items()
                          if k != "hyps"}}
    if len(prep.corpus.test_systematic):
        metrics["systematic"] = {k: v for k, v in evaluate(decoder, prep.corpus, prep.corpus.test_systematic,
                                                           limit=500).items() if k != "hyps"}
    return {"model_path": path, "summary": summary, "metrics": metrics, "config": asdict(model.cfg),
            "source": prep.corpus.source, **vocab_info(prep)}


SHIPPED = {"n": 24_000, "epochs": 4, "batch_size": 64, "embed_dim": 128, "ff_dim": 256, "heads": 4,
           "enc_layers": 2, "dec_layers": 2, "dropout": 0.1, "positional": "sinusoidal", "lr": 1e-3}


def zoo_transformer_en_it(seed: int):
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


def load_translator(name: str = ARTIFACT):
    """(model, Decoder, info) of a shipped translator."""
    from anndl import zoo
    from anndl.decode import Decoder

    info = zoo.info(name)
    model = zoo.load(name)
    return model, Decoder(model, Vocabulary(info["src_words"][4:]), Vocabulary(info["tgt_words"][4:])), info


def decoder_from_result(result: dict):
    """(model, Decoder) from a finished train_job result (a model file this app wrote itself)."""
    import keras

    from anndl.decode import Decoder

    model = keras.saving.load_model(result["model_path"], compile=False)
    return model, Decoder(model, Vocabulary(result["src_words"][4:]), Vocabulary(result["tgt_words"][4:]))


CODE = '''"""English->Italian Transformer translator (course §28) in Keras 3 + KerasHub, from the anndl page."""
import keras
import keras_hub
import numpy as np

from anndl.data.translation import Vocabulary, grammar_corpus, sequence_lengths, vectorize

keras.utils.set_random_seed({seed})
corpus = grammar_corpus({n}, seed={seed})  # generated pairs; systematic test = unseen word combinations
train = [corpus.pairs[i] for i in corpus.train]
src_len, tgt_len = sequence_lengths(corpus.pairs)
src_vocab = Vocabulary.build([e for e, _ in train])  # [pad]=0, [unk]=1, [start]=2, [end]=3, words...
tgt_vocab = Vocabulary.build([i for _, i in train])
(x, dec_in), y = vectorize(train, src_vocab, tgt_vocab, src_len, tgt_len)  # teacher forcing

enc_in = keras.Input((None,), dtype="int32")
dec_inp = keras.Input((None,), dtype="int32")
h = keras.layers.Embedding(len(src_vocab), {embed_dim})(enc_in) * {embed_dim} ** 0.5  # x √d as in the paper
h = h + {src_pos}
for _ in range({enc_layers}):
    h = keras_hub.layers.TransformerEncoder({ff_dim}, {heads}, {dropout})(
        h, padding_mask=keras.ops.not_equal(enc_in, 0))
g = keras.layers.Embedding(len(tgt_vocab), {embed_dim})(dec_inp) * {embed_dim} ** 0.5
g = g + {tgt_pos}
for _ in range({dec_layers}):  # masked (causal) self-attention, then cross-attention to the encoder
    g = keras_hub.layers.TransformerDecoder({ff_dim}, {heads}, {dropout})(
        g, h, decoder_padding_mask=keras.ops.not_equal(dec_inp, 0),
        encoder_padding_mask=keras.ops.not_equal(enc_in, 0))
model = keras.Model([enc_in, dec_inp], keras.layers.Dense(len(tgt_vocab))(g))
model.compile(keras.optimizers.Adam({lr}),
              keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=0))  # padding ignored
model.fit([x, dec_in], y, batch_size={batch_size}, epochs={epochs})


def translate(sentence):
    """Greedy decoding: feed back the most probable token until [end]."""
    src = src_vocab.encode(sentence, src_len)[None]
    out = np.zeros((1, tgt_len), "int32")
    out[0, 0] = 2
    for t in range(tgt_len - 1):
        token = int(np.argmax(model.predict([src, out], verbose=0)[0, t, 1:]) + 1)
        if token == 3:
            break
        out[0, t + 1] = token
    return tgt_vocab.decode(out[0, 1:])


print(translate("The old men did not buy the new backpacks."))
'''


def keras_code(params: dict) -> str:
    """A standalone script of the current configuration (the page's "Keras code" expander)."""
    p = {**SHIPPED, "seed": 0, **params}
    if p["positional"] == "learned":
        pos = {"src_pos": "keras_hub.layers.PositionEmbedding(src_len)(h)",
               "tgt_pos": "keras_hub.layers.PositionEmbedding(tgt_len)(g)"}
    else:
        pos = {"src_pos": "keras_hub.layers.SinePositionEncoding()(h)",
               "tgt_pos": "keras_hub.layers.SinePositionEncoding()(g)"}
    return CODE.format(**{**p, **pos})
