"""Absurd settings through the URL query string: clamped to the widget's range, one sentence, session alive."""

from __future__ import annotations

import math

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import MAIN, ROOT, errors, open_tab

NUM = lambda lo, hi: lambda v: lo <= float(v) <= hi  # noqa: E731
IN = lambda *opts: lambda v: v in {str(o) for o in opts}  # noqa: E731

# page -> {url key: (hostile value, what the page must have made of it)}
HOSTILE = {
    "perceptron": {
        "nn_epochs": ("-5", IN(10, 20, 50, 100, 200, 300, 500)),
        "nn_n": ("1000000000", IN(100, 200, 500, 1000, 2000)),
        "nn_u0": ("1000000", IN(1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64)),
        "nn_depth": ("999", NUM(1, 6)),
        "nn_data": ("imagenet", lambda v: v != "imagenet"),
        "nn_lr": ("nan", lambda v: not math.isnan(float(v)) and 0 < float(v) <= 1),
        "nn_batch": ("inf", lambda v: math.isfinite(float(v))),
        "nn_noise": ("-1", NUM(0, 0.5)),
        "seed": ("-7", NUM(0, 2**31 - 1)),
        "classroom": ("maybe", IN(0, 1)),
        "pc_eta": ("0", IN(0.05, 0.1, 0.25, 0.5, 1.0)),
    },
    "cnn": {
        "cnn_epochs": ("100000", NUM(1, 60)),
        "cnn_data": ("imagenet", lambda v: v != "imagenet"),
        "cnn_batch": ("0", IN(16, 32, 64, 128, 256)),
        "cnn_lr": ("-1", IN(0.0003, 0.001, 0.002, 0.004, 0.01)),
        "cnn_drop": ("2", IN(0.0, 0.1, 0.2, 0.3, 0.4, 0.5)),
        "cnn_hidden": ("1000000", IN(0, 32, 64, 128, 256)),
        "seed": ("1e30", NUM(0, 2**31 - 1)),
    },
    "timeseries": {
        "ts_win": ("100000", NUM(4, 260)),
        "ts_tel": ("-3", NUM(1, 104)),
        "ts_src": ("../../etc/passwd", lambda v: v != "../../etc/passwd"),
        "ts_ep": ("1e9", NUM(1, 200)),
        "ts_units": ("1000000", IN(8, 16, 32, 64, 128)),
        "ts_stride": ("0", NUM(1, 52)),
    },
    "transformer": {
        "tr_epochs": ("1000000", NUM(1, 20)),
        "tr_d": ("7", IN(32, 64, 128, 256)),
        "tr_heads": ("0", IN(1, 2, 4, 8)),
        "tr_beam": ("-4", NUM(1, 8)),
        "tr_n": ("999999999", IN(2000, 6000, 12000, 24000)),
    },
    "embeddings": {
        "emb_text": ("../../etc/passwd", IN("grammar", "fortunes", "upload")),
        "emb_kind": ("gpt", IN("skipgram", "cbow", "nlm")),
        "emb_dim": ("1000000", IN(8, 16, 32, 64, 128)),
        "emb_window": ("999", NUM(1, 5)),
        "emb_epochs": ("-1", NUM(1, 20)),
        "ng_n": ("50", NUM(1, 4)),
        "ng_k": ("nan", IN(0.01, 0.1, 0.5, 1.0)),
        "emb_q": ("<script>alert(1)</script>" * 3, lambda v: len(v) <= 40),  # the text box holds 40 characters
    },
    "detection": {
        "det_conf": ("5", NUM(0.05, 0.95)),
        "det_nms": ("-1", NUM(0.05, 1.0)),
        "det_epochs": ("1e9", NUM(1, 60)),
        "det_kind": ("retinanet", IN("yolov8", "grid")),
        "det_n": ("0", IN(200, 500, 1000, 2000, 4000)),
        "det_obj": ("../../etc/passwd", IN("shapes", "digits", "fashion")),
        "det_lr": ("nan", IN(0.0005, 0.001, 0.002, 0.004)),
        "det_mode": ("<b>x</b>", IN("class", "TP / FP / FN")),
    },
}


def open_with(page: str, params: dict) -> AppTest:
    at = AppTest.from_file(MAIN, default_timeout=120)
    at.query_params.update(params)
    at.run()
    at.switch_page(str(ROOT / "pages" / f"{page}.py"))
    return at.run()


def check(at: AppTest, cases: dict) -> list[str]:
    bad = []
    for key, (value, ok) in cases.items():
        got = at.query_params.get(key)
        got = got[0] if isinstance(got, list) else got
        if got is None or not ok(got):
            bad.append(f"{key}={value!r} became {got!r}")
    return bad


@pytest.mark.parametrize("page", list(HOSTILE))
def test_absurd_url_settings_are_clamped_and_the_session_keeps_working(page):
    at = open_with(page, {k: v for k, (v, _) in HOSTILE[page].items()})
    assert not at.exception, [str(x.value)[:300] for x in at.exception]
    for label in [t.label for t in at.tabs]:  # lazy tabs: a closed tab's knobs may read the URL only once it opens
        open_tab(at, label)
        assert not at.exception, (label, [str(x.value)[:300] for x in at.exception])
    assert check(at, HOSTILE[page]) == []
    at.run()  # the session keeps working: a second run is as clean
    assert not at.exception


def test_a_window_longer_than_the_series_gets_one_sentence():
    at = open_with("timeseries", {"ts_src": "nile", "ts_win": "260", "ts_tel": "104"})
    assert not at.exception
    assert any("window" in e.value.lower() or "long" in e.value.lower() for e in at.error), errors(at)


def test_an_oversized_cnn_stack_in_the_url_is_refused_with_a_sentence():
    stack = " | ".join(["conv:f=512,k=11,s=1,p=same,a=relu"] * 10)
    at = open_with("cnn", {"cnn_blocks": stack})
    assert not at.exception, [str(x.value)[:300] for x in at.exception]
    assert at.error, "a 10×(512 filters 11×11) stack must be refused before it is built"


def test_the_suite_has_at_least_twenty_url_cases():
    assert sum(len(c) for c in HOSTILE.values()) + 2 >= 20


def test_a_page_sends_its_url_in_one_message_and_none_when_nothing_changed(monkeypatch):
    """Each st.query_params write is a message on which the browser pushes the URL and draws the app again: a page
    opened without its knobs in the URL sends them all in one, and a rerun that changes nothing sends none."""
    from streamlit.runtime.state.query_params import QueryParams

    sent, send = [], QueryParams._send_query_param_msg
    monkeypatch.setattr(QueryParams, "_send_query_param_msg", lambda self: (sent.append(dict(self)), send(self))[1])
    at = AppTest.from_file(MAIN, default_timeout=120).run()
    sent.clear()
    at.switch_page(str(ROOT / "pages" / "perceptron.py"))
    at.run()
    assert len(sent) == 1 and {"tab", "pc_eta", "nn_data", "nn_lr", "nn_epochs"} <= set(sent[0]), sent
    assert len(sent[0]) >= 10 and at.query_params["nn_data"] == sent[0]["nn_data"]
    at.run()
    assert len(sent) == 1, sent[1:]
    open_tab(at, "Neural network")  # the open tab changes: one message, with the new tab in it
    assert len(sent) == 2 and sent[1]["tab"] == "Neural network" and not errors(at)
