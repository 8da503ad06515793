"""The English→Italian grammar corpus, standardisation, vocabularies and TSV upload validation (§25.7, §28.2)."""

import numpy as np
import pytest

from anndl.data.translation import (
    ADJECTIVES,
    HELD_OUT_ADJ_NOUN,
    HELD_OUT_SUBJ_VERB,
    OBJECT_NOUNS,
    SUBJECT_NOUNS,
    VERBS,
    Clause,
    TsvLimits,
    Vocabulary,
    article,
    grammar_clauses,
    grammar_corpus,
    read_tsv_pairs,
    realise,
    sequence_lengths,
    standardize,
    vectorize,
)
from anndl.data.uploads import UploadError


def idx(table, english):
    return [row[0] for row in table].index(english)


def clause(pronoun=None, subj="boy", subj_plural=False, subj_adj=None, verb="eat", past=False, negated=False,
           obj="apple", obj_plural=False, obj_adj=None):
    a = lambda name: idx(ADJECTIVES, name) if name else -1  # noqa: E731
    return Clause(pronoun, idx(SUBJECT_NOUNS, subj), subj_plural, a(subj_adj), idx(VERBS, verb), past, negated,
                  idx(OBJECT_NOUNS, obj), obj_plural, a(obj_adj))


@pytest.mark.parametrize("word,gender,plural,expected", [
    ("libro", "m", False, "il"), ("libri", "m", True, "i"), ("zaino", "m", False, "lo"), ("zaini", "m", True, "gli"),
    ("specchio", "m", False, "lo"), ("uomo", "m", False, "l'"), ("uomini", "m", True, "gli"),
    ("mela", "f", False, "la"), ("mele", "f", True, "le"), ("arancia", "f", False, "l'"), ("arance", "f", True, "le"),
])
def test_article_agrees_in_gender_number_and_sound(word, gender, plural, expected):
    assert article(word, gender, plural) == expected


@pytest.mark.parametrize("c,english,italian", [
    (clause(subj="man", subj_plural=True, subj_adj="old", verb="buy", past=True, negated=True, obj="backpack",
            obj_plural=True, obj_adj="new"),
     "The old men did not buy the new backpacks.", "Gli uomini vecchi non hanno comprato gli zaini nuovi."),
    (clause(pronoun="she", obj_plural=True, obj_adj="white"), "She eats the white apples.",
     "Lei mangia le mele bianche."),
    (clause(pronoun="you", verb="clean", negated=True, obj="knife", obj_adj="long"),
     "You do not clean the long knife.", "Tu non pulisci il coltello lungo."),
    (clause(pronoun="we", verb="open", past=True, obj="orange"), "We opened the orange.",
     "Noi abbiamo aperto l'arancia."),
    (clause(subj="girl", verb="drink", obj="glass", obj_plural=True, obj_adj="big"), "The girl drinks the big glasses.",
     "La ragazza beve i bicchieri grandi."),
    (clause(pronoun="they", verb="write", past=False, obj="letter", obj_adj="yellow", obj_plural=True),
     "They write the yellow letters.", "Loro scrivono le lettere gialle."),
    (clause(subj="sister", subj_plural=True, subj_adj="cheap", verb="see", past=True, obj="tree"),
     "The cheap sisters saw the tree.", "Le sorelle economiche hanno visto l'albero."),
    (clause(pronoun="I", verb="watch", negated=True, past=True, obj="mirror"), "I did not watch the mirror.",
     "Io non ho guardato lo specchio."),
])
def test_grammar_on_hand_checked_examples(c, english, italian):
    assert realise(c) == (english, italian)


def test_corpus_is_large_distinct_and_deterministic():
    a, b = grammar_clauses(20_000, seed=3), grammar_clauses(20_000, seed=3)
    assert a == b and len(set(a)) == 20_000
    assert grammar_clauses(50, seed=4) != grammar_clauses(50, seed=3)
    pairs = [realise(c) for c in a]
    assert len({e for e, _ in pairs}) == 20_000  # distinct English sentences


def test_every_english_sentence_has_exactly_one_translation():
    translations = {}
    for c in grammar_clauses(24_000, seed=0):
        english, italian = realise(c)
        translations.setdefault(english, set()).add(italian)
    assert max(len(v) for v in translations.values()) == 1


@pytest.fixture(scope="module")
def corpus():
    return grammar_corpus(24_000, seed=0)


