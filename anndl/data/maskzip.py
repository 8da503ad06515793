"""A zip of image + mask pairs for segmentation (course §17): every bad pair named, with its reason.

Layout: `images/NAME.jpg` with `masks/NAME.png` (folders called masks, labels, annotations or trimaps hold
masks), or `NAME.jpg` with `NAME_mask.png`. A mask is a PNG whose pixel values are class ids: 0 background,
1, 2, … the classes (gray or palette PNG; Oxford-pets trimaps and VOC palette masks work as they are).
"""

from __future__ import annotations

import io
import posixpath
from dataclasses import dataclass, field

import numpy as np

from .images import IMAGE_EXT, image_from_bytes, skipped_sentences
from .uploads import UploadError, ZipLimits, safe_zip_entries

MASK_FOLDERS = {"masks", "mask", "labels", "label", "annotations", "trimaps", "segmentations", "gt"}
MASK_SUFFIXES = ("_mask", "_masks", "_label", "_labels", "_gt")

NO_MASK = "they have no mask of the same name (e.g. masks/NAME.png beside images/NAME.jpg)"
NO_IMAGE = "they are masks without an image of the same name"
NOT_PNG = "their mask is not a PNG (JPEG compression changes the class ids at object edges)"
COLOUR = ("their mask is a colour picture, not class ids (save each pixel's class id as a gray value 0, 1, 2 …, "
          "or as a palette PNG)")
SIZE = "their mask's size differs from the image's (masks must have the image's width and height)"
DAMAGED = "the image or its mask is damaged or not really an image"
TWICE = "two files share the name (keep one image per name)"


def _too_high(max_class: int) -> str:
    return f"their mask holds class ids above {max_class} (e.g. 255, the 'void' border of VOC masks)"


@dataclass
class MaskPairs:
    """Images and their masks from a zip, resized to one size, with what was skipped and why."""

    images: np.ndarray  # (n, h, w, channels) float32 in [0, 1]
    masks: np.ndarray  # (n, h, w) uint8 class ids, 0 = background
    names: list[str]  # the pair names (file stems), in the order of the arrays
    class_ids: list[int]  # ids found in the masks, background included
    skipped: dict[str, list[str]] = field(default_factory=dict)  # reason -> file names

    def warnings(self) -> list[str]:
        return skipped_sentences(self.skipped)


def _role(path: str) -> tuple[str, str]:
    """("mask" | "image", pair name) of a zip member."""
    folders = {p.lower() for p in path.split("/")[:-1]}
    stem = posixpath.splitext(posixpath.basename(path))[0]
    for suffix in MASK_SUFFIXES:
        if stem.lower().endswith(suffix):
            return "mask", stem[: -len(suffix)]
    return ("mask" if folders & MASK_FOLDERS else "image"), stem


def read_mask(data: bytes, max_pixels: int = 4_000_000) -> np.ndarray:
    """A mask PNG as (h, w) integer class ids; raises ValueError(reason) for colour masks, OSError if damaged."""
    from PIL import Image

    img = Image.open(io.BytesIO(data), formats=["PNG"])
    if img.size[0] * img.size[1] > max_pixels:
        raise OSError("too large")
    img.load()
    if img.mode in ("LA", "PA"):
        img = img.getchannel(0)
    a = np.asarray(img)
    if a.ndim == 3:  # RGB(A): accepted only when it is gray in disguise
        if not (a[..., 0] == a[..., 1]).all() or not (a[..., 0] == a[..., 2]).all():
            raise ValueError(COLOUR)
        a = a[..., 0]
    return a.astype("int64")


