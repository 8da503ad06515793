"""Object detection (issue 15): IoU and NMS against hand cases, COCOeval mAP on a toy case with a known answer,
box conversions, the grid detector's encoding and decoding, its size, anchor assignment, and the tiny job (its
loss terms and the .keras round trip of its model)."""

import numpy as np
import pytest

from anndl.data.boxes import convert
from anndl.metrics import box_iou, coco_map, non_max_suppression
from anndl.nets.detection import DetectorConfig, build_detector, decode, detector_cost, encode
from anndl.topics.detection import job

TINY = DetectorConfig(n_classes=3, filters=(4, 8, 8, 8), head=8)


def test_iou_of_hand_boxes():
    assert box_iou([0, 0, 2, 2], [1, 1, 3, 3], pairwise=False) == pytest.approx(1 / 7)
    assert box_iou([0, 0, 4, 4], [0, 0, 4, 2], pairwise=False) == pytest.approx(0.5)
    assert box_iou([0, 0, 1, 1], [2, 2, 3, 3], pairwise=False) == 0.0


def test_box_conversions_round_trip_and_hand_values():
    b = np.array([[2, 4, 10, 8]], "float32")
    assert convert(b, "xyxy", "xywh").tolist() == [[2, 4, 8, 4]]
    assert convert(b, "xyxy", "center_xywh").tolist() == [[6, 6, 8, 4]]
    assert convert(b, "xyxy", "rel_xyxy", 16, 20)[0].tolist() == pytest.approx([0.1, 0.25, 0.5, 0.5])
    assert np.allclose(convert(convert(b, "xyxy", "center_yxhw"), "center_yxhw", "xyxy"), b)


def test_nms_by_hand_per_class_and_against_tensorflow():
    boxes = np.array([[0, 0, 10, 10], [1, 1, 11, 11], [20, 20, 30, 30], [0, 0, 10, 9]], "float32")
    scores = np.array([0.9, 0.8, 0.7, 0.95])
    # [3] (0.95) overlaps [0] by IoU 0.9 and [1] by ~0.65; [2] is alone
    assert non_max_suppression(boxes, scores, 0.5).tolist() == [3, 2]
    assert non_max_suppression(boxes, scores, 0.7).tolist() == [3, 1, 2]
    assert non_max_suppression(boxes, scores, 1.0).tolist() == [3, 0, 1, 2]
    assert non_max_suppression(boxes, scores, 0.5, classes=[0, 1, 0, 0]).tolist() == [3, 1, 2]  # other class stays
    assert non_max_suppression(np.zeros((0, 4)), np.zeros(0), 0.5).tolist() == []
    import tensorflow as tf

    rng = np.random.default_rng(0)
    xy = rng.uniform(0, 50, (40, 2))
    many = np.concatenate([xy, xy + rng.uniform(5, 20, (40, 2))], 1).astype("float32")
    s = rng.random(40).astype("float32")
    theirs = tf.image.non_max_suppression(many[:, [1, 0, 3, 2]], s, 40, iou_threshold=0.4).numpy()
    assert non_max_suppression(many, s, 0.4).tolist() == theirs.tolist()


def test_batched_nms_keeps_what_per_image_nms_keeps():
    from anndl.metrics import batched_non_max_suppression

    rng = np.random.default_rng(1)
    xy = rng.uniform(0, 40, (7, 30, 2))
    boxes = np.concatenate([xy, xy + rng.uniform(4, 20, (7, 30, 2))], -1)
    scores, classes = rng.random((7, 30)), rng.integers(0, 3, (7, 30))
    valid = scores > 0.3
    kept = batched_non_max_suppression(boxes, scores, valid, 0.3, classes)
    for i in range(7):
        idx = np.flatnonzero(valid[i])
        want = idx[non_max_suppression(boxes[i, idx], scores[i, idx], 0.3, classes[i, idx])]
        assert sorted(np.flatnonzero(kept[i]).tolist()) == sorted(want.tolist())


def test_coco_map_on_a_toy_case_with_a_known_answer():
    true = [(np.array([[0, 0, 10, 10]]), np.array([0])), (np.array([[20, 20, 30, 30]]), np.array([0]))]
    perfect = [(b, np.array([0.9]), c) for b, c in true]
    m = coco_map(true, perfect, 1)
    assert m["map50"] == pytest.approx(1.0) and m["map"] == pytest.approx(1.0)
    # one hit (score 0.9), one box far from the other truth (0.8): recall stops at 0.5 with precision 1, so
    # the 101-point interpolated AP is 51/101 at every IoU threshold
    half = [perfect[0], (np.array([[0, 0, 5, 5]]), np.array([0.8]), np.array([0]))]
    m = coco_map(true, half, 1)
    assert m["map50"] == pytest.approx(51 / 101) and m["map"] == pytest.approx(51 / 101)
    assert m["precision"].shape == (10, 101, 1)
    assert m["precision"][0, 50, 0] == pytest.approx(1) and m["precision"][0, 51, 0] == 0
    # the best-scored box has IoU 0.64: a hit at 0.5, 0.55, 0.6 (AP 1); at the 7 higher thresholds it is a false
    # positive ranked first, so precision is 1/2 up to recall 0.5 (AP 51/101 / 2)
    loose = [(np.array([[0, 0, 8, 8]]), np.array([0.95]), np.array([0])), perfect[1]]
    m = coco_map(true, loose, 1)
    assert m["map50"] == pytest.approx(1.0) and m["map"] == pytest.approx((3 + 7 * 51 / 101 / 2) / 10)
    assert coco_map(true, [(np.zeros((0, 4)), np.zeros(0), np.zeros(0))] * 2, 1)["map50"] == 0.0


