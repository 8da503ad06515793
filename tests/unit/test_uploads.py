"""Upload validation (DESIGN §5): every bad CSV, zip or image becomes one clear UploadError sentence."""

import io
import zipfile

import numpy as np
import pytest
from PIL import Image

from anndl.data.uploads import (
    CsvLimits,
    UploadError,
    ZipLimits,
    csv_to_dataset,
    open_image,
    read_csv_frame,
    safe_zip_entries,
)
from tests.files import make_zip


def csv(rows: list[str]) -> bytes:
    return ("\n".join(rows) + "\n").encode()


GOOD = ["a,b,label"] + [f"{i},{i * 0.5},{'yes' if i % 2 else 'no'}" for i in range(20)]


def one_sentence(err: pytest.ExceptionInfo) -> str:
    text = str(err.value)
    assert text and "\n" not in text and "Traceback" not in text
    assert text.rstrip().endswith((".", ")"))
    return text


def test_good_csv_becomes_a_dataset():
    ds = csv_to_dataset(read_csv_frame(csv(GOOD)))
    assert ds.x.shape == (20, 2) and ds.class_names == ["no", "yes"] and ds.task == "binary"
    assert ds.feature_names == ["a", "b"] and ds.source == "your upload"


def test_semicolon_csv_with_bom_and_numeric_classes_in_numeric_order():
    rows = ["x;y;cls"] + [f"{i};{-i};{[2, 10, 1][i % 3]}" for i in range(30)]
    ds = csv_to_dataset(read_csv_frame(b"\xef\xbb\xbf" + csv(rows)))
    assert ds.class_names == ["1", "2", "10"] and ds.task == "multiclass"
    assert list(ds.y[:3]) == [1, 2, 0]


def test_regression_target_is_detected():
    rows = ["x,y"] + [f"{i},{i * 0.37 + 0.01}" for i in range(40)]
    ds = csv_to_dataset(read_csv_frame(csv(rows)))
    assert ds.task == "regression" and ds.y.dtype == np.float32


@pytest.mark.parametrize("data,limits,expected", [
    (b"", None, "empty"),
    (csv(["a,b,label"]), None, "0 rows"),
    ("a,b,label\n1,2,é\n".encode("latin-1") * 20, None, "not UTF-8"),
    (csv(["a,b,label"] + ["1,2,x"] * 30), CsvLimits(max_rows=20), "more than 20 rows"),
    (csv([",".join(f"c{i}" for i in range(30))] + [",".join("1" * 30)] * 12), CsvLimits(max_cols=10),
     "30 columns; at most 10"),
    (csv(["only"] + ["1"] * 12), None, "single column"),
    (b"x" * 2000, CsvLimits(max_bytes=1000), "limit is"),
])
def test_unreadable_tables(data, limits, expected):
    with pytest.raises(UploadError) as err:
        read_csv_frame(data, limits)
    assert expected in one_sentence(err)


@pytest.mark.parametrize("rows,kwargs,expected", [
    (["a,b,label"] + [f"{i},x{i},{i % 2}" for i in range(20)], {}, "b are not numeric"),
    (GOOD, {"target": "species"}, "no column named 'species'"),
    (["a,b,label"] + [f"{i},{i},same" for i in range(20)], {}, "single class ('same')"),
    (["a,b,label"] + [f"{i},{'' if i == 3 else i},{i % 2}" for i in range(20)], {}, "'b' has missing values"),
    (["a,b,label"] + [f"{i},{i},{'' if i == 5 else i % 2}" for i in range(20)], {}, "target column 'label' has 1 "
                                                                                    "missing"),
    (["a,b,label"] + [f"{i},{'inf' if i == 2 else i},{i % 2}" for i in range(20)], {}, "infinite"),
    (["a,b,label"] + [f"{i},{i},{'rare' if i == 0 else i % 2}" for i in range(20)], {}, "'rare' has a single row"),
    (["a,b,label"] + [f"{i},{i},{'c%d' % i}" for i in range(60)], {"task": "classification"}, "60 classes"),
    (GOOD, {"task": "regression"}, "not numeric, so it cannot be a regression"),
])
def test_unusable_features_or_targets(rows, kwargs, expected):
    frame = read_csv_frame(csv(rows))
    with pytest.raises(UploadError) as err:
        csv_to_dataset(frame, **kwargs)
    assert expected in one_sentence(err)




