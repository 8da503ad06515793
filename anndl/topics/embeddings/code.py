"""The words-as-vectors page's "Keras code": skip-gram / CBOW with negative sampling or the neural LM of the
current configuration, as a standalone script."""

from __future__ import annotations

from .job import DEFAULTS

HEAD = '''"""{title} (course §26) in Keras 3, from the anndl page."""
import keras
import numpy as np
from keras import layers, ops

from anndl.data.text import load_text

keras.utils.set_random_seed({seed})
text = load_text("{text}", seed={seed}, n={n})  # sentences of tokens with a train / held-out split
counts = {{}}
for i in text.train:
    for w in text.sentences[i]:
        counts[w] = counts.get(w, 0) + 1
words = ["[pad]", "[unk]", "[start]", "[end]"] + sorted((w for w, c in counts.items() if c >= {min_count}),
                                                        key=lambda w: (-counts[w], w))[:{max_vocab} - 4]
index = {{w: i for i, w in enumerate(words)}}
sentences = [np.array([index.get(w, 1) for w in text.sentences[i]]) for i in text.train]
'''

WORD2VEC = '''
# negative sampling: the true context word against {negatives} words drawn from unigram counts^(3/4)
freq = np.array([0.0] * 4 + [counts[w] for w in words[4:]]) ** 0.75
noise = freq / freq.sum()
rng = np.random.default_rng({seed})
{pairs}
candidates = np.concatenate([positives[:, None], rng.choice(len(words), (len(positives), {negatives}), p=noise)], 1)
labels = np.zeros(candidates.shape, "float32")
labels[:, 0] = 1.0  # column 0 is the true pair

word_embedding = layers.Embedding(len(words), {dim})
context_embedding = layers.Embedding(len(words), {dim})
cand_in = keras.Input(({negatives} + 1,), dtype="int32")
{encode}
logits = ops.einsum("bd,bkd->bk", vec, context_embedding(cand_in))  # dot products = scores of the pairs
model = keras.Model([inp, cand_in], logits)
model.compile(keras.optimizers.Adam({lr}), keras.losses.BinaryCrossentropy(from_logits=True))
model.fit([inputs, candidates], labels, batch_size={batch}, epochs={epochs})

vectors = np.asarray(word_embedding.embeddings)
unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
query = words[4]
print("nearest to", query, [words[i] for i in np.argsort(-(unit @ unit[4]))[1:9]])
'''

SKIPGRAM = '''inputs, positives = [], []  # (centre word, a word at most {window} positions away)
for s in sentences:
    for off in range(1, {window} + 1):
        if len(s) > off:
            inputs += [s[:-off], s[off:]]
            positives += [s[off:], s[:-off]]
inputs, positives = np.concatenate(inputs), np.concatenate(positives)'''
SKIPGRAM_ENC = '''inp = keras.Input((), dtype="int32")
vec = word_embedding(inp)  # (batch, d)'''
CBOW = '''inputs, positives = [], []  # (the {window} words on each side, padded with 0; the centre word)
for s in sentences:
    p = np.concatenate([np.zeros({window}, int), s, np.zeros({window}, int)])
    for i in range(len(s)):
        inputs.append(np.concatenate([p[i:i + {window}], p[i + {window} + 1:i + 2 * {window} + 1]]))
        positives.append(s[i])
inputs, positives = np.stack(inputs), np.array(positives)'''
CBOW_ENC = '''inp = keras.Input((2 * {window},), dtype="int32")
mask = ops.cast(ops.not_equal(inp, 0), "float32")[..., None]
vec = ops.sum(word_embedding(inp) * mask, 1) / ops.maximum(ops.sum(mask, 1), 1.0)  # mean of the context'''

NLM = '''
prev, nxt = [], []  # the {window} previous words (padded with [start]) -> the next word, [end] included
for s in sentences:
    p = np.concatenate([np.full({window}, 2), s, [3]])
    for i in range({window}, len(p)):
        prev.append(p[i - {window}:i])
        nxt.append(p[i])
prev, nxt = np.array(prev), np.array(nxt)

model = keras.Sequential([keras.Input(({window},), dtype="int32"), layers.Embedding(len(words), {dim}),
                          layers.Flatten(), layers.Dense({hidden}, activation="tanh"),
                          layers.Dense(len(words), activation="softmax")])
model.compile(keras.optimizers.Adam({lr}), "sparse_categorical_crossentropy")
history = model.fit(prev, nxt, batch_size={batch}, epochs={epochs})
print("training perplexity", float(np.exp(history.history["loss"][-1])))
'''

TITLES = {"skipgram": "Skip-gram with negative sampling", "cbow": "CBOW with negative sampling",
          "nlm": "Neural language model"}


def keras_code(params: dict) -> str:
    """A standalone script of the current configuration (the page's "Keras code" expander)."""
    p = {"hidden": 64, **DEFAULTS, **{k: v for k, v in params.items() if k != "sentences"}}
    if p["text"] not in ("grammar", "fortunes"):
        p["text"] = "grammar"
    code = HEAD.format(title=TITLES[p["kind"]], **p)
    if p["kind"] == "nlm":
        return code + NLM.format(**p)
    pairs, enc = (CBOW, CBOW_ENC) if p["kind"] == "cbow" else (SKIPGRAM, SKIPGRAM_ENC)
    return code + WORD2VEC.format(pairs=pairs.format(**p), encode=enc.format(**p), **p)
