"""Issue 10's first try, kept as a test: three students at once on one server (one worker).

Each trains on the playground and must see its own result, then uploads a zip of class folders on the CNN
page: the upload must stay, the knobs must keep their defaults, Train must be enabled, and training must end
in a result. With fragments polling the job (`run_every` + `st.rerun()`), one student in three lost the element
after the panel or stayed at "Training…" for good; app/ui/training.py now polls server-side (watch_running).
"""

import asyncio

import pytest

from anndl.loadtest.browser import CHROMIUM, FLAGS, IDLE_JS, RESET_JS
from tests.e2e.test_cnn import bars_zip
from tests.loops import in_fresh_thread

pytestmark = [pytest.mark.slow, pytest.mark.e2e, pytest.mark.serial]  # a class's load: alone on the machine
STUDENTS = 3


async def _settled(page) -> None:
    await page.evaluate(RESET_JS)
    await page.wait_for_function(IDLE_JS, timeout=180_000, polling=100)


async def _student(browser, url: str, zip_path: str, seen: dict, i: int) -> None:
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    page.set_default_timeout(180_000)  # three browsers and the server share two cores
    try:
        await page.goto(f"{url}/perceptron?nn_data=gauss&nn_n=200&nn_epochs=20")
        await _settled(page)
        await page.get_by_role("tab", name="Neural network").click()
        await page.get_by_role("button", name="Train").click()
        await page.get_by_text("your network", exact=False).wait_for(timeout=400_000)
        seen["playground"].append(i)
        await page.goto(f"{url}/cnn")
        await _settled(page)
        await page.get_by_role("combobox", name="Images").click()
        await page.get_by_role("option", name="Your images (zip of class folders)").click()
        await page.get_by_text("Upload a zip of class folders to train").wait_for(timeout=120_000)
        await _settled(page)
        await page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(zip_path)
        await page.get_by_text("Your zip: 24 images in 2 classes").wait_for(timeout=120_000)
        await page.get_by_role("tab", name="Train").click()
        await _settled(page)
        await page.get_by_text("Your zip: 24 images in 2 classes").wait_for(timeout=5_000)  # still there
        knobs = page.locator('[data-testid="stSlider"]').filter(has_text="Epochs")
        assert "10" in await knobs.first.inner_text(), "the epochs knob lost its default"
        train = page.get_by_role("button", name="Train", exact=True)
        assert await train.is_enabled(), "Train is disabled although the zip is uploaded"
        await train.click()
        await page.get_by_text("Showing your trained network").wait_for(timeout=400_000)
        seen["cnn"].append(i)
        assert await page.locator('[data-testid="stException"]').count() == 0
    finally:
        await page.screenshot(path=f"/tmp/classroom-{i}.png", full_page=True)
        await context.close()


async def _class(url: str, zip_path: str) -> dict:
    from playwright.async_api import async_playwright

    seen = {"playground": [], "cnn": []}
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        try:
            await asyncio.gather(*(_student(browser, url, zip_path, seen, i) for i in range(STUDENTS)))
        finally:
            await browser.close()
    return seen


def test_three_students_train_at_once_and_each_sees_its_results(server, tmp_path):
    bars_zip(tmp_path / "bars.zip")
    seen = in_fresh_thread(asyncio.run, _class(server, str(tmp_path / "bars.zip")))
    assert sorted(seen["playground"]) == list(range(STUDENTS))
    assert sorted(seen["cnn"]) == list(range(STUDENTS))
