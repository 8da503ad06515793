"""The plumbing of `python -m anndl.bench pages` (its figures are measured by the bench, not here)."""

import pytest

from anndl.pagebench import measure
from tests.loops import in_fresh_thread

pytestmark = pytest.mark.serial  # it times pages: alone on the machine


def test_page_settle_and_click_are_measured_in_chromium(server):
    home, transformer = in_fresh_thread(measure, server, ["", "transformer"], visits=1, clicks=3)
    assert home["page"] == "" and 0 < home["settle median s"] < 60 and home["exceptions"] == 0
    # a second visit by the sidebar skips the app's start that a reload pays: it is timed, and shorter (the
    # translator is the last topic: its link is in view, not folded under "View 3 more")
    assert 0 < transformer["settle median s"] < transformer["reload median s"] < 60, transformer
    # every new sentence asks for a rerun and is timed from its key press to the answer, the server's part inside
    assert transformer["no rerun"] == 0 and len(transformer["_clicks"]) == 3, transformer
    assert 0 < transformer["click server median ms"] <= transformer["click median ms"], transformer
    assert transformer["settle median s"] >= transformer["settle p95 s"] * 0.5 and transformer["exceptions"] == 0


def test_the_autoencoder_click_picks_points_of_the_latent_map_in_turn(server):
    (row,) = in_fresh_thread(measure, server, ["autoencoder"], visits=1, clicks=2)
    # each click picks the other of two marks found under the mouse: every one asks for a rerun and is timed
    assert row["no rerun"] == 0 and len(row["_clicks"]) == 2 and row["exceptions"] == 0, row
    assert 0 < row["click server median ms"] <= row["click median ms"], row


def test_a_bare_streamlit_click_is_timed_as_the_floor_in_the_same_browser():
    """The bench reports a bare fragment's click (app/bare_click.py, no model) beside the pages' clicks."""
    from anndl.pagebench import bare_clicks

    ms = in_fresh_thread(bare_clicks, 3)
    assert len(ms) == 3 and all(0 < m < 10_000 for m in ms), ms
