"""CNN trainer (course §6–§9, §12.1–§12.2)."""

import streamlit as st

from anndl.data.images import image_from_bytes
from anndl.data.uploads import UploadError
from anndl.nets.cnn import conv_layers, layer_table
from anndl.topics import job as job_target
from anndl.topics.cnn.code import keras_code
from app.ui.classroom import header, stage_tabs
from app.ui.cnn import controls as ui
from app.ui.cnn import inside
from app.ui.code import keras_code as code_expander
from app.ui.downloads import model_download
from app.ui.owndata import advice
from app.ui.state import classroom, seed
from app.ui.training import failure, training_panel

header("CNN trainer",
       "A convolutional network slides small learned filters over the image, so a few shared weights find the "
       "same pattern anywhere; pooling and strides grow the receptive field until the head can classify. "
       "Compose the stack from the course's blocks, train it, and look at what its filters respond to. "
       "_Course §6–§9 (convolution, pooling, Inception, ResNet, SE, MobileNet, augmentation), §12.1–§12.2._")

ds, sp, params, shape, n_classes = ui.choose_data(seed())
tab_arch, tab_train, tab_inside, tab_find = stage_tabs(
    ["Architecture", "Train", "Look inside", "Retrieval & your image"], stage="Look inside")

with tab_arch:
    net = ui.architecture()
    ok = ui.layer_table_view(net, shape, n_classes, draw=tab_arch.open)  # a closed tab keeps its knobs only

with tab_train:
    st.button("Use the augmented 'best' recipe", key="cnn_best", on_click=ui.apply_recipe, args=("best",),
              help="Sets the stack and the knobs to the quality preset of the benchmark.")
    fit = ui.training_knobs()
    params.update(net, **fit)
    if ds is not None and params["dataset"] == "upload":
        params.update(ui.own_data_knobs(len(sp.x_train)))
    if ds is not None and tab_train.open:
        ui.augmentation_preview(sp, n_classes, fit["augment"], seed())
    job = training_panel("cnn", job_target("cnn"), params, disabled=not ok or ds is None, shown=tab_train.open)
    result = job.result if job is not None and job.result else None
    if result is not None and tab_train.open:
        ui.final_curves(result)
        if result.get("backbone"):
            st.caption(f"Backbone: {result['backbone']}.")
        advice(result)
    failure(job)

shown, ds, sp, dkey = ui.shown(params, job, ds, sp, seed())
if shown is not None and shown.trained:
    st.sidebar.success(f"Showing **your trained network** ({job.status}, {shown.info['epochs_run']} epochs).")
elif shown is not None:
    st.sidebar.info(f"Showing the **shipped model** models/{ui.SHIPPED[params['dataset']]}.keras "
                    f"(test accuracy {shown.info['metrics']['test_accuracy']:.3f}). Train to replace it.")
model = shown.model if shown is not None and shown.model.input_shape[1:] == tuple(shape) else None
path, mtime = (shown.path, shown.mtime) if shown is not None else (None, 0.0)

if tab_train.open:  # a closed tab draws nothing here
    with tab_train:
        if model is not None:
            scored = (path, mtime, dkey, bool(fit["augment"].get("flip")))  # what the scores are computed from
            inside.scores(ui.evaluate(*scored[:3], sp, scored[3]), ds.class_names, sp.x_test, "cnn_scores", scored)
            model_download(path, "cnn.keras", "cnn_model_dl")
        elif ds is not None:
            st.info("No trained model for these images yet: press **Train**.", icon=":material/info:")

if tab_inside.open:  # a closed tab draws nothing here
    with tab_inside:
        if model is None:
            st.info("Train a model (or pick MNIST / Fashion-MNIST for the shipped one) to look inside.")
        else:
            layers = conv_layers(model)
            if not classroom():  # the projector opens on the activation maps; the filters follow them
                st.subheader("First-layer filters")
                inside.filters(model, "cnn_in")
            st.subheader("Activation maps (§9.11)")
            mine = ui.uploaded_image(shape)  # the image uploaded under "Retrieval & your image", if any
            inside.activation_maps(path, mtime, layers, sp.x_test, mine, "cnn_act")
            if classroom():
                st.subheader("First-layer filters")
                inside.filters(model, "cnn_in")
            if not classroom():
                st.subheader("Maximally activating patches (§12.2)")
                inside.patches(path, mtime, model, layer_table(model), layers, sp.x_test, dkey, "cnn_patch")

with tab_find:  # the uploader stays drawn in a closed tab: an uploaded image must not vanish
    file = st.file_uploader("Your image (PNG/JPEG): classify it and find its nearest neighbours",
                            type=["png", "jpg", "jpeg"], key="cnn_img") if model is not None else None
if tab_find.open:
    with tab_find:
        if model is None:
            st.info("Train a model (or pick MNIST / Fashion-MNIST for the shipped one) to search and classify images.")
        else:
            query, exclude = None, None
            if file is not None:
                try:
                    query = image_from_bytes(file.getvalue(), shape[:2], shape[2])
                    inside.classify(model, query, ds.class_names)
                except UploadError as err:
                    st.error(str(err), icon=":material/error:")
            if query is None:
                i = st.number_input("…or a test image", 0, len(sp.x_test) - 1, 0, key="cnn_q_idx",
                                    persist_state="page")
                query, exclude = sp.x_test[i], int(sp.idx_test[i])
            st.subheader("Image retrieval (§9.12)")
            inside.retrieval(path, mtime, ds, query, exclude, dkey)

if ok:
    code_expander(keras_code(params, shape, n_classes), "cnn.py")
