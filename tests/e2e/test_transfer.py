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
