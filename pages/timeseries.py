"""Time-series page (course §23–§24): forecasting with windows and telescopes, activities, RNN gradients."""

import streamlit as st

from anndl.topics import job as job_target
from anndl.topics.timeseries.code import classifier_code, forecast_code
from anndl.topics.timeseries.job import BUDGET, activity_data, training_windows
from app.ui.charts import show
from app.ui.classroom import header, stage_tabs
from app.ui.code import keras_code
from app.ui.downloads import chart_png, csv_download, model_download, png_download
from app.ui.owndata import advice, recipe_toggle
from app.ui.state import classroom, seed
from app.ui.timeseries import classify as cls
from app.ui.timeseries import forecast as ui
from app.ui.training import training_panel

JOB = job_target("timeseries")

header("Time series",
       "A recurrent network reads a sequence one step at a time and keeps a **state**; LSTM and GRU cells gate that "
       "state so that gradients survive long sequences. To **forecast**, cut the series into windows of past steps "
       "and learn the next *telescope* steps; to **classify** activities, cut sensor recordings into fixed windows. "
       "Always compare with the naive forecast: a network that cannot beat \"same as last season\" has learned "
       "nothing.",
       "Course §23 RNN, BPTT, vanishing gradients, LSTM, GRU · §24.1–§24.3 activity classification · "
       "§24.4 forecasting with windows and telescopes · §24.5 direct vs autoregressive prediction")

tabs = stage_tabs(["Forecasting", "Activity classification", "Vanishing gradients"], stage="Forecasting")
with tabs[0]:
    series = ui.choose_series()
    head = st.container()  # classroom mode: the forecast right under the series, the knobs below it
    if series is not None and tabs[0].open:  # closed: only the upload and its columns (the knobs live in the URL)
        st.caption(f"Data: **{series.source}** · {len(series.frame)} rows · forecasting "
                   f"{', '.join(series.targets)}" + (f" from {series.frame.shape[1]} columns"
                                                      if series.frame.shape[1] > 1 else ""))
        for fix in series.fixes:
            st.info(fix, icon=":material/build:")
        params = {**ui.knobs(len(series.frame)), "seed": seed()}
        params["series"] = series.name if series.source != "your upload" else {
            "name": series.name, "values": series.values, "columns": list(series.frame.columns),
            "targets": series.targets, "season": series.season}
        st.markdown("**Windows and telescope** (§24.4): the network sees the blue window and learns the pink "
                    "telescope; sliding the window by the stride gives the training set.")
        ui.windows_chart(series, params["window"], params["telescope"], params["stride"])
        if series.source == "your upload":  # defaults from the upload's size: the recipe fixes optimiser steps
            recipe = recipe_toggle("ts_fc", training_windows(series, params), BUDGET)
            params["recipe"] = recipe is not None
        issue = ui.problem(series, params)
        job = training_panel("ts_fc", JOB, params, label="Train forecaster", disabled=issue is not None)
        direct, ar, label, path = ui.pick_models(series, params, job)
        advice(job.result if job is not None else None)
        if issue:
            st.error(issue, icon=":material/error:")
        else:
            ekey = (*ui.data_key(series), path, label)  # what the evaluation and its charts are computed from
            ev = ui.evaluate(ekey, params["window"], params["telescope"], series, direct, ar)
            st.markdown(f"**Forecasts** — model: {label}" if label else
                        "**Naive baselines** — train a network above to compare it with them (the shipped model "
                        "covers CO₂ with window 104 and telescope 52).")
            if direct is not None and ar is None and params["ar_step"]:
                st.caption("The autoregressive model needs every input column as a target; it is trained when "
                           "the target columns are all the columns.")
            with head if classroom() else st.container():
                chart, fkey = ui.results(series, ev, (*ekey, params["window"], params["telescope"]))
            if not classroom():
                c = st.columns(3)
                with c[0]:
                    model_download(path, "forecaster.keras", "ts_fc_dl")
                with c[1]:
                    csv_download(ev["horizon"], "mae_per_horizon.csv", "ts_fc_csv", label="MAE per step (CSV)")
                with c[2]:
                    png_download(chart_png(chart, fkey), "forecast.png", "ts_fc_png")
        keras_code(forecast_code(params), "forecast.py")

with tabs[1]:
    acts = cls.choose_activities()
    if acts is not None and tabs[1].open:  # closed: only the recordings' choice and upload
        st.markdown("**Inspection** (§24.1): one recording per activity, every sensor channel.")
        show(cls.inspection_chart(acts))
        cparams = {**cls.knobs(acts), "seed": seed(), "activities": cls.activities_params(acts)}
        data = activity_data(acts, cparams["window"], cparams["stride"], seed())
        cls.split_summary(data, acts)
        cjob = training_panel("ts_cl", JOB, cparams, label="Train classifier")
        shown = cls.pick_classifier(acts, cparams, cjob)
        if shown is None:
            st.info("Train a classifier above to see its confusion matrix on the test users.")
        else:
            st.markdown("**Test results** — model: " + ("the model you trained" if shown.trained else
                                                       "shipped 1-D CNN with global average pooling"))
            cchart, ckey = cls.metrics(cls.evaluation(shown, data, acts.class_names))
            if not classroom():
                c = st.columns(2)
                with c[0]:
                    model_download(shown.path, "activity_classifier.keras", "ts_cl_dl")
                with c[1]:
                    png_download(chart_png(cchart, ckey), "confusion.png", "ts_cl_png")
        keras_code(classifier_code(cparams), "classify_activities.py")

if tabs[2].open:
    with tabs[2]:
        gchart, gkey = cls.gradients_tab(seed())
        png_download(chart_png(gchart, gkey), "vanishing_gradients.png", "ts_gr_png")
