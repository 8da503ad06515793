"""Every uploader against generated hostile files: one clear sentence, never a traceback (issue 10).

Each case goes through the same parsing the page runs on the uploaded bytes; the AppTests in
test_url_settings.py and the e2e upload tests show that an UploadError becomes that sentence on the page.
"""

from __future__ import annotations

import re
import time

import pandas as pd
import pytest

from anndl.data.images import image_from_bytes, zip_dataset
from anndl.data.timeseries import activity_csv, forecast_csv
from anndl.data.translation import read_tsv_pairs
from anndl.data.uploads import UploadError, csv_to_dataset, read_csv_frame
from tests.hostile.cases import CSVS, IMAGES, TSVS, ZIPS


def forecast_page(data: bytes):
    """What the time-series page does with an upload: guess the time column, forecast the first numeric one."""
    frame = read_csv_frame(data)
    cols = [str(c) for c in frame.columns]
    time_col = next((c for c in cols if "date" in c.lower() or "time" in c.lower()), None)
    numeric = [c for c in cols if c != time_col and pd.api.types.is_numeric_dtype(frame[c])]
    return forecast_csv(frame, numeric[:1], time_col)


UPLOADERS = {
    "image": lambda b: image_from_bytes(b, (28, 28), 1),
    "zip": lambda b: zip_dataset(b, size=(16, 16), channels=1),
    "csv-ffnn": lambda b: csv_to_dataset(read_csv_frame(b)),
    "csv-forecast": forecast_page,
    "csv-activity": lambda b: activity_csv(read_csv_frame(b)),
    "tsv": read_tsv_pairs,
}
CASES = ([("image", *c) for c in IMAGES] + [("zip", *c) for c in ZIPS] + [("tsv", *c) for c in TSVS]
         + [(u, *c) for u in ("csv-ffnn", "csv-forecast", "csv-activity") for c in CSVS])


def clear_sentence(message: str) -> bool:
    """One line, readable length, a full stop at the end, no Python internals."""
    return (10 <= len(message) <= 400 and "\n" not in message and re.search(r"[.!?]\)?$", message.strip()) is not None
            and not any(t in message for t in ("Traceback", "Error:", "File \"", "0x7f")))


@pytest.mark.parametrize("uploader,name,make,must_refuse", CASES, ids=[f"{c[0]}: {c[1]}" for c in CASES])
def test_hostile_upload_gets_one_clear_sentence(uploader, name, make, must_refuse):
    data = make()
    t0 = time.perf_counter()
    try:
        result = UPLOADERS[uploader](data)
    except UploadError as err:
        assert clear_sentence(str(err)), f"not one clear sentence: {str(err)!r}"
    else:
        assert not must_refuse, f"{name!r} was accepted: {result!r}"[:300]
    assert time.perf_counter() - t0 < 10, "refused too slowly (read more than it needed?)"


def test_the_suite_covers_every_uploader_with_at_least_sixty_inputs():
    assert len(CASES) >= 60 and {c[0] for c in CASES} == set(UPLOADERS)
