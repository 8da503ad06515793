"""Words-as-vectors page: the text (built-in or uploaded), the knobs, the vectors shown (shipped, trained or the
translator's) and the training section."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import streamlit as st

from anndl.data.text import SOURCES, read_text_upload
from anndl.data.uploads import UploadError
from anndl.nets.embeddings import KINDS
from anndl.topics import job as job_target
from anndl.topics.embeddings import job as topic
from app.ui.models import shown_model
from app.ui.owndata import recipe_toggle
from app.ui.state import bound, classroom, seed
from app.ui.training import failure, training_panel

SHIPPED = {("grammar", "skipgram"): "w2v_grammar", ("grammar", "nlm"): "nlm_grammar",
           ("fortunes", "skipgram"): "w2v_fortunes"}  # (text, kind) -> artifact in models/
TEXTS = {**SOURCES, "upload": "Your text (upload a .txt)"}
TRANSLATOR = ("English (encoder)", "Italian (decoder)")
METRICS = {"test_perplexity": "held-out perplexity", "analogy_acc": "analogies with the right form (top-1)"}


@st.cache_resource(show_spinner="Reading the text…", max_entries=4, ttl=3600)
def text(name: str, seed: int = 0):
    return topic.text_of({"text": name, "seed": seed})


@st.cache_resource(show_spinner="Reading your text…", max_entries=8, ttl=3600)
def _uploaded(digest: str, _data: bytes):
    return read_text_upload(_data)


def choose_text(where) -> tuple:
    """Text selector (in `where`) and uploader: (Text or None, params for the job); a bad file gets one sentence."""
    name = bound(where.selectbox, "Text", "emb_text", "grammar", options=list(TEXTS), format_func=TEXTS.get)
    params = {"text": name, "seed": seed()}
    if name != "upload":
        t = text(name, seed())
        if not classroom():
            st.caption(f"{t.source}: {len(t.train):,} training / {len(t.test):,} held-out sentences.")
        return t, params
    file = st.file_uploader("A plain-text file (UTF-8, at most 2 MB): your own English text", type=["txt"],
                            key="emb_upload")
    if file is None:
        st.info("Upload a .txt file to train word vectors on your own text.", icon=":material/upload_file:")
        return None, params
    data = file.getvalue()
    try:
        sents = _uploaded(hashlib.sha256(data).hexdigest(), data)
    except UploadError as err:
        st.error(str(err), icon=":material/error:")
        return None, params
    t = topic.text_of({"sentences": sents, "seed": seed()})
    st.caption(f"{t.source}: {sum(len(s) for s in sents):,} words.")
    return t, {**params, "sentences": sents}


def knobs(c) -> dict:
    """Model kind, embedding size and window (the lecture's knobs, in three columns `c`), bound to the URL."""
    p = {"kind": bound(c[0].selectbox, "Model", "emb_kind", "skipgram", options=list(KINDS), format_func=KINDS.get),
         "dim": bound(c[1].select_slider, "Embedding size d", "emb_dim", 32, options=[8, 16, 32, 64, 128]),
         "window": bound(c[2].slider, "Window", "emb_window", 2, min_value=1, max_value=5,
                         help="word2vec: context words on each side. Neural LM: how many previous words it reads.")}
    return p


def training_knobs() -> dict:
    out = {k: topic.DEFAULTS[k] for k in ("epochs", "negatives", "lr")}
    if classroom():
        return out
    c = st.columns(3)
    out["epochs"] = bound(c[0].slider, "Epochs", "emb_epochs", 3, min_value=1, max_value=20)
    out["negatives"] = bound(c[1].slider, "Negative samples k", "emb_neg", 4, min_value=1, max_value=15,
                             help="word2vec: sampled 'wrong' context words per true pair (unigram^¾).")
    out["lr"] = bound(c[2].select_slider, "Learning rate", "emb_lr", 3e-3, options=[1e-3, 3e-3, 1e-2])
    return out


def own_recipe(text, params: dict) -> bool:
    """An uploaded text's defaults from its size (issue 12): the toggle, the derived values, the size advice."""
    n = topic.n_examples(text, params["kind"], params["window"], params["seed"])
    return recipe_toggle("emb", n, topic.BUDGETS[params["kind"]]) is not None


def live_view(job) -> None:
    """The newest mini-batch loss (the panel's curves show it per epoch, and these jobs run few epochs)."""
    logs = (job.latest or {}).get("logs", {})
    if "loss" in logs:
        st.caption(f"Mini-batch loss now: **{logs['loss']:.4f}** (epoch {job.latest.get('epoch')}, batch "
                   f"{job.latest.get('batch', '–')}/{job.latest.get('steps') or '?'})")


def train_section(params: dict, ready: bool):
    """The job: returns the finished Job or None."""
    st.caption("Word2vec's loss is binary cross-entropy of the true pair against the sampled negatives; the neural "
               "LM's is cross-entropy of the next word (its exp is the perplexity). 5% of the training sentences "
               "give the validation curve; the held-out sentences are never trained on.")
    job = training_panel("emb", job_target("embeddings"), params, live=live_view, disabled=not ready)
    failure(job)
    return job


@dataclass
class Vectors:
    words: list[str]
    vectors: np.ndarray
    label: str  # where they come from, one line


def shown(params: dict, job) -> Vectors | None:
    """The page's model: trained on this text with this kind and size, else shipped, else None."""
    def same(result: dict) -> bool:
        keys = ("text", "kind", "dim", "window")
        return all(result["params"].get(k) == params.get(k) for k in keys)

    artifact = SHIPPED.get((params["text"], params["kind"])) if params["text"] != "upload" else None
    s = shown_model("embeddings", job, same, artifact)
    if s is None:
        return None
    from anndl.nets.embeddings import word_vectors

    words = s.info["words"]
    if s.trained:
        return Vectors(words, word_vectors(s.model), f"your trained {KINDS[params['kind']]} (d={params['dim']})")
    cfg = s.info["config"]
    return Vectors(words, word_vectors(s.model), f"the shipped {KINDS[cfg['kind']]} {s.path.rsplit('/', 1)[-1]} "
                                                 f"(d={cfg['dim']}, window {cfg['window']})")


@st.cache_resource(show_spinner="Loading the translator's embeddings…", max_entries=1)
def translator():
    from anndl.topics.embeddings.vectors import translator_vectors

    return translator_vectors()


def pick_vectors(own: Vectors | None) -> Vectors | None:
    """Whose vectors the views show: this page's model or the translator's learned token embeddings."""
    options = (["this page's model"] if own is not None else []) + [f"translator: {s}" for s in TRANSLATOR]
    choice = bound(st.radio, "Vectors of", "emb_of", options[0], options=options, horizontal=True,
                   help="The Transformer translator learns its own word vectors while learning to translate "
                        "(models/transformer_en_it.keras).")
    if choice == "this page's model":
        if own is not None and not classroom():
            st.caption(f"Showing {own.label}: {len(own.words) - 4:,} words.")
        return own
    try:
        words, vectors = translator()[choice.removeprefix("translator: ")]
    except FileNotFoundError as err:
        st.error(f"The shipped translator is missing ({err}).", icon=":material/error:")
        return None
    if not classroom():
        st.caption(f"Showing the shipped translator's {choice.removeprefix('translator: ')} token embeddings: "
                   f"{len(words) - 4:,} words (d={vectors.shape[1]}).")
    return Vectors(words, vectors, f"the shipped translator's {choice.removeprefix('translator: ')} token embeddings "
                                   f"(d={vectors.shape[1]})")
