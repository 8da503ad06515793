"""AppTest of the localization page: the shipped two-head network's scores, CAM boxes, the explanations of a
photo and of a bad upload, classroom mode and a tiny training job."""


import pytest

from tests.app.conftest import errors, fake_uploads, open_app, open_tab, wait_until


def metrics(at) -> dict:
    return {m.label: m.value for m in at.metric}


def test_default_page_scores_the_shipped_network_and_explains_a_test_canvas():
    at = open_app("localization")
    assert not errors(at), errors(at)
    assert at.title[0].value == "Localization & CAM"
    assert any("loc_shapes" in s.value for s in at.sidebar.info)
    m = metrics(at)
    assert float(m["Mean IoU"]) > 0.6 and float(m["Class accuracy"]) > 0.8
    assert any("Spearman ρ" in d.value.index for d in at.dataframe)
    assert "CAM boxes with IoU ≥ 0.5" not in m  # the closed CAM tab draws nothing: its 16 overlays neither
    assert len(at.get("image")) == 16  # 8 test canvases and the 8 worst predictions
    m = metrics(open_tab(at, "CAM: boxes without box labels"))
    assert 0 <= float(m["CAM boxes with IoU ≥ 0.5"].rstrip("%")) <= 100 and m["Box head, for comparison"]
    assert "Class accuracy" not in m
    open_tab(at, "Explain an image")
    ious = [c.value for c in at.caption if c.value.startswith("IoU of its box with the truth")]
    assert len(ious) == 3  # CAM, Grad-CAM and saliency of test canvas #0, each with its box's IoU
    at.select_slider(key="loc_rise").set_value(100).run()
    at.toggle(key="loc_aug").set_value(True).run()
    assert not errors(at), errors(at)
    assert len([c for c in at.caption if c.value.startswith("IoU of its box with the truth")]) == 5  # + RISE, aug.


def test_a_photo_is_explained_and_a_broken_upload_gets_one_sentence(monkeypatch):
    fake_uploads(monkeypatch, {"loc_x_upload": ("photo.png", b"not an image at all")})
    at = open_tab(open_app("localization"), "Explain an image")
    at.radio(key="loc_x_src").set_value("A photo").run()
    assert not errors(at), errors(at)
    assert any("scikit-image" in c.value or "scikit-learn" in c.value for c in at.caption)
    at.selectbox(key="loc_x_model").set_value("Shipped cnn_mnist").run()
    assert not errors(at), errors(at)
    assert at.selectbox(key="loc_x_layer").value == "conv2"  # the last convolution of the CNN trainer's stack
    at.radio(key="loc_x_src").set_value("Your image").run()
    assert len(errors(at)) == 1 and not at.exception
    open_tab(open_tab(at, "Train"), "Explain an image")  # the pickers keep their values while the tab is closed
    assert at.radio(key="loc_x_src").value == "Your image" and len(errors(at)) == 1
    assert at.selectbox(key="loc_x_model").value == "Shipped cnn_mnist"


def test_classroom_mode_hides_the_finer_knobs():
    at = open_app("localization")
    at.toggle(key="classroom").set_value(True).run()
    assert not errors(at), errors(at)
    assert "Training canvases" not in [s.label for s in at.select_slider]


@pytest.mark.slow
def test_tiny_training_job_replaces_the_shipped_network():
    at = open_app("localization")
    at.slider(key="loc_epochs").set_value(1).run()
    at.select_slider(key="loc_n").set_value(500).run()
    at.button(key="loc__train").click().run()
    wait_until(at, lambda at: any("your trained network" in s.value for s in at.sidebar.success))
    assert any("your trained network" in s.value for s in at.sidebar.success), errors(at)
    assert not errors(at), errors(at)
    assert 0 <= float(metrics(at)["Mean IoU"]) <= 1
