"""U-Net semantic segmentation (course §10, §17)."""

import numpy as np
import streamlit as st

from anndl.data.images import image_from_bytes
from anndl.data.uploads import UploadError
from anndl.predict import predict_one
from anndl.topics import job as job_target
from anndl.topics.unet import job as topic
from anndl.topics.unet.code import keras_code
from app.ui.charts import confusion_chart, history_curves, show_cached
from app.ui.classroom import header, stage, stage_tabs
from app.ui.code import keras_code as code_expander
from app.ui.downloads import csv_download, image_png, model_download, png_download
from app.ui.owndata import advice, recipe_toggle
from app.ui.state import classroom, seed
from app.ui.training import failure, training_panel
from app.ui.unet import controls as ui
from app.ui.unet import lesson
from app.ui.unet import views as v

header("U-Net segmentation",
       "Semantic segmentation gives **every pixel a class**. A fully convolutional network shrinks the image "
       "to see whole objects, then upsamples back to the input's size; the U-Net adds **skip connections** "
       "that hand the encoder's fine maps to the decoder, so the borders come back sharp. Trained with a "
       "pixel-wise cross-entropy, scored with the IoU of each class. "
       "_Course §10 (FCN, upsampling, transposed convolution), §17 (U-Net, mean IoU), §16 as context._")

data, params = ui.choose_data(seed())
shape = data.x_train.shape[1:] if data is not None else (48, 48, 1)
n_classes = data.n_classes if data is not None else 2
tab_arch, tab_train, tab_seg, tab_up = stage_tabs(
    ["Architecture", "Train", "Segment", "Upsampling (§10.5)"], stage="Segment")

with tab_arch:
    net = ui.architecture()
    ok = ui.architecture_view(net, shape, n_classes, draw=tab_arch.open)

with tab_train:
    params.update(net, **ui.training_knobs())
    if params["dataset"] == "upload" and data is not None:  # defaults from the upload's size (issue 12)
        params["recipe"] = recipe_toggle("unet", len(data.x_train), topic.BUDGET) is not None
    job = training_panel("unet", job_target("unet"), params, disabled=not ok or data is None,
                         live=v.live(data) if data is not None and tab_train.open else None, shown=tab_train.open)
    result = job.result if tab_train.open and job is not None and job.result else None
    if result is not None:
        history_curves(result["history"])  # loss, pixel accuracy, validation mean IoU
        st.caption(f"Trained {result['train_s']:.1f} s, {result['epochs_run']} epochs, {result['n_params']:,} "
                   f"parameters; test mean IoU {result['mean_iou']:.3f}."
                   + (f" Class weights: {result['class_weights']}." if result.get("class_weights") else ""))
        advice(result)
    failure(job)

shown = ui.shown(params, job, data)
model = shown.model if shown is not None and tuple(shown.model.input_shape[1:]) == tuple(shape) else None
if shown is not None and shown.trained:
    st.sidebar.success(f"Showing **your trained network** ({job.status}, {shown.info['epochs_run']} epochs).")
elif model is not None:
    st.sidebar.info(f"Showing the **shipped model** models/{ui.SHIPPED[params['dataset']]}.keras (test mean IoU "
                    f"{shown.info['metrics']['mean_iou']:.3f}). Train to replace it.")

with tab_seg:  # a closed tab keeps its uploader (the student's image stays) and draws its masks only when open
    if model is None and tab_seg.open:
        st.info("No trained network for these images yet: press **Train** (the shipped one is for the shapes).",
                icon=":material/info:")
    elif model is not None:
        if tab_seg.open:
            names, mkey = data.class_names, (shown.path, shown.mtime)  # mkey: what the cached views are keyed on
            info = shown.info if shown.trained else shown.info["metrics"]
            n = 3 if classroom() else 6
            with stage():
                v.legend(names)
                figure = v.triplets(data.x_test[:n], data.y_test[:n], v.predict(model, data.x_test[:n], mkey),
                                    "Test canvases: the image, its true mask, the network's mask.")
            if params["dataset"] == "shapes" and shape == (48, 48, 1):
                v.skips_lesson(data, model, mkey, info)
            st.subheader("Scores on the test set (§17.3)")
            frame = v.scores(info, names)
            if not classroom() and info.get("confusion"):
                st.markdown("**Confusion over pixels** (rows: true class, columns: predicted)")
                show_cached(("unet-cm", *mkey), lambda: confusion_chart(np.array(info["confusion"]), names),
                            use_container_width=False)
            c = st.columns(3)
            with c[0]:
                csv_download(frame, "unet_scores.csv", "unet_scores_dl")
            with c[1]:
                png_download(image_png(figure), "unet_masks.png", "unet_masks_dl", label="Masks (PNG)")
            with c[2]:
                model_download(shown.path, "unet.keras", "unet_model_dl")
        st.subheader("Your image")
        file = st.file_uploader("An image (PNG/JPEG) to segment with this network", type=["png", "jpg", "jpeg"],
                                key="unet_img")
        if file is not None and tab_seg.open:
            try:
                x = image_from_bytes(file.getvalue(), shape[:2], shape[2])
                mask = predict_one(model, x).argmax(-1)
                c = st.columns(2)
                c[0].image(v.overlay(x, mask * 0), caption=f"your image at {shape[0]}×{shape[1]}")
                c[1].image(v.overlay(x, mask), caption="its predicted mask")
                st.download_button("Mask overlay (PNG)", image_png(v.overlay(x, mask)), file_name="unet_mask.png",
                                   mime="image/png", key="unet_mask_dl", icon=":material/image:")
            except UploadError as err:
                st.error(str(err), icon=":material/error:")

with tab_up:  # the edited input and kernel stay; their upsamplings are drawn when open
    lesson.upsampling_lesson(draw=tab_up.open)
    if tab_up.open:
        lesson.checkerboard()

if ok:
    code_expander(keras_code(params, shape, n_classes), "unet.py")
