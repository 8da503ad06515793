"""UI pieces of the Transformer translator page: translations, beams, attention maps, sandbox, data preparation."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from app.ui import models
from app.ui.charts import cached_chart, heatmap, show, show_cached
from app.ui.classroom import stage
from app.ui.downloads import chart_png, csv_download, png_download
from app.ui.models import file_key
from app.ui.state import bound, classroom

DEFAULT_SENTENCE = "The old men did not buy the new backpacks."


@st.cache_resource(show_spinner=False, max_entries=8)
def _decoder(model_key: tuple, _model, _words: dict):
    """`decoder_of` once per version of a model file (`model_key`): its compiled functions are kept."""
    from anndl.topics.transformer.job import decoder_of

    return decoder_of(_model, _words)


def shipped():
    """(model, Decoder, info, key) of models/transformer_en_it through `app.ui.models.shipped`, once per version of
    its file (`key`). FileNotFoundError when it is not built."""
    from anndl import zoo
    from anndl.topics.transformer.job import ARTIFACT

    model, info = models.shipped(ARTIFACT)
    key = file_key(zoo.path(ARTIFACT))
    return model, _decoder(key, model, info), info, key


def trained(model_path: str, mtime: float, result: dict):
    """(model, Decoder) of the user's finished job through `app.ui.models.load_model`, once per version of its file."""
    model = models.load_model(model_path, "transformer", mtime)
    return model, _decoder((model_path, mtime), model, result)


def beam_frame(decoded, vocab) -> pd.DataFrame:
    """One row per hypothesis kept at each step: step, rank, text so far, log-probability, finished."""
    rows = []
    for step, beam in enumerate(decoded.steps, start=1):
        for rank, h in enumerate(beam, start=1):
            words = [vocab.words[i] for i in h.ids]
            rows.append({"step": step, "rank": rank, "hypothesis": " ".join(words), "log-prob": round(h.logp, 4),
                         "finished": h.finished})
    return pd.DataFrame(rows)


@st.cache_resource(max_entries=64, show_spinner=False)
def decoded(model_key: tuple, sentence: str, width: int, _decoder):
    """(greedy, beam) of one sentence by one model, once per server: a rerun or a classmate's same query is free."""
    return _decoder.greedy_and_beam(sentence, width)


@st.cache_resource(max_entries=64, show_spinner=False)
def attention_of(model_key: tuple, sentence: str, _decoder):
    """`anndl.decode.Decoder.attention_of` of one sentence by one model, once per server."""
    return _decoder.attention_of(sentence)


def translations(decoder, sentence: str, width: int, model_key: tuple) -> None:
    """Greedy and beam search side by side, with each step's hypotheses."""
    greedy, beam = decoded(model_key, sentence, width, decoder)
    left, right = st.columns(2)
    with left:
        st.markdown("**Greedy decoding** — the most probable word at each step")
        st.success(greedy.text or "(empty)", icon=":material/translate:")
        st.caption(f"log-probability {greedy.logp:.3f} · probability {np.exp(greedy.logp):.3f}")
    with right:
        st.markdown(f"**Beam search** — the {width} best partial translations kept at each step")
        st.info(beam.text or "(empty)", icon=":material/translate:")
        st.caption(f"log-probability {beam.logp:.3f} · probability {np.exp(beam.logp):.3f}")
    frame = beam_frame(beam, decoder.tgt_vocab)
    with st.expander(f"Beam search step by step ({len(beam.steps)} steps)", expanded=not classroom()):
        st.container(height=260).table(frame.set_index(["step", "rank"]))  # static HTML: no grid to mount
        csv_download(frame, "beam_steps.csv", "tr_beam_csv", label="Beam steps (CSV)")


def model_caption(info: dict, mine: bool) -> str:
    """Which model translates: the student's own (see the Train tab) or the shipped one with its held-out scores."""
    if mine:
        return "Model in use: **the one you trained** — see the Train tab."
    m = info["metrics"]
    return (f"Model in use: **shipped translator** — {info['data']}; exact match on unseen sentences "
            f"{m['random_exact_match']:.3f} (random split), {m['systematic_exact_match']:.3f} (unseen word "
            "combinations).")


