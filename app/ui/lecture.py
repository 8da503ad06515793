"""Lecture playlists in the app: the step bar (previous / next, arrow keys), the sidebar editor, the home list."""

from __future__ import annotations

import streamlit as st

from anndl.data.uploads import UploadError
from app import lecture as lec
from app.registry import TOPICS

PATHS = {t.key: t.path for t in TOPICS}


def go(lecture: dict, i: int) -> None:
    """Button callback: step i of `lecture` is next, in classroom mode; its knobs win over what this session had
    set on that page. (A callback may change widget state; `follow` then switches the page.)"""
    st.session_state["lecture"], st.session_state["lecture_step"] = lecture, i
    for key in lecture["steps"][i]["query"]:
        st.session_state.pop(key, None)  # bound widgets read the URL only when the session has no value
    for key in [k for k in st.session_state if k.startswith("tab:")]:
        del st.session_state[key]  # the page's tabs open the step's tab (`?tab=`), not the last one shown
    st.session_state["classroom"] = True
    st.session_state["lecture_goto"] = True


def follow() -> None:
    """At the top of a run: open the step a button has just chosen."""
    if st.session_state.pop("lecture_goto", False):
        s = st.session_state["lecture"]["steps"][st.session_state["lecture_step"]]
        st.switch_page(PATHS[s["page"]], query_params={**s["query"], "classroom": "1"})


def step_bar() -> None:
    """While a lecture runs: its name, the step's note and ◀ / ▶ (also the arrow keys) above the page."""
    lecture, i = st.session_state.get("lecture"), st.session_state.get("lecture_step", 0)
    if not lecture:
        return
    n = len(lecture["steps"])
    left, mid, right, stop = st.columns([1.3, 6, 1.3, 0.8], vertical_alignment="center")
    left.button("Previous", icon=":material/arrow_back:", key="lec_prev", disabled=i == 0, shortcut="Left",
                width="stretch", on_click=go, args=(lecture, i - 1))
    mid.markdown(f"**{lecture['name']}** · step {i + 1} of {n} — {lecture['steps'][i]['note']}")
    right.button("Next", icon=":material/arrow_forward:", key="lec_next", disabled=i == n - 1, shortcut="Right",
                 width="stretch", on_click=go, args=(lecture, i + 1))
    stop.button("End", key="lec_end", help="Leave the lecture (the page stays as it is).",
                on_click=st.session_state.pop, args=("lecture", None))


def editor(page_key: str | None) -> None:
    """Sidebar: build a lecture from the pages as they are now, download it, load one, start it."""
    draft = st.session_state.setdefault("lecture_draft", lec.playlist("My lecture", []))
    with st.expander("Lecture playlist", icon=":material/playlist_play:"):
        draft["name"] = st.text_input("Lecture name", draft["name"], max_chars=lec.MAX_TEXT, key="lec_name")
        note = st.text_input("Note for this step", max_chars=lec.MAX_TEXT, key="lec_note",
                             placeholder="one line the class reads")
        if st.button("Add this page as a step", key="lec_add", disabled=page_key is None,
                     help="Saves this page with its knobs and seed (the link in the address bar)."):
            draft["steps"].append(lec.step(page_key, dict(st.query_params), note or page_key))
        for k, s in enumerate(draft["steps"], 1):
            st.caption(f"{k}. {s['page']} — {s['note']}")
        if draft["steps"]:
            c = st.columns(2)
            c[0].download_button("Download playlist", lec.dumps(draft), f"{lec.slug(draft['name']) or 'lecture'}.json",
                                 "application/json", key="lec_dl", icon=":material/download:")
            c[1].button("Start", key="lec_start", icon=":material/slideshow:", on_click=go, args=(draft, 0))
        if not st.toggle("Load a playlist file", key="lec_load"):  # the page's own uploaders stay the first ones
            return
        file = st.file_uploader("Playlist (JSON)", type=["json"], key="lec_file")
        if file is not None:
            try:
                loaded = lec.loads(file.getvalue())
            except UploadError as err:
                st.error(str(err), icon=":material/error:")
            else:
                st.caption(f"“{loaded['name']}”: {len(loaded['steps'])} steps.")
                st.button("Start the loaded playlist", key="lec_start_file", icon=":material/slideshow:", on_click=go,
                          args=(loaded, 0))


def shipped_list() -> None:
    """Home: the lectures that ship with the project, one per chapter, each startable at once."""
    for k, lecture in enumerate(lec.shipped()):
        with st.container(border=True):
            c = st.columns([5, 1], vertical_alignment="center")
            c[0].markdown(f"**{lecture['name']}** — " + " · ".join(s["note"] for s in lecture["steps"]))
            c[1].button("Start", key=f"lec_ship_{k}", icon=":material/slideshow:", on_click=go, args=(lecture, 0))
