"""Entry point: `streamlit run app/main.py` — navigation over the course's sections."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # pages import `app.ui` and `anndl` from the repository root
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from app.registry import SECTIONS, built_topics  # noqa: E402
from app.ui.heap import freeze_imports  # noqa: E402
from app.ui.kernels import keep_compiled_kernels  # noqa: E402
from app.ui.lecture import follow, step_bar  # noqa: E402
from app.ui.sidebar import sidebar  # noqa: E402
from app.ui.state import send_url  # noqa: E402
from app.ui.training import begin_run, watch_running  # noqa: E402

PROJECTOR = st.query_params.get("classroom") in ("1", "true", "True")  # classroom link: the sidebar starts folded
st.set_page_config(page_title="anndl — Neural networks, hands on", page_icon=":material/neurology:", layout="wide",
                   initial_sidebar_state="collapsed" if PROJECTOR else "auto")

home = st.Page(ROOT / "app" / "home.py", title="Home", icon=":material/home:", default=True)
nav = {"": [home]}
for section in SECTIONS:
    pages = [st.Page(t.path, title=t.title, icon=t.icon, url_path=t.key) for t in built_topics()
             if t.section == section]
    if pages:
        nav[section] = pages
page = st.navigation(nav, expanded=True)  # every topic in view: the default folds the last ones under "View 3 more"
keep_compiled_kernels()  # Streamlit's clear_session() after each run would recompile every model's functions
follow()  # a lecture's previous / next has just been pressed: open that step
sidebar(page.url_path or None)
step_bar()
begin_run()
try:
    page.run()
finally:  # also after st.stop() or a rerun request: the page's URL changes reach the browser in one message
    send_url()
freeze_imports()  # after a page's first imports: the collections after each rerun skip them
watch_running()  # redraws the running training panels until their jobs end
