"""Playwright: the playground trains in the browser, shows curves and metrics, and refuses a bad CSV."""

from playwright.sync_api import expect

from tests.e2e.conftest import wait_for_app


def test_train_and_see_curves_and_metrics(server, page):
    page.goto(f"{server}/perceptron?nn_data=gauss&nn_n=200&nn_epochs=20")
    wait_for_app(page)
    page.get_by_role("tab", name="Neural network").click()
    page.get_by_role("button", name="Train").click()
    expect(page.get_by_text("your network", exact=False)).to_be_visible(timeout=180_000)
    expect(page.get_by_text("Test accuracy").first).to_be_visible()
    page.get_by_role("tab", name="Curves").click()
    curves = page.locator('[data-testid="stVegaLiteChart"]:visible').filter(has_text="epoch")
    expect(curves.first).to_be_visible()
    expect(curves.first).to_contain_text("validation")
    page.screenshot(path="/tmp/e2e-perceptron-trained.png", full_page=True)


def test_malformed_csv_gets_a_clear_message(server, page, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("x1,x2,label\n" + "".join(f"{i},abc,{i % 2}\n" for i in range(20)))
    page.goto(f"{server}/perceptron?nn_data=csv")
    wait_for_app(page)
    page.get_by_role("tab", name="Neural network").click()
    page.locator('input[type="file"]').first.set_input_files(str(bad))
    expect(page.get_by_text("are not numeric", exact=False)).to_be_visible(timeout=60_000)
