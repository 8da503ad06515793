"""Time-series page through app/main.py: instant defaults, bad upload, a tiny training job through the runner."""


import numpy as np

from tests.app.conftest import errors, fake_uploads, open_app, open_tab, wait_until


def _texts(at) -> str:
    return " ".join([m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info])


def _charts(at) -> int:
    return len(at.get("vega_lite_chart"))


def test_defaults_render_from_shipped_artifacts_each_tab_when_it_opens():
    at = open_app("timeseries")
    assert not errors(at), errors(at)
    text = _texts(at)
    assert "shipped LSTM" in text
    summary = at.dataframe[0].value
    assert {"direct", "autoregressive", "seasonal naive", "last value"} <= set(summary["method"])
    direct = summary.set_index("method")["test MAE"]
    assert direct["direct"] < 0.5 * direct["seasonal naive"]  # the shipped co2 model beats the baseline
    assert _charts(at) == 3  # windows, forecasts, MAE per step: the closed tabs draw no chart
    assert "shipped 1-D CNN" not in text and not at.metric and "forget gate open" not in text
    at = open_tab(at, "Activity classification")
    assert not errors(at), errors(at)
    assert "shipped 1-D CNN" in _texts(at) and "shipped LSTM" not in _texts(at)
    assert any(m.label == "Test accuracy" and float(m.value) >= 0.95 for m in at.metric)
    assert _charts(at) == 2  # the recordings and the confusion matrix, not the forecasts
    at = open_tab(at, "Vanishing gradients")
    assert "forget gate open" in _texts(at) and _charts(at) == 1 and not at.metric


def test_other_series_show_baselines_and_refuse_too_long_windows():
    at = open_app("timeseries")
    at.selectbox(key="ts_src").set_value("nile").run()
    assert not errors(at), errors(at)
    assert at.slider(key="ts_win").value == 20  # the source's own defaults
    assert "Naive baselines" in _texts(at)
    at.slider(key="ts_pos").set_value(45).run()
    at.slider(key="ts_win").set_value(40).run()  # fewer window positions: the position slider follows
    assert not errors(at), errors(at)
    assert at.slider(key="ts_pos").value == 25
    at.slider(key="ts_win").set_value(90).run()
    assert any("too short" in e for e in errors(at))
    assert at.button(key="ts_fc__train").disabled  # nothing to train on: the button says so


def test_tiny_forecast_training_through_the_job_runner():
    at = open_app("timeseries")
    at.selectbox(key="ts_src").set_value("airline").run()
    at.slider(key="ts_ep").set_value(2).run()
    at.select_slider(key="ts_units").set_value(8).run()
    at.button(key="ts_fc__train").click().run()
    wait_until(at, lambda at: "the model you trained" in _texts(at))
    assert not errors(at), errors(at)
    assert "the model you trained" in _texts(at)
    assert "autoregressive" in set(at.dataframe[0].value["method"])


def test_classroom_mode_has_fewer_controls():
    at = open_app("timeseries")
    before = len(at.slider)
    at.toggle(key="classroom").set_value(True).run()
    assert not errors(at), errors(at)
    assert len(at.slider) < before


def test_the_course_headerless_activity_file_is_accepted_and_the_page_says_what_it_assumed(monkeypatch):
    from tests.unit.test_timeseries_data import course_activity_file

    fake_uploads(monkeypatch, {"ts_ccsv": ("WISDM_ar_v1.1_raw.txt", course_activity_file(";"))})
    at = open_tab(open_app("timeseries"), "Activity classification")
    at.radio(key="ts_csrc").set_value("upload").run()
    assert not errors(at), errors(at)
    info = " ".join(i.value for i in at.info)
    assert "no header row" in info and "user_id, activity, timestamp, x_axis, y_axis, z_axis" in info
    assert not at.button(key="ts_cl__train").disabled


def test_two_uploads_of_equal_length_and_sum_get_their_own_forecast_scores(monkeypatch):
    values = np.round(np.sin(np.arange(120) / 3) * 10 + np.arange(120) * 0.1)  # integers: sums are exact
    files = {}
    fake_uploads(monkeypatch, files)
    scores = []
    at = open_app("timeseries")
    for series in (values, values[::-1]):  # same name, length and sum; different content
        rows = "".join(f"{t},{v:.4f}\n" for t, v in enumerate(series))
        files["ts_csv"] = ("series.csv", ("time,y\n" + rows).encode())
        at.selectbox(key="ts_src").set_value("upload").run()
        assert not errors(at), errors(at)
        scores.append(at.dataframe[0].value.set_index("method")["test MAE"].to_dict())
        # defaults from the upload's size (84 training rows → 49 windows of 24 + 12) and the size advice
        assert any("49 training windows → batch 13, 4 steps an epoch, 150 epochs" in i.value for i in at.info)
        assert any("49 training windows is few" in w.value for w in at.warning)
    assert scores[0] != scores[1]


def test_the_classifier_is_scored_once_not_on_every_rerun(monkeypatch):
    from anndl.topics.timeseries import job

    calls = []
    real = job.evaluate_classifier
    monkeypatch.setattr(job, "evaluate_classifier", lambda *a, **k: calls.append(1) or real(*a, **k))
    at = open_tab(open_app("timeseries"), "Activity classification")
    first = len(calls)
    for _ in range(3):
        at.run()
    assert not errors(at)
    assert len(calls) == first <= 1
