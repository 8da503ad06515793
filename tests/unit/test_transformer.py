"""The encoder–decoder Transformer (§27.9, §28.3–§28.4): shapes, masks, attention weights, saving, attention sandbox."""

import keras
import numpy as np
import pytest

from anndl.attention import SCORES, attention_weights
from anndl.nets.transformer import (
    TransformerConfig,
    build_kerasio_baseline,
    build_transformer,
    compile_transformer,
    masked_accuracy,
    nearest_words,
)

CFG = TransformerConfig(src_vocab=20, tgt_vocab=25, src_len=6, tgt_len=7, embed_dim=16, ff_dim=32, heads=2,
                        enc_layers=2, dec_layers=2, dropout=0.0)
SRC = np.array([[5, 6, 7, 0, 0, 0], [8, 9, 10, 11, 12, 13]])
TGT = np.array([[2, 8, 9, 10, 0, 0, 0], [2, 4, 5, 6, 7, 8, 9]])


@pytest.fixture(scope="module", params=["sinusoidal", "learned"])
def model(request):
    return build_transformer(TransformerConfig(**{**CFG.__dict__, "positional": request.param}))


def test_output_shape_and_attention_shapes(model):
    assert tuple(model((SRC, TGT)).shape) == (2, 7, 25)
    att = model.attention(SRC, TGT)
    assert [a.shape for a in att["encoder"]] == [(2, 2, 6, 6)] * 2
    assert [a.shape for a in att["decoder_self"]] == [(2, 2, 7, 7)] * 2
    assert [a.shape for a in att["cross"]] == [(2, 2, 7, 6)] * 2
    np.testing.assert_allclose(att["logits"], np.asarray(model((SRC, TGT))), atol=1e-5)


def test_masks_causal_and_padding(model):
    att = model.attention(SRC, TGT)
    self_att = att["decoder_self"][0]
    assert np.allclose(np.triu(self_att[1, 0], k=1), 0)  # no position looks at a later one
    assert np.allclose(att["cross"][0][0, :, :, 3:], 0)  # padded source positions get no attention
    assert np.allclose(att["encoder"][0][0, :, :, 3:], 0)
    np.testing.assert_allclose(att["cross"][1].sum(-1), 1, atol=1e-5)
    # a change after position t cannot change the prediction at t (causal masking)
    changed = TGT.copy()
    changed[1, 4:] = 3
    out, out2 = np.asarray(model((SRC, TGT))), np.asarray(model((SRC, changed)))
    np.testing.assert_allclose(out[1, :4], out2[1, :4], atol=1e-5)


def test_positional_matrix(model):
    p = model.positional_matrix("src")
    assert p.shape == (6, 16)
    if model.cfg.positional == "sinusoidal":
        np.testing.assert_allclose(p[0, 0::2], 0, atol=1e-6)  # sin(0) on the even dimensions
        np.testing.assert_allclose(p[0, 1::2], 1, atol=1e-6)  # cos(0) on the odd ones
        pos, i = np.arange(6)[:, None], np.arange(0, 16, 2)[None, :]
        np.testing.assert_allclose(p[:, 0::2], np.sin(pos / 10000 ** (i / 16)), atol=1e-5)  # §27.9
        np.testing.assert_allclose(p[:, 1::2], np.cos(pos / 10000 ** (i / 16)), atol=1e-5)


def test_keras_round_trip(model, tmp_path):
    path = tmp_path / "t.keras"
    model.save(path)
    loaded = keras.saving.load_model(path, compile=False)
    assert loaded.cfg == model.cfg
    np.testing.assert_allclose(np.asarray(loaded((SRC, TGT))), np.asarray(model((SRC, TGT))), atol=1e-6)


def test_loss_and_accuracy_ignore_padding():
    model = compile_transformer(build_transformer(CFG))
    labels = np.array([[4, 5, 3, 0, 0, 0, 0]])
    logits = np.zeros((1, 7, 25), "float32")
    logits[0, 0, 4] = logits[0, 1, 5] = logits[0, 2, 3] = 10.0  # right on every real token
    assert float(masked_accuracy(labels, logits)) == 1.0
    noisy = logits.copy()
    noisy[0, 3:] = np.random.default_rng(0).normal(size=(4, 25)) * 5  # anything at padded positions
    loss = model.loss
    assert float(loss(labels, noisy)) == pytest.approx(float(loss(labels, logits)), abs=1e-6)
    assert float(masked_accuracy(labels, noisy)) == 1.0


