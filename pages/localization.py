"""Localization & CAM (course §11–§13)."""

import streamlit as st

from anndl.topics import job as job_target
from anndl.topics.localization.code import keras_code
from app.ui.charts import history_curves
from app.ui.classroom import header, stage_tabs
from app.ui.code import keras_code as code_expander
from app.ui.downloads import model_download
from app.ui.localization import boxes, inspect
from app.ui.localization import controls as ui
from app.ui.state import bound, seed
from app.ui.training import failure, training_panel

header("Localization & CAM",
       "Localization adds a second head to a classifier: besides the class, it regresses the four numbers of "
       "the object's box, trained on α·cross-entropy + (1 − α)·box loss. Without any box label, the class "
       "activation map of a GAP network still shows where the object is, and Grad-CAM and saliency explain any "
       "network's answer. _Course §11 (localization), §12.3–§12.8 (saliency, CAM, Grad-CAM, RISE), §13 "
       "(IoU and its ranks)._")

params = ui.knobs(seed())
tab_boxes, tab_cam, tab_explain, tab_train = stage_tabs(["Two heads: class + box", "CAM: boxes without box labels",
                                                       "Explain an image", "Train"], stage="Two heads: class + box")
with tab_train:
    job = training_panel("loc", job_target("localization"), params, shown=tab_train.open)
    result = job.result if job is not None and job.result else None
    if result is not None and tab_train.open:
        history_curves(result["history"])
        st.caption(f"Trained {result['train_s']:.1f} s, {result['epochs_run']} epochs on {result['source']}; "
                   f"test mean IoU {result['mean_iou']:.3f}, accuracy {result['accuracy']:.3f}.")
    failure(job)

shown = ui.shown(params, job)
if shown is not None and shown.trained:
    st.sidebar.success(f"Showing **your trained network** ({shown.info['epochs_run']} epochs, α = "
                       f"{shown.info['params']['alpha']}).")
elif shown is not None:
    st.sidebar.info(f"Showing the **shipped model** models/loc_shapes.keras (test mean IoU "
                    f"{shown.info['metrics']['mean_iou']:.3f}). Train to replace it.")
test = ui.test_set(params["objects"], seed())
st.caption(f"Test set: {len(test.images)} canvases {test.images.shape[1]}×{test.images.shape[2]} with one object "
           f"each, objects unseen in training — {test.source}.")

with tab_cam:
    threshold = bound(st.slider, "Heatmap threshold (fraction of its maximum)", "loc_th", ui.topic.CAM_THRESHOLD,
                      min_value=0.05, max_value=0.6, step=0.05,
                      help="The CAM paper keeps the region above 20–30 % of the peak; 30 % scored best here.")
if shown is None:
    for tab in (tab_boxes, tab_cam):
        tab.info("No network for these objects yet: press **Train** in the Train tab.", icon=":material/info:")
elif tab_boxes.open or tab_cam.open:  # a closed tab draws nothing (its pickers keep their values)
    ev = ui.evaluate(shown.path, shown.mtime, params["objects"], seed(), threshold)
    if tab_boxes.open:
        with tab_boxes:
            boxes.two_heads(ev, test, "loc_boxes")
            model_download(shown.path, "localization.keras", "loc_model_dl")
    else:
        with tab_cam:
            boxes.cam_route(shown, params["objects"], ev, test, threshold, "loc_cam")

with tab_explain:
    if tab_explain.open:
        inspect.explain_view(shown, test, threshold)
    elif st.session_state.get("loc_x_src") == "Your image":
        inspect.uploader("loc_x")  # an uploaded image stays while the tab is closed

code_expander(keras_code(params), "localization.py")
