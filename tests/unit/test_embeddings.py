"""Words as vectors (§26): n-gram counts and perplexity by hand, skip-gram pairs, negative sampling, the three
models, the job, the generated Keras code, the text upload, the bench's keys."""

import math

import numpy as np
import pytest

from anndl.data.text import read_text_upload
from anndl.data.uploads import UploadError
from anndl.topics.embeddings.ngram import BOS, EOS, NGramLM, counts_table

TOY = [["a", "b"], ["a", "c"]]


def test_bigram_counts_by_hand():
    assert counts_table(TOY, 2) == {(BOS, "a"): 2, ("a", "b"): 1, ("b", EOS): 1, ("a", "c"): 1, ("c", EOS): 1}
    lm = NGramLM(2, "add-k").fit(TOY)
    assert lm.counts[2][("a", "b")] == 1 and lm.context[2][("a",)] == 2 and lm.vocab == {"a", "b", "c", EOS, "<unk>"}


def test_add_one_perplexity_by_hand():
    lm = NGramLM(2, "add-k", k=1.0).fit(TOY)  # V = 5: a, b, c, </s>, <unk>
    assert lm.prob("a", (BOS,)) == pytest.approx(3 / 7)  # (2 + 1) / (2 + 5)
    assert lm.prob("b", ("a",)) == pytest.approx(2 / 7)  # (1 + 1) / (2 + 5)
    assert lm.prob(EOS, ("b",)) == pytest.approx(2 / 6)  # (1 + 1) / (1 + 5)
    expected = math.exp(-(math.log(3 / 7) + math.log(2 / 7) + math.log(2 / 6)) / 3)
    assert lm.perplexity([["a", "b"]]) == pytest.approx(expected)
    assert lm.prob("zebra", ("a",)) == lm.prob("<unk>", ("a",)) == pytest.approx(1 / 7)


def test_kneser_ney_is_a_distribution_and_beats_add_one_on_held_out_text():
    train = [["the", "cat", "sat"], ["the", "dog", "sat"], ["a", "cat", "ran"], ["the", "cat", "ran"]] * 3
    kn = NGramLM(3, "kneser-ney").fit(train)
    for history in [(BOS, BOS), ("the", "cat"), ("never", "seen")]:
        assert sum(kn.prob(w, history) for w in kn.vocab) == pytest.approx(1.0)
    test = [["a", "dog", "sat"]]
    assert kn.perplexity(test) < kn.smoothed("add-k", 1.0).perplexity(test)
    words = kn.sample(np.random.default_rng(0))
    assert words and set(words) <= kn.vocab - {EOS, "<unk>"}


def test_skipgram_pairs_for_a_known_window_and_cbow_contexts():
    from anndl.nets.embeddings import cbow_examples, nlm_examples, skipgram_pairs

    s = [np.array([5, 6, 7])]
    assert sorted(zip(*skipgram_pairs(s, 1))) == [(5, 6), (6, 5), (6, 7), (7, 6)]
    assert sorted(zip(*skipgram_pairs(s, 2))) == [(5, 6), (5, 7), (6, 5), (6, 7), (7, 5), (7, 6)]
    ctx, centre = cbow_examples(s, 1)
    assert ctx.tolist() == [[0, 6], [5, 7], [6, 0]] and centre.tolist() == [5, 6, 7]
    prev, nxt = nlm_examples(s, 2)
    assert prev.tolist() == [[2, 2], [2, 5], [5, 6], [6, 7]] and nxt.tolist() == [5, 6, 7, 3]


