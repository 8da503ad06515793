"""Upload parsing and validation (DESIGN §5): every bad input becomes one clear UploadError sentence."""

from __future__ import annotations

import csv
import io
import posixpath
import zipfile
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import Dataset


class UploadError(ValueError):
    """A user's file is unusable; str(error) is one sentence saying what is wrong and how to fix it."""


@dataclass
class CsvLimits:
    max_bytes: int = 20 * 1024 * 1024  # 20 MB is plenty for a course exercise
    max_rows: int = 200_000  # keeps training of one upload under a minute
    max_cols: int = 200  # wide tables belong to another tool
    min_rows: int = 10  # fewer rows cannot be split into train and test


def _separator(text: str) -> str:
    """Comma, semicolon or tab, whichever the first lines use (a one-column file has none: comma)."""
    try:
        return csv.Sniffer().sniff(text[:65536], delimiters=",;\t").delimiter
    except csv.Error:
        return ","


def _is_number(text: str) -> bool:
    try:
        float(str(text).strip().rstrip(";"))
    except ValueError:
        return False
    return True


def _width(text: str, sep: str) -> int:
    """Fields in the first line, counted before pandas parses the whole file."""
    first = text[: text.find("\n")] if "\n" in text[:1_000_000] else text[:1_000_000]
    return len(next(csv.reader([first], delimiter=sep), []))


def utf8_text(data: bytes, max_bytes: int, empty: str) -> str:
    """An uploaded text file's bytes as text (UTF-8, a BOM dropped); one clear UploadError when empty (`empty` says
    what to upload), too big, or not UTF-8."""
    if not data:
        raise UploadError(empty)
    if len(data) > max_bytes:
        raise UploadError(f"The file is {len(data) / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.0f} MB: "
                          "upload a sample of it.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise UploadError(f"The file is not UTF-8 text (bad byte at position {err.start}): save it as UTF-8 and "
                          "upload it again.") from None


def read_csv_frame(data: bytes, limits: CsvLimits | None = None) -> pd.DataFrame:
    """Parse uploaded CSV bytes (comma, semicolon or tab) into a DataFrame within the limits.

    A file whose first row holds mostly numbers has no header (the course's activity file): it is read with
    header=None, its columns named "column 1", "column 2", …, and `frame.attrs["headerless"]` is True so that
    the page can say what it assumed.
    """
    limits = limits or CsvLimits()
    if not data:
        raise UploadError("The file is empty: upload a CSV with a header row and at least one data row.")
    if len(data) > limits.max_bytes:
        raise UploadError(f"The file is {len(data) / 1e6:.1f} MB; the limit is {limits.max_bytes / 1e6:.0f} MB.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UploadError("The file is not UTF-8 text: save it as 'CSV UTF-8' and upload it again.") from None
    sep = _separator(text)
    width = _width(text, sep)
    if width > limits.max_cols:
        raise UploadError(f"The table has {width:,} columns; at most {limits.max_cols} are accepted.")
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, nrows=limits.max_rows + 1)
        headerless = sum(map(_is_number, frame.columns)) * 2 > len(frame.columns)
        if headerless:
            frame = pd.read_csv(io.StringIO(text), sep=sep, nrows=limits.max_rows + 1, header=None,
                                names=[f"column {i + 1}" for i in range(len(frame.columns))])
    except Exception as exc:  # pandas says many different things; the user needs one
        raise UploadError(f"This is not a readable CSV table ({str(exc).splitlines()[0][:120]}).") from None
    frame.attrs["headerless"] = headerless
    if len(frame) > limits.max_rows:
        raise UploadError(f"The table has more than {limits.max_rows:,} rows; upload a sample of it.")
    if frame.shape[1] > limits.max_cols:
        raise UploadError(f"The table has {frame.shape[1]} columns; at most {limits.max_cols} are accepted.")
    if frame.shape[1] < 2:
        raise UploadError("The table has a single column: it needs at least one feature column and a target column "
                          "(is the separator a comma, semicolon or tab?).")
    if len(frame) < limits.min_rows:
        raise UploadError(f"The table has {len(frame)} rows; at least {limits.min_rows} are needed.")
    return frame


def csv_to_dataset(frame: pd.DataFrame, target: str | None = None, task: str = "auto",
                   name: str = "uploaded CSV") -> Dataset:
    """Features and target from a table: numeric features, a class or numeric target, no missing values."""
    target = target if target is not None else frame.columns[-1]
    if target not in frame.columns:
        columns = ", ".join(map(str, frame.columns))
        raise UploadError(f"There is no column named {target!r}; the columns are: {columns}.")
    features = frame.drop(columns=[target])
    bad = [str(c) for c in features.columns if not pd.api.types.is_numeric_dtype(features[c])]
    if bad:
        raise UploadError(f"Feature column(s) {', '.join(bad[:5])} are not numeric: encode them as numbers or "
                          "remove them.")
    y_raw = frame[target]
    if y_raw.isna().any():
        raise UploadError(f"The target column {target!r} has {int(y_raw.isna().sum())} missing value(s): fill or "
                          "drop those rows.")
    if features.isna().any().any():
        col = features.columns[features.isna().any()][0]
        raise UploadError(f"Column {col!r} has missing values (NaN): fill or drop those rows.")
    x = features.to_numpy("float32")
    if not np.isfinite(x).all():
        raise UploadError("The features contain infinite values: replace them with finite numbers.")
    numeric_y = pd.api.types.is_numeric_dtype(y_raw)
    if task == "auto":
        values = y_raw.to_numpy("float64") if numeric_y else None
        many = numeric_y and (y_raw.nunique() > 20 or not np.allclose(values, np.round(values)))
        task = "regression" if many else "classification"
    if task == "regression":
        if not numeric_y:
            raise UploadError(f"The target {target!r} is not numeric, so it cannot be a regression target.")
        return Dataset(name, x, y_raw.to_numpy("float32"), "regression", list(map(str, features.columns)), None,
                       source="your upload")
    labels = y_raw if numeric_y else y_raw.astype(str)
    values = sorted(labels.unique())  # numeric classes in numeric order (2 before 10)
    classes = [_class_name(v) for v in values]
    if len(classes) < 2:
        raise UploadError(f"The target {target!r} has a single class ({classes[0]!r}); a classifier needs two or more.")
    if len(classes) > 50:
        raise UploadError(f"The target {target!r} has {len(classes)} classes; at most 50 are accepted.")
    y = labels.map({v: i for i, v in enumerate(values)}).to_numpy("int64")
    counts = np.bincount(y)
    if counts.min() < 2:
        raise UploadError(f"Class {classes[int(counts.argmin())]!r} has a single row; every class needs at least two "
                          "to be split into train and test.")
    task = "binary" if len(classes) == 2 else "multiclass"
    return Dataset(name, x, y, task, list(map(str, features.columns)), classes, source="your upload")


