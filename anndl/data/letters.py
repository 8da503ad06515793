"""Rendered letters, MNIST-style: pretraining data for the digits backbone that needs no download (course §9.13).

Transfer learning works when the source task is broad: a backbone trained on five digit classes learns little
beyond them. Letters share the strokes, loops and corners of handwritten digits, and any number of them can be
drawn offline from the machine's fonts: each glyph is rendered with a random font, size and stroke width, bent by a
random rotation, shear and elastic wobble, then fitted into a 20×20 box and centred by mass in 28×28, as MNIST was.
No digit is drawn, so digits stay a true transfer target.
"""

from __future__ import annotations

import glob

import numpy as np

# capitals and small letters that are not drawn like a digit (no O/o/I/l/S/s/Z/z/B/b/g/q)
LETTERS = "ACDEFGHJKLMNPQRTUVWXYacdefhkmnprtuvwxy"
FONT_GLOBS = ("/usr/share/fonts/truetype/*/*.ttf", "/usr/share/fonts/TTF/*.ttf", "/Library/Fonts/*.ttf",
              "C:/Windows/Fonts/*.ttf")
CANVAS = 96  # pixels the glyph is drawn on before it is bent and shrunk (room for rotation and wobble)


def font_files() -> list[str]:
    """TrueType fonts on this machine; empty when there are none (Pillow's own font is used then)."""
    return sorted({f for pattern in FONT_GLOBS for f in glob.glob(pattern)})


def _font(path: str | None, size: int):
    from PIL import ImageFont

    return ImageFont.truetype(path, size) if path else ImageFont.load_default(size)


def _bend(glyph: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A random rotation (±15°), shear and stretch, then half the time an elastic wobble: handwriting's variety."""
    from scipy import ndimage

    turn, shear = np.deg2rad(rng.uniform(-15, 15)), rng.uniform(-0.3, 0.3)
    rotate = np.array([[np.cos(turn), -np.sin(turn)], [np.sin(turn), np.cos(turn)]])
    m = rotate @ np.array([[1.0, shear], [0.0, 1.0]]) @ np.diag(rng.uniform(0.8, 1.2, 2))
    centre = np.array(glyph.shape) / 2
    out = ndimage.affine_transform(glyph, m, offset=centre - m @ centre, order=1)
    if rng.random() < 0.5:
        dy, dx = (ndimage.gaussian_filter(rng.uniform(-1, 1, glyph.shape), 6) * 40 for _ in range(2))
        rows, cols = np.meshgrid(np.arange(glyph.shape[0]), np.arange(glyph.shape[1]), indexing="ij")
        out = ndimage.map_coordinates(out, [rows + dy, cols + dx], order=1)
    return out


def mnist_box(image: np.ndarray) -> np.ndarray:
    """MNIST's normalisation: the ink's bounding box scaled into 20×20, centred by mass in 28×28; (28, 28) in [0, 1]."""
    from PIL import Image
    from scipy import ndimage

    rows, cols = np.nonzero(image > 0.1)
    out = np.zeros((28, 28), "float32")
    if len(rows) == 0:
        return out
    ink = image[rows.min():rows.max() + 1, cols.min():cols.max() + 1]
    scale = 20.0 / max(ink.shape)
    size = (max(1, round(ink.shape[1] * scale)), max(1, round(ink.shape[0] * scale)))
    ink = np.asarray(Image.fromarray((ink * 255).astype("uint8")).resize(size, Image.LANCZOS), "float32") / 255.0
    cy, cx = ndimage.center_of_mass(ink)
    top = min(max(int(round(14 - cy)), 0), 28 - ink.shape[0])
    left = min(max(int(round(14 - cx)), 0), 28 - ink.shape[1])
    out[top:top + ink.shape[0], left:left + ink.shape[1]] = ink
    return np.clip(out, 0.0, 1.0)


def render_letter(char: str, font: str | None, rng: np.random.Generator) -> np.ndarray:
    """One letter as a 28×28 MNIST-style image in [0, 1]."""
    from PIL import Image, ImageDraw

    canvas = Image.new("L", (CANVAS, CANVAS), 0)
    ImageDraw.Draw(canvas).text((CANVAS // 2, CANVAS // 2), char, fill=255, anchor="mm",
                                font=_font(font, int(rng.integers(40, 56))),
                                stroke_width=int(rng.integers(0, 4)), stroke_fill=255)
    return mnist_box(_bend(np.asarray(canvas, "float32") / 255.0, rng))


def rendered_letters(per_class: int, seed: int = 0, letters: str = LETTERS) -> tuple[np.ndarray, np.ndarray, str]:
    """(x (n, 28, 28) float32 in [0, 1], y int64 index into `letters`, source): `per_class` drawings of each."""
    rng = np.random.default_rng(seed)
    fonts = font_files() or [None]
    x = np.zeros((len(letters) * per_class, 28, 28), "float32")
    y = np.repeat(np.arange(len(letters)), per_class).astype("int64")
    for i, k in enumerate(y):
        x[i] = render_letter(letters[k], fonts[rng.integers(len(fonts))], rng)
    source = (f"{len(letters)} letters rendered from {len(fonts)} system fonts" if fonts[0]
              else f"{len(letters)} letters rendered from Pillow's built-in font")
    return x, y, source
