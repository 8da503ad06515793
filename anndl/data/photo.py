"""Photos read the way phones and instruments write them (the one image reader every page uses, via open_image).

A portrait phone photo stores landscape pixels plus an EXIF orientation tag; a 16-bit microscope or X-ray PNG
uses a small part of 0–65535; a logo has transparent pixels; print JPEGs are CMYK. Each comes out as the RGB
picture a person sees.
"""

from __future__ import annotations

import numpy as np

BACKGROUND = (255, 255, 255)  # transparent pixels are shown on white, as image viewers do


def draft(img, min_size: tuple[int, int] | None) -> None:
    """Ask the JPEG decoder for a 1/2, 1/4 or 1/8 scale that still covers `min_size` (h, w), before decoding.

    Asks for the longer side in both directions, so that an EXIF rotation cannot bring a side below it.
    """
    if min_size and img.format == "JPEG":
        side = max(min_size)
        img.draft(img.mode, (side, side))


def _reduce(img, min_size: tuple[int, int] | None):
    """An integer-factor reduction (a fast box filter) that keeps both sides at least max(min_size)."""
    if not min_size:
        return img
    factor = min(img.size) // max(min_size)
    return img.reduce(factor) if factor >= 2 else img


def _stretch16(img):
    """A 16-bit or 32-bit gray image scaled by its own range to 8 bits (a constant image keeps its level)."""
    from PIL import Image

    a = np.asarray(img, dtype="float64")
    lo, hi = float(a.min()), float(a.max())
    if hi > lo:
        a = (a - lo) / (hi - lo) * 255
    else:
        a = np.full(a.shape, np.clip(lo / 257, 0, 255))  # 65535 -> 255
    return Image.fromarray(a.round().astype("uint8"), "L")


def normalise(img, min_size: tuple[int, int] | None = None, background=BACKGROUND):
    """A decoded PIL image as upright RGB: EXIF orientation applied, 16-bit stretched, transparency composited
    on `background`, CMYK and other modes converted, reduced by an integer factor towards `min_size`."""
    from PIL import Image, ImageOps

    try:
        img = ImageOps.exif_transpose(img)
    except (ValueError, TypeError, KeyError, SyntaxError):  # a damaged EXIF block: keep the pixels as stored
        pass
    if img.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        img = _stretch16(img)
    elif img.mode == "1":
        img = img.convert("L")
    elif img.mode == "P":
        img = img.convert("RGBA" if "transparency" in img.info else "RGB")
    elif img.mode in ("L", "RGB") and "transparency" in img.info:
        img = img.convert("RGBA")
    if img.mode in ("LA", "La", "PA", "RGBA", "RGBa"):
        rgba = img.convert("RGBA")
        canvas = Image.new("RGBA", rgba.size, tuple(background) + (255,))
        img = Image.alpha_composite(canvas, rgba)
    img = _reduce(img.convert("RGB") if img.mode != "L" else img, min_size)
    return img.convert("RGB")