def _class_name(value) -> str:
    """'3' for 3 and 3.0, the text itself for a text label."""
    if isinstance(value, (int, float, np.integer, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value)


@dataclass
class ZipLimits:
    max_bytes: int = 50 * 1024 * 1024  # the compressed upload
    max_members: int = 5_000  # files inside
    max_total: int = 200 * 1024 * 1024  # uncompressed, all members together
    max_member: int = 10 * 1024 * 1024  # uncompressed, one member
    max_ratio: float = 200.0  # compression ratio above which a member is a bomb


def safe_zip_entries(data: bytes, limits: ZipLimits | None = None) -> list[tuple[str, bytes]]:
    """Read a zip upload safely: (path, bytes) for each file, refusing traversal, bombs and excess."""
    limits = limits or ZipLimits()
    if len(data) > limits.max_bytes:
        raise UploadError(f"The zip is {len(data) / 1e6:.1f} MB; the limit is {limits.max_bytes / 1e6:.0f} MB.")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = [i for i in archive.infolist() if not i.is_dir()]
    except (zipfile.BadZipFile, OSError, ValueError):
        raise UploadError("This file is not a readable zip archive: create it again with 'Compress' or 'zip -r'."
                          ) from None
    if len(infos) > limits.max_members:
        raise UploadError(f"The zip holds {len(infos)} files; at most {limits.max_members} are accepted.")
    total = 0
    for info in infos:
        name = info.filename.replace("\\", "/")
        if name.startswith("/") or ".." in name.split("/") or ":" in name.split("/")[0]:
            raise UploadError(f"The zip contains an unsafe path ({info.filename!r}); only relative paths are accepted.")
        if info.file_size > limits.max_member:
            raise UploadError(f"{name!r} is {info.file_size / 1e6:.0f} MB unpacked; each file may be at most "
                              f"{limits.max_member / 1e6:.0f} MB.")
        if info.compress_size and info.file_size / info.compress_size > limits.max_ratio:
            raise UploadError(f"{name!r} expands {info.file_size / info.compress_size:.0f}-fold: the zip looks like a "
                              "decompression bomb and was refused.")
        total += info.file_size
        if total > limits.max_total:
            raise UploadError(f"The zip unpacks to more than {limits.max_total / 1e6:.0f} MB; upload fewer or smaller "
                              "files.")
    out = []
    for info in infos:
        name = posixpath.normpath(info.filename.replace("\\", "/"))
        if name.startswith("__MACOSX/") or posixpath.basename(name).startswith("."):
            continue  # macOS resource forks and hidden files are not user data
        try:
            with archive.open(info) as fh:
                blob = fh.read(limits.max_member + 1)
        except (zipfile.BadZipFile, OSError, RuntimeError, ValueError):
            raise UploadError(f"{name!r} inside the zip is damaged or encrypted; create the zip again.") from None
        if len(blob) > limits.max_member:
            raise UploadError(f"{name!r} unpacks to more than its declared size; the zip was refused.")
        out.append((name, blob))
    return out


def open_image(data: bytes, max_pixels: int = 25_000_000, formats=("PNG", "JPEG", "BMP", "GIF", "WEBP"),
               min_size: tuple[int, int] | None = None, background=(255, 255, 255)):
    """Open an uploaded image safely (format allow-list, pixel limit checked before decoding) as RGB PIL.

    Read as phones and instruments write them: see anndl.data.photo.normalise (EXIF orientation, 16-bit range,
    transparency on `background`, CMYK). With `min_size` (height, width) a large photo is decoded reduced (JPEG
    draft mode, else an integer `reduce`), never below that size.
    """
    from PIL import Image, UnidentifiedImageError

    from .photo import draft, normalise

    if not data:
        raise UploadError("The image file is empty.")
    try:
        img = Image.open(io.BytesIO(data), formats=list(formats))
        w, h = img.size
        if w * h > max_pixels:
            raise UploadError(f"The image is {w}×{h} pixels; at most {max_pixels / 1e6:.0f} megapixels are accepted.")
        draft(img, min_size)
        img.load()
        return normalise(img, min_size, background)
    except UploadError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError):
        raise UploadError(f"This is not a supported image ({', '.join(formats)}) or it is too large.") from None
    except (OSError, ValueError, SyntaxError):
        raise UploadError("The image file is damaged (truncated or corrupt); export it again.") from None
