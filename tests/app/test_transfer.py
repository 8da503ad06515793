"""AppTest of the transfer learning page: the instant default from the shipped run (both phases, counts,
confusion matrix, comparison), the ImageNet fallback said in one sentence, bad inputs, classroom mode."""

import io

import numpy as np
from PIL import Image

from anndl import backbones
from tests.app.conftest import errors, fake_uploads, open_app, open_tab


def _digit_png() -> bytes:
    a = np.zeros((28, 28), "uint8")
    a[4:24, 13:16] = 255  # a stroke: some digit
    buf = io.BytesIO()
    Image.fromarray(a).save(buf, format="PNG")
    return buf.getvalue()


def test_default_shows_the_shipped_run_its_phases_the_comparison_and_an_images_top3(monkeypatch):
    fake_uploads(monkeypatch, {"tl_img": ("digit.png", _digit_png())})
    at = open_app("transfer")
    assert not errors(at), errors(at)
    assert at.title[0].value == "Transfer learning and fine-tuning"
    assert any("transfer_digits59" in s.value for s in at.sidebar.info)
    assert any("Backbone in use" in i.value and "mobilenet_digits04" in i.value for i in at.info)
    phases = next(d.value for d in at.dataframe if "phase" in d.value.columns)
    derived = "100 training images → batch 32, 4 steps an epoch: 38 transfer epochs (150 steps) + 25 fine-tune"
    assert any(derived in c.value for c in at.caption)  # the epochs the shipped run trained, derived before training
    assert list(phases["epochs"]) == [38, 25]
    assert list(phases["phase"]) == ["transfer", "fine-tune"]
    assert phases["trainable"].iloc[1] > phases["trainable"].iloc[0]
    assert len(at.get("vega_lite_chart")) == 2  # phases with the boundary, confusion: the closed tabs draw none
    assert any("Test accuracy" in m.value for m in at.markdown)
    assert not any("probability" in d.value.columns for d in at.dataframe)  # the top-3 waits for its tab
    at.toggle(key="tl_tta").set_value(True).run()
    assert any("test-time augmentation" in m.value for m in at.markdown)
    open_tab(at, "Your image (top-3)")  # the image uploaded while the tab was closed is still there
    top3 = next(d.value for d in at.dataframe if "probability" in d.value.columns)
    assert len(top3) == 3 and set(top3["class"]) <= {"5", "6", "7", "8", "9"}
    assert list(top3["probability"]) == sorted(top3["probability"], reverse=True)
    assert not at.get("vega_lite_chart")
    for tab, words in (("Scratch vs transfer", "scratch"), ("Famous CNNs (§8)", "AlexNet")):
        open_tab(at, tab)
        assert not errors(at), errors(at)
        assert [c for c in at.get("vega_lite_chart") if words in str(c.proto)], tab  # the comparison, the era chart


def test_imagenet_backbone_offline_falls_back_and_says_why(monkeypatch):
    monkeypatch.setitem(backbones._REACHABLE, "answer", (False, "ImageNet weights are not reachable from this "
                                                                  "server (gaierror)"))
    at = open_app("transfer")
    at.selectbox(key="tl_backbone").set_value("MobileNetV3Small").run()
    assert not errors(at), errors(at)
    assert any("not reachable" in i.value and "mobilenet_digits04" in i.value for i in at.info)


def test_imagenet_backbone_online_is_used_and_the_page_says_how(monkeypatch):
    import keras

    real = keras.applications.MobileNetV3Small  # online, simulated: random weights, nothing downloads in a test
    monkeypatch.setattr(keras.applications, "MobileNetV3Small", lambda weights=None, **kw: real(weights=None, **kw))
    monkeypatch.setitem(backbones._REACHABLE, "answer", (True, "the ImageNet weights server is reachable"))
    at = open_app("transfer")
    at.selectbox(key="tl_backbone").set_value("MobileNetV3Small").run()
    assert not errors(at), errors(at)
    assert any("keras.applications.MobileNetV3Small with ImageNet weights" in i.value for i in at.info)
    at.session_state["code-transfer.py"] = True  # the Keras code expander draws its script once opened
    at.run()
    code = next(c.value for c in at.code if "keras.applications.MobileNetV3Small(weights='imagenet'" in c.value)
    assert "Resizing(96, 96)" in code


def test_bad_zip_and_bad_image_get_one_sentence_each_and_classroom_hides_knobs(monkeypatch):
    fake_uploads(monkeypatch, {"tl_zip": ("x.zip", b"not a zip"), "tl_img": ("x.png", b"not an image")})
    at = open_app("transfer")
    assert not at.error, errors(at)  # the image's tab is closed: nothing read yet
    open_tab(at, "Your image (top-3)")
    assert len(at.error) == 1 and "image" in at.error[0].value.lower() and not at.exception, errors(at)
    at.selectbox(key="tl_task").set_value("upload").run()  # no model for an upload yet: only the zip is read
    assert len(at.error) == 1 and "zip" in at.error[0].value.lower() and len(at.error[0].value) < 300, errors(at)
    assert not at.exception
    assert at.button(key="tl__train").disabled
    at.toggle(key="classroom").set_value(True).run()
    assert not at.exception
    assert not [s for s in at.selectbox if s.key == "tl_backbone"]
