"""Bind a page's configuration to the URL query string, so a shared link reproduces the demo."""

from __future__ import annotations

import math
from typing import Any, Callable

import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

MAX_RAW = 2_000  # characters of one URL value read at all: longer is a hand-made link, not a shared demo


def _dump(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (list, tuple)):
        return ",".join(map(str, value))
    return str(value)


def _finite(value: Any) -> bool:
    items = value if isinstance(value, (list, tuple)) else [value]
    return all(not isinstance(v, float) or math.isfinite(v) for v in items)


def _parse(raw: str | None, default: Any, options=None) -> Any:
    """The URL's text as a value of the default's type; the default when it is unreadable, not finite or
    not among `options` (a link cannot hand a widget what its user could not pick)."""
    if raw is None or len(raw) > MAX_RAW:
        return default
    try:
        if isinstance(default, bool):
            value = raw in ("1", "true", "True")
        elif isinstance(default, int):
            value = int(float(raw))
        elif isinstance(default, float):
            value = float(raw)
        elif isinstance(default, tuple):
            value = tuple(type(default[0])(v) for v in raw.split(",")) if default else tuple(raw.split(","))
        elif isinstance(default, list):
            value = [v for v in raw.split(",") if v]
        else:
            value = raw
    except (ValueError, TypeError, OverflowError):
        return default
    if not _finite(value):
        return default
    if options is not None:
        opts = list(options)
        if isinstance(value, list):
            return [v for v in value if v in opts] or default
        if value not in opts:
            return default
    return value


def bound(widget: Callable, label: str, key: str, default: Any, **kwargs) -> Any:
    """Render `widget(label, **kwargs)` whose value lives in the URL under `key` (falls back to `default`).

    Example: `lr = bound(st.select_slider, "Learning rate", "lr", 0.01, options=[0.001, 0.01, 0.1])`.
    The widget's own default is its current value: a widget the browser mounts late (one in a tab opened
    later) starts from that default, and a default of the first option would undo the link's settings.
    """
    if key in st.session_state:
        value = st.session_state[key]
    else:
        value = clamp(_parse(st.query_params.get(key), default, kwargs.get("options")),
                      kwargs.get("min_value"), kwargs.get("max_value"))
        if isinstance(value, str) and kwargs.get("max_chars"):
            value = value[: kwargs["max_chars"]]
    value = widget(label, key=key, **kwargs, **_as_default(widget, value, kwargs.get("options")))
    set_param(key, _dump(value))
    return value


_URL = "_url_changes"  # this run's query-string changes {key: text, or None to remove}, sent by send_url


def set_param(key: str, text: str | None) -> None:
    """Set (None: remove) one URL query parameter. In a full run the changes wait for `send_url`, which app/main.py
    calls when the page is drawn: each st.query_params write is a message on which the browser pushes the URL and
    draws the app again (a page opened without its knobs in the URL wrote ~20 of them, 0.2-0.5 s). A fragment's
    run writes at once (the main script's end is not reached)."""
    if param(key) == text:
        return
    ctx = get_script_run_ctx()
    if ctx is not None and ctx.fragment_ids_this_run:
        if text is None:
            st.query_params.pop(key, None)
        else:
            st.query_params[key] = text
        return
    st.session_state.setdefault(_URL, {})[key] = text


def param(key: str) -> str | None:
    """A URL query parameter as this run left it so far (its changes not yet sent included)."""
    changes = st.session_state.get(_URL) or {}
    return changes[key] if key in changes else st.query_params.get(key)


def send_url() -> None:
    """Send this run's query-string changes to the browser as one message (none when nothing changed)."""
    changes = st.session_state.pop(_URL, None)
    if not changes:
        return
    params = st.query_params.to_dict()
    for key, text in changes.items():
        if text is None:
            params.pop(key, None)
        else:
            params[key] = text
    st.query_params.from_dict(params)


def _as_default(widget: Callable, value: Any, options=None) -> dict:
    """`value` as the keyword that sets `widget`'s default (a keyed widget keeps its identity when it changes)."""
    name = getattr(widget, "__name__", "")
    opts = None if options is None else list(options)
    if name in ("selectbox", "radio"):
        return {"index": opts.index(value) if value in opts else 0}
    if name == "multiselect":
        return {"default": [v for v in value if v in opts]}
    if name == "select_slider" and value not in opts:
        return {}
    return {"value": value}


def clamp(value: Any, lo: Any = None, hi: Any = None) -> Any:
    """A number moved into [lo, hi] (either may be None); anything else unchanged."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = max(value, lo) if lo is not None else value
        value = min(value, hi) if hi is not None else value
    return value


def seed() -> int:
    """The global seed chosen in the sidebar (also in the URL)."""
    return int(st.session_state.get("seed", 0))


def classroom() -> bool:
    """Classroom mode: larger type, fewer controls, high-contrast charts."""
    return bool(st.session_state.get("classroom", False))