def test_no_test_sentence_in_training(corpus):
    train = {corpus.pairs[i][0] for i in corpus.train}
    for split in (corpus.test_random, corpus.test_systematic):
        assert len(split) > 200
        assert not train & {corpus.pairs[i][0] for i in split}
    assert len(corpus.train) + len(corpus.test_random) + len(corpus.test_systematic) == len(corpus.pairs)


def test_systematic_combinations_never_seen_in_training(corpus):
    clauses = grammar_clauses(24_000, seed=0)
    held_adj, held_sv = set(HELD_OUT_ADJ_NOUN), set(HELD_OUT_SUBJ_VERB)
    for i in corpus.train:
        assert not held_adj & set(clauses[i].adj_nouns())
        assert (clauses[i].subject_head(), VERBS[clauses[i].verb][0]) not in held_sv
    # the words themselves are all known from training: only their combinations are new
    train_words = {w for i in corpus.train for w in standardize(corpus.pairs[i][0]).split()}
    test_words = {w for i in corpus.test_systematic for w in standardize(corpus.pairs[i][0]).split()}
    assert test_words <= train_words
    seen = {("red car" in corpus.pairs[i][0]) for i in corpus.test_systematic}
    assert True in seen


def test_standardisation():
    assert standardize("L'uomo  ha mangiato l’arancia!") == "l' uomo ha mangiato l' arancia"
    assert standardize("Ciao, Perché?") == "ciao perché"


def test_vocabulary_specials_padding_and_unknown_words():
    v = Vocabulary.build(["la mela", "la pera"])
    assert v.words[:4] == ["[pad]", "[unk]", "[start]", "[end]"] and v.words[4] == "la"
    ids = v.encode("La mela verde", 6, start_end=True)
    assert list(ids) == [2, v.index["la"], v.index["mela"], 1, 3, 0]
    assert v.decode(ids) == "la mela [unk]"
    assert list(v.encode("la", 3)) == [v.index["la"], 0, 0]
    elided = Vocabulary.build(["l'arancia"])
    assert elided.decode(elided.encode("l'arancia", 4)) == "l'arancia"


def test_teacher_forcing_shift_and_masking():
    pairs = [("the cat", "il gatto"), ("I eat the apple", "io mangio la mela")]
    src, tgt = Vocabulary.build([e for e, _ in pairs]), Vocabulary.build([i for _, i in pairs])
    src_len, tgt_len = sequence_lengths(pairs)
    assert (src_len, tgt_len) == (4, 5)
    (x, dec_in), labels = vectorize(pairs, src, tgt, src_len, tgt_len)
    assert x.shape == (2, 4) and dec_in.shape == labels.shape == (2, 5)
    assert (dec_in[:, 0] == 2).all()
    np.testing.assert_array_equal(dec_in[:, 1:], labels[:, :-1])  # the input is the label shifted right
    assert list(labels[0]) == [tgt.index["il"], tgt.index["gatto"], 3, 0, 0]


def tsv(lines):
    return "\n".join(lines).encode()


GOOD = [f"Sentence {i}.\tFrase {i}.\tCC-BY 2.0 (France) Attribution: tatoeba.org #{i}" for i in range(60)]


def test_tsv_reads_anki_tatoeba_format_and_skips_empty_lines():
    pairs = read_tsv_pairs(tsv(GOOD[:30] + ["", "   "] + GOOD[30:]))
    assert len(pairs) == 60 and pairs[0] == ("Sentence 0.", "Frase 0.")


@pytest.mark.parametrize("data,message", [
    (b"", "empty"),
    ("Ciao\tperché\n".encode("latin-1") * 60, "not UTF-8"),
    (tsv(GOOD[:10] + ["no tab here"] + GOOD[10:]), "Line 11 has no tab"),
    (tsv(GOOD[:5] + ["Hello\t   "] + GOOD[5:]), "Line 6 has an empty sentence"),
    (tsv(GOOD[:20]), "at least 50"),
    (tsv(GOOD[:2] + [" ".join(["word"] * 50) + "\tparola"] + GOOD), "longer than 40 words"),
])
def test_tsv_bad_inputs_get_one_clear_sentence(data, message):
    with pytest.raises(UploadError, match=message):
        read_tsv_pairs(data)


def test_tsv_size_and_pair_limits():
    with pytest.raises(UploadError, match="MB"):
        read_tsv_pairs(tsv(GOOD), TsvLimits(max_bytes=100))
    with pytest.raises(UploadError, match="more than 55 pairs"):
        read_tsv_pairs(tsv(GOOD), TsvLimits(max_pairs=55))
