"""Every real benchmark runs end to end in its tiny form (the real code, the smallest data): the table, then one
JSON line with the contract's keys and figures that are numbers, not placeholders (DESIGN §7). A topic whose issue
names figures checks them here too (TOPIC_CHECKS), so no topic runs its bench a second time in its own tests."""

import contextlib
import io
import json
import math

import pytest

from anndl import bench

KEYS = {"topic", "dataset", "metric", "value", "train_s", "samples_per_s", "baseline", "device"}
# pages needs Chromium and a server (tests/e2e); jobs starts Ray and TensorFlow twice (tests/unit/test_jobsbench.py)
TOPICS = [t for t in bench.TOPICS if t not in ("pages", "jobs")]


def _unet(r: dict) -> None:
    assert 0 <= r["value"] <= 1 and r["metric"].startswith("test mean IoU") and 0 <= r["extra"]["fcn_miou"] <= 1
    assert r["baseline"]["name"].startswith("keras.io oxford_pets")
    assert r["extra"]["params"]["fcn"] < r["extra"]["params"]["unet"]


def _autoencoder(r: dict) -> None:
    assert r["metric"] == "test_mse" and {"mse_latent2", "init_gain_10"} <= set(r["extra"])
    assert 0 < r["value"] < 1 and 0 < r["extra"]["mse_latent2"] < 1
    assert r["baseline"]["name"].startswith("keras.io") and r["baseline"]["train_s"] > 0
    assert 0 < r["extra"]["spatial_test_mse"] < 1 and "time_to_baseline_mse_ratio" in r["extra"]


def _owndata(r: dict) -> None:
    """The translator's real default path on 100 number pairs (page architecture, recipe on) learns its training
    pairs (≥ 0.9 exact match), where the built-in data's defaults do not."""
    assert r["value"] >= 0.9 > r["baseline"]["value"]
    pages = {row["page"] for row in r["extra"]["rows"]}
    assert pages == {"translator", "words"}  # tiny: the other pages' own tests upload and train


def _localization(r: dict) -> None:
    """cam_iou50 is the mean over the seeds scored (one in the tiny form, three in the full one), each listed."""
    e = r["extra"]
    assert len(e["cam_iou50_seeds"]) == len(e["cam_seeds"]) == 1 and e["cam_views"] == 2
    assert e["cam_iou50"] == pytest.approx(sum(e["cam_iou50_seeds"]) / len(e["cam_iou50_seeds"]))
    assert all(0 <= v <= 1 for v in (*e["cam_iou50_seeds"], e["cam_iou50_one_view"], e["gradcam_ms"] / 1e6))


def _transfer(r: dict) -> None:
    """Issue 13's keys; the upload case (a zip of digits the backbone never saw) through the page's defaults; the
    fine-tuning verdict read from the validation loss."""
    e = r["extra"]
    assert all(0 <= e[k] <= 1 for k in ("scratch_10", "transfer_10", "finetune_10", "own_zip_10x30"))
    assert len(e["own_zip_each"]) == 1 and e["own_zip_wall_s"] > 0
    assert e["own_zip_10x30"] == pytest.approx(e["own_zip_each"][0], abs=1e-3)
    tuned = e["phases"][-1]
    assert tuned["phase"] == "fine-tune" and tuned["kept"] == (tuned["val_loss_after"] < tuned["val_loss_before"])


TOPIC_CHECKS = {"unet": _unet, "autoencoder": _autoencoder, "owndata": _owndata,
                "localization": _localization, "transfer": _transfer}  # the keys and figures


def spy_cnn(monkeypatch) -> dict:
    """Record the validation sets handed to fit (plain and anndl.train.fit) and every array evaluated on."""
    import keras

    from anndl.topics.cnn import bench as cnn_bench

    seen = {"fit_validation": [], "evaluate": []}
    fit, anndl_fit, evaluate = keras.Model.fit, cnn_bench.fit, keras.Model.evaluate

    def spy_fit(self, *args, validation_data=None, **kwargs):  # the keras.io baseline: plain model.fit
        if isinstance(validation_data, tuple):
            seen["fit_validation"].append(len(validation_data[0]))
        return fit(self, *args, validation_data=validation_data, **kwargs)

    def spy_anndl_fit(*args, validation_data=None, **kwargs):  # the recipes: anndl.train.fit
        seen["fit_validation"].append(len(validation_data[0]))
        return anndl_fit(*args, validation_data=validation_data, **kwargs)

    def spy_evaluate(self, x=None, *args, **kwargs):
        seen["evaluate"].append(len(x))
        return evaluate(self, x, *args, **kwargs)

    monkeypatch.setattr(keras.Model, "fit", spy_fit)
    monkeypatch.setattr(cnn_bench, "fit", spy_anndl_fit)
    monkeypatch.setattr(keras.Model, "evaluate", spy_evaluate)
    return seen


