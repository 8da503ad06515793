"""Playwright: upload a zip of class folders on the CNN page, train, see the curve and the confusion matrix."""

import io
import os
import re
import zipfile

import numpy as np
from PIL import Image

from tests.e2e.conftest import open_tab, wait_for_app


def bars_zip(path) -> None:
    """Two classes the CNN can tell apart: horizontal and vertical bars, 12 noisy images each."""
    rng = np.random.default_rng(0)
    with zipfile.ZipFile(path, "w") as z:
        for cls, axis in (("horizontal", 0), ("vertical", 1)):
            for i in range(12):
                a = rng.integers(0, 60, (32, 32)).astype("uint8")
                pos = rng.integers(4, 28)
                if axis == 0:
                    a[pos - 2:pos + 2] = 255
                else:
                    a[:, pos - 2:pos + 2] = 255
                buf = io.BytesIO()
                Image.fromarray(a).save(buf, format="PNG")
                z.writestr(f"bars/{cls}/{i}.png", buf.getvalue())
        z.writestr("bars/notes.txt", "not an image")


def test_upload_zip_train_and_see_curve_and_confusion(server, page, tmp_path):
    shots = os.environ.get("ANNDL_SHOTS", str(tmp_path))  # screenshots to look at (e.g. /work/shots)
    bars_zip(tmp_path / "bars.zip")
    page.goto(f"{server}/cnn")
    wait_for_app(page, timeout=120_000)
    page.get_by_text("CNN trainer").first.wait_for()
    page.screenshot(path=f"{shots}/cnn-1.png", full_page=True)
    page.get_by_role("combobox", name="Images").click()
    page.get_by_role("option", name="Your images (zip of class folders)").click()
    page.get_by_text("Upload a zip of class folders to train").wait_for(timeout=60_000)
    wait_for_app(page)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(str(tmp_path / "bars.zip"))
    page.get_by_text("Your zip: 24 images in 2 classes").wait_for(timeout=60_000)
    page.get_by_text("left out because they are not inside a class folder").wait_for()
    open_tab(page, "Train")
    # own data (issue 12): before training, the size advice and the defaults derived from the upload's size
    page.get_by_text("needs about 300 to generalise").wait_for(timeout=30_000)  # the transfer route
    page.get_by_text("Defaults from your data").first.wait_for()
    page.get_by_text("17 images → batch 5, 4 steps an epoch, 100 epochs").wait_for()
    page.get_by_role("button", name="Train").first.click()
    try:
        page.get_by_text("Showing your trained network").wait_for(timeout=240_000)
    finally:
        page.screenshot(path=f"{shots}/cnn-train.png", full_page=True)
    wait_for_app(page)
    page.get_by_text("Backbone: models/mobilenet_").wait_for()  # the transfer route is the default for small sets
    page.get_by_text(re.compile(r"training accuracy [0-9.]+, held-out [0-9.]+")).wait_for()  # the advice
    page.get_by_text("Test accuracy").first.wait_for()
    page.get_by_text("Open a cell").first.wait_for()
    page.screenshot(path=f"{shots}/cnn-2.png", full_page=True)
    page.wait_for_function(  # the training curves and the confusion matrix
        "() => document.querySelectorAll('[data-testid=\"stVegaLiteChart\"]').length >= 2", timeout=60_000)
    assert page.locator('[data-testid="stException"]').count() == 0
    open_tab(page, "Look inside")
    page.get_by_text("First-layer filters", exact=True).wait_for()
    page.get_by_text("Maximally activating patches").wait_for()
    wait_for_app(page)
    page.screenshot(path=f"{shots}/cnn-3.png", full_page=True)
