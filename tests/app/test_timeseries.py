"""Time-series page through app/main.py: instant defaults, bad upload, a tiny training job through the runner."""

import time

from tests.app.conftest import errors, open_app


def _texts(at) -> str:
    return " ".join([m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info])


def test_defaults_render_from_shipped_artifacts():
    at = open_app("timeseries")
    assert not errors(at), errors(at)
    text = _texts(at)
    assert "shipped LSTM" in text and "shipped 1-D CNN" in text
    summary = at.dataframe[0].value
    assert {"direct", "autoregressive", "seasonal naive", "last value"} <= set(summary["method"])
    direct = summary.set_index("method")["test MAE"]
    assert direct["direct"] < 0.5 * direct["seasonal naive"]  # the shipped co2 model beats the baseline
    assert any(m.label == "Test accuracy" and float(m.value) >= 0.95 for m in at.metric)
    assert "forget gate open" in text


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
    deadline = time.time() + 240
    while time.time() < deadline and "the model you trained" not in _texts(at):
        time.sleep(2)
        at.run()
    assert not errors(at), errors(at)
    assert "the model you trained" in _texts(at)
    assert "autoregressive" in set(at.dataframe[0].value["method"])


def test_classroom_mode_has_fewer_controls():
    at = open_app("timeseries")
    before = len(at.slider)
    at.toggle(key="classroom").set_value(True).run()
    assert not errors(at), errors(at)
    assert len(at.slider) < before
