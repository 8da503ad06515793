"""Generated hostile inputs for every uploader (issue 10): (name, bytes factory, must_refuse).

Files are built in memory at test time (nothing hostile is committed). A case marked must_refuse has to be
refused with one sentence; the others may also be accepted (a semicolon CSV is fine), but never crash.
"""

from __future__ import annotations

import io
import stat
import struct
import zipfile
import zlib

import numpy as np
from PIL import Image

from tests.files import make_zip


def png(w: int = 28, h: int = 28, mode: str = "L", seed: int = 0, fmt: str = "PNG") -> bytes:
    """A random image of `mode` ("L", "RGB", "RGBA", "CMYK", "I;16") encoded as `fmt`."""
    rng = np.random.default_rng(seed)
    if mode == "I;16":
        img = Image.fromarray(rng.integers(0, 65535, (h, w)).astype("uint16"))
    else:
        img = Image.fromarray(rng.integers(0, 255, (h, w, 3)).astype("uint8"), "RGB").convert(mode)
    buf = io.BytesIO()
    img.save(buf, format=fmt)
    return buf.getvalue()


def png_header(w: int, h: int) -> bytes:
    """A PNG whose header claims w×h pixels, with a tiny (invalid) body: only the header is ever read."""
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)
    chunk = lambda kind, data: struct.pack(">I", len(data)) + kind + data + struct.pack(  # noqa: E731
        ">I", zlib.crc32(kind + data))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


def bomb_png() -> bytes:
    """6000×6000 black pixels in ~40 kB: a decompression bomb for a 25-megapixel limit."""
    buf = io.BytesIO()
    Image.new("L", (6000, 6000)).save(buf, format="PNG", optimize=False)
    return buf.getvalue()


def animated_gif() -> bytes:
    buf = io.BytesIO()
    frames = [Image.fromarray(np.full((28, 28), v, "uint8")) for v in (0, 128, 255)]
    frames[0].save(buf, format="GIF", save_all=True, append_images=frames[1:])
    return buf.getvalue()


