"""AppTest of the Perceptron & FFNN playground through app/main.py."""

import time

from tests.app.conftest import errors, open_app


def _button(at, label):
    return next(b for b in at.button if b.label == label)


def test_page_opens_on_the_shipped_model():
    at = open_app("perceptron")
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
    at = open_app("perceptron")
    at.selectbox(key="nn_data").set_value("gauss").run()
    at.select_slider(key="nn_epochs").set_value(10).run()
    at.select_slider(key="nn_n").set_value(200).run()
    _button(at, "Train").click().run()
    deadline = time.time() + 180
    while time.time() < deadline and not any("your network" in c.value for c in at.caption):
        time.sleep(1)
        at.run()
    assert not errors(at)
    assert any("your network" in c.value for c in at.caption)
    assert float({m.label: m.value for m in at.metric}["Test accuracy"]) > 0.8


def test_bad_csv_gets_one_clear_sentence():
    at = open_app("perceptron")
    at.selectbox(key="nn_data").set_value("csv").run()
    assert any("Upload a CSV" in i.value for i in at.info)
    assert any(s.label == "Hidden layers" for s in at.slider)  # the knobs stay drawn (no st.stop)
