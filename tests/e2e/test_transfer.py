"""Playwright: on the transfer page, run the scratch / transfer / fine-tune comparison and see its chart."""

import os

from tests.e2e.conftest import open_tab, wait_for_app


def test_run_the_comparison_and_see_the_chart(server, page, tmp_path):
    shots = os.environ.get("ANNDL_SHOTS", str(tmp_path))
    page.goto(f"{server}/transfer?tl_cmp_max=5&tl_s1=50&tl_s2=50")  # one size, short phases: three quick trainings
    wait_for_app(page, timeout=120_000)
    page.get_by_text("Showing the shipped default run").wait_for(timeout=60_000)
    open_tab(page, "Scratch vs transfer")
    tab = page.get_by_role("tabpanel", name="Scratch vs transfer")
    tab.get_by_text("Measured when the shipped model was built").wait_for()
    tab.get_by_role("button", name="Run the comparison").click()
    try:
        tab.get_by_text("Your run.").wait_for(timeout=240_000)
    finally:
        page.screenshot(path=f"{shots}/transfer-compare.png", full_page=True)
    wait_for_app(page)
    chart = tab.locator('[data-testid="stVegaLiteChart"]')
    chart.first.wait_for(timeout=60_000)  # vega charts can land just after the script's quiet spell
    chart.first.scroll_into_view_if_needed()
    assert chart.first.bounding_box()["height"] > 100
    for run in ("scratch", "transfer", "fine-tune"):
        assert chart.first.get_by_text(run, exact=True).count() >= 1  # the legend names the three runs


def test_small_zip_trains_with_the_step_schedule_and_gives_advice(server, page, tmp_path):
    """Own data (issue 12): a 10 × 10 digit zip; before training the schedule and the size advice, after it the
    reading of training vs test accuracy."""
    import re

    from anndl.data.owndata import image_zip

    shots = os.environ.get("ANNDL_SHOTS", str(tmp_path))
    zipped = tmp_path / "digits.zip"
    zipped.write_bytes(image_zip(10, 10, "mnist", seed=3))
    page.goto(f"{server}/transfer?tl_task=upload&tl_s1=50&tl_s2=50")  # the shortest phases: a quick run
    wait_for_app(page, timeout=120_000)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(str(zipped))
    wait_for_app(page)
    page.get_by_text(re.compile(r"[0-9]+ images is few for this model")).wait_for(timeout=60_000)
    page.get_by_text(re.compile(r"training images → batch [0-9]+")).wait_for()
    page.get_by_role("button", name="Train", exact=True).click()
    try:
        page.get_by_text(re.compile(r"training accuracy [0-9.]+, held-out [0-9.]+")).wait_for(timeout=300_000)
    finally:
        page.screenshot(path=f"{shots}/transfer-upload.png", full_page=True)
    assert page.locator('[data-testid="stException"]').count() == 0
