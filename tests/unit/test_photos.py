"""Demo photos: every catalogue entry loads offline as RGB uint8 with its source named."""

import numpy as np
import pytest

from anndl.data import photos


@pytest.mark.parametrize("name", photos.names())
def test_every_photo_loads_as_rgb(name):
    a = photos.photo(name)
    assert a.dtype == np.uint8 and a.ndim == 3 and a.shape[2] == 3 and min(a.shape[:2]) >= 100
    assert a.std() > 10  # a real picture, not a blank
    assert "offline" in photos.describe(name).source


def test_thumbnail_and_unknown_name():
    assert max(photos.photo_image("chelsea", max_side=128).size) == 128
    with pytest.raises(KeyError, match="Unknown photo"):
        photos.photo("mona_lisa")
