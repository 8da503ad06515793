"""GAN and conditional GAN sampler (course §21–§22)."""

import streamlit as st

from anndl.errors import SettingsError
from anndl.topics import job as job_target
from anndl.topics.gan.code import keras_code
from anndl.topics.gan.job import TOYS, toy_points
from app.ui.classroom import header, stage_tabs
from app.ui.code import keras_code as code_expander
from app.ui.downloads import model_download
from app.ui.gan import controls as ui
from app.ui.gan import explore
from app.ui.state import bound, classroom, seed
from app.ui.training import failure, training_panel

header("GAN / cGAN sampler",
       "A generator turns noise into images; a discriminator learns to tell them from real ones, and the "
       "generator learns to fool it. Given a label on both sides, the conditional GAN draws the class you ask "
       "for. _Course §21 (generative models, the latent space), §22 (GAN training, k discriminator steps, "
       "the non-saturating loss, the monitor grid, the conditional GAN)._")

params = {**ui.choose(), "seed": seed()}
tab_sample, tab_walk, tab_train, tab_quality, tab_toy = stage_tabs(
    ["Sample", "Interpolate & arithmetic", "Train", "Quality meter", "Toy 2-D GAN"], stage="Sample")

with tab_train:
    params.update(ui.training_knobs())
    job = training_panel("gan", job_target("gan"), params, live=ui.live_view if tab_train.open else None,
                     shown=tab_train.open)
    failure(job)
    if tab_train.open and job is not None and job.status != "failed" and job.result and "history" in job.result:
        r = job.result
        ui.final_view(job)
        st.caption(f"Trained {r.get('train_s', 0):.1f} s, {r['epochs_run']} epochs: {r['d_updates']} discriminator "
                   f"and {r['g_updates']} generator updates (k = {r['params']['d_steps']}).")

shown = ui.shown(params, job)
if shown is not None and shown.trained:
    st.sidebar.success(f"Showing **your trained generator** ({job.status}, {shown.info['epochs_run']} epochs).")
elif shown is not None:
    m = shown.info["metrics"]
    acc = f", judge conditional accuracy {m['cond_accuracy']:.2f}" if "cond_accuracy" in m else ""
    st.sidebar.info(f"Showing the **shipped generator** {shown.path.rsplit('/', 1)[-1]} ({shown.info['epochs_run']} "
                    f"epochs{acc}). Train to replace it.")
else:
    st.info("No generator for these settings yet: press **Train** (shipped: GAN and cGAN on MNIST and Fashion-MNIST).",
            icon=":material/info:")
names = (shown.info.get("class_names") if shown else None) or [str(k) for k in range(10)]

with tab_sample:  # its knobs stay drawn (the other views use them); the grid only when the tab is open
    if shown is not None:
        chosen = explore.sample(shown.path, shown.mtime, names, seed(), draw=tab_sample.open)
    if shown is not None and tab_sample.open:
        st.caption(f"Trained on {shown.info.get('source') or shown.info['data'].get('source', params['dataset'])}.")
        model_download(shown.path, "generator.keras", "gan_model_dl")

with tab_walk:  # knobs bound to the URL: a closed tab draws nothing
    if shown is not None and tab_walk.open:
        explore.walks(shown.path, shown.mtime, names, chosen)
        st.subheader("Latent arithmetic (§21.6): a − b + c on samples of the grid")
        explore.arithmetic(shown.path, shown.mtime, chosen)

with tab_quality:
    if shown is not None and tab_quality.open:
        explore.quality_report(shown.info, shown.trained)

with tab_toy:
    if tab_toy.open:  # the toy's knobs are bound to the URL, and its job waits in its worker
        st.markdown("The first minute of the lecture, as in GAN Lab: a generator maps 2-D noise to points, the "
                    "discriminator separates them from the real ones. Watch the red points find the grey ones.")
        c = st.columns(3)
        toy = bound(c[0].selectbox, "Real points", "gan_toy", "ring", options=list(TOYS))
        toy_k = bound(c[1].select_slider, "k (D steps)", "gan_toyk", 1, options=[1, 2, 5])
        toy_ep = 40 if classroom() else bound(c[2].slider, "Epochs", "gan_toyep", 40, min_value=5, max_value=200)
        try:
            st.session_state["gan__toy_real"] = toy_points(toy, 300, seed())
        except SettingsError as err:
            st.error(str(err), icon=":material/error:")
        toy_job = training_panel("gan_toy", "anndl.topics.gan.job:toy_job",
                                 {"toy": toy, "d_steps": toy_k, "epochs": toy_ep, "seed": seed()},
                                 label="Train the toy GAN", live=ui.toy_live)
        if toy_job is not None and toy_job.result and "fake" in toy_job.result:
            from app.ui.charts import show

            show(ui.points_chart(toy_job.result["real"], toy_job.result["fake"]), use_container_width=False)
            st.caption(f"After {toy_job.result['epochs_run']} epochs on '{toy_job.result['params']['toy']}'. Mode "
                       "collapse shows as red points piling on a few of the grey clusters.")

code_expander(keras_code(params), "gan.py")
