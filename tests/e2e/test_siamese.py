"""Playwright: on the Siamese page, enrol a new class from uploaded images and identify an uploaded query."""

import os

import numpy as np
from PIL import Image

from tests.e2e.conftest import open_tab, wait_for_app


def digit_files(tmp_path, images, prefix: str) -> list[str]:
    """MNIST-style digits written as dark-on-light PNGs (as drawn on paper: the page inverts them)."""
    paths = []
    for i, a in enumerate(images):
        path = tmp_path / f"{prefix}{i}.png"
        Image.fromarray(255 - (np.asarray(a).squeeze() * 255).astype("uint8")).save(path)
        paths.append(str(path))
    return paths


def test_enrol_a_class_from_uploads_and_identify_a_query(server, page, tmp_path):
    from anndl.topics.siamese.job import load_data

    shots = os.environ.get("ANNDL_SHOTS", str(tmp_path))
    d = load_data(0)
    sevens = d.x_test[d.y_test == 7]
    templates = digit_files(tmp_path, sevens[:5], "t")
    query = digit_files(tmp_path, sevens[13:14], "q")
    (tmp_path / "bad.png").write_bytes(b"not an image")
    page.goto(f"{server}/siamese")
    wait_for_app(page, timeout=120_000)
    page.get_by_text("shipped encoder").first.wait_for(timeout=60_000)
    page.screenshot(path=f"{shots}/siamese-map.png", full_page=True)
    open_tab(page, "Identification (§18.3)")
    name = page.get_by_label("New class name")
    name.fill("my sevens")
    name.press("Enter")
    wait_for_app(page)
    def uploader(label: str):
        return page.locator('[data-testid="stFileUploader"]').filter(has_text=label).locator(
            '[data-testid="stFileUploaderDropzoneInput"]')

    uploader("Enrol it from a few images").set_input_files(templates + [str(tmp_path / "bad.png")])
    page.get_by_text("bad.png:").wait_for(timeout=60_000)  # the broken file's one sentence, the rest enrolled
    wait_for_app(page)
    uploader("query with your image").set_input_files(query)
    page.get_by_text("Identified as my sevens").wait_for(timeout=60_000)
    wait_for_app(page)
    page.screenshot(path=f"{shots}/siamese-identify.png", full_page=True)
    assert page.locator('[data-testid="stImage"]').filter(has_text="query").count() >= 1
