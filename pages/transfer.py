"""Transfer learning and fine-tuning (course §7.2, §8, §9.13–§9.14)."""

import streamlit as st

from anndl.data.images import image_from_bytes
from anndl.data.uploads import UploadError
from anndl.topics import job as job_target
from anndl.topics.transfer.code import keras_code
from anndl.topics.transfer.job import PER_CLASS
from app.ui.classroom import header, stage, stage_tabs
from app.ui.code import keras_code as code_expander
from app.ui.downloads import csv_download, model_download
from app.ui.owndata import advice
from app.ui.state import bound, classroom, seed
from app.ui.training import failure, training_panel
from app.ui.transfer import controls as ui
from app.ui.transfer import views

header("Transfer learning and fine-tuning",
       "A network trained on a large data set has learned features — edges, strokes, textures — that other "
       "tasks need too. Transfer learning keeps that backbone frozen and trains only a new softmax head on the "
       "new classes; fine-tuning then unfreezes the top convolutions with a smaller step. With few images per "
       "class this beats training from scratch. _Course §7.2 (few data), §8 (famous CNNs), §9.13 (transfer "
       "learning), §9.14 (fine-tuning)._")

params, n_data = ui.choose_task(seed())
params["backbone"] = ui.backbone_knob(params["task"])
tab_train, tab_cmp, tab_probe, tab_photo, tab_gallery = stage_tabs(
    ["Transfer & fine-tune", "Scratch vs transfer", "Linear probe per layer", "Your image (top-3)",
     "Famous CNNs (§8)"], stage="Scratch vs transfer")

with tab_train:
    params.update(ui.knobs(params["task"] == "upload"))  # a closed tab keeps its knobs; the results wait until it opens
    if n_data is not None and tab_train.open:
        ui.schedule_caption(params, n_data)
    job = training_panel("tl", job_target("transfer"), params, live=views.live_phase, disabled=n_data is None,
                       shown=tab_train.open)
    failure(job)
    if tab_train.open and job is not None:
        advice(job.result)  # an upload's training vs test accuracy, read (issue 12)

shown = ui.shown(params, job)
metrics = (shown.info if shown.trained else shown.info["metrics"]) if shown is not None else None
if shown is not None and shown.trained:
    st.sidebar.success(f"Showing **your fine-tuned model** ({job.status}, {metrics['epochs_run']} epochs, "
                       f"{metrics['n_train']} training images).")
elif shown is not None:
    st.sidebar.info(f"Showing the **shipped default run** models/{ui.SHIPPED[params['task']]}.keras (test accuracy "
                    f"{metrics['test_accuracy']:.3f}). Train to replace it.")

if tab_train.open:
    with tab_train:
        if metrics is None:
            st.info("No model for this task yet: press **Train** (about half a minute on a CPU).",
                    icon=":material/info:")
        else:
            st.caption(f"{metrics['backbone_why']} {metrics['n_train']} training images; "
                       f"{metrics.get('train_s', 0):.1f} s of training.")
            views.phases_chart(metrics, (shown.path, shown.mtime))
            views.phases_table(metrics)
            tta = bound(st.toggle, "Test-time augmentation", "tl_tta", False,
                        help="Average the predictions over the image shifted by one pixel in each direction.")
            frame = views.evaluation(metrics, tta, (shown.path, shown.mtime))
            cols = st.columns(3)
            with cols[0]:
                model_download(shown.path, "transfer_finetuned.keras", "tl_model_dl")
            with cols[1]:
                csv_download(frame, "transfer_metrics.csv", "tl_metrics_dl")

if tab_cmp.open:  # its knob lives in the URL and its job in its worker: a closed tab draws nothing
    with tab_cmp:
        head = st.container()  # classroom mode: the measured comparison first, its knob and Run below
        st.markdown("The same test set, the same network: trained **from scratch** (random weights, all layers), "
                    "**transfer** (pretrained backbone frozen, new head) and **transfer + fine-tune**, with 5 to "
                    "100 training images per class.")
        upto = bound(st.select_slider, "Up to … images per class", "tl_cmp_max", 100, options=list(PER_CLASS))
        cmp = training_panel("tl_cmp", "anndl.topics.transfer.compare:compare_job",
                             {**params, "per_class_list": [k for k in PER_CLASS if k <= upto]},
                             label="Run the comparison", live=views.compare_live, disabled=n_data is None)
        mine = cmp is not None and cmp.status in ("done", "cancelled") and cmp.result
        rows = cmp.result["rows"] if mine else (shown.info.get("compare_rows") if shown and not shown.trained
                                                 else None)
        if rows:
            with head if classroom() else st.container():
                with stage():
                    views.show(views.compare_chart(rows))
                st.caption("Your run." if mine else "Measured when the shipped model was built; run it to measure "
                           "again.")
        else:
            st.info("Run the comparison (a few minutes on a CPU: 15 trainings).", icon=":material/science:")

if tab_probe.open:
    with tab_probe:
        st.markdown("Beyond the course: a logistic regression on the **frozen** features of each block of the "
                    "backbone (raw pixels first). Where the curve turns down, the features have become specific to "
                    "the old task.")
        probe = training_panel("tl_probe", "anndl.topics.transfer.probe:probe_job", {**params},
                               label="Run the probe", live=views.probe_live, disabled=n_data is None)
        if probe is not None and probe.status == "done" and probe.result:
            views.show(views.probe_chart(probe.result["rows"]))

with tab_photo:  # the uploader stays drawn in a closed tab: an uploaded image must not vanish
    file = st.file_uploader("An image (PNG/JPEG): the model's three most probable classes", type=["png", "jpg", "jpeg"],
                            key="tl_img")
    if file is not None and shown is not None and tab_photo.open:
        try:
            views.top3(shown.model, image_from_bytes(file.getvalue(), (28, 28), 1), metrics["class_names"])
        except UploadError as err:
            st.error(str(err), icon=":material/error:")

if tab_gallery.open:
    with tab_gallery:
        views.gallery_view()

code_expander(keras_code(params), "transfer.py")
