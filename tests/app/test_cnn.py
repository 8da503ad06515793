"""AppTest of the CNN trainer page: default from the shipped model, editing the stack, a tiny training job."""

import time

import pytest

from tests.app.conftest import errors, open_app, open_tab


def layer_table(at):
    return next(d.value for d in at.dataframe if "receptive field" in d.value.columns)


def test_default_page_shows_shipped_model_and_layer_table():
    at = open_app("cnn")
    assert not errors(at), errors(at)
    assert at.title[0].value == "CNN trainer"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Parameters"] == "35,210"  # the default "fast" stack: keras.io convnet + 2 BN layers
    assert "Test accuracy" not in metrics and not at.get("vega_lite_chart")  # the closed Train tab draws nothing
    assert any("shipped model" in s.value for s in at.sidebar.info)
    table = layer_table(at)
    assert (table["✓"] == "✓").all() and list(table["receptive field"])[:4] == ["3×3", "3×3", "4×4", "8×8"]
    open_tab(at, "Train")
    metrics = {m.label: m.value for m in at.metric}
    assert "Test accuracy" in metrics and float(metrics["Test accuracy"]) > 0.95
    assert "With test-time augmentation" in metrics and at.get("vega_lite_chart")  # the confusion matrix
    assert "Parameters" not in metrics  # and the closed Architecture tab no layer table


def test_stack_text_drives_table_and_bad_text_gets_one_sentence():
    at = open_app("cnn")
    at.text_input(key="cnn_blocks").set_value("conv:f=8,k=5,p=valid|maxpool|mobilenet:f=16").run()
    assert not errors(at), errors(at)
    table = layer_table(at)
    assert list(table["layer"])[:3] == ["conv1", "maxpool1", "mobilenet1"]
    assert table.loc[0, "course formula"] == "(5·5·1+1)·8" and table.loc[0, "params (Keras)"] == 208
    assert "1/N + 1/k²" in table.loc[2, "note"]
    at.text_input(key="cnn_blocks").set_value("conv:f=8|warp:f=3").run()
    assert any("unknown type 'warp'" in e for e in errors(at)) and not at.exception


@pytest.mark.slow
def test_tiny_training_job_on_digits_shows_scores():
    at = open_app("cnn")
    at.selectbox(key="cnn_data").set_value("digits").run()
    at.text_input(key="cnn_blocks").set_value("conv:f=8|maxpool").run()
    at.slider(key="cnn_epochs").set_value(2).run()
    assert not errors(at), errors(at)
    open_tab(at, "Train")
    at.button(key="cnn__train").click().run()
    deadline = time.time() + 240
    while time.time() < deadline:
        time.sleep(2)
        at.run()
        if any("your trained network" in s.value for s in at.sidebar.success):
            break
    assert any("your trained network" in s.value for s in at.sidebar.success), [e.value for e in at.sidebar]
    assert not errors(at), errors(at)
    metrics = {m.label: m.value for m in at.metric}
    assert 0.3 < float(metrics["Test accuracy"]) <= 1.0
    assert len(at.get("vega_lite_chart")) >= 2  # the finished job's curves and the confusion matrix


def test_fashion_shipped_model_and_classroom_mode():
    at = open_app("cnn")
    at.selectbox(key="cnn_data").set_value("fashion_mnist").run()
    assert not errors(at), errors(at)
    assert any("cnn_fashion" in s.value for s in at.sidebar.info)
    open_tab(at, "Train")
    assert float({m.label: m.value for m in at.metric}["Test accuracy"]) > 0.85
    at.query_params.pop("tab")  # no tab in the link: classroom mode opens the stage, the activation maps
    at.toggle(key="classroom").set_value(True).run()
    assert not errors(at), errors(at)
    headings = [s.value for s in at.subheader]
    assert "Activation maps (§9.11)" in headings and "Maximally activating patches (§12.2)" not in headings


def test_digits_with_default_stack_explains_the_shrinking_image():
    at = open_app("cnn")
    at.selectbox(key="cnn_data").set_value("digits").run()
    assert any("gets a 1×1 input" in e for e in errors(at)) and not at.exception
    assert at.button(key="cnn__train").disabled


