"""Playwright, own data (issue 12): a small upload (the translator's TSV, the U-Net's image + mask zip, the words
page's .txt) trains with the defaults from its size, the page says before training that it is too few to
generalise, and after training what the training and held-out scores mean."""

import os
import re

from anndl.data.owndata import grammar_txt, mask_zip, number_pairs, pairs_tsv
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


def _upload_train_and_read(page, file: str, before: list, after: str, shots: str, name: str) -> None:
    """Upload `file`, see each text of `before` (size advice, derived recipe), train, see `after` (the advice)."""
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(file)
    wait_for_app(page)
    page.get_by_role("tab", name="Train", exact=True).click()
    wait_for_app(page)
    for text in before:
        page.get_by_text(text).first.wait_for(timeout=60_000)
    page.get_by_role("button", name="Train", exact=True).click()
    try:
        page.get_by_text(re.compile(after)).wait_for(timeout=300_000)
    finally:
        page.screenshot(path=f"{shots}/owndata-{name}.png", full_page=True)
    assert page.locator('[data-testid="stException"]').count() == 0


def test_unet_small_mask_zip_trains_mirrored_with_data_defaults_and_gives_advice(server, page, tmp_path):
    shots = os.environ.get("ANNDL_SHOTS", str(tmp_path))
    zipped = tmp_path / "shapes.zip"
    zipped.write_bytes(mask_zip(30, seed=1))  # 30 pairs: 21 train / 3 validation / 6 test
    page.goto(f"{server}/unet?unet_data=upload&unet_size=32&unet_depth=2&unet_f=4")  # small and quick
    wait_for_app(page, timeout=120_000)
    _upload_train_and_read(page, str(zipped), [
        "21 image + mask pairs is few for this model",
        "42 pairs (yours and their mirror images) → batch 11, 4 steps an epoch, 63 epochs"],
        r"training mean IoU [0-9.]+, held-out [0-9.]+", shots, "unet")


def test_words_small_text_trains_with_data_defaults_and_gives_advice(server, page, tmp_path):
    shots = os.environ.get("ANNDL_SHOTS", str(tmp_path))
    txt = tmp_path / "story.txt"
    txt.write_bytes(grammar_txt(200))
    page.goto(f"{server}/embeddings?emb_text=upload&emb_dim=16")
    wait_for_app(page, timeout=120_000)
    _upload_train_and_read(page, str(txt), [
        re.compile(r"[0-9]+ word–context pairs is few for this model"),
        re.compile(r"word–context pairs → batch 512, [0-9]+ steps an epoch")],
        r"training loss [0-9.]+, held-out [0-9.]+", shots, "words")
