"""Training curves redrawn every second by the job fragment keep one spec: only the named dataset's rows change."""

from streamlit.testing.v1 import AppTest


def _page(epochs: int):
    from app.ui.charts import curves, show

    show(curves([{"epoch": e, "logs": {"loss": 1 / e, "val_loss": 2 / e, "accuracy": e / 10}}
                 for e in range(1, epochs + 1)]))


def _chart(epochs: int):
    at = AppTest.from_function(_page, args=(epochs,), default_timeout=60).run()
    assert not at.exception
    return at.get("vega_lite_chart")[0].proto


def test_curves_keep_their_spec_and_dataset_name_between_epochs():
    three, four = _chart(3), _chart(4)
    assert three.spec == four.spec  # the browser swaps rows instead of re-embedding a renamed dataset
    assert [d.name for d in three.datasets] == [d.name for d in four.datasets] == ["training_history"]
    assert three.datasets[0].data.data != four.datasets[0].data.data


def test_curves_still_export_as_png():
    from app.ui.charts import curves
    from app.ui.downloads import chart_png

    png = chart_png(curves([{"epoch": e, "logs": {"loss": 1 / e, "val_loss": 2 / e}} for e in (1, 2)]))
    assert isinstance(png, bytes) and png.startswith(b"\x89PNG")