def _resize_mask(mask: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Nearest-neighbour resize: class ids are labels, never averaged."""
    rows = (np.arange(size[0]) + 0.5) * mask.shape[0] / size[0]
    cols = (np.arange(size[1]) + 0.5) * mask.shape[1] / size[1]
    return mask[rows.astype(int)[:, None], cols.astype(int)[None, :]].astype("uint8")


def _pairs(entries) -> tuple[dict[str, tuple[str, bytes]], dict[str, tuple[str, bytes]], dict[str, list[str]]]:
    images, masks, skipped = {}, {}, {}
    for path, blob in entries:
        if not path.lower().endswith(IMAGE_EXT):
            skipped.setdefault("they are not PNG or JPEG images", []).append(path)
            continue
        role, name = _role(path)
        table = masks if role == "mask" else images
        if name in table:
            skipped.setdefault(TWICE, []).append(path)
            continue
        table[name] = (path, blob)
    for name in sorted(set(images) - set(masks)):
        skipped.setdefault(NO_MASK, []).append(images.pop(name)[0])
    for name in sorted(set(masks) - set(images)):
        skipped.setdefault(NO_IMAGE, []).append(masks.pop(name)[0])
    return images, masks, skipped


def mask_zip_dataset(data: bytes, size: tuple[int, int] = (64, 64), channels: int = 3, max_class: int = 20,
                     min_pairs: int = 4, max_pairs: int = 2_000, limits: ZipLimits | None = None,
                     max_pixels: int = 4_000_000) -> MaskPairs:
    """Read a zip of image + mask pairs, resized to `size` (h, w); bad zips raise one UploadError sentence."""
    from PIL import Image

    entries = safe_zip_entries(data, limits)
    if not entries:
        raise UploadError("The zip is empty: put images in images/ and their masks (PNG, same names) in masks/.")
    images, masks, skipped = _pairs(entries)
    if not masks and not images:
        if skipped.get(NO_MASK) and not skipped.get(NO_IMAGE):
            raise UploadError("The zip has no masks: put the masks (PNG, one class id per pixel) in a folder "
                              "called masks/ with the images' names, or name each one NAME_mask.png.")
        raise UploadError("The zip holds no image with a mask of the same name: put images/NAME.jpg beside "
                          "masks/NAME.png.")
    if len(images) > max_pairs:
        raise UploadError(f"The zip holds {len(images)} image + mask pairs; at most {max_pairs} are accepted.")
    xs, ys, names = [], [], []
    for name in sorted(images):
        img_path, img_blob = images[name]
        mask_path, mask_blob = masks[name]
        if not mask_path.lower().endswith(".png"):
            skipped.setdefault(NOT_PNG, []).append(mask_path)
            continue
        try:
            mask = read_mask(mask_blob, max_pixels)
            with Image.open(io.BytesIO(img_blob)) as probe:
                image_size = probe.size  # header only: width, height as stored
            x = image_from_bytes(img_blob, size, channels, max_pixels)
        except ValueError as err:
            skipped.setdefault(str(err) if str(err) == COLOUR else DAMAGED, []).append(name)
            continue
        except (OSError, UploadError, SyntaxError):
            skipped.setdefault(DAMAGED, []).append(name)
            continue
        if mask.shape[::-1] != image_size and mask.shape != image_size:  # an EXIF-rotated photo may swap sides
            skipped.setdefault(SIZE, []).append(name)
            continue
        if mask.max() > max_class or mask.min() < 0:
            skipped.setdefault(_too_high(max_class), []).append(name)
            continue
        xs.append(x)
        ys.append(_resize_mask(mask, size))
        names.append(name)
    if len(xs) < min_pairs:
        reasons = "; ".join(f"{len(v)} because {k}" for k, v in skipped.items())
        raise UploadError(f"Only {len(xs)} image + mask pair(s) are usable and at least {min_pairs} are needed"
                          + (f" (left out: {reasons})." if reasons else "."))
    y = np.stack(ys)
    ids = sorted(int(v) for v in np.unique(y))
    if ids == [0] or len(ids) == 1:
        raise UploadError(f"Every mask holds the single class id {ids[0]}: a segmentation needs at least two "
                          "(0 for the background and 1, 2, … for the objects).")
    return MaskPairs(np.stack(xs).astype("float32"), y, names, ids, skipped)
