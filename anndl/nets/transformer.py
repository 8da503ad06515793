"""The encoder–decoder Transformer of §28.3–§28.4 on keras-hub blocks, with its attention weights exposed."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import keras
import keras_hub
import numpy as np
from keras import ops
from keras_hub.src.layers.modeling.transformer_layer_utils import merge_padding_and_attention_mask

from anndl.nets.budget import check_budget, transformer_cost


@dataclass
class TransformerConfig:
    """Sizes of the translator; the defaults train on the grammar corpus in a few CPU minutes."""

    src_vocab: int = 200  # source tokens including PAD, UNK, [start], [end]
    tgt_vocab: int = 300  # target tokens, same specials
    src_len: int = 12  # source sequence length (tokens, padded)
    tgt_len: int = 12  # target length: [start] + words, or words + [end]
    embed_dim: int = 128  # d_model: width of every token vector (§28.3)
    ff_dim: int = 256  # hidden width of each block's position-wise feed-forward net
    heads: int = 4  # parallel attention heads; each is embed_dim / heads wide
    enc_layers: int = 2  # encoder blocks (self-attention + feed-forward)
    dec_layers: int = 2  # decoder blocks (masked self-attention + cross-attention + feed-forward)
    dropout: float = 0.1  # on attention weights and block outputs, as in the original paper
    positional: str = "sinusoidal"  # "sinusoidal" (fixed, §27.9) or "learned" (one trained vector per position)


@keras.saving.register_keras_serializable(package="anndl")
class Seq2SeqTransformer(keras.Model):
    """Encoder–decoder Transformer (§28.4): source ids and shifted target ids -> next-token logits."""

    def __init__(self, src_vocab=200, tgt_vocab=300, src_len=12, tgt_len=12, embed_dim=128, ff_dim=256, heads=4,
                 enc_layers=2, dec_layers=2, dropout=0.1, positional="sinusoidal", **kwargs):
        super().__init__(**kwargs)
        if positional not in ("sinusoidal", "learned"):
            raise ValueError(f"positional must be 'sinusoidal' or 'learned', not {positional!r}")
        if embed_dim % heads:
            raise ValueError(f"embed_dim ({embed_dim}) must be a multiple of heads ({heads})")
        self.cfg = TransformerConfig(src_vocab, tgt_vocab, src_len, tgt_len, embed_dim, ff_dim, heads, enc_layers,
                                     dec_layers, dropout, positional)
        self.src_embed = keras.layers.Embedding(src_vocab, embed_dim, name="src_token_embedding")
        self.tgt_embed = keras.layers.Embedding(tgt_vocab, embed_dim, name="tgt_token_embedding")
        if positional == "learned":
            self.src_pos = keras_hub.layers.PositionEmbedding(src_len, name="src_position_embedding")
            self.tgt_pos = keras_hub.layers.PositionEmbedding(tgt_len, name="tgt_position_embedding")
        else:
            self.src_pos = self.tgt_pos = keras_hub.layers.SinePositionEncoding(name="sine_position_encoding")
        self.encoders = [keras_hub.layers.TransformerEncoder(ff_dim, heads, dropout, name=f"encoder_{i}")
                         for i in range(enc_layers)]
        self.decoders = [keras_hub.layers.TransformerDecoder(ff_dim, heads, dropout, name=f"decoder_{i}")
                         for i in range(dec_layers)]
        self.head = keras.layers.Dense(tgt_vocab, name="next_token_logits")

    def get_config(self):
        return {**super().get_config(), **asdict(self.cfg)}

    @classmethod
    def from_config(cls, config):
        return cls(**{k: v for k, v in config.items() if k not in ("trainable", "dtype")})

    def build(self, input_shape=None):
        self.call((np.zeros((1, self.cfg.src_len), "int32"), np.zeros((1, self.cfg.tgt_len), "int32")))
        self.built = True

    def embed(self, ids, side: str):
        """Token embedding × √d + positional encoding: (B, L) ids -> (B, L, d).

        The √d scale (Vaswani et al. §3.4) keeps the words from drowning in the ±1 sinusoids.
        """
        tok, pos = (self.src_embed, self.src_pos) if side == "src" else (self.tgt_embed, self.tgt_pos)
        x = tok(ids) * (self.cfg.embed_dim ** 0.5)
        return x + pos(x)

    def encode(self, src, training=None):
        """(B, S) source ids -> (B, S, d) encoder states and the (B, S) padding mask."""
        mask = ops.not_equal(src, 0)
        x = self.embed(src, "src")
        for block in self.encoders:
            x = block(x, padding_mask=mask, training=training)
        return x, mask

    def decode(self, tgt_in, enc, src_mask, training=None):
        """(B, T) shifted target ids + encoder states -> (B, T, V) logits (causal self-attention)."""
        y = self.embed(tgt_in, "tgt")
        tgt_mask = ops.not_equal(tgt_in, 0)
        for block in self.decoders:
            y = block(y, enc, decoder_padding_mask=tgt_mask, encoder_padding_mask=src_mask, training=training)
        return self.head(y)

    def call(self, inputs, training=None):
        src, tgt_in = inputs
        enc, src_mask = self.encode(src, training)
        return self.decode(tgt_in, enc, src_mask, training)

    def attention(self, src, tgt_in) -> dict[str, list[np.ndarray]]:
        """Attention weights of every layer: encoder self (B,H,S,S), decoder masked self (B,H,T,T), cross (B,H,T,S),
        and the logits (B,T,V), as numpy arrays (see `attention_scores`)."""
        src, tgt_in = ops.convert_to_tensor(src, "int32"), ops.convert_to_tensor(tgt_in, "int32")
        return {k: ops.convert_to_numpy(v) if k == "logits" else [ops.convert_to_numpy(a) for a in v]
                for k, v in self.attention_scores(src, tgt_in).items()}

    def attention_scores(self, src, tgt_in) -> dict:
        """`attention` as tensors, traceable (anndl.decode compiles it): the same sublayers as keras-hub's blocks
        (post-norm), asking each attention for its scores."""
        src_mask, tgt_mask = ops.not_equal(src, 0), ops.not_equal(tgt_in, 0)
        out = {"encoder": [], "decoder_self": [], "cross": []}
        x = self.embed(src, "src")
        for block in self.encoders:
            x, scores = block(x, padding_mask=src_mask, return_attention_scores=True)
            out["encoder"].append(scores)
        y = self.embed(tgt_in, "tgt")
        for block in self.decoders:
            mask = block._compute_self_attention_mask(y, tgt_mask, None, True, None, None)
            a, scores = block._self_attention_layer(query=y, value=y, attention_mask=mask,
                                                    return_attention_scores=True)
            out["decoder_self"].append(scores)
            y = block._self_attention_layer_norm(a + y)
            cross_mask = merge_padding_and_attention_mask(x, src_mask, None)
            a, scores = block._cross_attention_layer(query=y, value=x, attention_mask=cross_mask,
                                                     return_attention_scores=True)
            out["cross"].append(scores)
            y = block._cross_attention_layer_norm(a + y)
            f = block._feedforward_output_dense(block._feedforward_intermediate_dense(y))
            y = block._feedforward_layer_norm(f + y)
        out["logits"] = self.head(y)
        return out

    def positional_matrix(self, side: str = "src", length: int | None = None) -> np.ndarray:
        """(L, d) positional vectors added to the token embeddings: sinusoidal (§27.9, any L) or learned."""
        length = (self.cfg.src_len if side == "src" else self.cfg.tgt_len) if length is None or \
            self.cfg.positional == "learned" else length
        pos = self.src_pos if side == "src" else self.tgt_pos
        return ops.convert_to_numpy(pos(ops.zeros((1, length, self.cfg.embed_dim))))[0]

    def token_embeddings(self, side: str = "tgt") -> np.ndarray:
        """(V, d) token embedding matrix of one side."""
        return ops.convert_to_numpy((self.src_embed if side == "src" else self.tgt_embed).embeddings)


@keras.saving.register_keras_serializable(package="anndl")
def masked_accuracy(y_true, y_pred):
    """Next-token accuracy over real tokens only: padding (id 0) counts neither right nor wrong."""
    y_true = ops.cast(y_true, "int32")
    mask = ops.cast(ops.not_equal(y_true, 0), "float32")
    hit = ops.cast(ops.equal(ops.cast(ops.argmax(y_pred, axis=-1), "int32"), y_true), "float32")
    return ops.sum(hit * mask) / ops.maximum(ops.sum(mask), 1.0)


def build_transformer(config: TransformerConfig) -> Seq2SeqTransformer:
    """The translator of the configuration, built (weights created) and not yet compiled."""
    c = config
    check_budget("translator", *transformer_cost(c.src_vocab, c.tgt_vocab, c.src_len, c.tgt_len, c.embed_dim,
                                                 c.ff_dim, c.enc_layers, c.dec_layers))
    model = Seq2SeqTransformer(**asdict(config), name="transformer_translator")
    model.build()
    return model


def compile_transformer(model: keras.Model, learning_rate: float = 1e-3) -> keras.Model:
    """Adam and a cross-entropy that ignores padding (ignore_class=0); the accuracy ignores it too."""
    model.compile(optimizer=keras.optimizers.Adam(learning_rate),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=0),
                  metrics=[masked_accuracy])
    return model


def nearest_words(embeddings: np.ndarray, words: list[str], word: str, k: int = 8) -> list[tuple[str, float]]:
    """The k tokens whose embedding has the highest cosine similarity to `word`'s (specials skipped)."""
    if word not in words:
        return []
    e = embeddings / np.maximum(np.linalg.norm(embeddings, axis=1, keepdims=True), 1e-9)
    sims = e @ e[words.index(word)]
    order = [i for i in np.argsort(-sims) if i >= 4 and words[i] != word]
    return [(words[i], float(sims[i])) for i in order[:k]]


def build_kerasio_baseline(config: TransformerConfig) -> keras.Model:
    """The keras.io "English-to-Spanish translation with KerasHub" functional model at the same size (baseline)."""
    enc_in = keras.Input((None,), dtype="int32", name="encoder_inputs")
    dec_in = keras.Input((None,), dtype="int32", name="decoder_inputs")
    x = keras_hub.layers.TokenAndPositionEmbedding(config.src_vocab, config.src_len, config.embed_dim,
                                                   mask_zero=True)(enc_in)
    for _ in range(config.enc_layers):
        x = keras_hub.layers.TransformerEncoder(config.ff_dim, config.heads, config.dropout)(x)
    y = keras_hub.layers.TokenAndPositionEmbedding(config.tgt_vocab, config.tgt_len, config.embed_dim,
                                                   mask_zero=True)(dec_in)
    for _ in range(config.dec_layers):
        y = keras_hub.layers.TransformerDecoder(config.ff_dim, config.heads, config.dropout)(y, x)
    return keras.Model([enc_in, dec_in], keras.layers.Dense(config.tgt_vocab)(y), name="kerasio_baseline")
