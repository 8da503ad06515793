"""Pictures a student understands: images with boxes, class names and mask overlays drawn (PIL, no UI)."""

from __future__ import annotations

import numpy as np

# Distinct, colour-blind-friendly colours (Okabe–Ito), reused per class id.
PALETTE = [(230, 159, 0), (86, 180, 233), (0, 158, 115), (240, 228, 66), (0, 114, 178), (213, 94, 0),
           (204, 121, 167), (255, 255, 255), (153, 153, 153), (170, 68, 153)]


def colour(class_id: int) -> tuple[int, int, int]:
    return PALETTE[int(class_id) % len(PALETTE)]


def to_pil(image, scale: int = 1):
    """A float [0, 1] or uint8 array (h, w[, 1|3]) as an RGB PIL image, enlarged `scale`× with sharp pixels."""
    from PIL import Image

    a = np.asarray(image)
    if a.dtype != np.uint8:
        a = (np.clip(a, 0, 1) * 255).round().astype("uint8")
    if a.ndim == 3 and a.shape[-1] == 1:
        a = a[..., 0]
    img = Image.fromarray(a).convert("RGB")
    if scale > 1:
        img = img.resize((img.width * scale, img.height * scale), Image.Resampling.NEAREST)
    return img


def overlay_mask(image, mask, alpha: float = 0.45, scale: int = 1):
    """The image with each nonzero mask id tinted in its class colour (id k -> colour of class k - 1)."""
    from PIL import Image

    base = to_pil(image)
    m = np.asarray(mask)
    tint = np.zeros((*m.shape, 3), "uint8")
    for k in np.unique(m[m > 0]):
        tint[m == k] = colour(int(k) - 1)
    a = np.where(m > 0, alpha, 0.0)[..., None]
    out = (np.asarray(base, "float32") * (1 - a) + tint * a).round().astype("uint8")
    img = Image.fromarray(out)
    return img.resize((img.width * scale, img.height * scale), Image.Resampling.NEAREST) if scale > 1 else img


def draw_boxes(image, boxes, classes, class_names: list[str] | None = None, scores=None, scale: int = 4,
               width: int = 2, dashed: bool = False):
    """Boxes (k, 4) xyxy in image pixels drawn on the image (PIL or array) with labels "name 0.93".

    `scale` enlarges a small canvas so that the labels are legible; dashed boxes can show the truth next to
    predictions.
    """
    from PIL import Image, ImageDraw

    img = image.copy() if isinstance(image, Image.Image) else to_pil(image)
    if scale > 1:
        img = img.resize((img.width * scale, img.height * scale), Image.Resampling.NEAREST)
    draw = ImageDraw.Draw(img)
    for i, (box, cls) in enumerate(zip(np.asarray(boxes, "float32").reshape(-1, 4), np.ravel(classes))):
        if cls < 0:
            continue
        x0, y0, x1, y1 = (box * scale).tolist()
        c = colour(int(cls))
        if dashed:
            _dashed_rectangle(draw, (x0, y0, x1 - 1, y1 - 1), c, width)
        else:
            draw.rectangle((x0, y0, x1 - 1, y1 - 1), outline=c, width=width)
        label = class_names[int(cls)] if class_names else str(int(cls))
        if scores is not None:
            label += f" {float(np.ravel(scores)[i]):.2f}"
        tx, ty = x0, max(0, y0 - 11)
        tw = draw.textlength(label)
        draw.rectangle((tx, ty, tx + tw + 3, ty + 10), fill=c)
        draw.text((tx + 2, ty - 1), label, fill=(0, 0, 0))
    return img


def _dashed_rectangle(draw, xyxy, fill, width, dash: int = 4):
    x0, y0, x1, y1 = xyxy
    for a, b in (((x0, y0), (x1, y0)), ((x1, y0), (x1, y1)), ((x1, y1), (x0, y1)), ((x0, y1), (x0, y0))):
        length = max(abs(b[0] - a[0]), abs(b[1] - a[1]))
        for t in np.arange(0, length, 2 * dash):
            f0, f1 = t / max(length, 1), min(t + dash, length) / max(length, 1)
            draw.line((a[0] + (b[0] - a[0]) * f0, a[1] + (b[1] - a[1]) * f0,
                       a[0] + (b[0] - a[0]) * f1, a[1] + (b[1] - a[1]) * f1), fill=fill, width=width)


def grid(images: list, columns: int = 4, gap: int = 4, background=(32, 32, 32)):
    """PIL images of one size side by side in rows of `columns`."""
    from PIL import Image

    if not images:
        raise ValueError("No images to put in a grid.")
    w, h = images[0].size
    rows = -(-len(images) // columns)
    sheet = Image.new("RGB", (columns * w + (columns - 1) * gap, rows * h + (rows - 1) * gap), background)
    for i, img in enumerate(images):
        sheet.paste(img, ((i % columns) * (w + gap), (i // columns) * (h + gap)))
    return sheet


def canvas_preview(canvases, count: int = 8, columns: int = 4, scale: int = 4, masks: bool = True):
    """The first `count` canvases with their true boxes and class names, semantic mask tinted when `masks`."""
    tiles = []
    for i in range(min(count, len(canvases.images))):
        base = overlay_mask(canvases.images[i], canvases.semantic[i]) if masks else canvases.images[i]
        b, c = canvases.objects(i)
        tiles.append(draw_boxes(base, b, c, canvases.class_names, scale=scale))
    return grid(tiles, columns)
