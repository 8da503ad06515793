"""Playwright: on the words-as-vectors page, train a small skip-gram as a job, then ask it for a word's nearest
words."""

import os

from tests.e2e.conftest import open_tab, wait_for_app


def test_train_skipgram_then_query_nearest_words(server, page, tmp_path):
    shots = os.environ.get("ANNDL_SHOTS", str(tmp_path))
    page.goto(f"{server}/embeddings?emb_dim=16&emb_epochs=1")  # d=16 is not shipped: the d=32 one shows until then
    wait_for_app(page, timeout=120_000)
    page.get_by_text("Showing the shipped Skip-gram").wait_for(timeout=60_000)
    page.get_by_role("tab", name="Train", exact=True).click()  # open_tab(page, "Train") would match two tabs
    wait_for_app(page)
    page.get_by_role("button", name="Train", exact=True).click()
    try:
        page.get_by_text("Trained on English side of the grammar corpus").wait_for(timeout=180_000)
    finally:
        page.screenshot(path=f"{shots}/embeddings-train.png", full_page=True)
    wait_for_app(page)
    assert page.get_by_text("Showing your trained Skip-gram").count() == 1
    open_tab(page, "Nearest words & analogies")
    box = page.get_by_label("A word")
    box.fill("girls")
    box.press("Enter")
    wait_for_app(page)
    stage = page.locator(".st-key-stage")
    stage.locator('[data-testid="stVegaLiteChart"]').wait_for(timeout=30_000)
    assert page.locator('[data-testid="stAlert"]').filter(has_text="not in these vectors").count() == 0
    assert page.get_by_text("boys − boy + girl ≈").count() == 1  # the analogy reads the trained vectors too
    page.screenshot(path=f"{shots}/embeddings-trained.png", full_page=True)
