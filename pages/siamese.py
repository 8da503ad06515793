"""Siamese retrieval: metric learning with the contrastive and triplet losses (course §18)."""

import numpy as np
import streamlit as st

from anndl import zoo
from anndl.topics import job as job_target
from anndl.topics.siamese import retrieval as rt
from anndl.topics.siamese.code import keras_code
from anndl.topics.siamese.job import NAMES, TEMPLATES, UNSEEN
from app.ui.charts import show
from app.ui.classroom import header, stage_tabs
from app.ui.code import keras_code as code_expander
from app.ui.downloads import model_download
from app.ui.siamese import controls as ui
from app.ui.siamese import explore
from app.ui.state import bound, classroom, seed
from app.ui.training import failure, training_panel

header("Siamese retrieval",
       "A Siamese network passes two (or three) images through the **same** encoder f_w and compares the "
       "embeddings: trained with the contrastive or the triplet loss, images of one class land close together, "
       "so new classes can be recognised from a few templates without retraining. _Course §18.3 (Siamese "
       "networks, contrastive and triplet losses with margin m, identification with a threshold γ)._")

d = ui.data(seed())
st.caption(f"MNIST digits 0–7 train the encoder ({len(d.x_train):,} train / {len(d.x_val):,} validation / "
           f"{len(d.x_test):,} test); 8 and 9 are held out for enrolment — {d.source}.")
loss = ui.choose_loss()
tab_map, tab_ret, tab_id, tab_cmp, tab_train = stage_tabs(
    ["Embedding map", "Retrieval", "Identification (§18.3)", "Contrastive vs triplet", "Train"], stage="Embedding map")

with tab_train:
    params = {"loss": loss, "seed": seed(), **ui.training_knobs(loss)}
    st.session_state["sia__live_labels"] = d.map_images()[1]
    job = training_panel("sia", job_target("siamese"), params, live=ui.live_view if tab_train.open else None,
                     shown=tab_train.open)
    if tab_train.open and job is not None and job.result and "history" in job.result:
        ui.final_curves(job.result)
    failure(job)
    sampling_box = st.expander("How pairs and triplets are sampled (on real digits, with the model shown)")

shown = ui.shown(loss, job)
if shown is None:
    st.error("The shipped encoders are missing: run `python -m anndl.zoo build siamese_triplet siamese_contrastive "
             "siamese_softmax`, or press Train.", icon=":material/error:")
    st.stop()
m = shown.info if shown.trained else shown.info["metrics"]
where = "your trained encoder" if shown.trained else f"the shipped encoder {shown.path.rsplit('/', 1)[-1]}"
st.sidebar.info(f"Showing **{where}** ({ui.LOSSES[loss]}): recall@1 {m['recall1']:.3f}, mAP {m['map']:.3f}.")
k = 5 if classroom() else bound(st.sidebar.slider, "Neighbours k", "sia_k", 5, min_value=1, max_value=10)

# a closed tab keeps its knobs and uploaders (what a student set stays) and draws its images and charts only when open
with sampling_box:
    if tab_train.open:
        explore.sampling(shown.path, shown.mtime, seed(), params.get("mining", "semi-hard"),
                         float(params.get("margin") or 1.0))

with tab_map:
    if tab_map.open:
        explore.embedding_map(shown.path, shown.mtime, seed(), k)
    with st.expander("Replay: the embedding after each epoch", expanded=False):
        explore.replay(shown.info.get("replay", []), seed(), tab_map.open)

with tab_ret:
    if tab_ret.open:
        c = st.columns(3)
        c[0].metric("recall@1", f"{m['recall1']:.3f}")
        c[1].metric("recall@5", f"{m['recall5']:.3f}")
        c[2].metric("retrieval mAP", f"{m['map']:.3f}")
    explore.retrieval_query(shown.path, shown.mtime, seed(), k, tab_ret.open)

with tab_id:
    nt = d.n_templates
    name, ups = "mine", []
    if not classroom():
        c = st.columns([1, 3])
        name = c[0].text_input("New class name", "mine", key="sia_name", max_chars=20).strip() or "mine"
        with c[1]:
            ups = st.file_uploader("Enrol it from a few images (templates)", type=["png", "jpg", "jpeg"],
                                   accept_multiple_files=True, key="sia_enrol")
    gallery_box = st.container()  # the enrolment's sentences and the gallery, under the uploader
    gamma = bound(st.slider, "Threshold γ (reject above)", "sia_gamma", round(float(m["gamma"]), 2), min_value=0.0,
                  max_value=round(float(max(m["far_frr"]["gamma"])), 2), step=0.01)
    q = bound(st.slider, "Query: held-out digit number", "sia_idq", 0, min_value=0, max_value=len(d.x_new) - nt - 1)
    qfile = None if classroom() else st.file_uploader("…or query with your image", type=["png", "jpg", "jpeg"],
                                                      accept_multiple_files=True, key="sia_idimg")
if tab_id.open:
    e = ui.embeddings(shown.path, shown.mtime, seed())
    gallery = rt.gallery_from(e["new"][:nt], d.y_new[:nt], NAMES, TEMPLATES, seed())
    images = {NAMES[c]: d.x_new[:nt][d.y_new[:nt] == c] for c in UNSEEN}
    with gallery_box:
        t_imgs, bad = ui.read_digits(ups or [])
        for sentence in bad:
            st.error(sentence, icon=":material/error:")
        if len(t_imgs):
            gallery = gallery.enrol(name, ui.embed_one(shown.path, shown.mtime, t_imgs))
            images[name] = t_imgs
        st.markdown(f"**Gallery** (enrolled without retraining: digits 8 and 9 from {TEMPLATES} templates each"
                    f"{', and yours' if len(gallery.names) > 2 else ''}):")
        explore.templates(gallery, images)
    with tab_id:
        q_own, bad = ui.read_digits(qfile[-1:] if qfile else [])
        for sentence in bad:
            st.error(sentence, icon=":material/error:")
        query = q_own[0] if len(q_own) else d.x_new[nt + q]
        explore.identification(gallery, ui.embed_one(shown.path, shown.mtime, query), query, gamma)
        far, frr = rt.far_frr(*rt.attempts(rt.Gallery(gallery.names[:2], gallery.templates[:2]), e["new"][nt:],
                                           [NAMES[c] for c in d.y_new[nt:]], e["test"]), np.array([gamma]))
        c = st.columns(2)
        with c[0]:
            show(explore.far_frr_chart(m, gamma))
        with c[1]:
            show(explore.roc_chart(m, (float(far[0]), 1 - float(frr[0]))))
        st.caption(f"Genuine attempts: the other held-out 8s and 9s; impostors: the test digits 0–7 (not enrolled). "
                   f"At γ = {gamma:.2f}: FAR {far[0]:.3f}, FRR {frr[0]:.3f}. The default γ is the equal-error point "
                   "on the validation digits (0–3 enrolled, 4–7 impostors), chosen before 8–9 were seen.")

with tab_cmp:
    if tab_cmp.open:
        explore.compare({ui.LOSSES[k_]: a for k_, a in ui.SHIPPED.items() if zoo.exists(a)})

model_download(shown.path, f"siamese_{loss}.keras", "sia_model_dl")
code_expander(keras_code(params), "siamese.py")
