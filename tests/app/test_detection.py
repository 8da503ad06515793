"""AppTest of the detection page: the shipped detector's boxes, the thresholds redrawing counts and mAP from the
kept raw predictions, the IoU lesson, a photo and a bad upload, classroom mode and a tiny training job."""

import pytest

from tests.app.conftest import errors, fake_uploads, open_app, open_tab, wait_until


def metrics(at) -> dict:
    return {m.label: m.value for m in at.metric}


def test_shipped_detector_boxes_and_thresholds_redraw_without_inference(monkeypatch):
    at = open_app("detection")
    assert not errors(at), errors(at)
    assert at.title[0].value == "Object detection"
    assert any("det_yolov8" in s.value for s in at.sidebar.info)  # keras-cv's YOLOv8, trained here
    m = metrics(at)
    before, after = int(m["Boxes above the threshold"]), int(m["After NMS"])
    assert before >= after > 0
    assert "mAP@0.5" not in m and not at.get("vega_lite_chart")  # the closed PR tab draws nothing
    m = metrics(open_tab(at, "PR curves & mAP"))
    assert float(m["mAP@0.5"]) > 0.7 and 0 < float(m["mAP@[.5:.95]"]) <= float(m["mAP@0.5"])
    assert at.get("vega_lite_chart") and "After NMS" not in m  # the PR curves, and the boxes' tab closed
    open_tab(at, "Boxes, threshold & NMS")
    from anndl.topics.detection import job

    def no_inference(*args, **kwargs):
        raise AssertionError("the sliders ran the network again")

    monkeypatch.setattr(job, "raw_predictions", no_inference)
    at.slider(key="det_conf").set_value(0.9).run()
    assert not errors(at), errors(at)
    m = metrics(at)
    assert int(m["After NMS"]) < after and int(m["Boxes above the threshold"]) < before
    at.slider(key="det_nms").set_value(1.0).run()
    assert int(metrics(at)["After NMS"]) == int(metrics(at)["Boxes above the threshold"])  # 1.0 keeps every box
    at.radio(key="det_mode").set_value("TP / FP / FN").run()
    assert not errors(at), errors(at)
    counts = next(d.value for d in at.dataframe if "detected" in d.value.columns)  # §15.5, per class, image 0
    boxes = next(d.value for d in at.dataframe if "area px²" in d.value.columns)
    assert counts["true"].sum() == len(job.test_set("shapes", 0).objects(0)[1]) == (boxes[""] == "true").sum()
    assert counts["detected"].sum() == (boxes[""] == "detected").sum()


def test_iou_lesson_anchor_inspector_and_a_broken_photo_gets_one_sentence(monkeypatch):
    fake_uploads(monkeypatch, {"det_ph_up": ("photo.png", b"not an image at all")})
    at = open_tab(open_app("detection"), "IoU (§14.3)")
    at.slider(key="det_iou_bx").set_value((8, 36)).run()
    at.slider(key="det_iou_by").set_value((10, 40)).run()
    assert metrics(at)["IoU = |A ∩ B| / |A ∪ B|"] == "1.000"
    open_tab(at, "Anchors")
    default = int(metrics(at)["Test boxes without any positive anchor"].split()[0])
    at.select_slider(key="det_anc_size").set_value(2.0).run()  # 16 px anchors at P3 fit the canvases' objects
    assert int(metrics(at)["Test boxes without any positive anchor"].split()[0]) < default
    open_tab(at, "IoU (§14.3)")  # the lesson's boxes kept their places while the tab was closed
    assert metrics(at)["IoU = |A ∩ B| / |A ∪ B|"] == "1.000"
    open_tab(at, "Photos")
    assert any("canvas detector" in w.value for w in at.warning)  # the bundled photo, honestly labelled
    at.toggle(key="det_faces").set_value(True).run()  # MTCNN on the astronaut, offline from its wheel
    assert any("MTCNN" in c.value and "1 face(s)" in c.value for c in at.caption), errors(at)
    from anndl.topics.detection import pretrained
    from app.ui.detection import lesson

    monkeypatch.setattr(pretrained, "coco_detector", lambda: (None, "ConnectionError: no route to the hub"))
    lesson._coco_model.clear()
    at.toggle(key="det_coco").set_value(True).run()  # the COCO preset offline: one sentence, the page goes on
    assert any("could not be downloaded" in i.value and "no route to the hub" in i.value for i in at.info)
    lesson._coco_model.clear()
    at.radio(key="det_ph_src").set_value("Your photo").run()
    assert len(errors(at)) == 1 and not at.exception


def test_classroom_mode_hides_the_finer_knobs():
    at = open_app("detection")
    at.toggle(key="classroom").set_value(True).run()
    assert not errors(at), errors(at)
    assert "Training canvases" not in [s.label for s in at.select_slider]


@pytest.mark.slow
def test_tiny_training_job_replaces_the_shipped_detector():
    at = open_app("detection")
    at.slider(key="det_epochs").set_value(1).run()
    at.select_slider(key="det_n").set_value(200).run()
    at.button(key="det__train").click().run()
    wait_until(at, lambda at: any("your trained detector" in s.value for s in at.sidebar.success))
    assert any("your trained detector" in s.value for s in at.sidebar.success), errors(at)
    assert not errors(at), errors(at)
    assert 0 <= float(metrics(open_tab(at, "PR curves & mAP"))["mAP@0.5"]) <= 1
    assert any("mAP@0.5" in c.value for c in open_tab(at, "Train").caption)  # the finished job's line, on its tab


def test_a_gpu_server_offers_the_shipped_models_larger_settings(monkeypatch):
    from anndl import device

    monkeypatch.setattr(device, "describe", lambda: "GPU: NVIDIA H200")
    at = open_app("detection")
    assert at.select_slider(key="det_n").value == 4000 and at.slider(key="det_epochs").value == 30  # YOLOv8's
    at.selectbox(key="det_kind").set_value("grid").run()  # the grid detector: its shipped model det_shapes
    assert any("det_shapes" in s.value for s in at.sidebar.info) and not errors(at), errors(at)


def test_output_tensor_of_each_detector_is_explained_on_its_shipped_model():
    at = open_tab(open_app("detection"), "Output tensor (§14.8)")
    assert not errors(at), errors(at)
    text = " ".join(m.value for m in at.markdown)
    assert "84 anchor points" in text and "64 box numbers" in text  # 8² + 4² + 2² points of a 64 px canvas
    assert at.get("vega_lite_chart") and at.get("image")  # the per-level scores beside the canvas
    at.selectbox(key="det_kind").set_value("grid").run()
    assert "8×8×8" in " ".join(m.value for m in at.markdown) and not errors(at)  # 8 × 8 cells × (5 + 3)