def spy_perceptron(monkeypatch) -> dict:
    from anndl.topics.perceptron import bench as perceptron_bench

    return spy_holdout(monkeypatch, perceptron_bench, "fit")


def spy_timeseries(monkeypatch) -> dict:
    from anndl.topics.timeseries import bench as ts_bench

    return spy_holdout(monkeypatch, ts_bench)


SPIES = {"cnn": spy_cnn, "perceptron": spy_perceptron, "timeseries": spy_timeseries}  # the holdout tests' topics


@pytest.fixture(scope="module")
def tiny_run():
    """`python -m anndl.bench TOPIC --tiny` once per topic for this module: (printed lines, the BenchResult, what the
    topic's spies saw). The holdout tests read the spies of the very run whose output the contract test reads, so
    no tiny bench trains twice; the spies only record and pass every call on."""
    runs = {}

    def run(topic: str):
        if topic not in runs:
            out, results = io.StringIO(), []
            with pytest.MonkeyPatch.context() as mp:
                seen = SPIES[topic](mp) if topic in SPIES else {}
                real = bench.run
                mp.setattr(bench, "run", lambda *a, **k: results.append(real(*a, **k)) or results[-1])
                with contextlib.redirect_stdout(out):
                    bench.main([topic, "--tiny"])
            runs[topic] = (out.getvalue().strip().splitlines(), results[0], seen)
        return runs[topic]

    return run


@pytest.mark.slow
@pytest.mark.parametrize("topic", TOPICS)
def test_the_real_bench_runs_in_its_tiny_form(topic, tiny_run):
    lines = tiny_run(topic)[0]
    assert lines[0].startswith(f"== {topic}: ") and len(lines) >= 4  # a header and a table with rows
    result = json.loads(lines[-1])
    assert KEYS <= set(result) and result["topic"] == topic and result["device"] in ("cpu", "gpu")
    assert math.isfinite(result["value"]) and result["train_s"] >= 0
    assert set(result["baseline"]) == {"name", "value", "train_s"} and math.isfinite(result["baseline"]["value"])
    TOPIC_CHECKS.get(topic, lambda r: None)(result)


@pytest.mark.slow
def test_the_cnn_bench_scores_the_test_set_once_after_validating_on_its_own_split(tiny_run):
    """Issue 9: curves and early stopping on a validation split; the test images are evaluated only at the end."""
    _, result, seen = tiny_run("cnn")
    assert set(seen["fit_validation"]) == {100, 60}  # validation splits: 100 MNIST images, 60 Fashion, never test
    assert seen["evaluate"].count(200) == 4  # the 200 test images: once per run (3 MNIST runs + Fashion)…
    assert set(seen["evaluate"]) <= {200, 100, 60, 1}  # …the rest is Keras validating (arrays, or one batch)
    assert "test acc" in result.rows[0] and "val peak" in result.rows[0]


def spy_holdout(monkeypatch, module, fit_name: str | None = None) -> dict:
    """Record the sizes of every validation set handed to fit and of every array predicted on."""
    import keras

    seen = {"fit_validation": [], "predict": []}
    fit, predict = keras.Model.fit, keras.Model.predict

    def spy_fit(self, *args, validation_data=None, **kwargs):
        if isinstance(validation_data, tuple):
            seen["fit_validation"].append(len(validation_data[0]))
        return fit(self, *args, validation_data=validation_data, **kwargs)

    def spy_predict(self, x, *args, **kwargs):
        seen["predict"].append(len(x))
        return predict(self, x, *args, **kwargs)

    monkeypatch.setattr(keras.Model, "fit", spy_fit)
    monkeypatch.setattr(keras.Model, "predict", spy_predict)
    if fit_name:
        anndl_fit = getattr(module, fit_name)

        def spy_anndl_fit(*args, validation_data=None, **kwargs):
            seen["fit_validation"].append(len(validation_data[0]))
            return anndl_fit(*args, validation_data=validation_data, **kwargs)

        monkeypatch.setattr(module, fit_name, spy_anndl_fit)
    return seen


@pytest.mark.slow
def test_the_perceptron_bench_validates_on_its_own_split_and_scores_iris_test_once(tiny_run):
    seen = tiny_run("perceptron")[2]
    assert 30 not in seen["fit_validation"] and seen["fit_validation"].count(24) == 2  # iris validation rows
    assert seen["predict"].count(30) == 2  # the 30 iris test rows: once per run (ours, the plain baseline)


@pytest.mark.slow
def test_the_timeseries_bench_follows_validation_and_scores_basicmotions_test_once(tiny_run):
    _, result, seen = tiny_run("timeseries")
    assert seen["predict"].count(40) == 2  # the 40 test windows: once per run (ours, the plain 1-D CNN)
    assert seen["predict"].count(8) == 2  # the 8 validation windows: each epoch (1 in tiny) of each run
    assert result.extra["basicmotions"]["accuracy"] == result.rows[4]["test acc"]
