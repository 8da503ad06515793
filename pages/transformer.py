"""Transformer translator page (course §25–§28): translate, look inside the attention, train your own."""

import os

import streamlit as st

from anndl.topics.transformer.code import keras_code
from app.ui.classroom import header, stage_tabs
from app.ui.code import keras_code as code_expander
from app.ui.downloads import chart_png, model_download, png_download
from app.ui.models import file_key
from app.ui.state import classroom
from app.ui.transformer import train as tt
from app.ui.transformer import translate as ui

header("Transformer translator",
       "A Transformer translates English into Italian with **attention** instead of recurrence: the encoder lets every "
       "word look at every other word, the decoder writes the translation one word at a time, looking back at what it "
       "wrote (masked self-attention) and across at the English sentence (cross-attention). Positions enter only "
       "through the **positional encoding** added to each word vector.",
       "Course §25 sequence-to-sequence models · §26 attention and beam search · §27 self-attention, positional "
       "encoding · §28 the Transformer")

try:
    model, decoder, info, shipped_key = ui.shipped()
    model_key = shipped_key  # (path, mtime) of the model the cached translations and attention maps belong to
except FileNotFoundError as err:
    st.error(f"The shipped translator is missing ({err}).")
    st.stop()

tabs = stage_tabs(["Translate", "Look inside", "Attention sandbox", "Train", "Your data"], stage="Translate")
with tabs[4]:  # a closed tab keeps its widgets (the upload, the toggles, the keys) and draws no outputs
    pairs = tt.upload_section(show=tabs[4].open)
    if tabs[4].open:
        st.divider()
        tt.corpus_preview(info)
with tabs[3]:
    params = tt.knobs()
    job = tt.train_section(params, pairs, show=tabs[3].open)
    if job is not None and os.path.exists(job.result["model_path"]) and st.toggle(
            "Translate with the model I trained", key="tr_use_mine", value=True):
        model_key = file_key(job.result["model_path"])
        model, decoder = ui.trained(*model_key, job.result)

with tabs[0]:  # closed: the sentence and the beam width only (the Look inside tab reads the sentence)
    sentence = ui.translate_tab(decoder, model_key, tabs[0].open, ui.model_caption(info, model_key != shipped_key))

if tabs[1].open:
    with tabs[1]:
        st.markdown("**Attention weights** of the greedy translation of your sentence, per layer and head.")
        chart = ui.attention_maps(decoder, sentence, model_key)
        png_download(chart_png(chart), "attention.png", "tr_att_png", label="Heatmap (PNG)")
        left, right = st.columns(2)
        with left:
            st.markdown("**Positional encoding** (§27.9)")
            ui.positional(model, model_key)
        with right:
            st.markdown("**Nearest words** in the embedding space")
            ui.neighbours(model, decoder)

with tabs[2]:
    if tabs[2].open:
        st.markdown("**Attention from scratch** (§27.2–§27.3): a query vector scores each key, a softmax turns the "
                    "scores into weights. Move the query and edit the keys.")
    ui.sandbox(show=tabs[2].open)

st.divider()
if not classroom():
    from anndl import zoo

    model_download(zoo.path("transformer_en_it"), "transformer_en_it.keras", "tr_shipped_dl")
code_expander(keras_code(params), "transformer_translator.py")