def test_negative_sampling_shapes_and_the_three_models():
    from anndl.nets.embeddings import (
        EmbeddingConfig,
        build_embedding_model,
        candidate_labels,
        negative_candidates,
        noise_distribution,
        word_vectors,
    )

    noise = noise_distribution(np.array([0, 0, 0, 0, 16, 1, 81]))
    assert noise[:4].sum() == 0 and noise[6] == pytest.approx(27 / (8 + 1 + 27))  # counts^(3/4)
    cand = negative_candidates(np.array([4, 5, 6]), noise, 3, np.random.default_rng(0))
    assert cand.shape == (3, 4) and cand[:, 0].tolist() == [4, 5, 6] and (cand[:, 1:] >= 4).all()
    assert candidate_labels(3, 3).tolist()[0] == [1, 0, 0, 0]
    v, d, w, k, h = 7, 4, 2, 3, 5
    for kind, x, params in [("skipgram", {"word": cand[:, 0], "candidates": cand}, 2 * v * d),
                            ("cbow", {"context": np.ones((3, 2 * w), "int32"), "candidates": cand}, 2 * v * d),
                            ("nlm", np.ones((3, w), "int32"), v * d + (w * d + 1) * h + (h + 1) * v)]:
        model = build_embedding_model(EmbeddingConfig(vocab=v, dim=d, window=w, negatives=k, hidden=h, kind=kind))
        assert model.count_params() == params
        assert tuple(model(x).shape) == ((3, k + 1) if kind != "nlm" else (3, v))
        assert word_vectors(model).shape == (v, d)


def test_the_job_trains_saves_and_round_trips(tmp_path):
    from anndl import zoo
    from anndl.jobs import Limits, run_inline
    from anndl.nets.embeddings import word_vectors

    events = []
    params = {"kind": "cbow", "n": 300, "epochs": 1, "dim": 8}
    result = run_inline("anndl.topics.embeddings.job:train_job", params, Limits(max_epochs=2), workdir=str(tmp_path),
                        report=events.append)
    assert [e["epoch"] for e in events if e.get("kind") == "epoch"] == [1] and "val_loss" in events[-1]["logs"]
    model = zoo.load_file(result["model_path"], "embeddings")
    assert word_vectors(model).shape == (len(result["words"]), 8) and "boy" in result["words"]
    assert 0 <= result["metrics"]["analogy_acc"] <= 1


def test_analogy_accuracy_scores_the_form_and_the_exact_word():
    from anndl.topics.embeddings.job import analogy_accuracy

    words = ["[pad]", "[unk]", "[start]", "[end]", "boy", "boys", "girl", "girls", "cat"]
    vectors = np.array([[0, 0, 1]] * 4 + [[1, 0, 0], [1, 1, 0], [1, 0, 0.01], [1, 1, 0.01], [1, 0, -0.5]], "float32")
    acc = analogy_accuracy(vectors, words, {"singular → plural": [("boy", "boys"), ("girl", "girls")]})
    assert acc["singular → plural"] == 1.0 and acc["singular → plural exact"] == 1.0


@pytest.mark.parametrize("data, words", [(b"", "empty"), (b"\xff\xfe bad", "UTF-8"), (b"One short line.", "50"),
                                         (b"x" * (2 * 1024 * 1024 + 1), "MB")])
def test_bad_text_uploads_get_one_sentence(data, words):
    with pytest.raises(UploadError, match=words):
        read_text_upload(data)


def test_a_good_text_upload_becomes_sentences():
    sents = read_text_upload(("The cat sat on the mat. A dog ran in the park! " * 100).encode())
    assert sents[0] == ["the", "cat", "sat", "on", "the", "mat"] and len(sents) == 200


def test_generated_keras_code_runs(capsys):
    """Both scripts run as written (in-process: a second TensorFlow start-up costs more than the training)."""
    from anndl.topics.embeddings.code import keras_code

    for kind, says in (("skipgram", "nearest to"), ("cbow", "nearest to"), ("nlm", "training perplexity")):
        exec(compile(keras_code({"kind": kind, "n": 200, "epochs": 1, "dim": 8}), f"{kind}.py", "exec"), {})
        assert says in capsys.readouterr().out


def test_a_lower_order_from_the_same_counts_equals_a_model_fitted_at_that_order():
    train = [["the", "cat", "sat"], ["the", "dog", "sat"], ["a", "cat", "ran"]]
    test = [["the", "cat", "ran"], ["a", "dog", "sat"]]
    four = NGramLM(4).fit(train)
    for n in (1, 2, 3):
        assert four.order(n).perplexity(test) == pytest.approx(NGramLM(n).fit(train).perplexity(test))


def test_sampling_continues_the_given_words():
    lm = NGramLM(3).fit([["the", "cat", "sat"], ["the", "dog", "ran"]] * 5)
    for _ in range(5):
        assert lm.sample(np.random.default_rng(_), start=("the", "cat"))[0] == "sat"  # the only word seen after them
