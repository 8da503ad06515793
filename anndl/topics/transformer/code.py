"""The Transformer page's "Keras code": a standalone script of the current configuration."""

from __future__ import annotations

from .job import SHIPPED

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
