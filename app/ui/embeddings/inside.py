"""Looking inside word vectors: nearest words, analogies, the 2-D map, and the §27.4 retrieval demo."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from anndl.topics.embeddings import job as topic
from anndl.topics.embeddings import vectors as V
from app.ui.charts import show
from app.ui.classroom import stage
from app.ui.downloads import chart_png, png_download
from app.ui.embeddings import ngram
from app.ui.state import bound, classroom

MAP_WORDS = 300  # the most frequent words drawn on the map (labels stay readable)


EXAMPLES = {"": ("boy", "boys", "girl"), "_it": ("ragazzo", "ragazzi", "ragazza")}  # English, Italian


def _known(words: list[str]) -> list[str]:
    return [w for w in words[4:] if not w.startswith("<")]


def _lang(vec) -> tuple[str, tuple[str, str, str]]:
    """Widget-key suffix and example words of the vectors' language (Italian: the translator's decoder)."""
    known = set(_known(vec.words))
    if "ragazzo" in known and "boy" not in known:
        return "_it", EXAMPLES["_it"]
    if "boy" in known:
        return "", EXAMPLES[""]
    top = _known(vec.words)[:3]
    return "_own", tuple((top * 3)[:3])


def nearest(vec) -> None:
    """Nearest words by cosine to a typed word: the word on the left, the bar chart (the stage) on the right."""
    known = _known(vec.words)
    suffix, example = _lang(vec)
    left, right = st.columns([1, 3])
    word = bound(left.text_input, "A word", f"emb_q{suffix}", example[0], max_chars=40).strip().lower()
    if word not in vec.words:
        left.error(f"“{word}” is not in these vectors' vocabulary ({len(known):,} words, e.g. "
                   f"{', '.join(known[:8])}).", icon=":material/error:")
        return
    rows = pd.DataFrame(topic.nearest(vec.vectors, vec.words, word, top=8), columns=["word", "cosine"])
    left.caption("Cosine 1: same direction, 0: unrelated. Words used in the same contexts get close vectors.")
    bars = alt.Chart(rows).encode(
        x=alt.X("cosine:Q", scale=alt.Scale(domain=[min(0.0, float(rows.cosine.min())), 1])),
        y=alt.Y("word:N", sort="-x", title=None, axis=alt.Axis(labelOverlap=False)),
        tooltip=["word", alt.Tooltip("cosine:Q", format=".3f")])
    chart = (bars.mark_bar() + bars.mark_text(align="right", dx=-4, color="white", fontSize=13).encode(
        text=alt.Text("cosine:Q", format=".2f"))).properties(height=alt.Step(22),
                                                             title=f"Nearest to “{word}” by cosine")
    with right, stage():
        show(chart)


# once per vectors (content-hashed by Streamlit): ~1,400 analogies, 0.2-0.5 s, on every rerun otherwise
@st.cache_data(show_spinner=False, max_entries=16)
def _analogy_accuracy(vectors: np.ndarray, words: tuple) -> dict:
    return topic.analogy_accuracy(vectors, list(words))


def analogies(vec) -> None:
    """b − a + c with the honest top-5, and the accuracy over the grammar's relations."""
    known = set(_known(vec.words))
    suffix, (ea, eb, ec) = _lang(vec)
    c = st.columns(3)
    a = bound(c[0].text_input, "a", f"emb_a{suffix}", ea, max_chars=40).strip().lower()
    b = bound(c[1].text_input, "is to b", f"emb_b{suffix}", eb, max_chars=40).strip().lower()
    cc = bound(c[2].text_input, "as c is to …", f"emb_c{suffix}", ec, max_chars=40).strip().lower()
    missing = [w for w in (a, b, cc) if w not in known]
    if missing:
        st.error(f"Not in the vocabulary: {', '.join(missing)}.", icon=":material/error:")
        return
    top = topic.analogy(vec.vectors, vec.words, a, b, cc)
    st.markdown(f"**{b} − {a} + {cc} ≈** " + ", ".join(f"{w} ({s:.2f})" for w, s in top))
    acc = _analogy_accuracy(vec.vectors, tuple(vec.words))
    rows = [{"relation": r, "right form (top-1)": acc[r], "exact word (top-1)": acc[f"{r} exact"]}
            for r in topic.RELATIONS if r in acc]
    if rows:
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
        st.caption("The grammar uses boy, girl, cat, dog… in exactly the same contexts, so no model of its text can "
                   "tell “girls” from “cats”: an analogy can get the *form* right (plural, past, 3rd person), the "
                   "exact word only by chance. English marks no gender in these sentences, so masculine → feminine "
                   "fails in English and shows up in the translator's Italian vectors instead.")


