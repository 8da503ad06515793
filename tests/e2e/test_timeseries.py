"""Debian's Chromium on the time-series page: shipped defaults, then upload a CSV, train, see the forecast chart."""

import os
import re

import numpy as np
import pandas as pd

from tests.e2e.conftest import open_tab, wait_for_app

SHOTS = os.environ.get("ANNDL_SHOTS")  # a folder for screenshots, off in CI


def _shot(page, name):
    if SHOTS:  # Streamlit scrolls inside its main block: a tall viewport shows the whole page
        page.set_viewport_size({"width": 1400, "height": 3600})
        page.wait_for_timeout(800)
        page.screenshot(path=os.path.join(SHOTS, name), full_page=True)
        page.set_viewport_size({"width": 1400, "height": 1000})


def test_defaults_then_upload_train_and_forecast(server, page, tmp_path):
    page.goto(f"{server}/timeseries")
    wait_for_app(page, timeout=180_000)
    main = page.locator('[data-testid="stMain"]')
    assert "shipped LSTM" in main.inner_text()
    main.locator('[data-testid="stVegaLiteChart"]').nth(2).wait_for(timeout=60_000)  # windows, forecasts, MAE
    _shot(page, "timeseries-1-forecast.png")
    for i, name in ((1, "classification"), (2, "gradients")):
        open_tab(page, ["Activity classification", "Vanishing gradients"][i - 1])
        main.locator('[data-testid="stVegaLiteChart"]').first.wait_for(timeout=60_000)
        _shot(page, f"timeseries-{i + 1}-{name}.png")

    t = np.arange(240)
    frame = pd.DataFrame({"date": pd.date_range("2020-01-05", periods=240, freq="W").astype(str),
                          "sales": 100 + 0.3 * t + 10 * np.sin(2 * np.pi * t / 12)})
    frame.loc[7, "sales"] = np.nan  # a gap the page must fill and say so
    csv = tmp_path / "sales.csv"
    frame.sample(frac=1, random_state=0).to_csv(csv, index=False)  # shuffled rows: sorted by the page

    page.goto(f"{server}/timeseries?ts_src=upload&ts_win=24&ts_tel=12&ts_ar=4&ts_ep=3&ts_units=8")
    wait_for_app(page, timeout=180_000)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(str(csv))
    wait_for_app(page, timeout=60_000)
    text = main.inner_text()
    assert "sorted by 'date'" in text and "interpolation" in text and "Naive baselines" in text
    # own data (issue 12): before training the defaults derived from the upload's size, after it the reading
    page.get_by_text("Defaults from your data").first.wait_for()
    page.get_by_text(re.compile(r"\d+ training windows → batch \d+, \d+ steps an epoch")).first.wait_for()
    main.get_by_role("button", name="Train forecaster").click()
    page.get_by_text("the model you trained").wait_for(timeout=240_000)
    wait_for_app(page, timeout=60_000)
    page.get_by_text(re.compile(r"training MAE [0-9.e-]+, held-out [0-9.e-]+")).wait_for()
    assert "Test part and the forecast past the end" in main.inner_text() or \
        main.locator('[data-testid="stVegaLiteChart"]').count() >= 3
    assert not main.locator('[data-testid="stException"]').count()
    _shot(page, "timeseries-4-upload-trained.png")


def test_activity_upload_trains_and_shows_confusion(server, page, tmp_path):
    rng = np.random.default_rng(0)
    parts = []
    for user in range(4):
        for act, freq in (("walking", 0.5), ("standing", 0.05)):
            t = np.arange(80)
            parts.append(pd.DataFrame({"user_id": user, "activity": act, "timestamp": t,
                                       "x_axis": np.sin(freq * t) + 0.1 * rng.normal(size=80),
                                       "y_axis": np.cos(freq * t), "z_axis": 9.8 + 0.1 * rng.normal(size=80)}))
    csv = tmp_path / "activities.csv"
    pd.concat(parts).to_csv(csv, index=False)

    page.goto(f"{server}/timeseries?ts_csrc=upload&ts_cwin=20&ts_cstride=20&ts_cep=3&classroom=1")
    wait_for_app(page, timeout=180_000)
    open_tab(page, "Activity classification")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(str(csv))
    wait_for_app(page, timeout=60_000)
    main = page.locator('[data-testid="stMain"]')
    assert "no user appears in two parts" in main.inner_text()
    main.get_by_role("button", name="Train classifier").click()
    page.get_by_text("the model you trained").wait_for(timeout=240_000)
    wait_for_app(page, timeout=60_000)
    assert "Test accuracy" in main.inner_text()
    assert not main.locator('[data-testid="stException"]').count()
    _shot(page, "timeseries-5-activities-classroom.png")
