"""A link cannot hurt the server (issue 9 "Guards"): hostile query-string values are clamped to the widgets'
ranges or answered with one sentence, never a traceback; the oversized stack of the issue is refused unbuilt."""

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import MAIN, errors
from tests.conftest import ROOT

HOSTILE = {"nan": "nan", "inf": "inf", "neg": "-1e9", "huge": "1e400", "text": "'; DROP TABLE x;--"}
KEYS = {
    "perceptron": ["nn_depth", "nn_lr", "nn_epochs", "nn_batch", "nn_data", "nn_u0", "nn_k", "nn_n", "nn_opt",
                   "pc_eta", "ao_lr", "ao_x"],
    "cnn": ["cnn_epochs", "cnn_lr", "cnn_batch", "cnn_data", "cnn_size", "cnn_hidden", "cnn_es", "cnn_atr"],
    "timeseries": ["ts_win", "ts_tel", "ts_units", "ts_ep", "ts_pos", "ts_src", "ts_kind", "ts_glen", "ts_gunits"],
    "transformer": ["tr_d", "tr_epochs", "tr_heads", "tr_enc", "tr_lr", "tr_qx", "tr_layer", "tr_head", "tr_word"],
}


def open_with(page: str, query: dict) -> AppTest:
    at = AppTest.from_file(MAIN, default_timeout=180)
    at.query_params.update(query)
    at.run()
    at.switch_page(str(ROOT / "pages" / f"{page}.py"))
    return at.run()


@pytest.mark.parametrize("page", list(KEYS))
def test_hostile_values_are_clamped_never_a_traceback(page):
    kinds = list(HOSTILE.values())  # each key gets another kind of nonsense
    at = open_with(page, {key: kinds[i % len(kinds)] for i, key in enumerate(KEYS[page])} | {"seed": "nan"})
    assert not at.exception, [x.value for x in at.exception]
    assert 0 <= at.number_input(key="seed").value <= 2**31 - 1
    for key in KEYS[page]:
        value = at.session_state[key] if key in at.session_state else None
        assert not isinstance(value, float) or abs(value) < 1e6, (key, value)  # finite and inside the range


def test_clamped_values_are_the_widget_limits():
    at = open_with("perceptron", {"nn_depth": "1e400", "seed": "-5", "nn_k": "-9"})
    assert at.slider(key="nn_depth").value == 2  # unreadable: the default
    at = open_with("perceptron", {"nn_depth": "99", "seed": "-5"})
    assert at.slider(key="nn_depth").value == 6 and at.number_input(key="seed").value == 0


def test_the_issues_oversized_stack_gets_one_sentence_and_no_training():
    at = open_with("cnn", {"cnn_blocks": "|".join(["conv:f=512,k=11"] * 10)})
    assert not at.exception
    assert any("the server builds at most" in e for e in errors(at)), errors(at)
    assert at.button(key="cnn__train").disabled
