"""Guards of issue 9: hostile URL values are clamped or refused, builders refuse models over the budget,
scratch files are bounded and named by content."""

import os

import pytest

from anndl import scratch
from anndl.errors import SettingsError
from anndl.nets import budget
from anndl.nets.cnn import PRESETS, CNNConfig, build_cnn, parse_blocks
from app.ui.state import _parse, clamp

HUGE_STACK = "|".join(["conv:f=512,k=11"] * 10)  # the link of issue 9: 10 × 31.7 M weights


@pytest.mark.parametrize("raw, default, options, expected", [
    ("nan", 0.01, None, 0.01), ("inf", 0.5, None, 0.5), ("-inf", 3, None, 3), ("1e400", 2, None, 2),
    ("9" * 5000, 2, None, 2), ("abc", 5, None, 5), ("", 1.0, None, 1.0), ("1,nan", (1.0, 2.0), None, (1.0, 2.0)),
    ("0.5", 0.1, [0.1, 0.2], 0.1), ("warp", "relu", ["relu", "tanh"], "relu"),
    ("tanh", "relu", ["relu", "tanh"], "tanh"),
    ("-7", 5, None, -7), ("3.9", 5, None, 3), ("1", False, None, True), ("yes", False, None, False),
])
def test_url_values_parse_to_the_default_unless_valid(raw, default, options, expected):
    assert _parse(raw, default, options) == expected


def test_clamp_moves_numbers_into_the_widget_range():
    assert clamp(-7, 1, 6) == 1 and clamp(10**9, 1, 6) == 6 and clamp(3, 1, 6) == 3
    assert clamp(-1e300, -3.0, 3.0) == -3.0 and clamp(5, None, 4) == 4 and clamp("x", 1, 2) == "x"


def test_a_cnn_over_the_budget_is_refused_before_any_weight_exists(monkeypatch):
    import keras

    def no_build(*a, **k):
        raise AssertionError("the model was built")

    monkeypatch.setattr(keras, "Input", no_build)
    with pytest.raises(SettingsError, match=r"at most 16,000,000 weights.*fewer filters"):
        build_cnn(CNNConfig(blocks=HUGE_STACK))
    with pytest.raises(SettingsError, match="multiply-adds"):  # few weights but 1.1 G MACs on 64×64
        build_cnn(CNNConfig(input_shape=(64, 64, 3), blocks="conv:f=256,k=5|conv:f=256,k=5", head="gap"))


def test_every_preset_fits_the_budget_on_the_largest_upload():
    for text in PRESETS.values():
        for head in ("flatten", "gap"):
            params, macs = budget.cnn_cost(parse_blocks(text), (64, 64, 3), head, 256, 10)
            assert params <= budget.MAX_PARAMS and macs <= budget.MAX_MACS, text


def test_cost_estimate_matches_keras_for_plain_layers():
    text = "conv:f=8,k=5,p=valid|maxpool|conv:f=16,s=2|batchnorm"
    model = build_cnn(CNNConfig(blocks=text, hidden=32))
    assert budget.cnn_cost(parse_blocks(text), (28, 28, 1), "flatten", 32, 10)[0] == model.count_params()


def test_too_many_blocks_get_one_sentence():

    with pytest.raises(SettingsError, match="at most 40"):
        parse_blocks("|".join(["batchnorm"] * 41))


def test_dense_and_recurrent_costs_follow_the_course_formulas():
    assert budget.dense_cost([2, 16, 1]) == (2 * 16 + 16 + 16 + 1, 2 * 16 + 16)
    params, macs = budget.recurrent_cost(window=10, channels=1, units=4, layers=1, outputs=1)
    assert params == 4 * (1 + 4 + 1) * 4 + 5 * 4 + (10 * 4 + 1) and macs > params
    with pytest.raises(SettingsError):
        budget.check_budget("forecaster", *budget.recurrent_cost(100_000, 6, 1024, 2, 52))


def test_other_builders_refuse_oversized_configurations():
    from anndl.nets.ffnn import FFNNConfig, build_ffnn
    from anndl.nets.timeseries import ForecastConfig, build_forecaster
    from anndl.nets.transformer import TransformerConfig, build_transformer

    with pytest.raises(SettingsError, match="network"):
        build_ffnn(FFNNConfig(inputs=10_000, hidden=(4096, 4096), activations=("relu", "relu")))
    with pytest.raises(SettingsError, match="forecaster"):
        build_forecaster(ForecastConfig(window=50_000, units=512))
    with pytest.raises(SettingsError, match="translator"):
        build_transformer(TransformerConfig(embed_dim=2048, ff_dim=8192, enc_layers=6, dec_layers=6))


def test_scratch_files_are_named_by_content_and_bounded(tmp_path, monkeypatch):
    monkeypatch.setattr(scratch, "_root", str(tmp_path))  # other tests' scratch files would count towards `keep`
    a, b = scratch.content_key(b"zip one", 32, 1), scratch.content_key(b"zip two", 32, 1)
    assert a != b and a == scratch.content_key(b"zip one", 32, 1) and a != scratch.content_key(b"zip one", 28, 1)
    paths = []
    for i in range(5):
        paths.append(scratch.scratch_path(f"k{i}", ".npz", keep=3))
        open(paths[-1], "wb").close()
        os.utime(paths[-1], (i, i))  # distinct ages, oldest first
    assert [os.path.exists(p) for p in paths] == [False, False, True, True, True]
    assert os.path.dirname(paths[0]) == scratch.root()
