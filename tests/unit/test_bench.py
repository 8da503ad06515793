"""The benchmark harness (DESIGN §7) with a tiny fake topic: table printed, last line one JSON object."""

import json

import numpy as np
import pytest

from anndl import bench

KEYS = {"topic", "dataset", "metric", "value", "train_s", "samples_per_s", "baseline", "device"}


def fake_topic(quick: bool = False) -> bench.BenchResult:
    """Logistic regression on the gauss toy set through anndl.train.fit, against a plain model.fit."""
    import keras

    from anndl.data import load
    from anndl.train import FitConfig, fit, set_seed

    ds = load("gauss", n=200, seed=0)
    epochs = 2 if quick else 10

    def model():
        set_seed(0)
        m = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, activation="sigmoid")])
        m.compile("adam", "binary_crossentropy", metrics=["accuracy"])
        return m

    ours = model()
    with bench.Stopwatch() as sw:
        fit(ours, ds.x, ds.y, FitConfig(epochs=epochs, batch_size=32))
    value = float(ours.evaluate(ds.x, ds.y, verbose=0)[1])
    plain = model()
    with bench.Stopwatch() as bw:
        plain.fit(ds.x, ds.y, epochs=epochs, batch_size=32, verbose=0)
    base = float(plain.evaluate(ds.x, ds.y, verbose=0)[1])
    rows = [{"model": "anndl", "accuracy": value, "train_s": sw.seconds},
            {"model": "plain keras", "accuracy": base, "train_s": bw.seconds}]
    return bench.BenchResult("fake", "gauss", "accuracy", value, sw.seconds, epochs * len(ds.x) / sw.seconds,
                             bench.Baseline("plain model.fit", base, bw.seconds), device="tpu?", rows=rows)


def broken_topic(quick: bool = False):
    raise RuntimeError("no data")


@pytest.fixture
def fake(monkeypatch):
    monkeypatch.setattr(bench, "TOPICS", {"fake": f"{__name__}:fake_topic"})


def test_table_then_one_json_line_with_the_contract_keys(fake, capsys):
    bench.main(["fake", "--quick"])
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0] == "== fake: gauss (cpu) =="  # the harness, not the topic, names the device
    assert lines[1].split() == ["model", "accuracy", "train_s"] and set(lines[2]) == {"-", " "}
    assert lines[3].startswith("anndl") and lines[4].startswith("plain keras")
    result = json.loads(lines[-1])
    assert KEYS <= set(result)
    assert result["topic"] == "fake" and result["device"] == "cpu" and result["metric"] == "accuracy"
    assert set(result["baseline"]) == {"name", "value", "train_s"}
    assert 0.0 <= result["value"] <= 1.0 and result["train_s"] > 0 and result["samples_per_s"] > 0
    assert result["baseline"]["train_s"] > 0


def test_all_runs_every_topic_and_reports_a_broken_one(monkeypatch, capsys):
    monkeypatch.setattr(bench, "TOPICS", {"broken": f"{__name__}:broken_topic", "fake": f"{__name__}:fake_topic"})
    with pytest.raises(SystemExit, match="failed: broken"):
        bench.main(["all", "--quick"])
    captured = capsys.readouterr()
    assert "broken: FAILED RuntimeError: no data" in captured.err
    assert json.loads(captured.out.strip().splitlines()[-1])["topic"] == "fake"


def test_unknown_topic_is_a_usage_error(fake, capsys):
    with pytest.raises(SystemExit):
        bench.main(["nope"])
    assert "unknown topic 'nope'" in capsys.readouterr().err


def test_table_formats_floats_and_missing_cells():
    text = bench.table([{"a": 1.234567, "b": "x"}, {"a": np.float32(0.93333334)}, {"a": 7}])
    assert [line.split() for line in text.splitlines()[2:]] == [["1.235", "x"], ["0.9333"], ["7"]]
    assert bench.table([]) == ""
