"""Small "own data" files as a student would upload them (issue 12): for the tests and `anndl.bench owndata`.

Each maker returns the bytes of an upload (TSV, zip of class folders or of images with masks, .txt) built from
offline data.
"""

from __future__ import annotations

import io
import zipfile

import numpy as np

_UNITS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
          "seventeen eighteen nineteen").split()
_UNITA = ("zero uno due tre quattro cinque sei sette otto nove dieci undici dodici tredici quattordici quindici "
          "sedici diciassette diciotto diciannove").split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_DECINE = "venti trenta quaranta cinquanta sessanta settanta ottanta novanta".split()


def _number(k: int, units: list[str], tens: list[str], hundred: str) -> str:
    if k < 20:
        return units[k]
    if k >= 100:
        return hundred
    t, u = divmod(k, 10)
    return tens[t - 2] + ("" if u == 0 else " " + units[u])


def number_pairs(n: int = 100) -> list[tuple[str, str]]:
    """English→Italian "the number twenty one" → "il numero venti uno" for 1…n (tens and units as two words)."""
    return [(f"the number {_number(k, _UNITS, _TENS, 'one hundred')}",
             f"il numero {_number(k, _UNITA, _DECINE, 'cento')}") for k in range(1, n + 1)]


def pairs_tsv(pairs: list[tuple[str, str]]) -> bytes:
    """Pairs as an Anki/Tatoeba TSV file."""
    return "".join(f"{e}\t{i}\n" for e, i in pairs).encode()


def image_zip(per_class: int = 30, n_classes: int = 10, source: str = "mnist", size: int = 28,
              seed: int = 0, exclude=()) -> bytes:
    """A zip of class folders, `per_class` real gray PNGs each (MNIST-5k digits or Fashion-MNIST test items), none
    of the positions in `exclude` (e.g. what a shipped backbone was trained on: a student's images are new to it)."""
    from PIL import Image

    from .images import fashion_arrays, mnist_arrays

    if source == "mnist":
        x, y = mnist_arrays()
    else:
        _, _, x, y, _ = fashion_arrays()
    rng = np.random.default_rng(seed)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for c in range(n_classes):
            pool = np.setdiff1d(np.flatnonzero(y == c), np.asarray(exclude, "int64"))
            for j, i in enumerate(rng.choice(pool, per_class, replace=False)):
                png = io.BytesIO()
                Image.fromarray(np.asarray(x[i], dtype="uint8")).resize((size, size)).save(png, "PNG")
                z.writestr(f"class_{c}/{j}.png", png.getvalue())
    return buf.getvalue()


def mask_zip(n: int = 30, seed: int = 0, objects: str = "shapes", size: int = 48) -> bytes:
    """A zip of `n` images/NAME.png with masks/NAME.png (pixel = class id) a student might bring to the U-Net page:
    canvases of drawn shapes, as `anndl.data.canvas` draws them."""
    from PIL import Image

    from .canvas import CanvasConfig, generate

    x, y = generate(n, CanvasConfig(size=size, objects=objects, part="train"), seed).as_segmentation()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for i in range(n):
            for folder, pixels in (("images", np.round(x[i, ..., 0] * 255)), ("masks", y[i])):
                png = io.BytesIO()
                Image.fromarray(np.asarray(pixels, "uint8")).save(png, "PNG")
                z.writestr(f"{folder}/{i:04d}.png", png.getvalue())
    return buf.getvalue()


def grammar_txt(n_sentences: int, seed: int = 0) -> bytes:
    """A .txt of `n_sentences` generated English sentences, one a line (the words page's upload case)."""
    from .text import grammar_text

    return "".join(" ".join(s) + ".\n" for s in grammar_text(n_sentences, seed).sentences).encode()