@st.fragment
def translate_tab(decoder, model_key: tuple, is_open: bool, caption: str) -> str:
    """The sentence and the beam width (always: the other tabs read the sentence) and, in the open tab, the model in
    use (`caption`), unknown words, both translations and the preparation. A fragment: another sentence or width
    reruns only this tab (issue 9). Returns the sentence to translate (the example when the box holds no word)."""
    from anndl.data.translation import tokens

    if is_open:
        st.caption(caption)
    c1, c2 = st.columns([4, 1])
    sentence = bound(c1.text_input, "English sentence", "tr_text", DEFAULT_SENTENCE, max_chars=300)
    width = bound(c2.slider, "Beam width", "tr_beam", 4, min_value=1, max_value=8)
    if not tokens(sentence):
        st.warning("Type an English sentence to translate, e.g. “She did not eat the red apples.”")
        return DEFAULT_SENTENCE  # the other tabs keep showing the example
    if is_open:
        unknown = sorted({w for w in tokens(sentence) if w not in decoder.src_vocab.index})
        if unknown:
            st.warning(f"Not in the model's vocabulary, read as [unk]: {', '.join(unknown)}. The model knows only "
                       "the words of its training corpus (see 'Your data').")
        with stage():
            translations(decoder, sentence, width, model_key)
        with st.expander("Preparation (§25.7): standardisation, tokens, ids", expanded=not classroom()):
            preparation(decoder, sentence)
    return sentence


def preparation(decoder, sentence: str) -> None:
    """§25.7: the sentence standardised, split into tokens and turned into padded ids."""
    from anndl.data.translation import standardize

    src = decoder.src_vocab.encode(sentence, decoder.src_len)
    words = [decoder.src_vocab.words[i] for i in src]
    st.markdown(f"Standardised: `{standardize(sentence)}` → {int((src != 0).sum())} tokens, padded to "
                f"{decoder.src_len} (source) / {decoder.tgt_len} (target) with `[pad]` = 0; unknown words become "
                f"`[unk]` = 1; the decoder starts from `[start]` = 2 and stops at `[end]` = 3.")
    st.table(token_table(words, src))


def token_table(words: list[str], ids) -> pd.DataFrame:
    """Rows "token" and "id", one column per position; all text, since an Arrow column has one type."""
    return pd.DataFrame([words, [str(int(i)) for i in ids]], index=["token", "id"])


def attention_maps(decoder, sentence: str, model_key: tuple) -> alt.Chart | None:
    """Heatmaps of cross, encoder-self and masked decoder-self attention for the greedy translation."""
    out, src, att = attention_of(model_key, sentence, decoder)
    n_src = max(1, int((src != 0).sum()))
    ids = out.ids[: decoder.tgt_len - 1]
    src_words = [decoder.src_vocab.words[i] for i in src[0, :n_src]]
    in_words = ["[start]"] + [decoder.tgt_vocab.words[i] for i in ids]  # decoder inputs
    out_words = [decoder.tgt_vocab.words[i] for i in out.ids]  # what each position predicted
    n_t = min(len(out_words), decoder.tgt_len)
    kinds = {"cross-attention (target × source)": "cross", "encoder self-attention": "encoder",
             "masked decoder self-attention": "decoder_self"}
    c1, c2, c3 = st.columns(3)
    kind = kinds[bound(c1.selectbox, "Attention", "tr_att", list(kinds)[0], options=list(kinds))]
    layers = len(att[kind])
    layer = bound(c2.selectbox, "Layer", "tr_layer", 1, options=list(range(1, layers + 1))) - 1
    heads = att[kind][0].shape[1]
    head = bound(c3.selectbox, "Head", "tr_head", "mean", options=["mean"] + [str(h) for h in range(1, heads + 1)])
    a = att[kind][layer][0]
    a = a.mean(0) if head == "mean" else a[int(head) - 1]
    if kind == "cross":
        values, xs, ys, xt, yt = a[:n_t, :n_src], src_words, out_words[:n_t], "source token", "predicted token"
    elif kind == "encoder":
        values, xs, ys, xt, yt = a[:n_src, :n_src], src_words, src_words, "attended source token", "source token"
    else:
        values, xs, ys, xt, yt = a[:n_t, :n_t], in_words[:n_t], in_words[:n_t], "attended target input", "target input"
    big = classroom()  # larger cells keep every label readable at the classroom font size
    chart = heatmap(values, xs, ys, xt, yt, scheme="blues" if big else "viridis", size=48 if big else 34)
    show(chart)
    st.caption("Each row sums to 1: how much that position reads from each column. Masked self-attention is "
               "lower-triangular, because a word may not look at the words after it.")
    return chart


