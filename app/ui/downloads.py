"""Take it home: the trained model (.keras), figures (PNG) and metrics (CSV)."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st


def model_download(path: str | Path | None, filename: str, key: str) -> None:
    if path and Path(path).exists():
        st.download_button("Model (.keras)", Path(path).read_bytes(), file_name=filename,
                           mime="application/octet-stream", key=key, icon=":material/download:")


def csv_download(frame: pd.DataFrame, filename: str, key: str, label: str = "Metrics (CSV)") -> None:
    st.download_button(label, frame.to_csv(index=False).encode(), file_name=filename, mime="text/csv", key=key,
                       icon=":material/table:")


def chart_png(chart) -> bytes | None:
    """PNG bytes of an Altair chart (vl-convert); None if the converter is unavailable."""
    try:
        buf = io.BytesIO()
        chart.save(buf, format="png", scale_factor=2)
        return buf.getvalue()
    except Exception:  # converter missing or failing: the page still works without the PNG
        return None


def image_png(array: np.ndarray) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(np.asarray(array, dtype="uint8")).save(buf, format="PNG")
    return buf.getvalue()


def png_download(data: bytes | None, filename: str, key: str, label: str = "Figure (PNG)") -> None:
    if data:
        st.download_button(label, data, file_name=filename, mime="image/png", key=key, icon=":material/image:")
