"""AppTest of the GAN page: the instant grid from the shipped cGAN, the class picker, the GAN without classes,
nonsense in the link, classroom mode, and a tiny training that replaces the shipped generator."""


import pytest

from tests.app.conftest import errors, open_app, open_tab, wait_until
from tests.app.test_cnn import image_captions


def test_default_samples_the_shipped_cgan_and_walks_between_classes():
    at = open_app("gan")
    assert not errors(at), errors(at)
    assert at.title[0].value == "GAN / cGAN sampler"
    assert any("gan_cgan_mnist" in s.value for s in at.sidebar.info)
    assert image_captions(at, "20 samples of noise seed 0")
    assert not image_captions(at, "label 1 → 7")  # closed tabs draw no images nor charts
    assert not any("Conditional accuracy" in m.label for m in at.metric)
    at.selectbox(key="gan_class").set_value(3).run()
    assert not errors(at), errors(at)
    assert image_captions(at, "20 samples of noise seed 0")
    open_tab(at, "Interpolate & arithmetic")
    assert not errors(at), errors(at)
    assert not image_captions(at, "20 samples of noise seed 0")
    assert image_captions(at, "z(seed 0) → z(seed 1), class 3")  # the Sample tab's class, its tab closed
    assert image_captions(at, "label 1 → 7")  # the class walk
    assert image_captions(at, "a − b + c")  # latent arithmetic
    open_tab(at, "Quality meter")
    assert any("Conditional accuracy" in m.label for m in at.metric)  # the quality meter of the shipped model


def test_unconditional_gan_has_no_class_picker_and_nonsense_settings_fall_back():
    at = open_app("gan")
    at.radio(key="gan_cond").set_value(False).run()
    assert not errors(at), errors(at)
    assert any("gan_mnist.keras" in s.value for s in at.sidebar.info)
    assert not [s for s in at.selectbox if s.key == "gan_class"]
    at.number_input(key="gan_seed").set_value(7).run()
    assert image_captions(at, "noise seed 7")
    open_tab(at, "Interpolate & arithmetic")
    assert any("needs the conditional generator" in i.value for i in at.info)
    assert image_captions(at, "z(seed 7) → z(seed 8)")
    at.toggle(key="classroom").set_value(True).run()
    assert not errors(at), errors(at)
    assert not [s for s in at.slider if s.key == "gan_epochs"]  # classroom: fewer controls


def test_fashion_has_a_shipped_cgan_and_gan():
    at = open_app("gan")
    at.selectbox(key="gan_data").set_value("fashion_mnist").run()
    assert not errors(at), errors(at)
    assert any("gan_cgan_fashion" in s.value for s in at.sidebar.info)
    assert image_captions(at, "20 samples of noise seed 0")
    assert image_captions(at, "label ") == [] and image_captions(open_tab(at, "Interpolate & arithmetic"), "label ")
    open_tab(at, "Sample")
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
    assert image_captions(at, "20 samples of noise seed 0")
    assert not any("generator updates" in c.value for c in at.caption)  # the Train tab is closed
    open_tab(at, "Train")
    assert any("generator updates" in c.value for c in at.caption)
