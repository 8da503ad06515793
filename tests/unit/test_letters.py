"""anndl.data.letters: rendered letters as the digits backbone's wider pretraining (issue 13)."""

import numpy as np

from anndl.data import letters


def test_letters_are_drawn_mnist_style_and_vary():
    x, y, source = letters.rendered_letters(4, seed=0, letters="AK")
    assert x.shape == (8, 28, 28) and x.dtype == np.float32 and list(y) == [0] * 4 + [1] * 4
    assert 0.0 <= x.min() and x.max() <= 1.0 and "letters rendered" in source
    for image in x:
        rows, cols = np.nonzero(image > 0.1)
        assert max(np.ptp(rows), np.ptp(cols)) <= 20  # the ink fits MNIST's 20×20 box
        cy, cx = (np.arange(28) @ image.sum(1), np.arange(28) @ image.sum(0)) / image.sum()
        assert abs(cy - 13.5) < 1.5 and abs(cx - 13.5) < 1.5  # centred by mass
    assert np.abs(x[0] - x[1]).mean() > 0.02  # another font, size, slant: not the same drawing twice
    again, _, _ = letters.rendered_letters(4, seed=0, letters="AK")
    np.testing.assert_array_equal(x, again)  # seeded: the zoo build is reproducible


def test_no_letter_that_is_drawn_like_a_digit():
    assert not set("OoIlSsZzBbgq") & set(letters.LETTERS) and len(set(letters.LETTERS)) == len(letters.LETTERS)


def test_without_system_fonts_pillows_own_font_is_used(monkeypatch):
    monkeypatch.setattr(letters, "font_files", lambda: [])
    x, _, source = letters.rendered_letters(2, seed=1, letters="E")
    assert x.sum() > 10 and "Pillow's built-in font" in source


def test_an_honest_own_data_zip_draws_no_digit_the_backbone_saw():
    import io
    import zipfile

    from PIL import Image

    from anndl.backbones import digits04_seen
    from anndl.data.images import mnist_arrays
    from anndl.data.owndata import image_zip

    x, y = mnist_arrays()
    seen = digits04_seen()
    assert set(y[seen]) == {0, 1, 2, 3, 4} and len(seen) == 2000  # 80 % of the 2,500 digits 0–4
    with zipfile.ZipFile(io.BytesIO(image_zip(30, 2, "mnist", exclude=seen))) as z:
        drawn = np.stack([np.asarray(Image.open(z.open(n))).ravel() for n in z.namelist()])
    assert len(drawn) == 60
    x_seen = x[seen].reshape(len(seen), -1)
    assert not (drawn[:, None, :] == x_seen[None, :, :]).all(-1).any()  # none of them is an image it trained on
    with zipfile.ZipFile(io.BytesIO(image_zip(30, 2, "mnist"))) as z:  # without `exclude`: the seen ones come back
        anyway = np.stack([np.asarray(Image.open(z.open(n))).ravel() for n in z.namelist()])
    assert (anyway[:, None, :] == x_seen[None, :, :]).all(-1).any()
