"""Word embeddings of §26: the neural language model (embedding → hidden → softmax over the next word) and
word2vec, CBOW and skip-gram with negative sampling, in Keras.

Word2vec with negative sampling turns the softmax over the whole vocabulary into binary decisions: the true
context word against `negatives` words drawn from the unigram distribution raised to 3/4; the score of a
(word, context) pair is the dot product of the word's input vector and the context's output vector.
"""

from __future__ import annotations

from dataclasses import dataclass

import keras
import numpy as np
from keras import layers, ops

KINDS = {"skipgram": "Skip-gram (word → context)", "cbow": "CBOW (context → word)",
         "nlm": "Neural language model (previous words → next)"}


@dataclass
class EmbeddingConfig:
    vocab: int = 200  # words incl. [pad]=0 and [unk]=1
    dim: int = 32  # embedding size: tens of dimensions suffice for a few hundred words
    window: int = 2  # context words on each side (word2vec) / previous words (neural LM)
    negatives: int = 4  # negative samples per positive pair (Mikolov et al. use 5-20 on small data)
    hidden: int = 64  # the neural LM's hidden tanh layer (§26, Bengio et al. 2003)
    kind: str = "skipgram"


@keras.saving.register_keras_serializable(package="anndl")
class MeanContext(layers.Layer):
    """CBOW: the mean of the context vectors, ignoring [pad] (id 0) positions. (B, 2w, d), (B, 2w) -> (B, d)."""

    def call(self, vectors, ids):
        mask = ops.cast(ops.not_equal(ids, 0), vectors.dtype)[..., None]
        return ops.sum(vectors * mask, axis=1) / ops.maximum(ops.sum(mask, axis=1), 1.0)


@keras.saving.register_keras_serializable(package="anndl")
class PairScores(layers.Layer):
    """Dot product of one vector with each candidate's vector: (B, d), (B, 1+k, d) -> logits (B, 1+k)."""

    def call(self, word, candidates):
        return ops.einsum("bd,bkd->bk", word, candidates)


def build_word2vec(cfg: EmbeddingConfig) -> keras.Model:
    """Skip-gram (input: the centre word) or CBOW (input: the 2·window context ids); both score 1 true and
    `negatives` sampled candidates. Inputs {"word"|"context", "candidates"}; output logits (B, 1+negatives)."""
    emb = layers.Embedding(cfg.vocab, cfg.dim, name="word_embedding")  # the vectors the page looks at
    out_emb = layers.Embedding(cfg.vocab, cfg.dim, name="context_embedding")
    cand = keras.Input((1 + cfg.negatives,), dtype="int32", name="candidates")
    if cfg.kind == "cbow":
        ctx = keras.Input((2 * cfg.window,), dtype="int32", name="context")
        inp, vec = ctx, MeanContext(name="mean_context")(emb(ctx), ctx)
    else:
        inp = keras.Input((), dtype="int32", name="word")
        vec = emb(inp)  # (B, d)
    logits = PairScores(name="scores")(vec, out_emb(cand))
    return keras.Model({inp.name: inp, "candidates": cand}, logits, name=cfg.kind)


def build_nlm(cfg: EmbeddingConfig) -> keras.Model:
    """The neural LM of §26: the `window` previous words' embeddings, concatenated, a tanh hidden layer and a
    softmax over the vocabulary. (B, window) ids -> (B, vocab) probabilities."""
    ctx = keras.Input((cfg.window,), dtype="int32", name="previous")
    x = layers.Embedding(cfg.vocab, cfg.dim, name="word_embedding")(ctx)
    x = layers.Flatten()(x)  # (B, window·d)
    x = layers.Dense(cfg.hidden, activation="tanh", name="hidden")(x)
    out = layers.Dense(cfg.vocab, activation="softmax", name="next_word")(x)
    return keras.Model(ctx, out, name="nlm")


def build_embedding_model(cfg: EmbeddingConfig, lr: float = 3e-3) -> keras.Model:
    """The compiled model of cfg.kind: negative sampling is binary cross-entropy on the logits (label 1 for the
    true pair in column 0, 0 for the negatives); the neural LM is cross-entropy over the next word."""
    if cfg.kind == "nlm":
        model = build_nlm(cfg)
        model.compile(keras.optimizers.Adam(lr), "sparse_categorical_crossentropy")
    else:
        model = build_word2vec(cfg)
        model.compile(keras.optimizers.Adam(lr), keras.losses.BinaryCrossentropy(from_logits=True))
    return model


def word_vectors(model: keras.Model) -> np.ndarray:
    """(vocab, d) input embedding matrix of any of the three models."""
    return np.asarray(model.get_layer("word_embedding").embeddings)


def skipgram_pairs(sentences: list[np.ndarray], window: int) -> tuple[np.ndarray, np.ndarray]:
    """(centre, context) id pairs: every word with each word at most `window` positions away in its sentence."""
    words, contexts = [], []
    for s in sentences:
        n = len(s)
        for off in range(1, window + 1):
            if n > off:
                words += [s[:-off], s[off:]]
                contexts += [s[off:], s[:-off]]
    if not words:
        return np.zeros(0, "int32"), np.zeros(0, "int32")
    return np.concatenate(words).astype("int32"), np.concatenate(contexts).astype("int32")


def cbow_examples(sentences: list[np.ndarray], window: int) -> tuple[np.ndarray, np.ndarray]:
    """(contexts (N, 2·window) padded with 0, centre words (N,)): each word with the words around it."""
    ctx, centre = [], []
    for s in sentences:
        padded = np.concatenate([np.zeros(window, "int32"), s, np.zeros(window, "int32")])
        for i in range(len(s)):
            around = np.concatenate([padded[i:i + window], padded[i + window + 1:i + 2 * window + 1]])
            ctx.append(around)
            centre.append(s[i])
    if not ctx:
        return np.zeros((0, 2 * window), "int32"), np.zeros(0, "int32")
    return np.stack(ctx).astype("int32"), np.array(centre, "int32")


def nlm_examples(sentences: list[np.ndarray], window: int, bos: int = 2, eos: int = 3):
    """(previous `window` ids (N, window), next id (N,)): every word and the end of each sentence predicted from
    the words before it, padded with the start id."""
    prev, nxt = [], []
    for s in sentences:
        p = np.concatenate([np.full(window, bos, "int32"), s, [eos]]).astype("int32")
        for i in range(window, len(p)):
            prev.append(p[i - window:i])
            nxt.append(p[i])
    return np.array(prev, "int32").reshape(-1, window), np.array(nxt, "int32")


def noise_distribution(counts: np.ndarray, power: float = 0.75) -> np.ndarray:
    """Unigram counts^(3/4), normalised: the negative-sampling distribution of word2vec (specials get 0)."""
    p = np.asarray(counts, "float64") ** power
    p[:4] = 0.0
    return p / p.sum()


def negative_candidates(positives: np.ndarray, noise: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """(N, 1+k) candidate ids: the true context in column 0, then k words drawn from `noise`."""
    neg = rng.choice(len(noise), size=(len(positives), k), p=noise).astype("int32")
    return np.concatenate([np.asarray(positives, "int32")[:, None], neg], axis=1)


def candidate_labels(n: int, k: int) -> np.ndarray:
    """(n, 1+k) targets: 1 for the true pair, 0 for the negatives."""
    y = np.zeros((n, 1 + k), "float32")
    y[:, 0] = 1.0
    return y
