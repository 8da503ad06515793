"""AppTest of the U-Net page: the shipped model's masks and scores, the skip switch, the upsampling lesson,
a bad mask zip's sentence, classroom mode, a tiny training job."""

import io
import zipfile

import numpy as np
import pytest
from PIL import Image

from tests.app.conftest import errors, fake_uploads, open_app, open_tab, wait_until
from tests.app.test_cnn import image_captions


def test_default_page_shows_the_shipped_model_scores_and_lesson():
    at = open_app("unet")
    assert not errors(at), errors(at)
    assert at.title[0].value == "U-Net segmentation"
    assert any("unet_shapes" in s.value for s in at.sidebar.info)
    joins = next(d.value for d in at.dataframe if "joined" in d.value.columns)  # the Architecture tab opens first
    assert list(joins["joined"]) == ["12×12×64", "24×24×32", "48×48×16"]  # 2f channels after concatenation
    assert not at.get("vega_lite_chart") and not image_captions(at, "truth")  # closed tabs draw no charts, masks
    assert not any(m.label == "Mean IoU (objects)" for m in at.metric)
    open_tab(at, "Segment")
    assert len(image_captions(at, "image · truth · prediction")) == 6
    metrics = {m.label: m.value for m in at.metric}
    assert float(metrics["Mean IoU (objects)"]) > 0.8
    assert float(metrics["No skips"]) < float(metrics["Mean IoU"]) - 0.3  # shipped fcn_shapes vs unet_shapes
    assert len(at.get("vega_lite_chart")) >= 1  # the pixel confusion
    assert {"Metrics (CSV)", "Masks (PNG)", "Model (.keras)"} <= {b.proto.label for b in at.get("download_button")}
    scores = next(d.value for d in at.dataframe if "IoU on borders" in d.value.columns)
    assert list(scores["class"]) == ["background", "circle", "square", "triangle"]
    open_tab(at, "Upsampling (§10.5)")
    assert len(at.get("vega_lite_chart")) == 2  # the two checkerboard count maps
    assert any("The same numbers" in c.value for c in at.caption)  # hand-made transposed conv = Keras'
    at.radio(key="unet_skip").set_value("none").run()  # a knob of the closed Architecture tab
    open_tab(at, "Architecture")
    assert not errors(at), errors(at)
    assert any("plain FCN" in c.value for c in at.caption)
    at.toggle(key="classroom").set_value(True).run()
    assert not errors(at), errors(at)


def _zip_without_masks() -> bytes:
    buf, img = io.BytesIO(), io.BytesIO()
    Image.fromarray(np.zeros((8, 8), "uint8")).save(img, format="PNG")
    with zipfile.ZipFile(buf, "w") as z:
        for i in range(4):
            z.writestr(f"images/{i}.png", img.getvalue())
    return buf.getvalue()


def _pairs_zip() -> bytes:
    """Six image + mask pairs (a bright square, class 1) and one image without its mask."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for i in range(7):
            img, mask = np.zeros((40, 40, 3), "uint8"), np.zeros((40, 40), "uint8")
            img[8 + i:24 + i, 10:30], mask[8 + i:24 + i, 10:30] = 220, 1
            for folder, a in (("images", img), ("masks", mask)):
                if folder == "masks" and i == 6:
                    continue
                png = io.BytesIO()
                Image.fromarray(a).save(png, format="PNG")
                z.writestr(f"{folder}/p{i}.png", png.getvalue())
    return buf.getvalue()


def test_own_image_mask_zip_is_read_and_the_bad_pair_named(monkeypatch):
    fake_uploads(monkeypatch, {"unet_zip": ("pairs.zip", _pairs_zip())})
    at = open_app("unet")
    at.selectbox(key="unet_data").set_value("upload").run()
    assert not errors(at), errors(at)
    assert any("Your zip: 6 image + mask pairs, class ids [0, 1]" in c.value for c in at.caption)
    assert any("p6" in w.value for w in at.warning)
    assert not at.button(key="unet__train").disabled


def test_a_zip_without_masks_gets_one_sentence(monkeypatch):
    fake_uploads(monkeypatch, {"unet_zip": ("pairs.zip", _zip_without_masks())})
    at = open_app("unet")
    at.selectbox(key="unet_data").set_value("upload").run()
    assert any("The zip has no masks" in e for e in errors(at)) and not at.exception
    assert at.button(key="unet__train").disabled


@pytest.mark.slow
def test_tiny_training_job_replaces_the_shipped_model():
    at = open_app("unet")
    at.select_slider(key="unet_n").set_value(200).run()
    at.slider(key="unet_depth").set_value(1).run()
    at.select_slider(key="unet_f").set_value(4).run()
    at.slider(key="unet_epochs").set_value(1).run()
    at.button(key="unet__train").click().run()
    wait_until(at, lambda at: any("your trained network" in s.value for s in at.sidebar.success))
    assert any("your trained network" in s.value for s in at.sidebar.success), [e.value for e in at.sidebar]
    assert not errors(at), errors(at)
    open_tab(at, "Segment")
    assert 0 <= float({m.label: m.value for m in at.metric}["Mean IoU (objects)"]) <= 1
