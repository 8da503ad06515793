"""Image datasets and the zip-of-class-folders upload: loaders, and one clear sentence per bad zip."""

import gzip
import io
import zipfile

import numpy as np
import pytest
from PIL import Image

from anndl.data import images, load
from anndl.data.uploads import UploadError, ZipLimits
from tests.files import make_zip


def png(color=128, size=(12, 10), fmt="PNG") -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (color, 255 - color, 0)).save(buf, format=fmt)
    return buf.getvalue()



def good_files(classes=("cats", "dogs"), n=5, root=""):
    return {f"{root}{c}/{i}.png": png(40 * k + i) for k, c in enumerate(classes) for i in range(n)}


def test_mnist_is_5000_real_digits():
    ds = load("mnist")
    assert ds.x.shape == (5000, 28, 28, 1) and ds.x.dtype == np.float32
    assert 0.0 <= ds.x.min() and ds.x.max() <= 1.0
    assert np.bincount(ds.y).tolist() == [500] * 10 and ds.class_names == [str(i) for i in range(10)]


def test_digits_are_8x8_in_unit_range():
    ds = load("digits")
    assert ds.x.shape == (1797, 8, 8, 1) and ds.x.max() == 1.0 and ds.n_classes == 10


def _idx(path, array: np.ndarray):
    header = bytes([0, 0, 8, array.ndim]) + b"".join(int(d).to_bytes(4, "big") for d in array.shape)
    with gzip.open(path, "wb") as fh:
        fh.write(header + array.astype(np.uint8).tobytes())


def test_fashion_reads_idx_files_and_subsamples_stratified(tmp_path):
    rng = np.random.default_rng(0)
    for prefix, n in (("train", 60), ("t10k", 20)):
        _idx(tmp_path / f"{prefix}-images-idx3-ubyte.gz", rng.integers(0, 256, (n, 28, 28)))
        _idx(tmp_path / f"{prefix}-labels-idx1-ubyte.gz", np.arange(n) % 10)
    ds = load("fashion_mnist", n=40, directory=tmp_path)
    assert ds.x.shape == (40, 28, 28, 1) and np.bincount(ds.y).tolist() == [4] * 10
    assert ds.class_names[0] == "T-shirt/top" and str(tmp_path) in ds.source


def test_fashion_missing_says_how_to_install(tmp_path, monkeypatch):
    import keras

    def offline():
        raise OSError("no network")

    monkeypatch.setattr(keras.datasets.fashion_mnist, "load_data", offline)
    with pytest.raises(images.DataMissing, match="apt-get install dataset-fashion-mnist"):
        load("fashion_mnist", directory=tmp_path / "absent")


@pytest.mark.skipif(not images.FASHION_DIR.exists(), reason="dataset-fashion-mnist not installed")
def test_real_fashion_mnist_when_installed():
    xtr, ytr, xte, yte, _ = images.fashion_arrays()
    assert xtr.shape == (60000, 28, 28) and xte.shape == (10000, 28, 28) and set(ytr) == set(range(10))


def test_good_zip_gives_resized_dataset_in_class_order():
    files = good_files(root="photos/")
    files["photos/dogs/extra.jpg"] = png(10, fmt="JPEG")
    out = images.zip_dataset(make_zip(files, zipfile.ZIP_STORED), size=(16, 16), channels=3)
    assert out.dataset.x.shape == (11, 16, 16, 3) and out.dataset.class_names == ["cats", "dogs"]
    assert np.bincount(out.dataset.y).tolist() == [5, 6] and out.warnings() == []


def test_common_top_folder_with_a_stray_file_is_unwrapped():
    files = {**good_files(root="bars/"), "bars/notes.txt": b"not an image"}
    out = images.zip_dataset(make_zip(files, zipfile.ZIP_STORED))
    assert out.dataset.class_names == ["cats", "dogs"] and "not inside a class folder" in out.warnings()[0]


def test_partly_bad_zip_keeps_good_files_and_says_how_many_were_left_out():
    files = good_files()
    files["dogs/notes.txt"] = b"hello"
    files["dogs/broken.png"] = b"\x89PNG not really"
    files["README.md"] = b"# my data"
    out = images.zip_dataset(make_zip(files, zipfile.ZIP_STORED))
    assert len(out.dataset.x) == 10
    text = " ".join(out.warnings())
    assert "1 file(s) were left out because they are not PNG or JPEG images" in text
    assert "1 file(s) were left out because they are damaged" in text
    assert "not inside a class folder" in text


@pytest.mark.parametrize("files, message", [
    ({"a.png": png(), "b.png": png()}, "no class folders"),
    ({f"cats/{i}.png": png(i) for i in range(6)}, "single class folder"),
    ({"cats/a.txt": b"x", "dogs/b.txt": b"y"}, "no readable PNG or JPEG"),
    ({"cats/a.png": b"garbage", "dogs/b.png": b"garbage"}, "no readable PNG or JPEG"),
    ({**good_files(n=5), "birds/1.png": png(), "birds/2.png": png()}, "'birds' has 2 image"),
    ({}, "The zip is empty"),
])
def test_each_bad_zip_gets_one_clear_sentence(files, message):
    with pytest.raises(UploadError, match=message):
        images.zip_dataset(make_zip(files, zipfile.ZIP_STORED))


def test_not_a_zip_and_hostile_zips_are_refused():
    with pytest.raises(UploadError, match="not a readable zip"):
        images.zip_dataset(b"PK but not a zip at all")
    with pytest.raises(UploadError, match="unsafe path"):
        images.zip_dataset(make_zip({**good_files(), "../evil/1.png": png()}, zipfile.ZIP_STORED))
    with pytest.raises(UploadError, match="unsafe path"):
        images.zip_dataset(make_zip({**good_files(), "/etc/x.png": png()}, zipfile.ZIP_STORED))
    with pytest.raises(UploadError, match="at most 12"):
        images.zip_dataset(make_zip(good_files(n=7), zipfile.ZIP_STORED), limits=ZipLimits(max_members=12))
    with pytest.raises(UploadError, match="each file may be at most"):
        images.zip_dataset(make_zip(good_files(), zipfile.ZIP_STORED), limits=ZipLimits(max_member=20))
    bomb = make_zip({**good_files(), "cats/zeros.png": b"\0" * 5_000_000}, zipfile.ZIP_DEFLATED)
    with pytest.raises(UploadError, match="decompression bomb"):
        images.zip_dataset(bomb)


def test_too_many_pixels_in_one_member_is_left_out_not_decoded():
    files = good_files()
    files["cats/huge.png"] = png(size=(3000, 3000))
    out = images.zip_dataset(make_zip(files, zipfile.ZIP_STORED), max_pixels=1_000_000)
    assert len(out.dataset.x) == 10 and "larger than 1 megapixels" in out.warnings()[0]


def test_single_image_upload_becomes_model_input():
    a = images.image_from_bytes(png(size=(50, 40)), (28, 28), 1)
    assert a.shape == (28, 28, 1) and a.dtype == np.float32 and 0 <= a.min() <= a.max() <= 1
    with pytest.raises(UploadError):
        images.image_from_bytes(b"not an image", (28, 28), 1)