IMAGES = [
    ("empty", lambda: b"", True),
    ("garbage", lambda: np.random.default_rng(1).bytes(4096), True),
    ("truncated png", lambda: png(64, 64)[:200], True),
    ("truncated jpeg", lambda: png(64, 64, "RGB", fmt="JPEG")[:300], True),
    ("text named .png", lambda: b"this is not an image, just text\n" * 20, True),
    ("svg", lambda: b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', True),
    ("tiff (not allowed)", lambda: png(28, 28, fmt="TIFF"), True),
    ("huge dimensions header", lambda: png_header(100_000, 100_000), True),
    ("decompression bomb", bomb_png, True),
    ("1x1", lambda: png(1, 1), False),
    ("16-bit png", lambda: png(40, 30, "I;16"), False),
    ("rgba png", lambda: png(30, 30, "RGBA"), False),
    ("cmyk jpeg", lambda: png(30, 30, "CMYK", fmt="JPEG"), False),
    ("animated gif", animated_gif, False),
    ("extreme aspect 1x5000", lambda: png(5000, 1), False),
]


def class_zip(classes=("a", "b"), n: int = 6, extra: dict | None = None, root: str = "") -> bytes:
    members = {f"{root}{c}/{i}.png": png(16, 16, seed=i + 10 * k) for k, c in enumerate(classes) for i in range(n)}
    return make_zip({**members, **(extra or {})})


def symlink_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for c in ("a", "b"):
            for i in range(6):
                z.writestr(f"{c}/{i}.png", png(16, 16, seed=i))
        info = zipfile.ZipInfo("a/link.png")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        z.writestr(info, "/etc/passwd")
    return buf.getvalue()


ZIPS = [
    ("not a zip", lambda: b"PK\x03\x04 garbage" * 100, True),
    ("empty zip", lambda: make_zip({}), True),
    ("traversal", lambda: class_zip(extra={"../evil/x.png": png()}), True),
    ("absolute path", lambda: class_zip(extra={"/etc/x.png": png()}), True),
    ("windows drive path", lambda: class_zip(extra={"C:/x/evil.png": png()}), True),
    ("bomb member", lambda: make_zip({"a/big.png": b"\0" * 20_000_000}), True),
    ("thousands of members", lambda: make_zip({f"a/{i}.txt": b"x" for i in range(6000)}, zipfile.ZIP_STORED), True),
    ("one class", lambda: class_zip(("only",)), True),
    ("nested zip", lambda: make_zip({"inner/x.zip": class_zip()}), True),
    ("only text files", lambda: make_zip({f"a/{i}.txt": b"hello" for i in range(10)}), True),
    ("no class folders", lambda: make_zip({f"{i}.png": png(seed=i) for i in range(10)}), True),
    ("too few images per class", lambda: class_zip(n=2), True),
    ("all images corrupt", lambda: make_zip({f"{c}/{i}.png": b"\x89PNG broken" for c in "ab" for i in range(6)}),
     True),
    ("symlink member", symlink_zip, False),
    ("backslash paths", lambda: make_zip({f"{c}\\{i}.png": png(seed=i) for c in "ab" for i in range(6)}), False),
    ("one common root + macOS junk", lambda: class_zip(root="set/", extra={"__MACOSX/set/._a": b"junk"}), False),
    ("a corrupt image among good ones", lambda: class_zip(extra={"a/bad.png": b"nope"}), False),
    ("unicode folder names", lambda: class_zip(("gatti😺", "cani ü")), False),
]


def rows(n: int, cols: int = 3, seed: int = 0, sep: str = ",") -> str:
    rng = np.random.default_rng(seed)
    head = sep.join([f"x{i}" for i in range(cols - 1)] + ["label"])
    body = "\n".join(sep.join([f"{v:.3f}" for v in rng.normal(size=cols - 1)] + [str(i % 2)]) for i in range(n))
    return head + "\n" + body + "\n"


def nan_heavy() -> bytes:
    rng = np.random.default_rng(2)
    lines = ["x0,x1,label"] + [",".join("" if rng.random() < 0.9 else f"{rng.normal():.2f}" for _ in range(2))
                               + f",{i % 2}" for i in range(100)]
    return "\n".join(lines).encode()


def dates(fmt: str) -> bytes:
    import pandas as pd

    days = pd.date_range("2020-01-01", periods=120, freq="D")
    return ("date,value\n" + "\n".join(f"{d.strftime(fmt)},{i % 7 + i * 0.1:.2f}" for i, d in enumerate(days))).encode()


def activity(users: int = 4) -> str:
    lines = ["user_id,activity,timestamp,x_axis,y_axis,z_axis"]
    for u in range(users):
        for a in ("walk", "run"):
            lines += [f"{u},{a},{t * 50},{np.sin(t):.2f},{np.cos(t):.2f},{t % 3}" for t in range(200)]
    return "\n".join(lines) + "\n"


CSVS = [
    ("binary garbage", lambda: np.random.default_rng(3).bytes(5000), True),
    ("empty", lambda: b"", True),
    ("header only", lambda: b"x0,x1,label\n", True),
    ("utf-16", lambda: rows(30).encode("utf-16"), False),
    ("latin-1 accents", lambda: rows(30).replace("label", "étiquette").encode("latin-1"), False),
    ("semicolon + decimal comma", lambda: rows(30, sep=";").replace(".", ",").encode(), False),
    ("tab separated", lambda: rows(30, sep="\t").encode(), False),
    ("pipe separated", lambda: rows(30, sep="|").encode(), False),
    ("no header", lambda: rows(30).split("\n", 1)[1].encode(), False),
    ("nan heavy", nan_heavy, False),
    ("all-empty column", lambda: rows(30).replace("\n", ",\n").replace("label,", "label,empty").encode(), False),
    ("10k columns", lambda: rows(20, cols=10_000).encode(), True),
    ("10M rows", lambda: b"a,b\n" + b"1,0\n" * 10_000_000, True),
    ("dates iso", lambda: dates("%Y-%m-%d"), False),
    ("dates day first", lambda: dates("%d/%m/%Y"), False),
    ("dates month names", lambda: dates("%d %b %Y"), False),
    ("infinite values", lambda: rows(30).replace("0.", "inf").encode(), False),
    ("single column", lambda: ("v\n" + "\n".join(str(i) for i in range(50)) + "\n").encode(), False),
    ("unbalanced quotes", lambda: ('a,b,label\n"1,2,0\n' + "3,4,1\n" * 30).encode(), False),
    ("mixed types", lambda: rows(30).replace("0.", "abc").encode(), False),
    ("duplicate column names", lambda: rows(30).replace("x1", "x0").encode(), False),
    ("one huge cell", lambda: ("a,b,label\n" + "x" * 1_000_000 + ",1,0\n" + "1,2,1\n" * 20).encode(), False),
    ("formula injection", lambda: rows(30).replace("x0", "=HYPERLINK(\"http://evil\")").encode(), False),
    ("single class target", lambda: rows(30).replace(",1\n", ",0\n").encode(), False),
    ("activity: too few users", lambda: activity(users=1).encode(), False),
    ("activity: timestamps as text", lambda: activity().replace(",0,", ",noon,").encode(), False),
]

TSVS = [
    ("no tabs", lambda: ("hello world ciao mondo\n" * 60).encode(), True),
    ("latin-1", lambda: ("the coffee\til caffè\n" * 60).encode("latin-1"), True),
    ("one column", lambda: ("hello\n" * 60).encode(), True),
    ("empty", lambda: b"", True),
    ("binary garbage", lambda: np.random.default_rng(4).bytes(3000), True),
    ("too few pairs", lambda: b"hi\tciao\n" * 3, True),
    ("empty italian side", lambda: ("hello\t \n" * 60).encode(), True),
    ("sentence of 500 words", lambda: (("word " * 500) + "\tparola\n" + "a b\tc d\n" * 60).encode(), True),
    ("utf-16", lambda: ("the cat\til gatto\n" * 60).encode("utf-16"), True),
    ("anki with attribution, CRLF", lambda: ("the cat\til gatto\tCC-BY 2.0 (France) #1\r\n" * 60).encode(), False),
    ("blank lines between pairs", lambda: ("the dog\til cane\n\n" * 60).encode(), False),
    ("6 MB", lambda: b"a b\tc d\n" * 900_000, True),
]
