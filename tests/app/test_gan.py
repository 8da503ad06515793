"""AppTest of the GAN page: the instant grid from the shipped cGAN, the class picker, the GAN without classes,
nonsense in the link, classroom mode, and a tiny training that replaces the shipped generator."""


import pytest

from tests.app.conftest import errors, open_app, wait_until
from tests.app.test_cnn import image_captions


def test_default_samples_the_shipped_cgan_and_walks_between_classes():
    at = open_app("gan")
    assert not errors(at), errors(at)
    assert at.title[0].value == "GAN / cGAN sampler"
    assert any("gan_cgan_mnist" in s.value for s in at.sidebar.info)
    assert image_captions(at, "20 samples of noise seed 0")
    assert image_captions(at, "label 1 → 7")  # the class walk
    assert image_captions(at, "a − b + c")  # latent arithmetic
    assert any("Conditional accuracy" in m.label for m in at.metric)  # the quality meter of the shipped model
    at.selectbox(key="gan_class").set_value(3).run()
    assert not errors(at), errors(at)
    assert image_captions(at, "20 samples of noise seed 0")


def test_unconditional_gan_has_no_class_picker_and_nonsense_settings_fall_back():
    at = open_app("gan")
    at.radio(key="gan_cond").set_value(False).run()
    assert not errors(at), errors(at)
    assert any("gan_mnist.keras" in s.value for s in at.sidebar.info)
    assert not [s for s in at.selectbox if s.key == "gan_class"]
    assert any("needs the conditional generator" in i.value for i in at.info)
    at.number_input(key="gan_seed").set_value(7).run()
    assert image_captions(at, "noise seed 7")
    at.toggle(key="classroom").set_value(True).run()
    assert not errors(at), errors(at)
    assert not [s for s in at.slider if s.key == "gan_epochs"]  # classroom: fewer controls


def test_fashion_has_a_shipped_cgan_and_gan():
    at = open_app("gan")
    at.selectbox(key="gan_data").set_value("fashion_mnist").run()
    assert not errors(at), errors(at)
    assert any("gan_cgan_fashion" in s.value for s in at.sidebar.info)
    assert image_captions(at, "label ") and image_captions(at, "20 samples of noise seed 0")
    at.radio(key="gan_cond").set_value(False).run()
    assert not errors(at), errors(at)
    assert any("gan_fashion.keras" in s.value for s in at.sidebar.info)
    assert image_captions(at, "20 samples of noise seed 0")


@pytest.mark.slow
def test_tiny_training_replaces_the_shipped_generator():
    at = open_app("gan")
    at.slider(key="gan_epochs").set_value(1).run()
    at.button(key="gan__train").click().run()
    wait_until(at, lambda at: any("your trained generator" in s.value for s in at.sidebar.success))
    assert any("your trained generator" in s.value for s in at.sidebar.success), errors(at)
    assert not errors(at), errors(at)
    assert any("generator updates" in c.value for c in at.caption)
    assert image_captions(at, "20 samples of noise seed 0")
