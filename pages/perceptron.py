"""Perceptron & FFNN playground (course §1–§5)."""

import streamlit as st

from anndl.data import CATALOGUE, names
from anndl.nets.ffnn import ACTIVATIONS, OPTIMIZERS, FFNNConfig, TrainChoices, keras_code
from anndl.topics import job as job_target
from anndl.topics.perceptron.job import BUDGET, train_size, with_recipe
from app.ui.classroom import header, stage_tabs
from app.ui.code import keras_code as code_expander
from app.ui.owndata import advice, recipe_toggle
from app.ui.perceptron.basics import activations_section, optimisers_section, perceptron_tab
from app.ui.perceptron.network import (
    csv_source,
    live_view,
    page_dataset,
    regularisation_controls,
    result_view,
    shown_result,
)
from app.ui.state import bound, classroom, seed
from app.ui.training import training_panel

header("Perceptron & feed-forward networks",
       "From Rosenblatt's perceptron and Hebbian learning to multi-layer networks trained by backpropagation: "
       "see why one neuron cannot learn XOR, how hidden layers carve the plane, and how activations, "
       "optimisers, regularisation and early stopping change learning. _Course §1–§5._")

tab_p, tab_nn, tab_ao = stage_tabs(["Perceptron", "Neural network", "Activations & optimisers"], stage="Neural network")
with tab_p:
    if tab_p.open:
        perceptron_tab()
with tab_ao:
    if tab_ao.open:
        activations_section()
        st.divider()
        optimisers_section()

DATASETS = [n for n in names() if CATALOGUE[n].kind in ("toy2d", "tabular", "curve")]
BATCHES = [1, 4, 8, 16, 32, 64, 128, 100_000]
UNITS = [1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64]

with tab_nn:
    left, right = st.columns([1, 2.2], gap="large")
    with left:
        dataset = bound(st.selectbox, "Data", "nn_data", "spiral", options=DATASETS + ["csv"],
                        format_func=lambda n: "Upload a CSV…" if n == "csv" else CATALOGUE[n].title)
        params = {"dataset": dataset, "seed": seed()}
        ready = dataset != "csv" or csv_source(params)
        if dataset != "csv" and CATALOGUE[dataset].kind in ("toy2d", "curve"):
            c = st.columns(2)
            params["n"] = bound(c[0].select_slider, "Points", "nn_n", 500, options=[100, 200, 500, 1000, 2000])
            params["noise"] = bound(c[1].select_slider, "Noise", "nn_noise", 0.1,
                                    options=[0.0, 0.05, 0.1, 0.2, 0.3, 0.5])
        depth = bound(st.slider, "Hidden layers", "nn_depth", 2, min_value=1, max_value=6)
        hidden, acts = [], []
        for i in range(depth):
            c = st.columns(2)
            hidden.append(bound(c[0].select_slider, f"Layer {i + 1} neurons", f"nn_u{i}", 16, options=UNITS))
            acts.append(bound(c[1].selectbox, f"Layer {i + 1} activation", f"nn_a{i}", "relu", options=ACTIVATIONS))
        c = st.columns(2)
        optimizer = bound(c[0].selectbox, "Optimiser", "nn_opt", "adam", options=OPTIMIZERS)
        lr = bound(c[1].select_slider, "Learning rate", "nn_lr", 0.01,
                   options=[0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0])
        c = st.columns(2)
        epochs = bound(c[0].select_slider, "Epochs", "nn_epochs", 100, options=[10, 20, 50, 100, 200, 300, 500])
        batch = bound(c[1].select_slider, "Batch size", "nn_batch", 32, options=BATCHES,
                      format_func=lambda b: "full batch" if b == 100_000 else ("1 (SGD)" if b == 1 else str(b)))
        model = {"hidden": hidden, "activations": acts, "optimizer": optimizer, "learning_rate": lr}
        fit_cfg = {"epochs": epochs, "batch_size": batch}
        if not classroom():  # classroom mode keeps the defaults and fewer controls
            with st.expander("Regularisation & validation", expanded=False):
                regularisation_controls(model, fit_cfg, params)
        params.update(model=model, fit=fit_cfg)
        ds = page_dataset(params) if ready else None
    with right:
        if not ready:
            st.info("Upload a CSV on the left (numeric features and a target column) to train on your own data.")
        elif tab_nn.open:  # a closed tab keeps its knobs (left), and draws its result only when opened
            st.session_state["nn__live_ds"] = ds
            head = st.container()  # classroom mode: the network's result above the data line and the Train button
            st.caption(f"Data: **{ds.name}** — {len(ds.x)} samples, {ds.x.shape[1]} features, task {ds.task}; "
                       f"source: {ds.source}. Split: 64% train, 16% validation, 20% test (seeded).")
            if dataset == "csv":  # defaults from the upload's size: the recipe fixes optimiser steps
                recipe = recipe_toggle("nn", train_size(ds, params), BUDGET)
                params["recipe"] = recipe is not None
                if recipe is not None:
                    fit_cfg.update(with_recipe(params, recipe)["fit"])  # the job applies the same recipe
            job = training_panel("nn", job_target("perceptron"), params, live=live_view)
            shown = shown_result(params, job, ds)
            if shown is not None:
                result, ds, caption, key, path = shown
                with head if classroom() else st.container():
                    result_view(result, ds, key, path)
                    st.caption(caption)
                    advice(result)
            elif job is None or not job.result:
                st.info("No shipped model for this data: press **Train** (a few seconds).")
    if ready:
        cfg = FFNNConfig(inputs=ds.x.shape[1], hidden=tuple(hidden), activations=tuple(acts), task=ds.task,
                         n_classes=max(ds.n_classes, 2), optimizer=optimizer, learning_rate=lr,
                         **{k: v for k, v in model.items() if k in ("initializer", "l2", "dropout", "batchnorm",
                                                                    "one_hot")})
        code_expander(keras_code(cfg, TrainChoices(fit_cfg["epochs"], fit_cfg["batch_size"],
                                                   fit_cfg.get("early_stopping", 0),
                                                   fit_cfg.get("reduce_lr", 0)), dataset), "ffnn.py")
