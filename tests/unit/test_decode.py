"""Greedy decoding and beam search (§26.4, §28.5) against a tiny model with a known answer."""

from dataclasses import dataclass

import numpy as np
import pytest
import tensorflow as tf

from anndl.data.translation import Vocabulary
from anndl.decode import Decoder
from anndl.nets.transformer import TransformerConfig, build_transformer

A, B, END = 4, 5, 3


@dataclass
class _Cfg:
    src_len: int = 3
    tgt_len: int = 4
    embed_dim: int = 2


class BigramModel:
    """Next-token probabilities depend only on the previous token: a known answer for greedy vs beam.

    After [start]: A 0.6, B 0.4. After A: [end] 0.4, A 0.3, B 0.3. After B: [end] 0.9, A 0.05, B 0.05.
    Greedy takes A then [end] (p = 0.24); a beam of 2 finds B [end] (p = 0.36).
    """

    cfg = _Cfg()

    def __init__(self):
        table = np.full((6, 6), 1e-6)
        table[2, [A, B]] = [0.6, 0.4]
        table[A, [END, A, B]] = [0.4, 0.3, 0.3]
        table[B, [END, A, B]] = [0.9, 0.05, 0.05]
        table[END, END] = table[0, END] = table[1, END] = 1.0
        self.logits = tf.constant(np.log(table), tf.float32)

    def encode(self, src, training=False):
        return tf.zeros(tf.concat([tf.shape(src), [2]], 0)), tf.not_equal(src, 0)

    def decode(self, tgt, enc, src_mask, training=False):
        return tf.gather(self.logits, tgt)  # (B, T) previous tokens -> (B, T, V) next-token logits


@pytest.fixture(scope="module")
def bigram():
    vocab = Vocabulary(["a", "b"])
    return Decoder(BigramModel(), Vocabulary(["x"]), vocab)


def test_greedy_takes_the_locally_best_token(bigram):
    out = bigram.greedy("x")
    assert out.text == "a" and out.ids == [A, END]
    assert out.logp == pytest.approx(np.log(0.6 * 0.4), abs=1e-5)
    assert [len(s) for s in out.steps] == [1, 1]


def test_beam_finds_the_more_probable_translation(bigram):
    out = bigram.beam("x", width=2)
    assert out.text == "b" and out.ids == [B, END]
    assert out.logp == pytest.approx(np.log(0.4 * 0.9), abs=1e-5)
    first = out.steps[0]
    assert [h.ids for h in first] == [[A], [B]]  # the hypotheses kept after step 1, best first
    assert first[0].logp == pytest.approx(np.log(0.6), abs=1e-5)
    assert all(h.finished for h in out.final[:2])


def test_beam_of_width_one_is_greedy(bigram):
    assert bigram.beam("x", width=1).ids == bigram.greedy("x").ids


def test_batched_translation_matches_greedy(bigram):
    assert bigram.translate(["x", "x x"]) == ["a", "a"]


@pytest.fixture(scope="module")
def tiny():
    src, tgt = Vocabulary(list("abcdef")), Vocabulary(list("uvwxyz"))
    model = build_transformer(TransformerConfig(len(src), len(tgt), 5, 6, 16, 32, 2, 1, 1, 0.0))
    return model, Decoder(model, src, tgt)


def test_compiled_greedy_equals_full_model_argmax(tiny):
    model, dec = tiny
    out = dec.greedy("a b c")
    src = dec.source_ids("a b c")
    prefix = [2]
    for t, token in enumerate(out.ids):
        buf = np.array([prefix + [0] * (6 - len(prefix))])
        logits = np.asarray(model((src, buf)))[0, t]
        assert token == int(np.argmax(logits[1:]) + 1)
        prefix.append(token)
    assert dec.translate(["a b c"]) == [out.text]


def test_beam_scores_are_sorted_and_never_worse_than_greedy(tiny):
    _, dec = tiny
    greedy, beam = dec.greedy("d e"), dec.beam("d e", width=4)
    for step in beam.steps:
        scores = [h.logp for h in step]
        assert scores == sorted(scores, reverse=True) and len(step) <= 4
    if greedy.steps[-1][0].finished and beam.final[0].finished:
        assert beam.logp >= greedy.logp - 1e-4


def test_attention_of_teacher_forces_the_greedy_translation(tiny):
    model, dec = tiny
    out, src, att = dec.attention_of("a b c")
    assert out.ids == dec.greedy("a b c").ids and np.array_equal(src, dec.source_ids("a b c"))
    assert [a.shape for a in att["cross"]] == [(1, 2, 6, 5)]
    assert [a.shape for a in att["decoder_self"]] == [(1, 2, 6, 6)]
    # the decoder read [start] and the greedy words: position t predicts the t-th greedy word again
    n = min(len(out.ids), 6)
    assert (np.argmax(np.asarray(att["logits"])[0, :n, 1:], -1) + 1).tolist() == out.ids[:n]


def test_compiled_attention_equals_the_eager_one(tiny):
    model, dec = tiny
    src, tgt = dec.source_ids("a b c"), np.array([[2, 4, 5, 0, 0, 0]])
    eager, compiled = model.attention(src, tgt), dec._attention(src, tgt)
    assert dec._attend is not None and set(compiled) == set(eager)
    for kind in ("encoder", "decoder_self", "cross"):
        assert len(compiled[kind]) == len(eager[kind]) == 1
        np.testing.assert_allclose(compiled[kind][0], eager[kind][0], atol=1e-5)
    np.testing.assert_allclose(compiled["logits"], eager["logits"], atol=1e-4)


def test_greedy_and_beam_in_one_pass_equal_the_two_searches(tiny):
    _, dec = tiny
    for sentence, width in (("a b c", 4), ("d e", 2), ("f", 1)):
        greedy, beam = dec.greedy_and_beam(sentence, width)
        alone = dec.greedy(sentence)
        assert greedy.ids == alone.ids and greedy.text == alone.text and abs(greedy.logp - alone.logp) < 1e-4
        assert [[h.ids for h in s] for s in greedy.steps] == [[h.ids for h in s] for s in alone.steps]
        assert beam.ids == dec.beam(sentence, width).ids and len(beam.steps) == len(dec.beam(sentence, width).steps)
