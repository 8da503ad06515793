"""Transfer learning page (issue 13): freezing freezes, fine-tuning unfreezes exactly the requested convolutions
and keeps BN frozen, the ImageNet failure falls back offline, the two-phase job, the gallery, the probe and the code
(the comparison runs in the bench's tiny form, tests/unit/test_benches_run.py, and in tests/e2e/test_transfer.py)."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from anndl.nets.transfer import fine_tune, parameter_counts
from anndl.topics.transfer import job

ROOT = Path(__file__).resolve().parents[2]
TINY = {"per_class": 5, "transfer_steps": 4, "finetune_steps": 4, "batch": 16}


def offline():
    return False, "ImageNet weights are not reachable from this server (gaierror)"


def _backbone_weights(model):
    return {la.name: [w.copy() for w in la.get_weights()] for la in model.layers
            if la.name not in ("predictions", "to_gray", "to_imagenet_rgb") and la.get_weights()}


def test_transfer_epoch_leaves_the_backbone_unchanged_and_fine_tune_unfreezes_exactly_n_convs():
    from anndl.train import FitConfig, fit

    model = job.build("mobilenet_digits04", "block_2_add", 5, 0.3, 1e-2)
    before, head = _backbone_weights(model), model.get_layer("predictions").get_weights()[0].copy()
    x = np.random.default_rng(0).random((32, 28, 28, 1)).astype("float32")
    y = np.eye(5, dtype="float32")[np.arange(32) % 5]
    fit(model, x, y, FitConfig(epochs=1, batch_size=16))
    after = _backbone_weights(model)
    assert all(np.array_equal(a, b) for n in before for a, b in zip(before[n], after[n])), "a frozen weight moved"
    assert not np.array_equal(head, model.get_layer("predictions").get_weights()[0]), "the head did not train"
    frozen = parameter_counts(model)
    assert frozen["trainable"] == model.get_layer("predictions").count_params()

    names = fine_tune(model, 3, 1e-4)
    kinds = {type(model.get_layer(n)).__name__ for n in names}
    assert len(names) == 3 and kinds <= {"Conv2D", "DepthwiseConv2D"}
    assert names == ["block_2_project", "block_2_depthwise", "block_2_expand"]  # the top three, top first
    trainable = {la.name for la in model.layers if la.trainable and la.weights}
    assert trainable == set(names) | {"predictions"}
    assert all(not la.trainable for la in model.layers if type(la).__name__ == "BatchNormalization")
    counts = parameter_counts(model)
    extra = sum(model.get_layer(n).count_params() for n in names)
    assert counts["trainable"] == frozen["trainable"] + extra
    assert counts["non_trainable"] == frozen["non_trainable"] - extra


def test_fine_tuning_that_raises_the_validation_loss_is_undone_and_one_that_lowers_it_stays():
    """§9.14 on ten images a class: the fine-tuned weights stay only if they lowered the validation loss."""
    import keras

    from anndl.nets.transfer import keep_if_better, validation_loss

    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
    model.compile("adam", "categorical_crossentropy")
    x = np.random.default_rng(0).random((30, 4)).astype("float32")
    val = (x, np.eye(3, dtype="float32")[np.arange(30) % 3])
    before = (model.get_weights(), validation_loss(model, val))
    noise = np.random.default_rng(1)
    model.set_weights([w + noise.normal(0, 3, w.shape) for w in before[0]])  # a fine-tuning that overfit
    worse = keep_if_better(model, *before, val)
    assert not worse["kept"] and worse["val_loss_after"] > worse["val_loss_before"]
    assert all(np.array_equal(a, b) for a, b in zip(model.get_weights(), before[0]))  # the transfer weights are back
    model.fit(*val, epochs=30, verbose=0)  # one that learned
    tuned = model.get_weights()
    assert keep_if_better(model, *before, val)["kept"]
    assert all(np.array_equal(a, b) for a, b in zip(model.get_weights(), tuned))


def online(monkeypatch):
    """An online server, simulated: the weights host answers, and keras.applications builds its network (with
    random weights here: nothing downloads in a test)."""
    import keras

    from anndl import backbones

    real = keras.applications.MobileNetV3Small
    monkeypatch.setattr(keras.applications, "MobileNetV3Small", lambda weights=None, **kw: real(weights=None, **kw))
    monkeypatch.setitem(backbones._REACHABLE, "answer", (True, "the ImageNet weights server is reachable"))


def test_online_an_imagenet_backbone_trains_frozen_behind_its_own_input_scaling(monkeypatch, tmp_path):
    from anndl.train import FitConfig, fit

    online(monkeypatch)
    name, why = job.resolve_backbone("MobileNetV3Small", "digits59")
    assert name == "MobileNetV3Small" and "ImageNet weights" in why and "96×96" in why
    model = job.build(name, "block_2_add", 5, 0.3, 1e-2)
    assert model.input_shape == (None, 28, 28, 1) and model.output_shape == (None, 5)
    rgb = model.get_layer("to_imagenet_rgb")  # gray [0, 1] -> the 0–255 RGB MobileNetV3 rescales itself
    np.testing.assert_allclose(rgb(np.full((1, 1, 1, 1), 0.5, "float32")).numpy().ravel(), [127.5] * 3, rtol=1e-6)
    before = _backbone_weights(model)
    x = np.random.default_rng(0).random((16, 28, 28, 1)).astype("float32")
    fit(model, x, np.eye(5, dtype="float32")[np.arange(16) % 5], FitConfig(epochs=1, batch_size=8))
    after = _backbone_weights(model)
    assert all(np.array_equal(a, b) for n in before for a, b in zip(before[n], after[n])), "a frozen weight moved"
    names = fine_tune(model, 2, 1e-4)
    assert len(names) == 2 and "to_imagenet_rgb" not in names
    path = tmp_path / "imagenet.keras"
    model.save(path)  # the page's download and its result views read the saved file
    import keras

    np.testing.assert_allclose(keras.saving.load_model(path).predict(x, verbose=0), model.predict(x, verbose=0),
                               atol=1e-5)
    assert {la.name for la in model.layers if la.trainable and la.weights} == set(names) | {"predictions"}


def test_imagenet_failure_falls_back_to_the_projects_backbone_and_says_why():
    name, why = job.resolve_backbone("MobileNetV3Small", "digits59", probe=offline)
    assert name == "mobilenet_digits04"
    assert "not reachable" in why and "MNIST digits 0–4" in why
    assert job.resolve_backbone("auto", "mnist_fashion")[0] == "mobilenet_fashion"


def test_two_phase_job_on_one_axis_with_counts_per_phase(tmp_path):
    from anndl.jobs import Limits, run_inline

    events = []
    out = run_inline("anndl.topics.transfer.job:train_job", {"task": "digits59", **TINY}, Limits(max_epochs=50),
                     workdir=str(tmp_path), report=events.append)
    assert [p["phase"] for p in out["phases"]] == ["transfer", "fine-tune"]
    assert out["boundary"] == out["phases"][0]["epochs"] and out["epochs_run"] == len(out["history"]["loss"])
    assert out["phases"][1]["trainable"] > out["phases"][0]["trainable"]
    epochs = [e for e in events if e.get("kind") == "epoch"]
    assert [e["epoch"] for e in epochs] == list(range(1, out["epochs_run"] + 1))  # both phases on one axis
    assert {e["phase"] for e in epochs} == {"transfer", "fine-tune"}
    assert out["n_train"] == 25 and len(out["y_true"]) == len(out["y_pred"]) == 500
    assert Path(out["model_path"]).exists() and 0.0 <= out["tta_accuracy"] <= 1.0


@pytest.mark.slow
def test_generated_keras_code_runs(tmp_path):
    from anndl.topics.transfer.code import keras_code

    (tmp_path / "tl.py").write_text(keras_code({**TINY, "unfreeze": 2}))
    out = subprocess.run([sys.executable, "tl.py"], cwd=tmp_path, capture_output=True, text=True, timeout=300,
                         env={"PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3", "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr[-2000:]
    assert "test accuracy" in out.stdout and (tmp_path / "transfer.keras").exists()
    online = keras_code({**TINY, "backbone": "ResNet50"})  # downloads weights: compiled here, not run
    compile(online, "tl_online.py", "exec")
    assert "keras.applications.ResNet50(weights='imagenet'" in online and "-103.939" in online


def test_gallery_cache_equals_keras_and_the_papers_counts():
    import keras

    from anndl.topics.transfer import gallery

    rows = {r["network"]: r for r in gallery.gallery()}
    assert len(rows) == 10 and all(r["params"] > 0 and r["multiply_adds"] > 0 for r in rows.values())
    mobilenet = keras.applications.MobileNet(weights=None, input_shape=(224, 224, 3))
    assert rows["MobileNet"]["params"] == mobilenet.count_params()
    assert abs(gallery.multiply_adds(mobilenet) - 569e6) / 569e6 < 0.01  # the MobileNet paper: 569 M mult-adds
    lenet = gallery.lenet5()
    assert rows["LeNet-5"]["params"] == lenet.count_params() == 61_706
    # 28²·25·6 + 10²·150·16 + 400·120 + 120·84 + 84·10: each weight once per output pixel
    assert gallery.multiply_adds(lenet) == rows["LeNet-5"]["multiply_adds"] == 416_520
    assert rows["LeNet-5"]["depth"] == 5


def test_linear_probe_scores_raw_pixels_then_each_requested_block():
    from anndl.topics.transfer.probe import linear_probe

    events = []
    rows = linear_probe({"per_class": 5}, blocks=[("block_2_add", "block 2"), ("avg_pool", "pooled")],
                        report=events.append)
    assert [r["layer"] for r in rows] == ["pixels", "block_2_add", "avg_pool"]
    assert [r["features"] for r in rows] == [784, 7 * 7 * 24, 96]
    assert all(0.0 <= r["test_accuracy"] <= 1.0 for r in rows) and len(events) == 3


def test_before_training_an_upload_on_auto_is_told_a_probe_will_choose():
    from anndl.topics.transfer.job import planned_backbone

    upload = planned_backbone("auto", "upload")
    assert "logistic probe" in upload and "models/mobilenet_digits04" in upload and "models/mobilenet_fashion" in upload
    assert planned_backbone("auto", "digits59").startswith("models/mobilenet_digits04: pretrained by this project")
    assert planned_backbone("mobilenet_fashion", "upload").startswith("models/mobilenet_fashion")


def test_an_upload_run_reads_its_training_vs_test_accuracy(tmp_path):
    from anndl.topics.owndata_bench import unseen_digits_upload
    from anndl.topics.transfer.job import train

    path = unseen_digits_upload(6, 0, str(tmp_path))  # 10 classes × 6 digits
    res = train({"task": "upload", "data_path": path, "per_class": 0, "transfer_steps": 1, "finetune_steps": 1})
    own = res["own_data"]
    assert own["held_out"] == res["test_accuracy"] and 0 <= own["train"] <= 1
    assert own["size_advice"].startswith(f"{res['n_train']} images is few for this model")
    assert own["regime"] in ("memorised", "under-trained", "fine") and own["recipe"] is None
