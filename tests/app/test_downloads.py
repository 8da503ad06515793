"""Take it home (DESIGN §2.7): a PNG export that fails says so on the page; one that works offers the file."""

import uuid

from streamlit.testing.v1 import AppTest


def _page(tag: str):
    import altair as alt
    import pandas as pd

    from app.ui.downloads import chart_png, png_download

    chart = alt.Chart(pd.DataFrame({"x": [1, 2], "tag": [tag, tag]})).mark_point().encode(x="x", tooltip="tag")
    png_download(chart_png(chart), "chart.png", "png")


def _run(tag: str) -> AppTest:
    at = AppTest.from_function(_page, args=(tag,), default_timeout=60)
    return at.run()


def _downloads(at: AppTest) -> list:
    return [e for e in at.main if getattr(e, "type", "") == "download_button"]


def test_a_failing_png_export_is_said_on_the_page(monkeypatch):
    import vl_convert

    def broken(*args, **kwargs):
        raise RuntimeError("no fonts in this container")

    monkeypatch.setattr(vl_convert, "vegalite_to_png", broken)
    at = _run(uuid.uuid4().hex)  # a chart never converted before: the cache cannot answer
    assert not at.exception
    assert any("PNG export failed" in c.value and "no fonts in this container" in c.value for c in at.caption)
    assert not _downloads(at)


def test_a_working_png_export_offers_the_file():
    at = _run(uuid.uuid4().hex)
    assert not at.exception and not at.caption
    assert len(_downloads(at)) == 1
