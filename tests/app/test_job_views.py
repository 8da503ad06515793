"""The shared pieces every trainer page shows under its training panel: a failed job's sentence, the final curves."""

from streamlit.testing.v1 import AppTest


def _finished(status, error, history):
    import types

    from app.ui.charts import history_curves
    from app.ui.training import failure

    failure(types.SimpleNamespace(status=status, error=error) if status else None)
    history_curves(history)


def _run(status, error, history=None) -> AppTest:
    at = AppTest.from_function(_finished, args=(status, error, history or {}), default_timeout=60).run()
    assert not at.exception
    return at


def test_a_failed_job_says_the_first_line_of_its_error_in_one_sentence():
    at = _run("failed", "ValueError: the learning rate must be positive\nTraceback (most recent call last): ...")
    assert [e.value for e in at.error] == ["Training failed: ValueError: the learning rate must be positive"]
    assert [e.value for e in _run("failed", None).error] == ["Training failed: no message"]  # never an IndexError


def test_a_finished_job_shows_its_curves_and_no_error():
    at = _run("done", None, {"loss": [1.0, 0.5], "val_loss": [1.2, 0.7]})
    assert not at.error and len(at.get("vega_lite_chart")) == 1
    assert not _run(None, None).error and not _run(None, None).get("vega_lite_chart")  # no job, no history: nothing


def _running_panel(shown):
    import types

    from app.ui.training import _panel, begin_run

    epochs = [{"epoch": e, "logs": {"loss": 1 / e, "val_loss": 2 / e}} for e in (1, 2)]
    job = types.SimpleNamespace(id="j1", status="running", finished=False, epochs=epochs, result=None, backend=None,
                                error=None, latest={"epoch": 2, "epochs": 5, **epochs[-1]})
    begin_run()
    _panel("t", job, None, shown)


def test_a_running_job_in_a_closed_tab_redraws_its_progress_line_not_its_curves():
    open_ = AppTest.from_function(_running_panel, args=(True,), default_timeout=60).run()
    closed = AppTest.from_function(_running_panel, args=(False,), default_timeout=60).run()
    assert not open_.exception and not closed.exception
    assert len(open_.get("vega_lite_chart")) == 1 and not closed.get("vega_lite_chart")
    assert "epoch 2/5" in closed.get("progress")[0].proto.text


def test_a_watched_panel_is_sent_again_only_when_its_job_moved(monkeypatch):
    """A class's queued jobs wait for minutes: polling them every second must not redraw (send) their panels."""
    import types
    from unittest import mock

    from app.ui import training

    monkeypatch.setattr(training, "st", mock.MagicMock())  # the drawing calls themselves are not under test
    w = training._Watched("j1", mock.MagicMock(), mock.MagicMock(), None)
    job = types.SimpleNamespace(id="j1", status="queued", finished=False, epochs=[], result=None, backend=None,
                                error=None, latest=None)
    for _ in range(3):
        training._draw(w, job)
    assert w.status.container.call_count == 1 and w.body.container.call_count == 1
    job.status, job.latest = "running", {"kind": "batch", "epoch": 1, "batch": 3, "steps": 10, "elapsed": 0.4}
    training._draw(w, job)
    training._draw(w, job)
    assert w.status.container.call_count == 2
    job.latest = {**job.latest, "batch": 4, "elapsed": 0.5}
    training._draw(w, job)
    assert w.status.container.call_count == 3 and w.body.container.call_count == 3


def test_a_new_event_of_another_kind_is_drawn_even_with_the_same_epoch():
    """Phases, thumbnails or any other progress event count as movement, not only epochs and batches."""
    import types
    from unittest import mock

    from app.ui import training

    with mock.patch.object(training, "st", mock.MagicMock()):
        w = training._Watched("j1", mock.MagicMock(), mock.MagicMock(), None)
        job = types.SimpleNamespace(id="j1", status="running", finished=False, epochs=[], result=None, backend=None,
                                    error=None, latest={"kind": "phase", "phase": "head"})
        training._draw(w, job)
        job.latest = {"kind": "phase", "phase": "fine-tune"}
        training._draw(w, job)
    assert w.body.container.call_count == 2