def test_retrieval_best_recipe_and_downloads_on_the_shipped_model():
    at = open_tab(open_app("cnn"), "Retrieval & your image")
    assert not errors(at), errors(at)
    captions = [c.value for c in at.caption]
    assert any(c.startswith("Embedding = the network without its classifier") and "10 nearest" in c
               for c in captions)  # the retrieval tab ran on the shipped model
    neighbours = image_captions(at, " · d=")
    assert len(neighbours) == 10 and neighbours[0].split(" · ")[0] in "0123456789"
    at.number_input(key="cnn_q_idx").set_value(5).run()  # another query image: other neighbours
    assert image_captions(at, " · d=") != neighbours
    open_tab(at, "Train")
    labels = sorted(e.proto.label for e in elements(at, "download_button"))
    assert labels == ["Confusion matrix (PNG)", "Metrics (CSV)", "Model (.keras)"]
    open_tab(at, "Look inside")
    assert [e.proto.label for e in elements(at, "download_button")] == ["Filters (PNG)"]
    at.session_state["code-cnn.py"] = True  # the Keras code expander draws its script once opened
    at.run()
    assert "Download script" in [e.proto.label for e in elements(at, "download_button")]
    assert "model = keras.Sequential([" in at.code[0].value
    shown = [img.url for e in elements(at, "image") for img in e.proto.imgs if img.caption == "input"]
    at.number_input(key="cnn_act_idx").set_value(3).run()  # the activation-maps fragment: another test image
    assert len(shown) == 1 and shown != [img.url for e in elements(at, "image") for img in e.proto.imgs
                                         if img.caption == "input"]
    open_tab(open_tab(at, "Retrieval & your image"), "Look inside")  # the picker keeps its value in a closed tab
    assert at.number_input(key="cnn_act_idx").value == 3
    at.button(key="cnn_best").click().run()
    assert not errors(at), errors(at)
    best = topic_recipe("best")
    assert at.text_input(key="cnn_blocks").value == best["blocks"]
    assert at.slider(key="cnn_epochs").value == best["epochs"] and at.toggle(key="cnn_cos").value == bool(
        best.get("cosine"))


def elements(at, kind: str) -> list:
    """Every element of type `kind` in the main area, inside tabs and columns too."""
    def walk(node):
        for child in getattr(node, "children", {}).values():
            yield child
            yield from walk(child)
    return [e for e in walk(at.main) if getattr(e, "type", "") == kind]


def image_captions(at, needle: str) -> list[str]:
    """Captions of the page's st.image elements that contain `needle`."""
    return [img.caption for e in elements(at, "image") for img in e.proto.imgs if needle in img.caption]


def topic_recipe(name: str) -> dict:
    from anndl.topics.cnn.job import RECIPES

    return RECIPES[name]


def click_chart(monkeypatch, key: str, selection: dict) -> None:
    """AppTest cannot click Altair: the chart with key K renders as usual and returns the event the browser would
    send for a click (built by Streamlit's own deserializer, so the page reads the real VegaLiteState shape)."""
    import json

    import streamlit as st
    from streamlit.elements.vega_charts import VegaLiteStateSerde

    def clicked(real):  # st.altair_chart, or st.vega_lite_chart for charts.show_cached's converted specs
        def chart(*args, key=None, **kwargs):
            event = real(*args, key=key, **kwargs)
            if key != chart_key:
                return event
            return VegaLiteStateSerde(list(selection)).deserialize(json.dumps({"selection": selection}))
        return chart

    chart_key = key
    monkeypatch.setattr(st, "altair_chart", clicked(st.altair_chart))
    monkeypatch.setattr(st, "vega_lite_chart", clicked(st.vega_lite_chart))


def test_clicking_a_confusion_cell_shows_its_images(monkeypatch):
    # a diagonal cell: the selectbox offers only the off-diagonal ones, so only the click can open it
    click_chart(monkeypatch, "cnn_scores_cm", {"cell": [{"true": "7", "predicted": "7"}]})
    at = open_tab(open_app("cnn"), "Train")
    assert not errors(at), errors(at)
    heading = [m.value for m in at.markdown if "image(s): true" in m.value]
    assert heading and heading[0].endswith("true 7, predicted 7**"), heading
    shown = image_captions(at, "p=")
    assert len(shown) == min(24, int(heading[0].strip("*").split()[0]))
    assert all(float(c[2:]) > 0.5 for c in shown)  # correctly classified 7s: the network's probability for "7"
