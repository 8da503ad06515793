"""Looking inside word vectors (course §26, §27.4): parts of speech and topics to colour them, a 2-D PCA map,
the translator's own embeddings, and retrieval of sentences by embedding similarity."""

from __future__ import annotations

from collections import Counter

import numpy as np

from anndl.data.translation import ADJECTIVES, AVERE, OBJECT_NOUNS, PRONOUNS, SUBJECT_NOUNS, VERBS

from .job import normalised


def grammar_parts_of_speech() -> dict[str, str]:
    """word -> part of speech for both languages of the grammar (from its lexicon)."""
    pos: dict[str, str] = {}
    for en_sg, en_pl, it_sg, it_pl, _ in SUBJECT_NOUNS:
        pos.update({en_sg: "noun (subject), singular", en_pl: "noun (subject), plural",
                    it_sg: "noun (subject), singular", it_pl: "noun (subject), plural"})
    for en_sg, en_pl, it_sg, it_pl, _ in OBJECT_NOUNS:
        pos.update({en_sg: "noun (object)", en_pl: "noun (object)", it_sg: "noun (object)", it_pl: "noun (object)"})
    for a in ADJECTIVES:
        pos.update({w: "adjective" for w in a})
    for base, third, past, present, participle in VERBS:
        pos.update({base: "verb, base form", third: "verb, 3rd person", past: "verb, past", participle: "verb, past"})
        pos.update({w: "verb, present" for w in present.split()})
    pos.update({w: "auxiliary / negation" for w in [*AVERE, "do", "does", "did", "not", "non"]})
    pos.update({w: "pronoun" for w in [*(p.lower() for p in PRONOUNS), *(p for p, _ in PRONOUNS.values())]})
    pos.update({w: "article" for w in ["the", "il", "lo", "la", "l'", "i", "gli", "le"]})
    return pos


def word_groups(words: list[str], sentences: list[list[str]], topics: list[str]) -> list[str]:
    """A colour group per word: its part of speech on the grammar text, else the topic of the text where it is
    most over-represented (fortunes), else its frequency band (your text)."""
    pos = grammar_parts_of_speech()
    if all(t == "grammar" for t in topics) or not sentences:
        return [pos.get(w, "other") for w in words]
    if len(set(topics)) > 1:
        by_topic: dict[str, Counter] = {}
        for s, t in zip(sentences, topics):
            by_topic.setdefault(t, Counter()).update(s)
        sizes = {t: sum(c.values()) for t, c in by_topic.items()}
        return [max(by_topic, key=lambda t: by_topic[t][w] / sizes[t]) for w in words]
    counts = Counter(w for s in sentences for w in s)
    rank = {w: i for i, (w, _) in enumerate(counts.most_common())}
    return [("top 50 words" if rank.get(w, 1e9) < 50 else "top 51–300" if rank.get(w, 1e9) < 300 else "rarer")
            for w in words]


def pca_2d(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(n, 2) PCA coordinates of the unit vectors (cosine geometry) and the explained variance ratios."""
    from sklearn.decomposition import PCA

    pca = PCA(2, random_state=0).fit(normalised(vectors))
    return pca.transform(normalised(vectors)), pca.explained_variance_ratio_


def translator_vectors(name: str = "transformer_en_it") -> dict[str, tuple[list[str], np.ndarray]]:
    """The shipped translator's token embeddings: {"English (encoder)": (words, (V, d)), "Italian (decoder)": ...}."""
    from anndl import zoo

    info = zoo.info(name)
    model = zoo.load(name)
    src = np.asarray(model.get_layer("src_token_embedding").embeddings)
    tgt = np.asarray(model.get_layer("tgt_token_embedding").embeddings)
    return {"English (encoder)": (info["src_words"], src), "Italian (decoder)": (info["tgt_words"], tgt)}


def sentence_vectors(sentences: list[list[str]], words: list[str], vectors: np.ndarray) -> np.ndarray:
    """Each sentence as the mean of its known words' unit vectors (zeros if none is known): (n, d)."""
    unit = normalised(vectors)
    index = {w: i for i, w in enumerate(words)}
    out = np.zeros((len(sentences), vectors.shape[1]), "float32")
    for k, s in enumerate(sentences):
        ids = [index[w] for w in s if w in index and index[w] >= 4]
        if ids:
            out[k] = unit[ids].mean(axis=0)
    return out


def retrieve(query: list[str], sentences: list[list[str]], words: list[str], vectors: np.ndarray,
             bank: np.ndarray | None = None, top: int = 5) -> list[tuple[str, float]]:
    """§27.4 retrieval: the stored sentences whose mean word vector has the largest cosine with the query's."""
    bank = sentence_vectors(sentences, words, vectors) if bank is None else bank
    q = sentence_vectors([query], words, vectors)[0]
    if not q.any():
        return []
    sims = normalised(bank) @ (q / np.linalg.norm(q))
    order = np.argsort(-sims)[:top]
    return [(" ".join(sentences[i]), float(sims[i])) for i in order]
