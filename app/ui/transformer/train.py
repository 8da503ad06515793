"""Training and data parts of the Transformer translator page: knobs, job, results, TSV upload, corpus preview."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from anndl.recipe import device_defaults
from anndl.scratch import content_key
from anndl.topics import job as job_target
from anndl.topics.transformer.job import BUDGET, n_train_pairs
from app.ui.downloads import csv_download, model_download
from app.ui.owndata import advice, recipe_toggle
from app.ui.state import bound, classroom, seed
from app.ui.training import kept_result, training_panel

PAGE_DEFAULTS = device_defaults("transformer", {"embed_dim": 64})  # a wider translator on a GPU (anndl.recipe)

TARGET = job_target("transformer")


def knobs() -> dict:
    """The lecture's knobs (§28.3–§28.4), bound to the URL; classroom mode keeps only the main ones."""
    c1, c2, c3 = st.columns(3)
    p = {"seed": seed()}
    p["epochs"] = bound(c1.slider, "Epochs", "tr_epochs", 3, min_value=1, max_value=20)
    p["n"] = bound(c1.select_slider, "Generated pairs", "tr_n", 12_000, options=[2_000, 6_000, 12_000, 24_000])
    p["positional"] = bound(c2.radio, "Positional encoding", "tr_pos", "sinusoidal", options=["sinusoidal", "learned"],
                            horizontal=True)
    p["embed_dim"] = bound(c2.select_slider, "Embedding size d", "tr_d", PAGE_DEFAULTS["embed_dim"],
                           options=[32, 64, 128, 256])
    if classroom():
        return {**p, "ff_dim": 2 * p["embed_dim"], "heads": 4, "enc_layers": 2, "dec_layers": 2, "dropout": 0.1,
                "lr": 1e-3, "batch_size": 64}
    p["heads"] = bound(c3.select_slider, "Heads", "tr_heads", 4, options=[1, 2, 4, 8])
    p["ff_dim"] = bound(c3.select_slider, "Feed-forward size", "tr_ff", 128, options=[64, 128, 256, 512])
    p["enc_layers"] = bound(c1.slider, "Encoder blocks", "tr_enc", 2, min_value=1, max_value=4)
    p["dec_layers"] = bound(c2.slider, "Decoder blocks", "tr_dec", 2, min_value=1, max_value=4)
    p["dropout"] = bound(c3.select_slider, "Dropout", "tr_drop", 0.1, options=[0.0, 0.1, 0.2, 0.3])
    p["lr"] = bound(c3.select_slider, "Learning rate", "tr_lr", 0.001, options=[0.0003, 0.001, 0.003])
    p["batch_size"] = bound(c1.select_slider, "Batch size", "tr_bs", 64, options=[32, 64, 128])
    return p


def train_section(params: dict, pairs: list | None, show: bool = True):
    """Train as a job on the grammar corpus or on the uploaded pairs; returns the finished job (or None). `show`
    False (a closed tab): only the toggle, the last finished job is returned and its panel waits for the tab."""
    if params["embed_dim"] % params["heads"]:
        if show:
            st.error(f"The embedding size ({params['embed_dim']}) must be a multiple of the number of heads "
                     f"({params['heads']}): each head gets d / heads dimensions.")
        return None
    use_upload = pairs is not None and st.toggle(f"Train on your {len(pairs):,} uploaded pairs", key="tr_use_upload")
    if not show:
        job = kept_result("tr")
        return job if job is not None and job.result else None
    recipe = recipe_toggle("tr", n_train_pairs(len(pairs)), BUDGET) if use_upload else None
    job_params = {**params, "pairs": pairs if use_upload else None, "recipe": recipe is not None}
    st.caption("Loss and accuracy ignore padding; 5% of the training pairs are held out as validation. "
               + ("Your pairs get a random 10% test split." if use_upload else
                  "Test pairs (random and systematic) are never trained on."))
    job = training_panel("tr", TARGET, job_params)
    if job is None or not job.result:
        return None
    res = job.result
    st.markdown(f"**Trained on** {res['source']} · {res['summary']['epochs_run']} epochs in "
                f"{res['summary']['train_s']:.0f} s")
    rows = [{"evaluated on": k, **{m: round(v, 4) if isinstance(v, float) else v for m, v in d.items()}}
            for k, d in res["metrics"].items()]
    frame = pd.DataFrame(rows)
    st.dataframe(frame, hide_index=True)
    advice(res)
    c1, c2 = st.columns(2)
    with c1:
        model_download(res["model_path"], "transformer_translator.keras", "tr_model_dl")
    with c2:
        csv_download(frame, "translator_metrics.csv", "tr_metrics_dl")
    return job


