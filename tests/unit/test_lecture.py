"""Issue 21: lecture playlists are plain JSON files; bad files get one sentence; the shipped ones are current."""

import json

import pytest

from anndl.data.uploads import UploadError
from app import lecture as lec
from app.registry import ROOT, built_topics


def test_a_playlist_round_trips_through_its_json():
    query = {"cnn_data": "fashion_mnist", "seed": 3, "classroom": "1"}
    p = lec.playlist(" Week 3 ", [lec.step("cnn", query, "clothes")])
    back = lec.loads(lec.dumps(p).encode())
    assert back == {"name": "Week 3", "steps": [{"page": "cnn", "query": {"cnn_data": "fashion_mnist", "seed": "3"},
                                                 "note": "clothes"}]}


@pytest.mark.parametrize("data, says", [
    (b"\x89PNG not json", "not JSON"),
    (b"[1, 2]", "needs a"),
    (json.dumps({"name": "x", "steps": []}).encode(), "1 to 60 steps"),
    (json.dumps({"name": "x", "steps": [{"page": "nope"}]}).encode(), "does not have"),
    (json.dumps({"name": "x", "steps": [{"page": "cnn", "query": {"a": [1]}}]}).encode(), "plain values"),
    (json.dumps({"name": "x" * 500, "steps": [{"page": "cnn"}]}).encode(), "at most 200"),
    (b" " * 200_000, "at most 100,000"),
])
def test_a_bad_file_gets_one_sentence(data, says):
    with pytest.raises(UploadError, match=says):
        lec.loads(data)


def test_the_shipped_lectures_are_what_the_registry_builds(tmp_path):
    lec.build(tmp_path)
    built = {p.name: p.read_text() for p in tmp_path.glob("*.json")}
    shipped = {p.name: p.read_text() for p in lec.FOLDER.glob("*.json")}
    assert built == shipped, "run `python -m app.lecture build` after changing a page's demos"
    assert len(shipped) >= 4  # one per chapter


def test_every_demo_names_a_tab_and_knobs_its_page_has():
    for topic in built_topics():
        assert topic.demos, f"{topic.key} registers no demo states"
        code = topic.path.read_text() + "".join(p.read_text() for p in (ROOT / "app" / "ui" / topic.key).glob("*.py"))
        for _, query in topic.demos:
            for key, value in query.items():
                assert f'"{value if key == "tab" else key}"' in code, f"{topic.key}: {key}={value} is not on the page"