def test_encode_then_a_perfect_grid_decodes_to_the_true_boxes():
    c = job.canvases("shapes", 6, "train", 0)
    y = encode(c.boxes, c.classes, 64, 8, 3)
    assert y.shape == (6, 8, 8, 8) and y[..., 4].sum() == c.counts.sum()
    grid = y.copy()
    grid[..., :2] = np.log(np.clip(y[..., :2], 1e-6, 1 - 1e-6) / np.clip(1 - y[..., :2], 1e-6, 1))  # σ⁻¹
    grid[..., 4] = np.where(y[..., 4] > 0, 20.0, -20.0)
    grid[..., 5:] = y[..., 5:] * 20.0
    raw = decode(grid, 8)
    dets = job.detections(raw, 0.5, 0.5)
    for i, d in enumerate(dets):
        tb, tc = c.objects(i)
        order = np.lexsort(tb.T[::-1])
        got = np.lexsort(d["boxes"].T[::-1])
        assert np.allclose(d["boxes"][got], tb[order], atol=1e-3) and (d["classes"][got] == tc[order]).all()


def test_builder_grid_shape_any_canvas_size_and_weights_counted_before_building():
    model = build_detector(TINY)
    assert model.count_params() == detector_cost(TINY)[0]
    for side in (64, 256):
        out = model(np.zeros((2, side, side, 1), "float32"))
        assert out.shape == (2, side // 8, side // 8, 5 + 3)


def test_tiny_job_trains_reports_live_boxes_and_scores_with_cocoeval(tmp_path):
    from anndl.jobs import Limits, run_inline

    events = []
    result = run_inline("anndl.topics.detection.job:train_job",
                        {"detector": "grid", "n_train": 64, "epochs": 1, "batch": 32},
                        Limits(time_limit_s=300, max_epochs=1), workdir=str(tmp_path), report=events.append)
    assert result["epochs_run"] == 1 and 0 <= result["map50"] <= 1 and 0 <= result["map"] <= result["map50"]
    assert {"box_loss", "class_loss", "obj_loss", "val_loss"} <= set(result["history"])
    live = [e["extra"] for e in events if e.get("extra")]
    assert live and len(live[0]["boxes"]) == job.THUMBS
    history = result["history"]  # the loss is the sum of the three terms the curves show
    assert history["loss"][0] == pytest.approx(history["box_loss"][0] + history["obj_loss"][0]
                                               + history["class_loss"][0], rel=1e-4)
    from anndl.zoo import load_file

    back = load_file(result["model_path"], "detection")  # the .keras round trip of the job's model
    c = job.canvases("shapes", 2, "test", 5)
    assert back(c.images).shape == (2, 8, 8, 8) and np.isfinite(np.asarray(back(c.images))).all()


def test_anchor_assignment_by_hand_and_keras_hub_sizes():
    from anndl.topics.detection import anchors as A

    boxes, levels = A.anchors(64, 3, 4, 2.0)
    assert len(boxes) == 3 * (8 * 8 + 4 * 4) and set(levels) == {3, 4}
    square = boxes[(levels == 3) & np.isclose(boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1])]
    assert np.allclose(square[:, 2] - square[:, 0], 16)  # anchor_size × 2^3
    a = np.array([[0, 0, 10, 10], [0, 0, 10, 5.5], [20, 20, 30, 30], [0, 0, 10, 4.5]], "float32")
    r = A.assign(a, np.array([[0, 0, 10, 10]], "float32"), positive=0.5, negative=0.5)
    assert r["label"].tolist() == [1, 1, 0, 0] and r["positives"].tolist() == [2]
    r = A.assign(a, np.array([[0, 0, 10, 10]], "float32"), positive=0.6, negative=0.5)
    assert r["label"].tolist() == [1, -1, 0, 0] and r["ignored"].tolist() == [1] and r["best_iou"][0] == 1.0


def test_the_generated_keras_code_runs(capsys):
    from anndl.topics.detection.code import keras_code

    src = keras_code({"detector": "grid", "n_train": 64, "epochs": 1, "multilabel": True})
    exec(compile(src, "detection.py", "exec"), {"__name__": "__main__"})
    assert "true boxes" in capsys.readouterr().out


def test_coco_preset_offline_gives_the_reason_and_its_boxes_come_back_in_photo_pixels(monkeypatch):
    """The online path (keras-hub's COCO RetinaNet) cannot download here: its failure is a reason, not a raise; its
    yxyx boxes on the 800 × 800 input are mapped back to the photo's pixels, low scores dropped."""
    import keras_hub

    from anndl.topics.detection import pretrained

    def offline(name):
        raise OSError(f"cannot reach the hub for {name}")

    monkeypatch.setattr(keras_hub.models.ObjectDetector, "from_preset", offline)
    model, why = pretrained.coco_detector()
    assert model is None and why.startswith("OSError: cannot reach the hub for retinanet_resnet50_fpn_coco")

    class Fake:  # what keras-hub's ObjectDetector.predict returns: padded boxes, labels, confidence, a count
        bounding_box_format = "yxyx"

        def predict(self, x, verbose=0):
            assert tuple(x.shape) == (1, 800, 800, 3)
            return {"boxes": np.array([[[80, 200, 400, 600], [0, 0, 8, 8], [-1, -1, -1, -1]]], "float32"),
                    "labels": np.array([[0, 16, -1]]), "confidence": np.array([[0.9, 0.2, -1]], "float32"),
                    "num_detections": np.array([2])}

    found = pretrained.detect_coco(Fake(), np.zeros((400, 200, 3), "uint8"))  # h 400, w 200
    assert [f["name"] for f in found] == ["person"] and found[0]["score"] == pytest.approx(0.9)
    np.testing.assert_allclose(found[0]["box"], [50, 40, 150, 200])  # x: 200/4, 600/4; y: 80/2, 400/2
