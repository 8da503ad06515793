"""Words as vectors (course §26): the text, its vocabulary, the training job of word2vec or the neural language
model, and what the page reads from a trained model (perplexity, nearest words, analogies)."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, fields

import numpy as np

from anndl.data.text import Text, load_text, split_text
from anndl.data.translation import ADJECTIVES, SUBJECT_NOUNS, VERBS, Vocabulary
from anndl.jobs import job_of, save_model
from anndl.nets.embeddings import EmbeddingConfig
from anndl.recipe import Recipe, StepBudget, data_recipe, own_data_report

ARTIFACTS = {"skipgram": "w2v_grammar", "nlm": "nlm_grammar"}  # shipped models on the grammar text
DEFAULTS = {"text": "grammar", "kind": "skipgram", "dim": 32, "window": 2, "negatives": 4, "epochs": 3,
            "lr": 3e-3, "batch": 512, "max_vocab": 2000, "min_count": 2, "n": 12_000, "seed": 0}

# Own texts (issue 12): the default run's optimiser steps (3 epochs of 512 over the grammar text's ~186,000
# skip-gram pairs ≈ 1,100) whatever the text's size; below `needed` examples the vectors of most words rest on a
# handful of contexts and do not carry over to new sentences.
BUDGETS = {"skipgram": StepBudget(steps=1100, batch_size=512, needed=50_000, unit="word–context pairs"),
           "cbow": StepBudget(steps=1100, batch_size=512, needed=15_000, unit="words in their context"),
           "nlm": StepBudget(steps=1100, batch_size=512, needed=15_000, unit="next-word examples")}


@dataclass
class Prepared:
    text: Text
    vocab: Vocabulary
    counts: np.ndarray  # (vocab,) training-word counts (specials 0)

    def ids(self, idx) -> list[np.ndarray]:
        get = self.vocab.index.get
        return [np.array([get(w, 1) for w in self.text.sentences[i]], "int32") for i in idx]


def text_of(params: dict) -> Text:
    """The page's text: uploaded sentences (params["sentences"]) or a named one."""
    seed = int(params.get("seed", 0))
    if params.get("sentences"):
        sents = [list(s) for s in params["sentences"]]
        return split_text(sents, ["your text"] * len(sents), f"your text ({len(sents):,} sentences)", seed)
    return load_text(params.get("text", "grammar"), seed, int(params.get("n", DEFAULTS["n"])))


def prepare(text: Text, max_vocab: int = 2000, min_count: int = 2) -> Prepared:
    """Vocabulary of the training sentences: words seen at least `min_count` times, the most frequent first."""
    counter = Counter(w for i in text.train for w in text.sentences[i])
    ranked = [w for w, c in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])) if c >= min_count]
    vocab = Vocabulary(ranked[:max_vocab - 4])
    counts = np.array([counter.get(w, 0) if i >= 4 else 0 for i, w in enumerate(vocab.words)], "float64")
    return Prepared(text, vocab, counts)


def model_config(params: dict, prep: Prepared) -> EmbeddingConfig:
    names = {f.name for f in fields(EmbeddingConfig)}
    return EmbeddingConfig(**{**{k: v for k, v in params.items() if k in names}, "vocab": len(prep.vocab)})


def examples(prep: Prepared, cfg: EmbeddingConfig, idx, seed: int):
    """(x, y) arrays of cfg.kind for the sentences idx (negatives drawn once, seeded)."""
    from anndl.nets import embeddings as E

    sents = prep.ids(idx)
    if cfg.kind == "nlm":
        return E.nlm_examples(sents, cfg.window)
    rng = np.random.default_rng(seed)
    noise = E.noise_distribution(prep.counts)
    if cfg.kind == "cbow":
        ctx, centre = E.cbow_examples(sents, cfg.window)
        x = {"context": ctx, "candidates": E.negative_candidates(centre, noise, cfg.negatives, rng)}
    else:
        words, ctx = E.skipgram_pairs(sents, cfg.window)
        x = {"word": words, "candidates": E.negative_candidates(ctx, noise, cfg.negatives, rng)}
    return x, E.candidate_labels(len(x["candidates"]), cfg.negatives)


def nlm_perplexity(model, prep: Prepared, idx, window: int) -> float:
    """exp(mean cross-entropy per predicted token, </s> included) on the sentences idx (§26)."""
    import keras

    from anndl.nets.embeddings import nlm_examples

    x, y = nlm_examples(prep.ids(idx), window)
    if len(x) <= 50_000:
        probs = keras.ops.convert_to_numpy(model(x, training=False))
    else:
        probs = model.predict(x, batch_size=4096, verbose=0)
    return float(np.exp(-np.mean(np.log(np.maximum(probs[np.arange(len(y)), y], 1e-12)))))


