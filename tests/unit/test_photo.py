"""The one image reader: phone orientation, 16-bit range, transparency, CMYK, fast reduction of large photos."""

import io

import numpy as np
import pytest
from PIL import Image

from anndl.data.images import image_from_bytes
from anndl.data.uploads import UploadError, open_image


def save(img: Image.Image, fmt: str = "PNG", **kwargs) -> bytes:
    buf = io.BytesIO()
    img.save(buf, fmt, **kwargs)
    return buf.getvalue()


def marked(w=40, h=20) -> Image.Image:
    """A black landscape image with a white block in its top-left corner."""
    a = np.zeros((h, w, 3), "uint8")
    a[:6, :6] = 255
    return Image.fromarray(a)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_exif_orientation_is_applied(fmt):
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display": how phones store portrait photos
    img = open_image(save(marked(), fmt, exif=exif))
    assert img.size == (20, 40)  # portrait, as the person held the phone
    a = np.asarray(img.convert("L"))
    assert a[:6, -6:].mean() > 200 and a[:6, :6].mean() < 50  # top-left corner went to the top-right


def test_16_bit_gray_is_scaled_by_its_own_range():
    ramp = np.tile(np.linspace(1000, 1200, 32), (8, 1)).astype("uint16")  # an instrument using a sliver of 16 bits
    data = save(Image.fromarray(ramp))
    a = np.asarray(open_image(data).convert("L"))
    assert a.min() == 0 and a.max() == 255 and abs(int(a[0, 16]) - 128) <= 6


def test_transparent_png_and_palette_are_composited_on_the_background():
    rgba = Image.new("RGBA", (10, 10), (255, 0, 0, 0))
    rgba.paste((0, 0, 255, 255), (0, 0, 5, 10))  # left half opaque blue, right half fully transparent
    a = np.asarray(open_image(save(rgba)))
    assert tuple(a[5, 2]) == (0, 0, 255) and tuple(a[5, 8]) == (255, 255, 255)
    assert tuple(np.asarray(open_image(save(rgba), background=(0, 0, 0)))[5, 8]) == (0, 0, 0)
    pal = rgba.convert("RGB").convert("P", palette=Image.Palette.ADAPTIVE, colors=4)
    index = pal.getpixel((8, 5))
    a = np.asarray(open_image(save(pal, transparency=index)))
    assert tuple(a[5, 8]) == (255, 255, 255) and tuple(a[5, 2]) == (0, 0, 255)


def test_cmyk_jpeg_is_converted():
    cmyk = Image.new("CMYK", (16, 16), (0, 255, 255, 0))  # pure red in print inks
    r, g, b = np.asarray(open_image(save(cmyk, "JPEG", quality=95))).reshape(-1, 3).mean(0)
    assert r > 220 and g < 40 and b < 40


def test_large_jpeg_is_decoded_reduced_and_png_reduced_by_an_integer_factor():
    big = Image.fromarray(np.random.default_rng(0).integers(0, 255, (1200, 1600, 3), dtype=np.uint8))
    img = open_image(save(big, "JPEG"), min_size=(100, 100))
    assert img.size == (200, 150)  # decoded at 1/8 scale: the smallest that still covers 100 px
    img = open_image(save(big, "PNG", compress_level=0), min_size=(100, 100))
    assert img.size == (-(-1600 // 12), 1200 // 12)  # reduce(12): the largest factor keeping 100 px
    assert open_image(save(big, "JPEG")).size == (1600, 1200)  # without a target nothing is reduced
    assert image_from_bytes(save(big, "JPEG"), (28, 28), 1).shape == (28, 28, 1)


def test_damaged_and_huge_images_still_get_their_sentence():
    with pytest.raises(UploadError, match="damaged"):
        open_image(save(marked(), "JPEG")[:200])
    with pytest.raises(UploadError, match="megapixels"):
        open_image(save(marked(400, 300)), max_pixels=100_000)
