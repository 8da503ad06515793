"""Transformer translator (course §25–§28): data preparation, the training job, evaluation, loading."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, fields

import numpy as np

from anndl.data.translation import Corpus, Vocabulary, grammar_corpus, pairs_corpus, sequence_lengths, tokens, vectorize
from anndl.jobs import job_of, save_model
from anndl.nets.transformer import TransformerConfig
from anndl.recipe import Recipe, StepBudget, data_recipe, own_data_report

ARTIFACT = "transformer_en_it"
# measured on 100 number pairs (d=64, 2+2 blocks): 6 steps leave exact match 0, 600 steps reproduce the training
# pairs (0.99) and reach 0.90 on held-out ones; generalising to new sentences needs about a thousand pairs
BUDGET = StepBudget(steps=600, batch_size=64, min_epochs=3, max_epochs=300, needed=1000, unit="pairs")


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
    recipe = recipe_of(params, len(order) - n_val)
    config = FitConfig(epochs=int(params.get("epochs", 6)), batch_size=int(params.get("batch_size", 64)))
    if recipe is not None:
        config = FitConfig(epochs=recipe.epochs, batch_size=recipe.batch_size, early_stopping=recipe.patience)
    summary = fit(model, x_tr, y_tr, config, validation_data=(x_va, y_va), report=report, cancelled=cancelled,
                  max_epochs=max_epochs)
    return model, prep, {**summary, "recipe": recipe}


def n_train_pairs(n_pairs: int) -> int:
    """Training pairs of an upload of `n_pairs`: a tenth is the test split, 5% of the rest the validation."""
    train = n_pairs - max(1, int(round(0.1 * n_pairs)))
    return train - max(1, train // 20)


def recipe_of(params: dict, n_train: int) -> Recipe | None:
    """The data's recipe when the page asks for it (uploads: "Defaults from your data's size")."""
    return data_recipe(n_train, BUDGET) if params.get("pairs") and params.get("recipe") else None


def vocab_info(prep: Prepared) -> dict:
    return {"src_words": prep.src_vocab.words, "tgt_words": prep.tgt_vocab.words, "src_len": prep.src_len,
            "tgt_len": prep.tgt_len}


def train(params: dict, report=None, cancelled=None, max_epochs=None, workdir=None) -> dict:
    """Job: train a translator on the grammar corpus or uploaded pairs; score it on its held-out pairs."""
    from anndl.decode import Decoder

    model, prep, summary = train_translator(params, report, cancelled, max_epochs)
    decoder = Decoder(model, prep.src_vocab, prep.tgt_vocab)
    metrics = {"random": {k: v for k, v in evaluate(decoder, prep.corpus, prep.corpus.test_random, limit=500).items()
                          if k != "hyps"}}
    if len(prep.corpus.test_systematic):
        metrics["systematic"] = {k: v for k, v in evaluate(decoder, prep.corpus, prep.corpus.test_systematic,
                                                           limit=500).items() if k != "hyps"}
    recipe = summary.pop("recipe")
    own = None
    if params.get("pairs"):  # the training pairs too: memorised, under-trained or fine
        metrics["training"] = {k: v for k, v in evaluate(decoder, prep.corpus, prep.corpus.train, limit=200).items()
                               if k != "hyps"}
        own = own_data_report(n_train_pairs(len(prep.corpus.pairs)), recipe, BUDGET, metrics["training"]["exact_match"],
                              metrics["random"]["exact_match"], "exact match", good=0.9, gap=0.1)
    result = {"summary": summary, "metrics": metrics, "config": asdict(model.cfg), "source": prep.corpus.source,
              "own_data": own, **vocab_info(prep)}
    if workdir:
        result["model_path"] = save_model(model, workdir)
    return result


train_job = job_of(train)  # the job target anndl.topics.transformer.job:train_job


# the translator a GPU server trains by default (issue 22): 4x wider, twice as deep as the CPU's shipped one
GPU_SIZE = {"embed_dim": 512, "ff_dim": 2048, "heads": 8, "enc_layers": 4, "dec_layers": 4}
SHIPPED = {"n": 24_000, "epochs": 4, "batch_size": 64, "embed_dim": 128, "ff_dim": 256, "heads": 4,
           "enc_layers": 2, "dec_layers": 2, "dropout": 0.1, "positional": "sinusoidal", "lr": 1e-3}


def decoder_of(model, words: dict):
    """The Decoder (compiled encode and step functions) of a translator, with the vocabularies that its train result
    or its artifact's sidecar carries (`src_words`, `tgt_words`; the first four are the special tokens)."""
    from anndl.decode import Decoder

    return Decoder(model, Vocabulary(words["src_words"][4:]), Vocabulary(words["tgt_words"][4:]))
