"""Playwright: on the localization page, upload a photo and see CAM, Grad-CAM and saliency overlaid on it."""

import os

import numpy as np
from PIL import Image

from tests.e2e.conftest import open_tab, wait_for_app


def test_upload_a_photo_and_see_the_overlays(server, page, tmp_path):
    shots = os.environ.get("ANNDL_SHOTS", str(tmp_path))
    a = np.zeros((120, 160, 3), "uint8")
    a[30:90, 50:110] = (250, 200, 40)  # one bright square on black, like the canvases
    Image.fromarray(a).save(tmp_path / "photo.png")
    page.goto(f"{server}/localization")
    wait_for_app(page, timeout=120_000)
    page.get_by_text("Showing the shipped model").wait_for(timeout=60_000)
    page.get_by_text("Mean IoU").first.wait_for()
    page.screenshot(path=f"{shots}/localization-1.png", full_page=True)
    open_tab(page, "Explain an image")
    page.get_by_text("Your image", exact=True).click()
    wait_for_app(page)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(str(tmp_path / "photo.png"))
    page.get_by_text("Input: your image").wait_for(timeout=60_000)
    wait_for_app(page)
    for name in ("CAM (§12.6)", "Grad-CAM (§12.5)", "Saliency (§12.3)"):
        page.get_by_text(name, exact=True).first.wait_for()
    assert page.locator('[data-testid="stException"]').count() == 0
    page.screenshot(path=f"{shots}/localization-2.png", full_page=True)
    open_tab(page, "Two heads: class + box")  # the closed tab keeps the uploaded image
    open_tab(page, "Explain an image")
    page.get_by_text("Input: your image").wait_for(timeout=60_000)
