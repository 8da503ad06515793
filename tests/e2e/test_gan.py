"""Playwright: on the GAN page, sample a grid, pick a class, then walk between two classes."""

import os

from tests.e2e.conftest import open_tab, wait_for_app


def test_sample_pick_a_class_and_interpolate(server, page, tmp_path):
    shots = os.environ.get("ANNDL_SHOTS", str(tmp_path))
    page.goto(f"{server}/gan")
    wait_for_app(page, timeout=120_000)
    page.get_by_text("20 samples of noise seed 0").wait_for(timeout=60_000)
    page.screenshot(path=f"{shots}/gan-sample.png")
    page.get_by_label("Images").first.wait_for()
    picker = page.locator('[data-testid="stSelectbox"]').filter(has_text="Class").first
    picker.click()
    page.get_by_role("option", name="3", exact=True).click()
    wait_for_app(page)
    assert "gan_class=3" in page.url  # the choice is in the link
    open_tab(page, "Interpolate & arithmetic")
    walk = page.locator('[data-testid="stImage"]').filter(has_text="label 1 → 7")
    walk.first.wait_for(timeout=30_000)
    assert page.locator('[data-testid="stImage"]').filter(has_text="a − b + c").count() == 1
    page.screenshot(path=f"{shots}/gan-walk.png")