def positional(model, model_key: tuple) -> None:
    """The positional-encoding matrix (position × dimension) added to the token embeddings (§27.9); its chart
    built once per server for the model (`model_key`, as for the cached translations)."""
    p = model.positional_matrix("src", length=48)  # sinusoids extend to any length; learned ones stop at L

    def build() -> alt.Chart:
        frame = pd.DataFrame([{"position": i, "dimension": j, "value": float(p[i, j])}
                              for i in range(p.shape[0]) for j in range(p.shape[1])])
        return alt.Chart(frame).mark_rect().encode(
            x=alt.X("dimension:O", axis=alt.Axis(labels=False, ticks=False)),
            y=alt.Y("position:O", axis=alt.Axis(values=list(range(0, p.shape[0], 8)))),
            color=alt.Color("value:Q", scale=alt.Scale(scheme="redblue", domainMid=0)),
            tooltip=["position", "dimension", alt.Tooltip("value:Q", format=".3f")]).properties(height=260)

    show_cached(("tr-positional", model_key), build)
    kind = model.cfg.positional
    st.caption(f"{kind.capitalize()} positional encoding, {p.shape[0]} positions × {p.shape[1]} dimensions "
               f"(this model reads {model.cfg.src_len} source positions)"
               + (": sin on even dimensions, cos on odd ones, wavelengths growing geometrically along d."
                  if kind == "sinusoidal" else ": one learned vector per position."))


def neighbours(model, decoder) -> None:
    """Nearest words in the target embedding space (cosine similarity)."""
    from anndl.nets.transformer import nearest_words

    words = decoder.tgt_vocab.words
    choices = words[4:]
    word = bound(st.selectbox, "Italian word", "tr_word", "mela" if "mela" in choices else choices[0],
                 options=choices)
    near = nearest_words(model.token_embeddings("tgt"), words, word, k=8)
    st.dataframe(pd.DataFrame(near, columns=["word", "cosine similarity"]), hide_index=True)


SANDBOX_KEYS = pd.DataFrame({"key": ["k1", "k2", "k3", "k4"], "x": [1.0, 0.0, -1.0, 2.0], "y": [0.0, 1.0, 0.5, 2.0]})


def _keys() -> pd.DataFrame:
    """The sandbox's keys: the student's edits (a widget's state, kept while the tab is closed) or the defaults."""
    return SANDBOX_KEYS if classroom() else st.data_editor(SANDBOX_KEYS, key="tr_keys", hide_index=True,
                                                           disabled=["key"])


def sandbox(show: bool = True) -> None:
    """§27.2–§27.3: a query against four keys, and the weights each score function gives them; `show` False (a
    closed tab) draws only the keys' editor, whose edits are not in the URL."""
    from anndl.attention import SCORES, attention_weights

    if not show:
        _keys()
        return
    c1, c2 = st.columns([1, 2])
    with c1:
        qx = bound(st.slider, "query x", "tr_qx", 1.0, min_value=-3.0, max_value=3.0, step=0.1)
        qy = bound(st.slider, "query y", "tr_qy", 0.5, min_value=-3.0, max_value=3.0, step=0.1)
        keys = _keys()
    k = keys[["x", "y"]].to_numpy("float64")
    if not np.isfinite(k).all():
        st.error("Every key needs a number in both x and y.")
        return

    def build() -> alt.Chart:
        rows = [{"score": s, "key": name, "weight": float(w)} for s in SCORES
                for name, w in zip(keys["key"], attention_weights(np.array([qx, qy]), k, s, seed=0))]
        return alt.Chart(pd.DataFrame(rows)).mark_bar().encode(
            x=alt.X("key:N", title=None), y=alt.Y("weight:Q", scale=alt.Scale(domain=[0, 1])), color="key:N",
            column=alt.Column("score:N", title=None, sort=list(SCORES)), tooltip=["score", "key", "weight"]
        ).properties(width=120, height=180)

    inputs = ("tr-sandbox", qx, qy, tuple(map(str, keys["key"])), tuple(k.ravel().tolist()))  # the chart's inputs
    with c2:
        show_cached(inputs, build)
        st.caption("dot: qᵀk · scaled dot: qᵀk/√d (the Transformer's) · bilinear: qᵀWk · MLP: vᵀtanh(W₁q+W₂k) "
                   "(Bahdanau). W, W₁, W₂, v are fixed random matrices here; in a network they are learned.")
    png_download(chart_png(cached_chart(inputs, build), (*inputs, "png")), "attention_sandbox.png", "tr_sandbox_png")
