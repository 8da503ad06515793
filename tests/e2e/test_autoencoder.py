"""Playwright: on the autoencoder page, click a point of the latent map and see its decoded image."""

import os

from tests.e2e.conftest import wait_for_app

TOOLTIP = "#vg-tooltip-element.visible"


def point_under_mouse(page, box) -> tuple[float, float] | None:
    """Hover across the plot area until Vega's tooltip shows a mark under the mouse; its position, or None."""
    for fy in (0.5, 0.4, 0.6, 0.3, 0.7):
        for fx in [i / 40 for i in range(4, 30)]:
            x, y = box["x"] + fx * box["width"], box["y"] + fy * box["height"]
            page.mouse.move(x, y)
            page.wait_for_timeout(40)
            if page.locator(TOOLTIP).count():
                return x, y
    return None


def test_clicking_the_latent_map_decodes_the_point(server, page, tmp_path):
    shots = os.environ.get("ANNDL_SHOTS", str(tmp_path))
    page.goto(f"{server}/autoencoder")
    wait_for_app(page, timeout=120_000)
    page.get_by_text("Click a point of the map").wait_for(timeout=60_000)
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    spot = point_under_mouse(page, box)
    assert spot is not None, "no mark of the latent map found under the mouse"
    page.mouse.click(*spot)
    page.get_by_text("decoded").first.wait_for(timeout=30_000)
    wait_for_app(page)
    assert page.get_by_text("Click a point of the map").count() == 0
    decoded = page.locator('[data-testid="stImage"]').filter(has_text="decoded")
    assert decoded.count() >= 1
    page.screenshot(path=f"{shots}/autoencoder-click.png")