@st.cache_data(show_spinner=False, max_entries=16)
def _map_frame(words: tuple, _vectors, label: str, groups: tuple) -> tuple[pd.DataFrame, tuple]:
    xy, ratio = V.pca_2d(_vectors)
    frame = pd.DataFrame({"word": words, "x": xy[:, 0], "y": xy[:, 1], "group": groups})
    return frame, tuple(float(r) for r in ratio)


def word_map(vec, text) -> alt.Chart:
    """The most frequent words' vectors projected to 2-D by PCA, coloured by part of speech or topic."""
    keep = [i for i, w in enumerate(vec.words) if i >= 4 and not w.startswith("<")][:MAP_WORDS]
    words = [vec.words[i] for i in keep]
    sents = text.sentences if text is not None else []
    groups = V.word_groups(words, sents, text.topics if text is not None else [])
    frame, ratio = _map_frame(tuple(words), vec.vectors[keep], vec.label, tuple(groups))
    size = 16 if classroom() else 11
    base = alt.Chart(frame).encode(x=alt.X("x:Q", title=f"PC 1 ({ratio[0]:.0%})"),
                                   y=alt.Y("y:Q", title=f"PC 2 ({ratio[1]:.0%})"),
                                   color=alt.Color("group:N", title=None, scale=alt.Scale(scheme="tableau10")),
                                   tooltip=["word", "group"])
    chart = (base.mark_circle(size=60) + base.mark_text(dx=6, align="left", fontSize=size).encode(text="word")
             ).properties(height=520 if not classroom() else 480).interactive()
    show(chart)
    png_download(chart_png(chart), "word_map.png", "emb_map_png", label="Map (PNG)")
    return chart


@st.cache_data(show_spinner="Embedding the sentences…", max_entries=8)
def _bank(key: str, _sentences, words: tuple, _vectors):
    return V.sentence_vectors(_sentences, list(words), _vectors)


def retrieval(vec, text) -> None:
    """§27.4: a retrieval-based answer (the most similar stored sentences) beside a generative one."""
    st.markdown(
        "**Retrieval-based** chatbots answer with the stored sentence most similar to the question (here: the mean "
        "of its word vectors, compared by cosine): always fluent, never new, and only as good as the store. "
        "**Generative** chatbots write the answer word by word from a language model (the n-gram tab's samples, the "
        "translator's decoder): they can say new things, and also wrong or ungrammatical ones.")
    if text is None:
        st.info("Choose or upload a text to search its sentences.", icon=":material/info:")
        return
    if _lang(vec)[0] == "_it":
        st.info("The translator's Italian vectors cannot read this English text: pick this page's model or the "
                "translator's English vectors above.", icon=":material/info:")
        return
    default = " ".join(text.sentences[int(text.test[0])])
    query = bound(st.text_input, "Your message", "emb_ask", default, max_chars=200)
    from anndl.data.translation import tokens

    q = tokens(query)
    store = [text.sentences[i] for i in text.train[:20_000]]
    bank = _bank(f"{text.source}|{vec.label}|{len(store)}", store, tuple(vec.words), vec.vectors)
    hits = V.retrieve(q, store, vec.words, vec.vectors, bank)
    if not hits:
        st.error("None of these words is in the vocabulary: try words of the text.", icon=":material/error:")
        return
    left, right = st.columns([3, 2])
    left.markdown("**Retrieved** (stored sentences, most similar first)")
    left.dataframe(pd.DataFrame(hits, columns=["retrieved sentence", "cosine"]), hide_index=True, width="stretch")
    right.markdown("**Generated** (the trigram model of the n-gram tab, continuing your last two words)")
    for line in ngram.continuations(text, tuple(q[-2:])):
        right.markdown(f"- … {' '.join(q[-2:])} **{line}**")
    st.caption(f"Searched {len(store):,} training sentences of {text.source} with {vec.label}. Word order is lost "
               "in the mean: “the dog saw the cat” and “the cat saw the dog” are the same question to it.")
