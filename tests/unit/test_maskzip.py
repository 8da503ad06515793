"""Zip of image + mask pairs: good pairs read and resized; each bad case gets its own sentence."""

import io

import numpy as np
import pytest
from PIL import Image

from anndl.data import maskzip
from anndl.data.maskzip import mask_zip_dataset
from anndl.data.uploads import UploadError
from tests.files import make_zip


def png(a: np.ndarray, mode: str | None = None, fmt: str = "PNG") -> bytes:
    buf = io.BytesIO()
    Image.fromarray(a, mode).save(buf, fmt)
    return buf.getvalue()


def pair(i: int, h: int = 20, w: int = 30):
    """A photo with a bright square and its mask: class 1 on the square, 2 on a stripe, 0 elsewhere."""
    img = np.full((h, w, 3), 40, "uint8")
    mask = np.zeros((h, w), "uint8")
    img[4:12, 5 + i:13 + i] = 220
    mask[4:12, 5 + i:13 + i] = 1
    mask[-3:] = 2
    return png(img, fmt="JPEG"), png(mask)


def good(n: int = 4, **extra) -> dict[str, bytes]:
    files = {}
    for i in range(n):
        files[f"images/p{i}.jpg"], files[f"masks/p{i}.png"] = pair(i)
    return {**files, **extra}


def test_good_pairs_are_read_and_resized_nearest():
    out = mask_zip_dataset(make_zip(good()), size=(10, 15), channels=3)
    assert out.images.shape == (4, 10, 15, 3) and out.masks.shape == (4, 10, 15)
    assert out.class_ids == [0, 1, 2] and out.names == ["p0", "p1", "p2", "p3"] and not out.warnings()
    assert set(np.unique(out.masks)) == {0, 1, 2}  # nearest neighbour: no blended ids
    assert out.images[0][out.masks[0] == 1].mean() > 0.7 and out.images[0][out.masks[0] == 0].mean() < 0.3


def test_suffix_layout_and_palette_masks():
    files = {}
    for i in range(4):
        img, _ = pair(i)
        mask = np.zeros((20, 30), "uint8")
        mask[:5] = 3
        p = Image.fromarray(mask).convert("P")
        buf = io.BytesIO()
        p.save(buf, "PNG")
        files[f"set/p{i}.jpg"], files[f"set/p{i}_mask.png"] = img, buf.getvalue()
    assert mask_zip_dataset(make_zip(files)).class_ids == [0, 3]


@pytest.mark.parametrize("extra, reason", [
    ({"images/lonely.jpg": pair(0)[0]}, maskzip.NO_MASK),
    ({"masks/orphan.png": pair(0)[1]}, maskzip.NO_IMAGE),
    ({"images/j.jpg": pair(0)[0], "masks/j.jpg": pair(0)[0]}, maskzip.NOT_PNG),
    ({"images/c.jpg": pair(0)[0], "masks/c.png": png(np.dstack([np.zeros((20, 30), "uint8")] * 2
                                                             + [np.full((20, 30), 9, "uint8")]))}, maskzip.COLOUR),
    ({"images/s.jpg": pair(0)[0], "masks/s.png": png(np.zeros((10, 10), "uint8"))}, maskzip.SIZE),
    ({"images/v.jpg": pair(0)[0], "masks/v.png": png(np.full((20, 30), 255, "uint8"))}, maskzip._too_high(20)),
    ({"images/d.jpg": b"not a jpeg", "masks/d.png": pair(0)[1]}, maskzip.DAMAGED),
    ({"images/p0.png": png(np.zeros((20, 30, 3), "uint8"))}, maskzip.TWICE),
])
def test_each_bad_pair_is_left_out_with_its_sentence(extra, reason):
    out = mask_zip_dataset(make_zip(good(**extra)))
    assert len(out.names) == 4
    assert [w for w in out.warnings() if reason in w], out.warnings()


@pytest.mark.parametrize("files, match", [
    ({}, "empty"),
    ({"a.jpg": pair(0)[0], "b.jpg": pair(1)[0]}, "no masks"),
    ({"images/a.jpg": pair(0)[0], "masks/b.png": pair(0)[1]}, "no image with a mask"),
    (good(2), "Only 2 image \\+ mask pair"),
    ({k: v if k.startswith("images") else png(np.zeros((20, 30), "uint8")) for k, v in good().items()},
     "single class id 0"),
])
def test_fatal_cases_raise_one_sentence(files, match):
    with pytest.raises(UploadError, match=match):
        mask_zip_dataset(make_zip(files))


def test_too_many_pairs_and_hostile_zip_are_refused():
    with pytest.raises(UploadError, match="at most 3"):
        mask_zip_dataset(make_zip(good()), max_pairs=3)
    with pytest.raises(UploadError, match="unsafe path"):
        mask_zip_dataset(make_zip({"../images/x.jpg": pair(0)[0]}))
