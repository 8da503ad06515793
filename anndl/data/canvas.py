"""Canvases of objects with boxes and masks (course §11 localization, §14 detection, §17 segmentation).

`generate(n, config, seed)` places 1…N objects (drawn shapes, MNIST digits or Fashion-MNIST items) on each
canvas, all canvases at once (one vectorised pass per object slot), and returns the pixels, each object's
class and xyxy pixel box (see anndl.data.boxes), an instance mask and a semantic mask. Same seed, same canvases.
Boxes are amodal: an object partly hidden by a later one keeps its whole box, its mask only the visible part.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..config import DictConfig
from ..errors import SettingsError
from ..metrics import box_iou
from .sprites import BANK, bank, resample

MAX_VALUES = 250_000_000  # pixel values in one call: 1 GB of float32 (10,000 canvases of 128×128×3 is 0.5 GB)


@dataclass
class CanvasConfig(DictConfig):
    size: int = 64  # canvas side in pixels: 64 trains fast on a CPU, up to 256 for detection demos
    objects: str = "shapes"  # "shapes" (drawn, nothing to install), "digits" (MNIST), "fashion" (Fashion-MNIST)
    classes: tuple[int, ...] | None = None  # a subset of the source's classes (renumbered 0..k-1); None = all
    part: str = "all"  # "train" / "test": disjoint 80/20 % of the sprites, so test canvases hold unseen objects
    min_objects: int = 1
    max_objects: int = 3  # a few objects keep a 64 px canvas readable
    min_scale: float = 0.2  # object side (its longer extent) as a fraction of the canvas side
    max_scale: float = 0.45
    max_iou: float = 0.1  # no two boxes overlap more than this; an object that cannot be placed is left out
    brightness: tuple[float, float] = (0.6, 1.0)  # object intensity range (faint objects are harder)
    background: float = 0.0  # each canvas gets a random background level in [0, background]
    clutter: int = 0  # unlabelled object fragments drawn under the objects (distractors)
    noise: float = 0.0  # standard deviation of Gaussian pixel noise
    channels: int = 1  # 1 = gray, 3 = RGB with a random colour per object and background
    tries: int = 30  # placement attempts per object before it is left out

    def check(self, n: int = 1) -> None:
        """Refuse settings that cannot make a canvas, with one sentence."""
        if not 16 <= self.size <= 512:
            raise SettingsError(f"Canvas size must be 16–512 pixels, not {self.size}.")
        if not 1 <= self.min_objects <= self.max_objects <= 20:
            raise SettingsError("Objects per canvas must satisfy 1 ≤ min ≤ max ≤ 20.")
        if not 0 < self.min_scale <= self.max_scale <= 1:
            raise SettingsError("Object scales must satisfy 0 < min ≤ max ≤ 1 (a fraction of the canvas side).")
        if self.min_scale * self.size < 4:
            raise SettingsError(f"Objects of {self.min_scale * self.size:.1f} px are too small; make them at least "
                                "4 px.")
        if self.channels not in (1, 3):
            raise SettingsError("Channels must be 1 (gray) or 3 (RGB).")
        if not 0 <= self.max_iou <= 1 or self.noise < 0 or self.clutter < 0 or not 0 <= self.background <= 1:
            raise SettingsError("max_iou and background must be in [0, 1]; noise and clutter cannot be negative.")
        if n * self.size ** 2 * self.channels > MAX_VALUES:
            raise SettingsError(f"{n:,} canvases of {self.size}×{self.size}×{self.channels} would take "
                                f"{n * self.size ** 2 * self.channels * 4 / 1e9:.1f} GB; ask for fewer or smaller ones "
                                f"(at most {MAX_VALUES * 4 / 1e9:.1f} GB).")


@dataclass
class Canvases:
    images: np.ndarray  # (n, size, size, channels) float32 in [0, 1]
    boxes: np.ndarray  # (n, max_objects, 4) float32 xyxy pixels; -1 where a slot holds no object
    classes: np.ndarray  # (n, max_objects) int64 class ids; -1 where a slot holds no object
    instance: np.ndarray  # (n, size, size) uint8: 0 background, k + 1 = the object in slot k
    semantic: np.ndarray  # (n, size, size) uint8: 0 background, c + 1 = class c
    class_names: list[str]
    source: str
    config: CanvasConfig = field(default_factory=CanvasConfig)

    @property
    def counts(self) -> np.ndarray:
        return (self.classes >= 0).sum(1)

    @property
    def mask_names(self) -> list[str]:
        """Names of the semantic mask's ids: background first."""
        return ["background", *self.class_names]

    def objects(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        """Image i's boxes (k, 4) and classes (k,)."""
        keep = self.classes[i] >= 0
        return self.boxes[i][keep], self.classes[i][keep]

    def as_localization(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(images, class (n,), box (n, 4)) of each canvas's first object: the one-object task of §11.3."""
        return self.images, self.classes[:, 0], self.boxes[:, 0]

    def as_detection(self) -> tuple[np.ndarray, list[np.ndarray], list[np.ndarray]]:
        """(images, boxes per image, classes per image): ragged, as detectors take them (§14)."""
        pairs = [self.objects(i) for i in range(len(self.images))]
        return self.images, [b for b, _ in pairs], [c for _, c in pairs]

    def as_segmentation(self) -> tuple[np.ndarray, np.ndarray]:
        """(images, semantic masks (n, size, size)) with 0 = background (§17)."""
        return self.images, self.semantic


VIEWS = {"localization": {"min_objects": 1, "max_objects": 1}, "detection": {}, "segmentation": {}}


def view(task: str, n: int, seed: int = 0, **settings):
    """One task view of the generator: "localization", "detection" or "segmentation" (see Canvases.as_*)."""
    if task not in VIEWS:
        raise SettingsError(f"Unknown task {task!r}; choose one of {', '.join(VIEWS)}.")
    canvases = generate(n, CanvasConfig(**{**settings, **VIEWS[task]}), seed)
    return getattr(canvases, f"as_{task}")()


def _patch_boxes(patches: np.ndarray) -> np.ndarray:
    """(m, 4) xyxy extents of the nonzero pixels of each (m, s, s) patch, in patch coordinates."""
    rows, cols = patches.any(2), patches.any(1)
    s = patches.shape[1]
    return np.stack([cols.argmax(1), rows.argmax(1), s - cols[:, ::-1].argmax(1), s - rows[:, ::-1].argmax(1)],
                    1).astype("float32")


def _place(rng, offsets, sides, placed, size, max_iou, tries):
    """Top-left corners (m, 2) keeping each new box's IoU with the boxes `placed` (m, k, 4) ≤ max_iou; ok (m,)."""
    m = len(sides)
    corner = np.zeros((m, 2), "int64")
    todo = np.arange(m)
    for _ in range(tries):
        corner[todo] = rng.integers(0, (size - sides[todo] + 1)[:, None], (len(todo), 2))
        if placed.shape[1] == 0:
            return corner, np.ones(m, bool)
        box = offsets[todo] + np.tile(corner[todo, ::-1], 2)  # corner is (y, x); boxes are (x, y, x, y)
        bad = (box_iou(box[:, None], placed[todo], pairwise=False) > max_iou).any(1)
        todo = todo[bad]
        if not len(todo):
            break
    ok = np.ones(m, bool)
    ok[todo] = False
    return corner, ok


def _paint(images, layers, idx, corner, patches, colours):
    """Alpha-composite (g, s, s) patches with corners (g, 2) onto canvases `idx`; where a patch is nonzero, write
    each (mask, values (g,)) of `layers` into the mask."""
    n, size, _, channels = images.shape
    s = patches.shape[1]
    rows = corner[:, 0, None] + np.arange(s)  # (g, s)
    cols = corner[:, 1, None] + np.arange(s)
    flat = (idx[:, None, None] * size + rows[:, :, None]) * size + cols[:, None, :]  # (g, s, s) pixel numbers
    pixels = images.reshape(-1, channels)
    alpha = patches[..., None]  # (g, s, s, 1)
    pixels[flat] = pixels[flat] * (1 - alpha) + colours[:, None, None, :] * alpha
    on = patches > 0
    for mask, values in layers:
        mask.reshape(-1)[flat[on]] = np.broadcast_to(values[:, None, None], on.shape)[on]


def _colours(rng, m, channels, low, high):
    """(m, channels) object colours: gray levels in [low, high], or random hues scaled to that brightness."""
    level = rng.uniform(low, high, m).astype("float32")[:, None]
    if channels == 1:
        return level
    hue = rng.uniform(0.15, 1.0, (m, 3)).astype("float32")
    return hue / hue.max(1, keepdims=True) * level


def _clutter(rng, images, sprites, count, size):
    """Unlabelled fragments of random sprites (distractors), faint, anywhere on the canvas."""
    n, side = len(images), max(3, round(size * 0.12))
    for _ in range(count):
        pick = rng.integers(0, len(sprites), n)
        start = rng.uniform(0, BANK * 0.6, (n, 2))
        windows = np.concatenate([start, np.full((n, 2), BANK * 0.4)], 1)
        frag = resample(sprites[pick], windows, side, side).clip(0, 1)
        corner = rng.integers(0, size - side + 1, (n, 2))
        _paint(images, [], np.arange(n), corner, frag, _colours(rng, n, images.shape[-1], 0.2, 0.5))


def generate(n: int, config: CanvasConfig | None = None, seed: int = 0) -> Canvases:
    """`n` canvases with 1…N objects each, their boxes, classes, instance and semantic masks."""
    cfg = config or CanvasConfig()
    cfg.check(n)
    b = bank(cfg.objects, tuple(cfg.classes) if cfg.classes is not None else None, cfg.part)
    rng = np.random.default_rng(seed)
    size, k = cfg.size, cfg.max_objects
    images = np.empty((n, size, size, cfg.channels), "float32")
    images[:] = _colours(rng, n, cfg.channels, 0, cfg.background)[:, None, None, :]
    if cfg.clutter:
        _clutter(rng, images, b.sprites, cfg.clutter, size)
    boxes = np.full((n, k, 4), -1, "float32")
    classes = np.full((n, k), -1, "int64")
    instance = np.zeros((n, size, size), "uint8")
    semantic = np.zeros((n, size, size), "uint8")
    wanted = rng.integers(cfg.min_objects, k + 1, n)
    lo, hi = max(4, round(cfg.min_scale * size)), max(4, round(cfg.max_scale * size))
    for slot in range(k):
        idx = np.flatnonzero(wanted > slot)
        pick = rng.integers(0, len(b.sprites), len(idx))
        sides = rng.integers(lo, hi + 1, len(idx))
        colours = _colours(rng, len(idx), cfg.channels, *cfg.brightness)
        groups = [(s, np.flatnonzero(sides == s)) for s in np.unique(sides)]
        patches = {}
        offsets = np.zeros((len(idx), 4), "float32")
        for s, g in groups:  # one batched resize per object side
            full = np.tile([0.0, 0.0, BANK, BANK], (len(g), 1))
            p = resample(b.sprites[pick[g]], full, s, s).clip(0, 1)
            patches[s] = np.where(p > 0.1, p, 0).astype("float32")
            offsets[g] = _patch_boxes(patches[s] > 0)
        corner, ok = _place(rng, offsets, sides, boxes[idx, :slot], size, cfg.max_iou, cfg.tries)
        ok &= offsets[:, 2] > offsets[:, 0]  # a sprite that vanished at a tiny size is not an object
        boxes[idx[ok], slot] = offsets[ok] + np.tile(corner[ok, ::-1], 2)
        classes[idx[ok], slot] = b.labels[pick[ok]]
        for s, g in groups:
            keep = ok[g]
            g = g[keep]
            ids = (b.labels[pick[g]] + 1).astype("uint8")
            layers = [(instance, np.full(len(g), slot + 1, "uint8")), (semantic, ids)]
            _paint(images, layers, idx[g], corner[g], patches[s][keep], colours[g])
    if cfg.noise:
        images += rng.standard_normal(images.shape, dtype="float32") * np.float32(cfg.noise)
    np.clip(images, 0, 1, out=images)
    return Canvases(images, boxes, classes, instance, semantic, list(b.class_names), b.source, cfg)
