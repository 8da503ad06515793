"""Sidebar of every page: Keras backend and device in use, global seed, classroom mode."""

from __future__ import annotations

import streamlit as st

from anndl.device import describe
from anndl.jobenv import NAMES, running_backend
from app.ui.classroom import style
from app.ui.lecture import editor
from app.ui.state import bound


def sidebar(page_key: str | None = None) -> None:
    """The sidebar of every page; `page_key` is the page a lecture step would save (None on the home page)."""
    with st.sidebar:
        backend = running_backend()
        st.caption(f"Compute: **{describe()}**, Keras on **{NAMES.get(backend, backend)}**")
        bound(st.number_input, "Seed", "seed", 0, min_value=0, max_value=2**31 - 1, step=1,
              help="One seed for data, initialisation and shuffling: the same link gives the same result.")
        bound(st.toggle, "Classroom mode", "classroom", False,
              help="Larger type, fewer controls and high-contrast charts for projecting in class.")
        st.caption("Share a demo: the address bar holds this page's settings and seed; a copied link reproduces it.")
        editor(page_key)
    style()
