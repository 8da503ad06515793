"""Own-data widgets every uploading page shares: defaults from the data's size, and the advice after training."""

from __future__ import annotations

import streamlit as st

from anndl.recipe import Recipe, StepBudget, data_recipe, size_advice
from app.ui.state import bound


def size_warning(n_train: int, budget: StepBudget) -> None:
    """Before training: a warning when the data set is below what the topic needs to generalise."""
    if advice := size_advice(n_train, budget):
        st.warning(advice, icon=":material/data_usage:")


def recipe_toggle(key: str, n_train: int, budget: StepBudget) -> Recipe | None:
    """The toggle (on by default), the derived values and why, and the size advice — all before training."""
    size_warning(n_train, budget)
    on = bound(st.toggle, "Defaults from your data's size", f"{key}_recipe", True,
               help="A recipe fixes the number of optimiser steps; batch and epochs follow from your data's size. "
                    "Switch off to use the knobs above as they are.")
    if not on:
        return None
    recipe = data_recipe(n_train, budget)
    st.info(f"**Defaults from your data**: {recipe.why}.", icon=":material/tune:")
    return recipe


def advice(result: dict | None) -> None:
    """The reading of training vs held-out scores a job on uploaded data returned."""
    own = (result or {}).get("own_data")
    if not own:
        return
    show = st.success if own["regime"] == "fine" else st.warning
    show(own["advice"], icon=":material/insights:")
