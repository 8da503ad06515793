"""Playwright, own data (issue 12): a small TSV upload on the translator trains with the defaults from its size,
the page says before training that it is too few pairs to generalise, and after training what the scores mean."""

import re

from anndl.data.owndata import number_pairs, pairs_tsv
from tests.e2e.conftest import open_tab, wait_for_app

TINY = "tr_d=32&tr_heads=2&tr_ff=64&tr_enc=1&tr_dec=1"  # a small model through the URL keeps the run short


def test_translator_small_tsv_trains_with_data_defaults_and_gives_advice(server, page, tmp_path):
    tsv = tmp_path / "numbers.tsv"
    tsv.write_bytes(pairs_tsv(number_pairs(50)))
    page.goto(f"{server}/transformer?{TINY}")
    wait_for_app(page, timeout=120_000)
    open_tab(page, "Your data")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(str(tsv))
    page.get_by_text("50 sentence pairs read").wait_for(timeout=60_000)
    open_tab(page, "Train")
    page.get_by_text("Train on your 50 uploaded pairs").click()
    page.get_by_text("43 pairs is few for this model").wait_for(timeout=30_000)  # before training: the size advice
    page.get_by_text("43 pairs → batch 11, 4 steps an epoch, 150 epochs").wait_for()
    wait_for_app(page)
    page.get_by_role("button", name="Train").first.click()
    page.get_by_text(re.compile(r"training exact match [0-9.]+, held-out [0-9.]+")).wait_for(timeout=300_000)
    assert page.locator('[data-testid="stException"]').count() == 0
