"""The n-gram panel of the words-as-vectors page: counts, smoothing, held-out perplexity, next words, samples."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from anndl.data.translation import tokens
from anndl.topics.embeddings.ngram import NGramLM
from app.ui.state import bound, classroom, seed

SMOOTHING = {"kneser-ney": "Kneser-Ney (interpolated, d = 0.75)", "add-k": "Add-k (k = 1 is Laplace)"}
MAX_N = 4  # the slider's top; one count of 4-grams serves every lower order
TEST_SENTENCES = 2000  # held-out sentences scored (enough for three digits, quick on a big upload)


@st.cache_resource(show_spinner="Counting n-grams…", max_entries=4, ttl=3600)
def _counted(key: str, _train) -> NGramLM:
    return NGramLM(MAX_N).fit(_train)


def _model(key: str, train, n: int, smoothing: str, k: float) -> NGramLM:
    return _counted(key, train).order(n).smoothed(smoothing, k)


@st.cache_data(show_spinner="Scoring the held-out sentences…", max_entries=12, ttl=3600)
def _perplexities(key: str, _train, _test, k: float) -> pd.DataFrame:
    rows = []
    for n in range(1, MAX_N + 1):
        for sm in SMOOTHING:
            rows.append({"n": n, "smoothing": sm, "perplexity": _model(key, _train, n, sm, k).perplexity(_test)})
    return pd.DataFrame(rows).pivot(index="n", columns="smoothing", values="perplexity").reset_index()


@st.cache_data(show_spinner="Sampling…", max_entries=16, ttl=3600)
def _samples(key: str, n: int, smoothing: str, k: float, seed: int, _lm: NGramLM) -> list[str]:
    rng = np.random.default_rng(seed)
    return [" ".join(_lm.sample(rng, max_len=20)) or "(empty)" for _ in range(3)]


def panel(text) -> None:
    """The whole n-gram tab for a Text."""
    st.markdown("An **n-gram model** predicts the next word from the n − 1 words before it, by counting: "
                "P(w | h) = c(h w) / c(h). Unseen pairs would get probability 0, so the counts are **smoothed**. "
                "**Perplexity** = exp(mean −log P) on held-out sentences: the number of words the model is, on "
                "average, choosing between (§26).")
    c = st.columns(3)
    n = bound(c[0].slider, "n (words of context + 1)", "ng_n", 3, min_value=1, max_value=MAX_N)
    sm = bound(c[1].radio, "Smoothing", "ng_smooth", "kneser-ney", options=list(SMOOTHING), format_func=SMOOTHING.get)
    k = bound(c[2].select_slider, "k (add-k)", "ng_k", 0.1, options=[0.01, 0.1, 0.5, 1.0], disabled=sm != "add-k")
    key = f"{text.source}|{len(text.train)}"
    train = [text.sentences[i] for i in text.train]
    test = [text.sentences[i] for i in text.test[:TEST_SENTENCES]]
    lm = _model(key, train, n, sm, k)
    left, right = st.columns(2)
    with left:
        st.markdown(f"**Held-out perplexity** ({len(test):,} sentences never counted)")
        st.dataframe(_perplexities(key, train, test, k).round(2), hide_index=True, width="stretch")
        prefix = bound(st.text_input, "Context for the next word", "ng_prefix",
                       "the boy" if "boy" in lm.vocab else "", max_chars=100)
        nxt = lm.next_words(tuple(tokens(prefix)), top=8)
        st.dataframe(pd.DataFrame(nxt, columns=["next word", "P"]).round(4), hide_index=True, width="stretch")
    with right:
        if n > 1 and not classroom():
            st.markdown(f"**Most frequent {n}-grams**")
            st.dataframe(pd.DataFrame(lm.top_ngrams(n, 10), columns=[f"{n}-gram", "count"]), hide_index=True,
                         width="stretch")
        st.markdown("**Sampled sentences** (generative: word by word from P(w | h))")
        for sentence in _samples(key, n, sm, k, seed(), lm):
            st.markdown(f"- {sentence}")


def continuations(text, start: tuple[str, ...], n: int = 3, k: int = 3) -> list[str]:
    """`k` sampled continuations of the words `start` by the Kneser-Ney n-gram model of the text (§27.4's
    generative side)."""
    key = f"{text.source}|{len(text.train)}"
    lm = _model(key, [text.sentences[i] for i in text.train], n, "kneser-ney", 0.1)
    return _continued(key, start, n, seed(), k, lm)


@st.cache_data(show_spinner=False, max_entries=32, ttl=3600)
def _continued(key: str, start: tuple, n: int, seed: int, k: int, _lm: NGramLM) -> list[str]:
    rng = np.random.default_rng(seed)
    return [" ".join(_lm.sample(rng, max_len=15, start=start)) or "(ends here)" for _ in range(k)]
