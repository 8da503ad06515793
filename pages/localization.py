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
    job = training_panel("loc", job_target("localization"), params)
    result = job.result if job is not None and job.result else None
    if result is not None:
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
else:
    ev = ui.evaluate(shown.path, shown.mtime, params["objects"], seed(), threshold)
    with tab_boxes:
        boxes.two_heads(ev, test, "loc_boxes")
        model_download(shown.path, "localization.keras", "loc_model_dl")
    with tab_cam:
        boxes.cam_route(shown, params["objects"], ev, test, threshold, "loc_cam")

with tab_explain:
    choices = inspect.model_choices(shown)
    if not choices:
        st.info("No image model is available yet: train one here or in the CNN trainer.", icon=":material/info:")
    else:
        label = st.selectbox("Model to explain", list(choices), key="loc_x_model")
        path, topic, mtime, names = choices[label]
        model = inspect.load_model(path, topic, mtime)
        layers = inspect.spatial_layers(model)
        layer = st.selectbox("Layer (Grad-CAM)", layers, index=layers.index(inspect.explain.last_conv_layer(model)),
                             key="loc_x_layer", help="By default the last layer with spatial maps.")
        picked, true_box, source = inspect.pick_image(test, "loc_x")
        if picked is not None:
            image = inspect.as_input(picked, model.input_shape[1:])
            ex = inspect.explainer(path, topic, mtime, layer)
            probs = inspect.checks.class_probabilities(ex, image[None])[0]
            c = st.selectbox("Class to explain", range(len(names)), index=int(probs.argmax()), key="loc_x_class",
                             format_func=lambda i: f"{names[i]} (p = {probs[i]:.2f})")
            k = st.columns(2)
            masks = bound(k[0].select_slider, "RISE masks (0 = off)", "loc_rise", 0, options=[0, 100, 300, 1000, 2000])
            aug = bound(k[1].toggle, "Augmented super-resolution CAM", "loc_aug", False,
                        help="§12.7: maps of the image shifted by less than the maps' stride, combined at full size.")
            maps = inspect.model_heatmaps(path, topic, mtime, layer, image, c, masks, aug)
            rows = inspect.compare(maps, image, true_box, threshold, test.images.shape[1])
            st.caption(f"Input: {source}, as the model sees it ({image.shape[0]}×{image.shape[1]}); boxes at "
                       f"{threshold:.0%} of each map's maximum (the threshold of the CAM tab).")
            inspect.show_maps(image, rows, true_box, test.images.shape[1], "loc_maps")
            st.subheader("Sanity check: do the maps depend on the weights?")
            inspect.sanity_check(path, topic, mtime, layer, image, c, rows, masks, aug, "loc_sanity")
            inspect.max_input(ex, c, names[c], "loc_maxin")

code_expander(keras_code(params), "localization.py")
