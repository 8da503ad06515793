"""Take it home: the trained model (.keras), figures (PNG) and metrics (CSV)."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st


def model_download(path: str | Path | None, filename: str, key: str) -> None:
    """The model file's download button; the file is read when the button is pressed, not on every rerun (a
    translator is 3 MB)."""
    if path and Path(path).exists():
        st.download_button("Model (.keras)", Path(path).read_bytes, file_name=filename,
                           mime="application/octet-stream", key=key, icon=":material/download:")


def csv_download(frame: pd.DataFrame, filename: str, key: str, label: str = "Metrics (CSV)") -> None:
    st.download_button(label, frame.to_csv(index=False).encode(), file_name=filename, mime="text/csv", key=key,
                       icon=":material/table:")


def chart_png(chart, key: tuple | None = None) -> bytes | str:
    """PNG bytes of an Altair chart (vl-convert), or the sentence saying why there is none (png_download shows it).

    Converting takes about a second a chart, so the bytes are cached by the chart's specification: a page's
    second visit and reruns that leave a chart unchanged cost nothing. With `key` (the chart's inputs, as for
    charts.show_cached) even describing the chart is skipped after the first time: 1 s for a chart of 4,000 rows.
    """
    if key is not None:
        return _png_of_key(tuple(key), chart)
    try:
        spec = chart.to_json(validate=False)  # st.altair_chart validated it; validating again doubles the cost
    except Exception as exc:  # an invalid chart: say so rather than failing the page
        return f"the chart could not be described ({type(exc).__name__}: {exc})"
    return _png_of_spec(spec)


@st.cache_data(show_spinner=False, max_entries=64, ttl=3600)
def _png_of_key(key: tuple, _chart) -> bytes | str:
    return chart_png(_chart)


# keyed by a chart's full specification; bounded because specs carry their data
@st.cache_data(show_spinner=False, max_entries=64, ttl=3600)
def _png_of_spec(spec: str) -> bytes | str:
    try:
        import vl_convert

        return vl_convert.vegalite_to_png(spec, scale=2)
    except Exception as exc:  # converter missing or failing: the page keeps working and says why
        return f"{type(exc).__name__}: {str(exc).splitlines()[0][:160] if str(exc) else 'no detail'}"


def image_png(array: np.ndarray) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(np.asarray(array, dtype="uint8")).save(buf, format="PNG")
    return buf.getvalue()


def png_download(data: bytes | str | None, filename: str, key: str, label: str = "Figure (PNG)") -> None:
    """The download button of a PNG, or one visible sentence when the export failed (`data` is its reason)."""
    if isinstance(data, bytes) and data:
        st.download_button(label, data, file_name=filename, mime="image/png", key=key, icon=":material/image:")
    else:
        st.caption(f":material/warning: {label} is not available: the PNG export failed ({data or 'no image'}).")