def test_good_zip_skips_hidden_and_macos_files():
    data = make_zip({"cats/a.png": b"1", "dogs/b.png": b"22", "__MACOSX/cats/._a.png": b"x", "dogs/.DS_Store": b"x"})
    assert sorted(safe_zip_entries(data)) == [("cats/a.png", b"1"), ("dogs/b.png", b"22")]


@pytest.mark.parametrize("data,limits,expected", [
    (b"PK\x03\x04 this is not really a zip", None, "not a readable zip"),
    (make_zip({"../evil.txt": b"x"}), None, "unsafe path ('../evil.txt')"),
    (make_zip({"a/../../evil.txt": b"x"}), None, "unsafe path"),
    (make_zip({"/etc/passwd": b"x"}), None, "unsafe path ('/etc/passwd')"),
    (make_zip({"C:/windows/x.png": b"x"}), None, "unsafe path"),
    (make_zip({f"c/{i}.png": b"x" for i in range(12)}), ZipLimits(max_members=10), "12 files; at most 10"),
    (make_zip({"bomb.png": b"\0" * 5_000_000}), None, "decompression bomb"),
    (make_zip({"big.png": np.random.default_rng(0).bytes(3_000_000)}, zipfile.ZIP_STORED),
     ZipLimits(max_member=2_000_000), "each file may be at most 2 MB"),
    (make_zip({f"{i}.png": np.random.default_rng(i).bytes(400_000) for i in range(4)}, zipfile.ZIP_STORED),
     ZipLimits(max_total=1_000_000), "unpacks to more than 1 MB"),
    (b"x" * 3000, ZipLimits(max_bytes=2000), "limit is"),
])
def test_hostile_or_oversized_zips(data, limits, expected):
    with pytest.raises(UploadError) as err:
        safe_zip_entries(data, limits)
    assert expected in one_sentence(err)


def png(size=(8, 6), mode="RGB", fmt="PNG") -> bytes:
    buf = io.BytesIO()
    pixels = np.random.default_rng(0).integers(0, 256, (size[1], size[0], 3), dtype="uint8")  # incompressible
    Image.fromarray(pixels).convert(mode).save(buf, format=fmt)
    return buf.getvalue()


def test_good_images_open_as_rgb():
    assert open_image(png()).size == (8, 6)
    img = open_image(png(mode="L", fmt="JPEG"))
    assert img.mode == "RGB"


@pytest.mark.parametrize("data,kwargs,expected", [
    (b"", {}, "empty"),
    (png(size=(300, 200))[:-200], {}, "damaged"),
    (b"\x89PNG\r\n\x1a\n" + b"garbage" * 20, {}, "damaged"),
    (png()[:20], {}, "damaged"),
    (b"just some text, not an image", {}, "not a supported image"),
    (png(fmt="TIFF"), {}, "not a supported image (PNG, JPEG"),
    (png(size=(400, 300)), {"max_pixels": 100_000}, "400×300 pixels"),
])
def test_bad_images(data, kwargs, expected):
    with pytest.raises(UploadError) as err:
        open_image(data, **kwargs)
    assert expected in one_sentence(err)


def test_a_csv_too_wide_is_refused_before_pandas_reads_it(monkeypatch):
    import pandas as pd

    def not_called(*a, **k):
        raise AssertionError("the whole file was parsed")

    monkeypatch.setattr(pd, "read_csv", not_called)
    wide = csv([",".join(f"c{i}" for i in range(10_000))] + [",".join("1" * 10_000)] * 3)
    with pytest.raises(UploadError, match="10,000 columns; at most 200"):
        read_csv_frame(wide)


def test_a_headerless_csv_is_read_as_data_and_flagged():
    rows = [f"{u},Walking,{1000 + t},{t * 0.1:.2f},-{t}.5,0.25" for u in range(3) for t in range(5)]
    frame = read_csv_frame(csv(rows))
    assert frame.attrs["headerless"] and len(frame) == 15  # the first row is data, not names
    assert list(frame.columns) == [f"column {i}" for i in range(1, 7)] and frame.iloc[0, 1] == "Walking"
    assert not read_csv_frame(csv(GOOD)).attrs["headerless"]
