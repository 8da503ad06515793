"""Words as vectors (course §26, §27.4): n-gram and neural language models, word2vec, retrieval chatbots."""

import streamlit as st

from anndl.topics.embeddings.code import keras_code
from app.ui.charts import history_curves
from app.ui.classroom import header, stage_tabs
from app.ui.code import keras_code as code_expander
from app.ui.downloads import model_download
from app.ui.embeddings import controls as ui
from app.ui.embeddings import inside, ngram
from app.ui.owndata import advice
from app.ui.state import classroom
from app.ui.training import kept_result

header("Words as vectors",
       "Before attention, words must become numbers. An **n-gram model** counts which word follows which; the "
       "**neural language model** learns a vector per word so that similar words predict similar next words; "
       "**word2vec** (CBOW, skip-gram with negative sampling) learns the vectors from the words around each word. "
       "Similar words end up close by cosine, and some relations become directions (b − a + c).",
       "Course §26 (n-grams, the neural language model, word2vec: CBOW and skip-gram) · §27.4 (retrieval-based "
       "vs generative chatbots)")

cols = st.columns([3, 3, 2, 2])
text, params = ui.choose_text(cols[0])
params.update(ui.knobs(cols[1:]))
whose = st.container()  # "Vectors of": filled once the Train tab has said which model exists
tab_near, tab_map, tab_ngram, tab_train, tab_chat = stage_tabs(
    ["Nearest words & analogies", "Map (2-D)", "n-gram model", "Train", "Retrieval vs generative (§27.4)"],
    stage="Nearest words & analogies")

with tab_train:
    params.update(ui.training_knobs())
    if text is not None and params["text"] == "upload":
        params["recipe"] = ui.own_recipe(text, params)
    if not tab_train.open:  # the last finished job; one that ends meanwhile shows once the tab is opened
        job = kept_result("emb")
    elif (job := ui.train_section(params, text is not None)) is not None and job.result and job.status == "done":
        res = job.result
        figures = ", ".join(f"{ui.METRICS[k]} {v:.3f}" for k, v in res["metrics"].items())
        st.success(f"Trained on {res['source']}: {res['summary']['epochs_run']} epochs in "
                   f"{res['summary']['train_s']:.0f} s; {figures}.")
        advice(res)
        history_curves(res["summary"]["history"])
        model_download(res["model_path"], f"{res['params']['kind']}.keras", "emb_model_dl")

own = ui.shown(params, job) if text is not None else None
if own is None and text is not None:
    whose.info("No model for this text and kind yet: press **Train** (shipped: skip-gram and the neural LM on the "
            "grammar text, skip-gram on the fortunes). The translator's vectors are shown meanwhile.",
            icon=":material/info:")
with whose:
    vec = ui.pick_vectors(own)

# a closed tab draws nothing: all its knobs live in the URL
if tab_near.open and vec is not None:
    with tab_near:
        inside.nearest(vec)
        st.subheader("Vector regularities: b − a + c")
        inside.analogies(vec)
if tab_map.open and vec is not None:
    with tab_map:
        inside.word_map(vec, text if own is not None and vec is own else None)
if tab_ngram.open and text is not None:
    with tab_ngram:
        ngram.panel(text)
if tab_chat.open and vec is not None:
    with tab_chat:
        inside.retrieval(vec, text)

if not classroom():
    code_expander(keras_code(params), f"{params['kind']}.py")