@st.cache_resource(show_spinner="Reading your pairs…", max_entries=8, ttl=3600)
def read_pairs(digest: str, max_mb: int, _data: bytes) -> tuple[list | None, str | None]:
    """(pairs, None) or (None, the sentence saying why not) of one upload, parsed once per content (`digest`: its
    `anndl.scratch.content_key`), not on every rerun."""
    from anndl.data.translation import TsvLimits, read_tsv_pairs
    from anndl.data.uploads import UploadError

    try:
        return read_tsv_pairs(_data, TsvLimits(max_bytes=max_mb * 1024 * 1024)), None
    except UploadError as err:
        return None, str(err)


def upload_section(max_mb: int = 5, show: bool = True):
    """The Anki/Tatoeba TSV uploader; returns the pairs or None (one clear sentence on a bad file). `show` False (a
    closed tab): the uploader only, no sentence or preview."""
    file = st.file_uploader("Sentence pairs (TSV: English<TAB>Italian per line, e.g. ita.txt from manythings.org)",
                            type=["tsv", "txt"], key="tr_upload")
    if file is None:
        return None
    data = file.getvalue()
    pairs, error = read_pairs(content_key(data), max_mb, data)
    if error is not None:
        if show:
            st.error(error, icon=":material/error:")
        return None
    if not show:
        return pairs
    st.success(f"{len(pairs):,} sentence pairs read. Switch 'Train on your uploaded pairs' on in the Train tab.")
    st.dataframe(pd.DataFrame(pairs[:8], columns=["English", "Italian"]), hide_index=True)
    return pairs


@st.cache_data(max_entries=4, show_spinner=False)
def corpus_summary(n: int, seed: int) -> dict:
    """The generated corpus' source, split sizes and ten training pairs (generating it takes seconds)."""
    from anndl.data.translation import grammar_corpus

    corpus = grammar_corpus(n, seed)
    sample = [corpus.pairs[i] for i in corpus.train[:: max(1, len(corpus.train) // 10)][:10]]
    return {"source": corpus.source, "train": len(corpus.train), "test_random": len(corpus.test_random),
            "test_systematic": len(corpus.test_systematic), "sample": sample}


def corpus_preview(info: dict) -> None:
    """The generated corpus: a sample, the held-out combinations, vocabulary sizes and lengths."""
    from anndl.data.translation import HELD_OUT_ADJ_NOUN, HELD_OUT_SUBJ_VERB

    c = corpus_summary(int(info.get("params", {}).get("n", 24_000)), int(info.get("seed", 0)))
    st.markdown(f"**{c['source']}**: {c['train']:,} training pairs, {c['test_random']:,} random "
                f"test pairs, {c['test_systematic']:,} systematic test pairs. Italian agreement of article, "
                "noun and adjective; present and past (passato prossimo); negation.")
    st.dataframe(pd.DataFrame(c["sample"], columns=["English", "Italian"]), hide_index=True)
    st.markdown("**Never seen together in training** (the systematic split): "
                + ", ".join(f"*{a} {n}*" for a, n in HELD_OUT_ADJ_NOUN) + "; "
                + ", ".join(f"*{s} + {v}*" for s, v in HELD_OUT_SUBJ_VERB) + ".")
    st.caption(f"Vocabularies: {len(info['src_words'])} English and {len(info['tgt_words'])} Italian tokens "
               f"(including [pad], [unk], [start], [end]); sequence length {info['src_len']} (source), "
               f"{info['tgt_len']} (target).")