def fit_split(text: Text, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(training, validation) sentence indices: 5% of the training sentences give the validation curve."""
    order = np.random.default_rng(seed).permutation(text.train)
    n_val = max(1, len(order) // 20)
    return order[n_val:], order[:n_val]


def n_examples(text: Text, kind: str, window: int, seed: int = 0) -> int:
    """How many training examples `examples` makes of the text: skip-gram pairs, CBOW centre words, or next words
    (with each sentence's end) — what the recipe divides into batches."""
    lengths = np.array([len(text.sentences[i]) for i in fit_split(text, seed)[0]])
    if kind == "nlm":
        return int(np.sum(lengths + 1))
    if kind == "cbow":
        return int(np.sum(lengths))
    return int(sum(2 * np.sum(np.maximum(lengths - off, 0)) for off in range(1, window + 1)))


def recipe_of(params: dict, text: Text) -> Recipe | None:
    """The data's recipe when the page asks for it (uploads: "Defaults from your data's size")."""
    if not (params.get("sentences") and params.get("recipe")):
        return None
    kind = params.get("kind", DEFAULTS["kind"])
    n = n_examples(text, kind, int(params.get("window", DEFAULTS["window"])), int(params.get("seed", 0)))
    return data_recipe(n, BUDGETS[kind])


def train_embeddings(params: dict, report=None, cancelled=None, max_epochs=None):
    """Prepare the text, build and train cfg.kind with anndl.train.fit; return (model, prep, cfg, summary)."""
    from anndl.nets.embeddings import build_embedding_model
    from anndl.train import FitConfig, fit, set_seed

    params = {**DEFAULTS, **params}
    seed = int(params["seed"])
    set_seed(seed)
    prep = prepare(text_of(params), int(params["max_vocab"]), int(params["min_count"]))
    cfg = model_config(params, prep)
    fit_idx, val_idx = fit_split(prep.text, seed)
    x_tr, y_tr = examples(prep, cfg, fit_idx, seed)
    x_va, y_va = examples(prep, cfg, val_idx, seed + 1)
    model = build_embedding_model(cfg, float(params["lr"]))
    recipe = recipe_of(params, prep.text)
    config = FitConfig(epochs=int(params["epochs"]), batch_size=int(params["batch"]), seed=seed)
    if recipe is not None:
        config = FitConfig(epochs=recipe.epochs, batch_size=recipe.batch_size, early_stopping=recipe.patience,
                           seed=seed)
    summary = fit(model, x_tr, y_tr, config, validation_data=(x_va, y_va), report=report, cancelled=cancelled,
                  max_epochs=max_epochs)
    return model, prep, cfg, {**summary, "recipe": recipe}


def train(params: dict, report=None, cancelled=None, max_epochs=None, workdir=None) -> dict:
    """Job: train word2vec (skip-gram / CBOW) or the neural LM on the chosen text; held-out figures."""
    from anndl.nets.embeddings import word_vectors

    model, prep, cfg, summary = train_embeddings(params, report, cancelled, max_epochs)
    recipe = summary.pop("recipe")
    metrics = {}
    if cfg.kind == "nlm":
        metrics["test_perplexity"] = nlm_perplexity(model, prep, prep.text.test, cfg.window)
    metrics["analogy_acc"] = analogy_accuracy(word_vectors(model), prep.vocab.words)["all"]
    result = {"summary": summary, "metrics": metrics, "config": asdict(cfg),
              "params": {k: v for k, v in params.items() if k != "sentences"}, "words": prep.vocab.words,
              "source": prep.text.source}
    if params.get("sentences"):
        result["own_data"] = own_data(model, prep, cfg, recipe, int(params.get("seed", 0)))
    if workdir:
        result["model_path"] = save_model(model, workdir)
    return result


train_job = job_of(train)  # the job target anndl.topics.embeddings.job:train_job


def unigram_perplexity(prep: Prepared, idx) -> float:
    """The perplexity of word frequencies alone on the sentences idx (each one's end included): a language model
    that beats it has learned something of the order of words."""
    ids = np.concatenate([np.append(s, 3) for s in prep.ids(idx)])  # 3: </s>
    p = np.bincount(ids) / len(ids)
    p = p[p > 0]
    return float(np.exp(-np.sum(p * np.log(p))))


def negative_sampling_baseline(negatives: int) -> float:
    """Binary cross-entropy of a model that only knows 1 in k+1 candidates is the true one."""
    p = 1.0 / (negatives + 1)
    return float(-(p * np.log(p) + (1 - p) * np.log(1 - p)))


def own_data(model, prep: Prepared, cfg: EmbeddingConfig, recipe: Recipe | None, seed: int) -> dict:
    """Training vs held-out sentences (issue 12): perplexity (neural LM) or the negative-sampling loss (word2vec),
    against what word frequencies alone reach, and what they mean."""
    train_idx = fit_split(prep.text, seed)[0][:2000]  # at most 2,000 sentences are scored
    n = n_examples(prep.text, cfg.kind, cfg.window, seed)
    if cfg.kind == "nlm":
        train, held = (nlm_perplexity(model, prep, idx, cfg.window) for idx in (train_idx, prep.text.test))
        return own_data_report(n, recipe, BUDGETS["nlm"], train, held, "perplexity", False,
                               good=unigram_perplexity(prep, train_idx), gap=0.5)
    train, held = (float(model.evaluate(*examples(prep, cfg, idx, seed + 2), batch_size=4096, verbose=0))
                   for idx in (train_idx, prep.text.test))
    return own_data_report(n, recipe, BUDGETS[cfg.kind], train, held, "loss", False,
                           good=negative_sampling_baseline(cfg.negatives), gap=0.25)


# a : b :: c : d for every two pairs of one relation, from the grammar's lexicon. The grammar uses every noun of
# a class (boy, girl, cat...) in exactly the same contexts, so no text of it can tell "girls" from "cats": it makes
# exact the *form* of d (a plural noun, a past verb), which `analogy_accuracy` scores, and the word itself only up
# to that class (its "exact" score, near chance by construction). Object nouns are left out: English marks their
# number nowhere around them.
RELATIONS = {
    "singular → plural": [(n[0], n[1]) for n in SUBJECT_NOUNS],  # the verb agrees with them ("eats"/"eat")
    "present → past": [(v[0], v[2]) for v in VERBS],
    "base → 3rd person": [(v[0], v[1]) for v in VERBS],
    "masculine → feminine": [("boy", "girl"), ("man", "woman"), ("brother", "sister"), ("he", "she")],
    # Italian marks gender and number by agreement: the translator's decoder vectors can learn them
    "Italian adjective masculine → feminine": [(a[1], a[2]) for a in ADJECTIVES if a[1] != a[2]],
    "Italian noun singular → plural": [(n[2], n[3]) for n in SUBJECT_NOUNS],
    "Italian masculine → feminine": [("ragazzo", "ragazza"), ("uomo", "donna"), ("fratello", "sorella")],
}
EXACT = ("singular → plural", "present → past", "base → 3rd person")  # English marks these in the sentences


def normalised(vectors: np.ndarray) -> np.ndarray:
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)


def nearest(vectors: np.ndarray, words: list[str], query, top: int = 8, exclude=()) -> list[tuple[str, float]]:
    """Words whose vectors have the largest cosine with `query` (a word or a vector); specials skipped."""
    unit = normalised(vectors)
    q = unit[words.index(query)] if isinstance(query, str) else query / max(np.linalg.norm(query), 1e-9)
    sims = unit @ q
    skip = set(exclude) | ({query} if isinstance(query, str) else set())
    order = [i for i in np.argsort(-sims) if i >= 4 and words[i] not in skip and not words[i].startswith("[")]
    return [(words[i], float(sims[i])) for i in order[:top]]


def analogy(vectors: np.ndarray, words: list[str], a: str, b: str, c: str, top: int = 5):
    """a − b + c ... written as the course's regularity: b − a + c ≈ d ("boys" − "boy" + "girl" ≈ "girls")."""
    unit = normalised(vectors)
    idx = {w: i for i, w in enumerate(words)}
    return nearest(vectors, words, unit[idx[b]] - unit[idx[a]] + unit[idx[c]], top, exclude=(a, b, c))


def analogy_accuracy(vectors: np.ndarray, words: list[str], relations=None) -> dict[str, float]:
    """Top-1 b − a + c over every ordered pair of pairs of each relation whose words are known: a hit when the
    answer has d's form (one of the relation's right-hand words); "<relation> exact" when it is d itself.
    "all" is the form accuracy over the EXACT relations."""
    known = set(words)
    out, hits_all = {}, []
    for name, pairs in (relations or RELATIONS).items():
        pairs = [p for p in pairs if set(p) <= known]
        forms = {d for _, d in pairs}
        answers = [(analogy(vectors, words, a, b, c, top=1)[0][0], d) for a, b in pairs for c, d in pairs if a != c]
        if answers:
            hits = [got in forms for got, _ in answers]
            out[name] = float(np.mean(hits))
            out[f"{name} exact"] = float(np.mean([got == d for got, d in answers]))
            if name in EXACT:
                hits_all += hits
    out["all"] = float(np.mean(hits_all)) if hits_all else float("nan")
    return out
