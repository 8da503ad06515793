"""The classroom script of each page: one registry entry per page (a new page joins the load test here).

Each script starts on the page (opened with its `query`, which keeps the training job short) and does what a
student does: wait for the instant default, move a knob, run an inference, submit a training job, watch it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Awaitable, Callable

import numpy as np
from PIL import Image

from anndl.loadtest.browser import Session


@dataclass(frozen=True)
class PageScript:
    path: str  # the page's url path (app/registry.py Topic.key)
    query: str  # URL settings that keep its training job short
    run: Callable[[Session], Awaitable[None]]


SCRIPTS: dict[str, PageScript] = {}


def register(path: str, query: str = ""):
    """Decorator: the classroom script of the page at `path`."""
    def add(run):
        SCRIPTS[path] = PageScript(path, query, run)
        return run
    return add


def _digit_png() -> bytes:
    """A 28×28 white stroke on black: an image to classify."""
    a = np.zeros((28, 28), "uint8")
    a[4:24, 13:16] = 255
    buf = io.BytesIO()
    Image.fromarray(a).save(buf, format="PNG")
    return buf.getvalue()


async def _slider_step(s: Session, label: str) -> None:
    """Move a slider one step right with the keyboard, as a student would."""
    thumb = s.page.locator('[data-testid="stSlider"]').filter(has_text=label).get_by_role("slider").first
    await s.act(lambda: thumb.press("ArrowRight"))


async def _look_then_train(s: Session, shipped: str, tab: str, slider: str) -> None:
    """The common lesson: wait for the shipped model, open a look-inside tab, move its slider, train a short job."""
    await s.page.get_by_text(shipped, exact=False).first.wait_for(timeout=s.settle_s * 1000)
    await s.act(lambda: s.page.get_by_role("tab", name=tab).click())
    await _slider_step(s, slider)
    await s.act(lambda: s.page.get_by_role("tab", name="Train", exact=True).click())
    await s.train(s.page.get_by_role("button", name="Train", exact=True))


@register("perceptron", "nn_n=200&nn_epochs=10")
async def perceptron(s: Session) -> None:
    await s.act(lambda: s.page.get_by_role("tab", name="Neural network").click())
    await s.page.get_by_text("shipped model", exact=False).first.wait_for(timeout=s.settle_s * 1000)
    await _slider_step(s, "Noise")
    await s.act(lambda: s.page.get_by_role("tab", name="Perceptron").click())
    await s.act(lambda: s.page.get_by_role("button", name="Run").first.click())
    await s.act(lambda: s.page.get_by_role("tab", name="Neural network").click())
    await s.train(s.page.get_by_role("button", name="Train", exact=True))


@register("cnn", "cnn_epochs=1")
async def cnn(s: Session) -> None:
    await s.page.get_by_text("shipped model", exact=False).first.wait_for(timeout=s.settle_s * 1000)
    await s.act(lambda: s.page.get_by_role("tab", name="Retrieval & your image").click())
    upload = s.page.locator('[data-testid="stFileUploaderDropzoneInput"]').first
    await s.act(lambda: upload.set_input_files(files=[{"name": "digit.png", "mimeType": "image/png",
                                                      "buffer": _digit_png()}]))
    await s.act(lambda: s.page.get_by_role("tab", name="Train", exact=True).click())
    await s.act(lambda: s.page.get_by_text("Cosine LR decay").click())
    await s.train(s.page.get_by_role("button", name="Train", exact=True))


@register("timeseries", "ts_ep=2&ts_units=8")
async def timeseries(s: Session) -> None:
    await s.page.get_by_text("Forecasts", exact=False).first.wait_for(timeout=s.settle_s * 1000)
    await _slider_step(s, "Window position")
    await s.train(s.page.get_by_role("button", name="Train forecaster"))


@register("transformer", "tr_epochs=1&tr_n=2000")
async def transformer(s: Session) -> None:
    await s.page.get_by_text("Model in use", exact=False).first.wait_for(timeout=s.settle_s * 1000)
    box = s.page.get_by_label("English sentence")
    await box.fill("the cat sees the dog")
    await s.act(lambda: box.press("Enter"))  # an inference: greedy and beam translation of the sentence
    await _slider_step(s, "Beam width")
    await s.act(lambda: s.page.get_by_role("tab", name="Train", exact=True).click())
    await s.train(s.page.get_by_role("button", name="Train", exact=True))


@register("embeddings", "emb_epochs=1")
async def embeddings(s: Session) -> None:
    await _look_then_train(s, "shipped", "n-gram model", "n (words of context + 1)")


@register("unet", "unet_epochs=1&unet_n=200")
async def unet(s: Session) -> None:
    await _look_then_train(s, "shipped model", "Segment", "Depth")


@register("autoencoder", "ae_epochs=1")
async def autoencoder(s: Session) -> None:
    await _look_then_train(s, "shipped model", "Walk the latent space", "Grid size")


@register("gan", "gan_epochs=1")
async def gan(s: Session) -> None:
    await _look_then_train(s, "shipped generator", "Interpolate & arithmetic", "Steps")


@register("localization", "loc_epochs=1&loc_n=500")
async def localization(s: Session) -> None:
    await s.page.get_by_text("shipped model", exact=False).first.wait_for(timeout=s.settle_s * 1000)
    await s.act(lambda: s.page.get_by_role("tab", name="CAM: boxes without box labels").click())
    await _slider_step(s, "Heatmap threshold")
    await s.act(lambda: s.page.get_by_role("tab", name="Explain an image").click())
    await s.act(lambda: s.page.get_by_text("A photo").click())
    await s.act(lambda: s.page.get_by_role("tab", name="Train", exact=True).click())
    await s.train(s.page.get_by_role("button", name="Train", exact=True))


@register("detection", "det_kind=grid&det_epochs=1&det_n=500")  # a short job: YOLOv8 traces for about a minute
async def detection(s: Session) -> None:
    await s.page.get_by_text("shipped model", exact=False).first.wait_for(timeout=s.settle_s * 1000)
    await _slider_step(s, "Confidence threshold")
    await s.act(lambda: s.page.get_by_role("tab", name="PR curves & mAP").click())
    await s.act(lambda: s.page.get_by_role("tab", name="Train", exact=True).click())
    await s.train(s.page.get_by_role("button", name="Train", exact=True))


@register("siamese", "sia_epochs=1")
async def siamese(s: Session) -> None:
    await _look_then_train(s, "shipped encoder", "Identification (§18.3)", "Threshold γ")


@register("transfer", "tl_k=5&tl_s1=50&tl_s2=50")
async def transfer(s: Session) -> None:
    await s.page.get_by_text("shipped default run", exact=False).first.wait_for(timeout=s.settle_s * 1000)
    await s.act(lambda: s.page.get_by_text("Test-time augmentation").click())
    await s.act(lambda: s.page.get_by_role("tab", name="Your image (top-3)").click())
    upload = s.page.locator('[data-testid="stFileUploader"]').filter(has_text="three most probable").locator(
        '[data-testid="stFileUploaderDropzoneInput"]')  # by its label: the sidebar has a playlist uploader too
    await s.act(lambda: upload.set_input_files(files=[{"name": "digit.png", "mimeType": "image/png",
                                                      "buffer": _digit_png()}]))
    await s.act(lambda: s.page.get_by_role("tab", name="Transfer & fine-tune").click())
    await s.train(s.page.get_by_role("button", name="Train", exact=True))
