"""AppTest of the Perceptron & FFNN playground through app/main.py."""

import numpy as np
import pytest

from anndl.jobenv import NAMES, choose
from anndl.topics import job
from tests.app.conftest import errors, fake_uploads, open_app, open_tab, wait_until


def _network_tab():
    return open_tab(open_app("perceptron"), "Neural network")


def _button(at, label):
    return next(b for b in at.button if b.label == label)


def test_page_opens_on_the_shipped_model():
    at = open_app("perceptron")
    assert not at.metric and at.get("vega_lite_chart")  # the Perceptron tab's chart only: the rest is closed
    at = open_tab(at, "Neural network")
    assert not errors(at)
    metrics = {m.label: m.value for m in at.metric}
    assert float(metrics["Test accuracy"]) >= 0.95
    assert any("shipped model" in c.value for c in at.caption)
    assert any(e.label == "Keras code" for e in at.expander)


def test_xor_perceptron_never_converges_and_says_why():
    at = open_app("perceptron")
    at.selectbox(key="pc_gate").set_value("XOR").run()
    _button(at, "Run").click().run()
    assert any("not linearly separable" in e.value for e in at.error)
    at.selectbox(key="pc_gate").set_value("AND").run()
    _button(at, "Run").click().run()
    assert any("Converged after" in s.value for s in at.success)


def test_train_a_small_network_through_the_job_runner():
    at = _network_tab()
    at.selectbox(key="nn_data").set_value("gauss").run()
    at.select_slider(key="nn_epochs").set_value(10).run()
    at.select_slider(key="nn_n").set_value(200).run()
    _button(at, "Train").click().run()
    wait_until(at, lambda at: any("your network" in c.value for c in at.caption), timeout=180, every=1)
    assert not errors(at)
    assert any("your network" in c.value for c in at.caption)
    assert float({m.label: m.value for m in at.metric}["Test accuracy"]) > 0.8
    backend = NAMES[choose(job("perceptron"))]  # the panel says which backend trained it (issue 22)
    assert any(f"Keras backend: {backend}" in p.proto.text for p in at.get("progress"))


def test_csv_choice_without_a_file_asks_for_one():
    at = _network_tab()
    at.selectbox(key="nn_data").set_value("csv").run()
    assert any("Upload a CSV" in i.value for i in at.info)
    assert any(s.label == "Hidden layers" for s in at.slider)  # the knobs stay drawn (no st.stop)


@pytest.mark.parametrize("data, sentence", [
    (b"\xff\xfe\x00garbage\x00", "not UTF-8"), (b"a,b,label\n1,2,x\n", "at least 10 are needed"),
    (("a,b,label\n" + "1,oops,0\n" * 20).encode(), "not numeric")])
def test_a_bad_csv_upload_gets_one_clear_sentence(monkeypatch, data, sentence):
    fake_uploads(monkeypatch, {"nn_csv": ("bad.csv", data)})
    at = _network_tab()
    at.selectbox(key="nn_data").set_value("csv").run()
    assert not at.exception and any(sentence in e.value for e in at.error), errors(at)
    assert not any(b.key == "nn__train" for b in at.button)  # nothing to train on: no Train button


def test_train_on_an_uploaded_csv_from_the_page(monkeypatch):
    rows = "".join(f"{x:.3f},{y:.3f},{'in' if x * x + y * y < 0.5 else 'out'}\n"
                   for x, y in np.random.default_rng(0).uniform(-1, 1, (120, 2)))
    fake_uploads(monkeypatch, {"nn_csv": ("circle.csv", ("x,y,where\n" + rows).encode())})
    at = _network_tab()
    at.selectbox(key="nn_data").set_value("csv").run()
    assert not errors(at), errors(at)
    assert any("120 samples, 2 features" in c.value for c in at.caption)
    # defaults from the upload's size (76 training rows), and the size advice, before training
    infos = [i.value for i in at.info]
    assert any("76 rows → batch 19, 4 steps an epoch, 375 epochs" in i for i in infos), infos
    assert any("76 rows is few for this model" in w.value for w in at.warning)
    _button(at, "Train").click().run()
    wait_until(at, lambda at: any("your network" in c.value for c in at.caption), timeout=180, every=1)
    assert not errors(at), errors(at)
    assert any("your network" in c.value and "uploaded CSV" in c.value for c in at.caption)
    assert "Test accuracy" in {m.label for m in at.metric}
    # the reading of training vs held-out accuracy after training
    assert any("training accuracy" in a.value and "held-out" in a.value for a in [*at.success, *at.warning])


def test_an_uploaded_csv_is_parsed_once_per_content_not_on_every_rerun(monkeypatch):
    import anndl.data.uploads as uploads
    import app.ui.perceptron.network as network
    import app.ui.uploads as ui_uploads

    parsed = []
    for module, name in ((uploads, "read_csv_frame"), (ui_uploads, "read_csv_frame"), (uploads, "csv_to_dataset"),
                         (network, "csv_to_dataset")):
        real = getattr(module, name)
        monkeypatch.setattr(module, name, lambda *a, _f=real, _n=name, **k: parsed.append(_n) or _f(*a, **k))
    rows = "".join(f"{x:.4f},{y:.4f},{int(x > y)}\n" for x, y in np.random.default_rng(7).uniform(-1, 1, (60, 2)))
    fake_uploads(monkeypatch, {"nn_csv": ("once.csv", ("p,q,side\n" + rows).encode())})
    at = _network_tab()
    at.selectbox(key="nn_data").set_value("csv").run()
    assert any("60 samples, 2 features" in c.value for c in at.caption), errors(at)
    first = list(parsed)
    assert first.count("read_csv_frame") <= 1 and first.count("csv_to_dataset") <= 1, first
    for epochs in (10, 20, 50):  # reruns that change nothing about the data
        at.select_slider(key="nn_epochs").set_value(epochs).run()
    assert not errors(at), errors(at)
    assert parsed == first, parsed


def test_every_knob_tells_the_browser_its_value_as_its_default():
    """A widget the browser mounts late (in a tab opened later) starts from its proto default: with the first
    option there, the next click sent iris/1 neuron/SGD… back and undid the link's settings (CI, stop 29)."""
    at = _network_tab()
    at.select_slider(key="nn_lr").set_value(0.1)
    at.selectbox(key="nn_opt").set_value("rmsprop")
    at.run()
    boxes = [w for w in at.selectbox if w.key.startswith("nn_")]
    sliders = [w for w in at.select_slider if w.key.startswith("nn_")]
    assert len(boxes) >= 3 and len(sliders) >= 4
    for w in boxes:
        assert w.proto.default == w.index, w.key
    for w in sliders:
        shown = w.format_func(w.value) if hasattr(w, "format_func") else str(w.value)
        assert [w.options[int(i)] for i in w.proto.default] == [shown], w.key
    depth = at.slider(key="nn_depth")
    assert list(depth.proto.default) == [depth.value]
    assert at.select_slider(key="nn_lr").value == 0.1 and at.selectbox(key="nn_opt").value == "rmsprop"
    assert at.selectbox(key="nn_data").value == "spiral" and at.selectbox(key="nn_data").proto.default > 0
