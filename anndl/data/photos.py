"""Colour photos for demos, bundled with scikit-image and scikit-learn: a real picture without an upload."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Photo:
    name: str
    title: str
    source: str  # shown under the picture


# name -> (title, loader "module:attribute"); every one ships inside its wheel, nothing downloads.
CATALOGUE: dict[str, tuple[str, str]] = {
    "astronaut": ("Astronaut Eileen Collins (NASA)", "skimage.data:astronaut"),
    "chelsea": ("Chelsea the cat", "skimage.data:chelsea"),
    "coffee": ("A cup of coffee", "skimage.data:coffee"),
    "rocket": ("A rocket on the launch pad (NASA)", "skimage.data:rocket"),
    "hubble": ("Hubble deep field (NASA)", "skimage.data:hubble_deep_field"),
    "immunohistochemistry": ("Immunohistochemistry stain (microscopy)", "skimage.data:immunohistochemistry"),
    "camera": ("The cameraman (gray)", "skimage.data:camera"),
    "coins": ("Greek coins (gray)", "skimage.data:coins"),
    "china": ("A temple in China", "sklearn:china.jpg"),
    "flower": ("A flower", "sklearn:flower.jpg"),
}


def names() -> list[str]:
    return list(CATALOGUE)


def describe(name: str) -> Photo:
    if name not in CATALOGUE:
        raise KeyError(f"Unknown photo {name!r}; known: {', '.join(CATALOGUE)}")
    title, loader = CATALOGUE[name]
    lib = "scikit-learn's sample images" if loader.startswith("sklearn") else "scikit-image's bundled data"
    return Photo(name, title, f"{title}, from {lib} (offline)")


def photo(name: str) -> np.ndarray:
    """The photo as uint8 (h, w, 3) RGB (gray ones repeated over three channels)."""
    describe(name)
    module, _, attr = CATALOGUE[name][1].partition(":")
    if module == "sklearn":
        from sklearn.datasets import load_sample_image

        a = load_sample_image(attr)
    else:
        import importlib

        a = getattr(importlib.import_module(module), attr)()
    a = np.asarray(a)
    if a.ndim == 2:
        a = np.repeat(a[..., None], 3, axis=-1)
    return np.ascontiguousarray(a[..., :3]).astype("uint8")


def photo_image(name: str, max_side: int | None = None):
    """The photo as an RGB PIL image, shrunk to `max_side` pixels on its longer side when given."""
    from PIL import Image

    img = Image.fromarray(photo(name))
    if max_side:
        img.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    return img
