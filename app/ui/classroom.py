"""Classroom mode, made for a projector at 1280×720: the lecture's live result on the first screen."""

from __future__ import annotations

import re
from typing import Sequence

import streamlit as st

from app.ui.state import classroom, set_param

# One scale for all text a projector must carry: body, labels, tabs, select boxes, inputs and expanders grow
# together; the page's top padding shrinks so the result, not white space, fills the first screen.
CLASSROOM_CSS = """
<style>
.stMainBlockContainer, .block-container { padding-top: 3.4rem !important; padding-bottom: 2rem !important; }
[data-testid="stVerticalBlock"] { gap: 0.6rem !important; }
.stMarkdown p, .stMarkdown li, [data-testid="stWidgetLabel"] p, [data-testid="stTab"] p,
.stButton button p, [data-testid="stExpander"] summary p, [data-testid="stAlert"] p { font-size: 1.3rem !important; }
[data-testid="stCaptionContainer"] p { font-size: 1.05rem !important; }
[data-testid="stSelectbox"] input, [data-testid="stMultiSelect"] div, .stTextInput input, .stNumberInput input,
.stTextArea textarea, [data-testid="stRadio"] label p, [data-testid="stSliderThumbValue"],
[data-testid="stSliderTickBarMin"], [data-testid="stSliderTickBarMax"] { font-size: 1.2rem !important; }
[data-testid="stHeading"] h1 { font-size: 2.2rem !important; padding-top: 0 !important; }
[data-testid="stHeading"] h2 { font-size: 1.9rem !important; }
[data-testid="stHeading"] h3 { font-size: 1.6rem !important; }
[data-testid="stMetricValue"], [data-testid="stMetricValue"] div { font-size: 2.4rem !important; }
[data-testid="stMetricLabel"] p { font-size: 1.3rem !important; }
</style>
"""


def style() -> None:
    """The projector's type scale, on every page while classroom mode is on."""
    if classroom():
        st.markdown(CLASSROOM_CSS, unsafe_allow_html=True)


def one_line(text: str, limit: int = 90) -> str:
    """The first sentence of a page's intro, without markdown, cut to one projector line."""
    plain = re.sub(r"[*_`]", "", text).strip()
    first = re.split(r"(?<=[.:;!?])\s", plain, maxsplit=1)[0]
    return first if len(first) <= limit else first[: limit - 1].rsplit(" ", 1)[0] + "…"


def header(title: str, intro: str, course: str = "") -> None:
    """The page's title and intro; in classroom mode the intro folds to one expandable line."""
    st.title(title)
    if classroom():
        with st.expander(one_line(intro)):
            st.markdown(intro)
            if course:
                st.caption(course)
        return
    st.markdown(intro)
    if course:
        st.caption(course)


def stage_tabs(labels: Sequence[str], stage: str):
    """Lazy tabs (see `lazy_tabs`) opening the tab a link names (`?tab=`, a lecture step), else in classroom mode
    the `stage` tab (the lecture's live result). Classroom mode has its own tab state, so switching it on opens
    the stage tab. The open tab is written to the URL, so a reload or a shared link opens it again."""
    asked = st.query_params.get("tab")
    tabs = lazy_tabs(labels, default=asked if asked in labels else stage if classroom() else None,
                     mode="classroom" if classroom() else "")
    set_param("tab", next(label for label, tab in zip(labels, tabs) if tab.open))  # a reload comes back here
    return tabs


def lazy_tabs(labels: Sequence[str], default: str | None = None, mode: str = ""):
    """st.tabs whose `.open` is known (clicking a tab reruns the page): a page draws a closed tab's charts only
    when it opens, and keeps drawing its widgets, so what a student set or uploaded there stays. The state key
    is `tab:` and the labels (a lecture step clears these keys to open its own tab); `default` opens a tab when
    the session has none yet (passed as state, not as st.tabs' default, whose change would reset the tabs)."""
    key = "tab:" + "|".join(labels) + (f":{mode}" if mode else "")
    if key not in st.session_state:
        st.session_state[key] = default if default in labels else labels[0]
    return st.tabs(list(labels), key=key, on_change="rerun")


def stage():
    """The container of the page's main result (chart or image): classroom mode puts it on the first screen, and
    the projector test (tests/e2e/test_classroom_screen.py) finds it by its key."""
    return st.container(key="stage")
