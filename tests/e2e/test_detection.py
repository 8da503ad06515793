"""Playwright: on the detection page, raise the confidence threshold and see fewer boxes; upload a photo and see the
canvas detector's boxes on it, honestly labelled."""

import os

import numpy as np
from PIL import Image

from tests.e2e.conftest import open_tab, wait_for_app


def boxes_after_nms(page) -> int:
    metric = page.locator('[data-testid="stMetric"]').filter(has_text="After NMS")
    return int(metric.locator('[data-testid="stMetricValue"]').inner_text())


def test_confidence_slider_leaves_fewer_boxes_and_a_photo_is_detected(server, page, tmp_path):
    shots = os.environ.get("ANNDL_SHOTS", str(tmp_path))
    a = np.zeros((200, 300, 3), "uint8")
    a[40:100, 60:120] = 250  # a bright square and a disc on black, like the canvases
    yy, xx = np.mgrid[0:200, 0:300]
    a[(yy - 140) ** 2 + (xx - 220) ** 2 < 35 ** 2] = 220
    Image.fromarray(a).save(tmp_path / "photo.png")
    page.goto(f"{server}/detection")
    wait_for_app(page, timeout=120_000)
    page.get_by_text("Showing the shipped model").wait_for(timeout=60_000)
    before = boxes_after_nms(page)
    page.screenshot(path=f"{shots}/detection-1.png", full_page=True)
    thumb = page.locator('[data-testid="stSlider"]').filter(has_text="Confidence threshold").get_by_role("slider")
    thumb.focus()
    thumb.press("End")  # 0.95: only the surest boxes stay
    wait_for_app(page)
    page.wait_for_function("""(n) => [...document.querySelectorAll('[data-testid="stMetric"]')]
        .some(m => m.innerText.includes('After NMS') && parseInt(m.querySelector('[data-testid="stMetricValue"]')
        .innerText) < n)""", arg=before, timeout=30_000)
    assert boxes_after_nms(page) < before
    open_tab(page, "Photos")
    page.get_by_text("Your photo", exact=True).click()
    wait_for_app(page)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(str(tmp_path / "photo.png"))
    page.get_by_text("your photo, gray").wait_for(timeout=60_000)
    page.get_by_text("trained only on drawn shapes").wait_for()
    assert page.locator('[data-testid="stException"]').count() == 0
    page.screenshot(path=f"{shots}/detection-2.png", full_page=True)
    open_tab(page, "Anchors")  # the closed tab keeps the uploaded photo
    open_tab(page, "Photos")
    page.get_by_text("your photo, gray").wait_for(timeout=60_000)
