"""Playwright: on the autoencoder page, click a point of the latent map and see its decoded image."""

import os

from anndl.pagebench import marks_under_mouse
from tests.e2e.conftest import wait_for_app


def test_clicking_the_latent_map_decodes_the_point(server, page, tmp_path):
    shots = os.environ.get("ANNDL_SHOTS", str(tmp_path))
    page.goto(f"{server}/autoencoder")
    wait_for_app(page, timeout=120_000)
    page.get_by_text("Click a point of the map").wait_for(timeout=60_000)
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    chart.scroll_into_view_if_needed()
    spots = marks_under_mouse(page, chart)
    assert spots, "no mark of the latent map found under the mouse"
    page.mouse.click(*spots[0])
    page.get_by_text("decoded").first.wait_for(timeout=30_000)
    wait_for_app(page)
    assert page.get_by_text("Click a point of the map").count() == 0
    decoded = page.locator('[data-testid="stImage"]').filter(has_text="decoded")
    assert decoded.count() >= 1
    page.screenshot(path=f"{shots}/autoencoder-click.png")
