"""Sidebar of every page: device in use, global seed, classroom mode."""

from __future__ import annotations

import streamlit as st

from anndl.device import describe
from app.ui.state import bound

CLASSROOM_CSS = """
<style>
.stMarkdown p, .stMarkdown li, [data-testid="stCaptionContainer"] p, [data-testid="stWidgetLabel"] p,
[data-baseweb="tab"] p, .stButton button p { font-size: 1.3rem !important; }
[data-testid="stHeading"] h1 { font-size: 3.2rem !important; }
[data-testid="stHeading"] h2 { font-size: 2.4rem !important; }
[data-testid="stHeading"] h3 { font-size: 2rem !important; }
[data-testid="stMetricValue"], [data-testid="stMetricValue"] div { font-size: 3rem !important; }
[data-testid="stMetricLabel"] p { font-size: 1.3rem !important; }
</style>
"""


def sidebar() -> None:
    with st.sidebar:
        st.caption(f"Compute: **{describe()}**")
        bound(st.number_input, "Seed", "seed", 0, min_value=0, max_value=2**31 - 1, step=1,
              help="One seed for data, initialisation and shuffling: the same link gives the same result.")
        bound(st.toggle, "Classroom mode", "classroom", False,
              help="Larger type, fewer controls and high-contrast charts for projecting in class.")
        st.caption("Share a demo: the address bar holds this page's settings and seed; a copied link reproduces it.")
    if st.session_state.get("classroom"):
        st.markdown(CLASSROOM_CSS, unsafe_allow_html=True)
