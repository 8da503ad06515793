"""Playwright: the U-Net page opens on the shipped model's masks; a brief training shows live masks, then its own
overlays replace the shipped ones."""

import os

from tests.e2e.conftest import open_tab, wait_for_app


def test_shipped_masks_then_brief_training_and_overlay(server, page, tmp_path):
    shots = os.environ.get("ANNDL_SHOTS", str(tmp_path))
    page.goto(f"{server}/unet?unet_n=200&unet_depth=1&unet_f=4&unet_epochs=2")
    wait_for_app(page, timeout=120_000)
    page.get_by_text("Showing the shipped model").wait_for(timeout=60_000)
    open_tab(page, "Segment")
    page.get_by_text("Mean IoU (objects)").first.wait_for()
    assert page.get_by_text("image · truth · prediction", exact=True).count() >= 4  # test canvases' overlays
    page.screenshot(path=f"{shots}/unet-1.png", full_page=True)
    page.get_by_role("tab", name="Train", exact=True).click()  # exact: open_tab matches a part of the name
    wait_for_app(page)
    page.get_by_role("button", name="Train", exact=True).click()
    try:
        page.get_by_text("Showing your trained network").wait_for(timeout=240_000)
    finally:
        page.screenshot(path=f"{shots}/unet-train.png", full_page=True)
    wait_for_app(page)
    page.get_by_text("test mean IoU").first.wait_for()
    open_tab(page, "Segment")
    page.get_by_text("Test canvases: the image, its true mask").wait_for()
    assert page.locator('[data-testid="stException"]').count() == 0
    page.screenshot(path=f"{shots}/unet-2.png", full_page=True)