def test_parameter_count_matches_the_formula_and_the_baseline():
    d, f, vs, vt = CFG.embed_dim, CFG.ff_dim, CFG.src_vocab, CFG.tgt_vocab
    mha = 4 * (d * d + d)  # Q, K, V, output projections with biases
    ffn = d * f + f + f * d + d
    ln = 2 * d
    enc = mha + ffn + 2 * ln
    dec = 2 * mha + ffn + 3 * ln
    expected = vs * d + vt * d + 2 * enc + 2 * dec + d * vt + vt
    assert build_transformer(CFG).count_params() == expected
    learned = CFG.src_len * d + CFG.tgt_len * d
    assert build_kerasio_baseline(CFG).count_params() == expected + learned


def test_nearest_words():
    emb = np.array([[0, 0], [0, 0], [0, 0], [0, 0], [1, 0], [0.9, 0.1], [0, 1]], "float32")
    words = ["[pad]", "[unk]", "[start]", "[end]", "mela", "pera", "cane"]
    near = nearest_words(emb, words, "mela", k=2)
    assert [w for w, _ in near] == ["pera", "cane"] and near[0][1] > 0.99
    assert nearest_words(emb, words, "gatto") == []


def test_attention_sandbox_scores():
    q = np.array([1.0, 0.0])
    keys = np.array([[1.0, 0.0], [0.0, 1.0], [2.0, 0.0]])
    w = attention_weights(q, keys, "dot")
    np.testing.assert_allclose(w, np.exp([1, 0, 2]) / np.exp([1, 0, 2]).sum())
    scaled = attention_weights(q, keys, "scaled dot")
    np.testing.assert_allclose(scaled, np.exp(np.array([1, 0, 2]) / np.sqrt(2)) / np.exp(np.array([1, 0, 2]) /
                                                                                           np.sqrt(2)).sum())
    for kind in SCORES:
        weights = attention_weights(q, keys, kind, seed=1)
        assert weights.shape == (3,) and np.isclose(weights.sum(), 1)
    eye = attention_weights(q, keys, "bilinear", w=np.eye(2))
    np.testing.assert_allclose(eye, w)


def test_keras_code_of_the_configuration_runs(capsys):
    from anndl.topics.transformer.code import keras_code

    for positional in ("sinusoidal", "learned"):
        code = keras_code({"n": 300, "epochs": 1, "embed_dim": 16, "ff_dim": 16, "heads": 2, "enc_layers": 1,
                           "dec_layers": 1, "positional": positional})
        exec(compile(code, "transformer_translator.py", "exec"), {"__name__": "__main__"})
        assert capsys.readouterr().out.strip()  # it printed a translation


def test_train_job_on_uploaded_pairs(tmp_path):
    from anndl.jobs import run_inline
    from anndl.topics.transformer.job import decoder_of
    from anndl.zoo import load_file

    words = ["cat", "dog", "apple", "book", "car", "tree"]
    italian = ["gatto", "cane", "mela", "libro", "macchina", "albero"]
    pairs = [(f"the {a} and the {b}", f"il {x} e il {y}") for a, x in zip(words, italian)
             for b, y in zip(words, italian)] * 3
    events = []
    result = run_inline("anndl.topics.transformer.job:train_job",
                        {"pairs": pairs, "epochs": 2, "embed_dim": 16, "ff_dim": 16, "heads": 2, "enc_layers": 1,
                         "dec_layers": 1, "batch_size": 16}, workdir=str(tmp_path), report=events.append)
    assert [e["epoch"] for e in events if e["kind"] == "epoch"] == [1, 2]
    assert set(result["metrics"]) == {"random", "training"}  # no systematic split; the training pairs are scored
    assert result["source"] == "your upload" and result["src_len"] == 5 and result["tgt_len"] == 6
    scored = result["metrics"]["random"]
    assert scored["n"] >= 1 and np.isclose(scored["exact_match"] * scored["n"], round(scored["exact_match"] *
                                                                                      scored["n"]))  # a share
    dec = decoder_of(load_file(result["model_path"]), result)
    words = dec.greedy("the cat and the dog").text.split()
    assert set(words) <= set(italian) | {"il", "e"}  # it speaks the upload's Italian, not the shipped corpus
