"""Playwright: the playground trains in the browser, shows curves and metrics, trains on a small CSV with the
defaults from its size (issue 12) and refuses a bad CSV."""

import re

import numpy as np
from playwright.sync_api import expect

from tests.e2e.conftest import open_tab, wait_for_app


def test_train_and_see_curves_and_metrics(server, page):
    page.goto(f"{server}/perceptron?nn_data=gauss&nn_n=200&nn_epochs=20")
    wait_for_app(page)
    open_tab(page, "Neural network")
    page.get_by_role("button", name="Train").click()
    expect(page.get_by_text("your network", exact=False)).to_be_visible(timeout=180_000)
    expect(page.get_by_text("Test accuracy").first).to_be_visible()
    open_tab(page, "Curves")
    curves = page.locator('[data-testid="stVegaLiteChart"]:visible').filter(has_text="epoch")
    expect(curves.first).to_be_visible()
    expect(curves.first).to_contain_text("validation")
    with page.expect_download() as got:  # the file is read only when the button is pressed
        page.get_by_role("button", name="Model (.keras)").click()
    data = open(got.value.path(), "rb").read()
    assert data[:2] == b"PK" and len(data) > 1000  # a .keras file is a zip
    page.screenshot(path="/tmp/e2e-perceptron-trained.png", full_page=True)


def test_malformed_csv_gets_a_clear_message(server, page, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("x1,x2,label\n" + "".join(f"{i},abc,{i % 2}\n" for i in range(20)))
    page.goto(f"{server}/perceptron?nn_data=csv")
    wait_for_app(page)
    open_tab(page, "Neural network")
    page.locator('input[type="file"]').first.set_input_files(str(bad))
    expect(page.get_by_text("are not numeric", exact=False)).to_be_visible(timeout=60_000)


def test_small_csv_trains_with_data_defaults_and_gives_advice(server, page, tmp_path):
    rows = "".join(f"{x:.3f},{y:.3f},{'in' if x * x + y * y < 0.5 else 'out'}\n"
                   for x, y in np.random.default_rng(1).uniform(-1, 1, (120, 2)))
    csv = tmp_path / "circle.csv"
    csv.write_text("x,y,where\n" + rows)
    page.goto(f"{server}/perceptron?nn_data=csv")
    wait_for_app(page)
    open_tab(page, "Neural network")
    page.locator('input[type="file"]').first.set_input_files(str(csv))
    expect(page.get_by_text("76 rows is few for this model", exact=False)).to_be_visible(timeout=60_000)
    expect(page.get_by_text("76 rows → batch 19, 4 steps an epoch, 375 epochs", exact=False)).to_be_visible()
    wait_for_app(page)
    page.get_by_role("button", name="Train").click()
    expect(page.get_by_text(re.compile(r"training accuracy [0-9.]+, held-out [0-9.]+"))).to_be_visible(
        timeout=240_000)
    assert page.locator('[data-testid="stException"]').count() == 0
