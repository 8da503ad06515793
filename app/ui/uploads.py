"""Validated uploaders: each bad file becomes one clear sentence on the page, never a traceback."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from anndl.data.uploads import CsvLimits, UploadError, ZipLimits, open_image, read_csv_frame, safe_zip_entries
from anndl.scratch import content_key


# parsed once per upload, not on every rerun; bounded by count and age because the key is the user's file
@st.cache_resource(show_spinner="Reading the CSV…", max_entries=16, ttl=3600)
def _csv_frame(key: str, _data: bytes, limits: CsvLimits | None) -> pd.DataFrame:
    frame = read_csv_frame(_data, limits)
    frame.attrs["content_key"] = key
    return frame


def csv_frame(data: bytes, limits: CsvLimits | None = None) -> pd.DataFrame:
    """The parsed table of these bytes, from the per-content cache (shared, do not modify it; raises UploadError)."""
    return _csv_frame(content_key(data), data, limits)


def csv_uploader(label: str, key: str, limits: CsvLimits | None = None, help: str | None = None
                 ) -> pd.DataFrame | None:
    """A CSV table (shared, do not modify it in place), or None (with an error shown) when there is none or it
    is unusable; a file without a header row is said so."""
    file = st.file_uploader(label, type=["csv", "tsv", "txt"], key=key, help=help)
    if file is None:
        return None
    data = file.getvalue()
    try:
        frame = csv_frame(data, limits)
    except UploadError as err:
        st.error(str(err), icon=":material/error:")
        return None
    if frame.attrs.get("headerless"):
        st.info("The file has no header row (its first row holds numbers): every row was read as data.",
                icon=":material/table_rows:")
    return frame


IMAGE_TYPES = ["png", "jpg", "jpeg", "bmp", "gif", "webp"]


def image_uploader(label: str, key: str, max_pixels: int = 25_000_000, help: str | None = None):
    """An RGB PIL image, or None (with an error shown)."""
    file = st.file_uploader(label, type=IMAGE_TYPES, key=key, help=help)
    if file is None:
        return None
    try:
        return open_image(file.getvalue(), max_pixels)
    except UploadError as err:
        st.error(str(err), icon=":material/error:")
        return None


def zip_uploader(label: str, key: str, limits: ZipLimits | None = None, help: str | None = None):
    """The files of a zip as (path, bytes) pairs, or None (with an error shown)."""
    file = st.file_uploader(label, type=["zip"], key=key, help=help)
    if file is None:
        return None
    try:
        return safe_zip_entries(file.getvalue(), limits)
    except UploadError as err:
        st.error(str(err), icon=":material/error:")
        return None


def report_error(func, *args, **kwargs):
    """Call a parser; an UploadError becomes st.error and None."""
    try:
        return func(*args, **kwargs)
    except UploadError as err:
        st.error(str(err), icon=":material/error:")
        return None
