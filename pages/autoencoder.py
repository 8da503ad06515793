"""Autoencoder latent explorer (course §19–§20)."""

import streamlit as st

from anndl.data.images import image_from_bytes
from anndl.data.uploads import UploadError
from anndl.topics import job as job_target
from anndl.topics.autoencoder.code import keras_code
from app.ui.autoencoder import controls as ui
from app.ui.autoencoder import explore
from app.ui.classroom import header, stage_tabs
from app.ui.code import keras_code as code_expander
from app.ui.downloads import model_download
from app.ui.state import classroom, seed
from app.ui.training import failure, training_panel

header("Autoencoder latent explorer",
       "An autoencoder squeezes each image through a small code and learns to rebuild it: the encoder "
       "compresses, the decoder generates. No labels are needed, and the code space can be walked: decode a "
       "point, a grid, a line between two images. _Course §19 (autoencoders, denoising, pre-training for "
       "classification), §20 (encoder/decoder, walking the latent space)._")

ds, sp, params = ui.choose_data(seed())
params.update(ui.code_knobs())
tab_map, tab_walk, tab_rec, tab_train, tab_init = stage_tabs(
    ["Latent map", "Walk the latent space", "Reconstructions & your image", "Train", "Few labels (§19.3)"],
    stage="Latent map")

with tab_train:
    params.update(ui.training_knobs())
    st.session_state["ae__live_sp"] = sp
    job = training_panel("ae", job_target("autoencoder"), params, live=ui.live_view if tab_train.open else None,
                         disabled=ds is None, shown=tab_train.open)
    result = job.result if job is not None and job.result else None
    if tab_train.open and result is not None and "history" in result:
        ui.final_curves(result)
    failure(job)

shown = ui.shown(params, job, ds)
if shown is not None and shown.trained:
    st.sidebar.success(f"Showing **your trained autoencoder** ({job.status}, {shown.info['epochs_run']} epochs, "
                       f"test MSE {shown.info['test_mse']:.4f}).")
elif shown is not None:
    st.sidebar.info(f"Showing the **shipped model** {shown.path.rsplit('/', 1)[-1]} (latent {params['latent']}, "
                    f"test MSE {shown.info['metrics']['test_mse']:.4f}). Train to replace it.")
elif ds is not None:
    st.info("No autoencoder for these settings yet: press **Train** (shipped: conv, MNIST or Fashion-MNIST, latent 2 "
            "or 64).",
            icon=":material/info:")
ok = shown is not None
dkey = (params["dataset"], seed())
metrics = (shown.info if ok and shown.trained else shown.info["metrics"]) if ok else {}

# a closed tab keeps its knobs and uploader (what a student set stays) and draws its images and charts only when open
with tab_map:
    if ok:
        codes, points, proj = explore.map_data(shown.path, shown.mtime, dkey, sp, params["latent"])
    if ok and tab_map.open:
        explore.latent_map(shown.path, shown.mtime, dkey, sp, ds.class_names, proj.method)

with tab_walk:
    if ok:
        explore.grid(shown.path, shown.mtime, points, proj, tab_walk.open)
        explore.interpolation(shown.path, shown.mtime, sp, tab_walk.open)
        explore.generator(shown.path, shown.mtime, codes, bool(params["variational"]), tab_walk.open)

with tab_rec:
    if ok:
        explore.reconstructions(shown.path, shown.mtime, sp, metrics["per_class_mse"], ds.class_names, tab_rec.open)
        if not classroom():
            st.subheader("Your image")
            file = st.file_uploader("An image (PNG/JPEG), reconstructed by the autoencoder",
                                    type=["png", "jpg", "jpeg"], key="ae_img")
            if file is not None and tab_rec.open:
                try:
                    explore.own_image(shown.path, shown.mtime, image_from_bytes(file.getvalue(), sp.x_test.shape[1:3],
                                                                                sp.x_test.shape[3]))
                except UploadError as err:
                    st.error(str(err), icon=":material/error:")
        if tab_rec.open:
            model_download(shown.path, "autoencoder.keras", "ae_model_dl")

with tab_init:  # only a Train button: drawn when open (a running experiment waits in its worker)
    if tab_init.open:
        st.markdown("§19.3: train an autoencoder on all images (no labels), then a classifier on the encoder's "
                    "architecture with only a few labels per class — initialised from the encoder, or from scratch.")
        if ok:
            init = training_panel("ae_init", "anndl.topics.autoencoder.job:init_job",
                                  {"model_path": shown.path, "dataset": params["dataset"], "seed": seed()},
                                  label="Run the experiment on this autoencoder")
            mine = init is not None and init.status == "done" and init.result["params"]["model_path"] == shown.path
            rows = init.result["init_rows"] if mine else None
            rows = rows or shown.info.get("init_rows")
            if rows:
                explore.init_chart(rows)
            else:
                st.info("Run the experiment to compare (a few minutes on a CPU).", icon=":material/science:")
            explore.init_finding(bool(params.get("deform")))

code_expander(keras_code(params, ds.x.shape[1:] if ds is not None else (28, 28, 1)), "autoencoder.py")
