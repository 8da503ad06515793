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


def _regions(p: float):
    import numpy as np

    from app.ui.charts import show
    from app.ui.perceptron.network import curve_chart, regions_chart

    grid = {"xs": [0.0, 1.0, 2.0], "ys": [0.0, 1.0], "p": np.full((2, 3), p).tolist()}
    x, y = np.array([[0.5, 0.5], [1.5, 0.5]]), np.array([0, 1])
    show(regions_chart(grid, x, y, ["a", "b"]))
    show(curve_chart({"x": [0.0, 1.0], "y": [p, 2 * p]}, x, y))


def test_live_decision_regions_and_fitted_curve_keep_their_spec_between_epochs():
    early, late = (AppTest.from_function(_regions, args=(p,), default_timeout=60).run() for p in (0.2, 0.7))
    assert not early.exception and not late.exception
    for a, b, name in zip(early.get("vega_lite_chart"), late.get("vega_lite_chart"),
                          ("decision_regions", "fitted_curve")):
        assert a.proto.spec == b.proto.spec
        changed = [d.name for d, e in zip(a.proto.datasets, b.proto.datasets) if d.data.data != e.data.data]
        assert changed == [name]  # only the named dataset's rows differ; the data points keep their hash name


def _cached_page(key: str):
    import streamlit as st

    from app.ui.charts import curves, show, show_cached

    events = [{"epoch": e, "logs": {"loss": 1 / e, "val_loss": 2 / e}} for e in (1, 2, 3)]
    calls = st.session_state.setdefault("builds", [])
    show_cached(("test-curves", key), lambda: calls.append(key) or curves(events))
    show(curves(events))


def test_show_cached_builds_a_chart_once_per_key_and_draws_what_show_draws():
    at = AppTest.from_function(_cached_page, args=("a",), default_timeout=60).run()
    at.run()
    assert not at.exception
    cached, plain = at.get("vega_lite_chart")
    assert cached.proto.spec == plain.proto.spec
    assert [d.data.data for d in cached.proto.datasets] == [d.data.data for d in plain.proto.datasets]
    assert at.session_state["builds"] == ["a"]  # the second run reused the first run's chart


def _scatter(rows: int):
    import altair as alt
    import pandas as pd

    from app.ui.charts import show

    show(alt.Chart(pd.DataFrame({"x": range(rows), "y": range(rows)})).mark_circle().encode(x="x", y="y"))


def test_big_charts_are_drawn_on_a_canvas_small_ones_stay_svg():
    import json

    def spec(rows):
        at = AppTest.from_function(_scatter, args=(rows,), default_timeout=60).run()
        assert not at.exception
        return json.loads(at.get("vega_lite_chart")[0].proto.spec)

    big, small = spec(600), spec(20)
    assert big["usermeta"]["embedOptions"]["renderer"] == "canvas" and big["config"]["mark"]["aria"] is False
    assert "usermeta" not in small and "aria" not in small.get("config", {}).get("mark", {})


def test_cached_specs_hold_their_tables_as_arrow_bytes():
    """A cached chart's inline tables are Arrow IPC once: st.vega_lite_chart converted lists again every rerun."""
    import pyarrow as pa

    from app.ui.charts import _arrow_datasets

    geo = {"type": "FeatureCollection", "features": []}
    spec = {"mark": "point", "datasets": {"rows": [{"x": 1, "y": 2.5}, {"x": 2, "y": 3.5}], "geo": geo}}
    out = _arrow_datasets(spec)
    table = pa.ipc.open_stream(out["datasets"]["rows"]).read_all()
    assert table.column("y").to_pylist() == [2.5, 3.5] and out["datasets"]["geo"] is geo
    assert isinstance(spec["datasets"]["rows"], list)  # the input spec is left as it was
