"""The Transformer translator page through app/main.py: default, a typed sentence, and a tiny training job."""

import time

import pytest

from tests.app.conftest import errors, open_app, open_tab


def texts(at) -> str:
    parts = [e.value for e in at.success] + [e.value for e in at.info] + [m.value for m in at.markdown]
    return " ".join(parts + [c.value for c in at.caption])


def test_default_translation_renders():
    at = open_app("transformer")
    assert not errors(at)
    assert "gli uomini vecchi non hanno comprato gli zaini nuovi" in [s.value for s in at.success]  # greedy
    assert "gli uomini vecchi non hanno comprato gli zaini nuovi" in [s.value for s in at.info]  # beam
    assert "shipped translator" in texts(at)
    assert len(at.tabs) == 5
    assert not at.get("vega_lite_chart") and "Attention weights" not in texts(at)  # the closed tabs draw nothing
    at = open_tab(at, "Look inside")
    assert not errors(at) and "Attention weights" in texts(at)
    assert len(at.get("vega_lite_chart")) == 2  # the attention heatmap and the positional encoding
    assert not at.success  # the Translate tab, closed now, draws no translation


def test_every_table_is_arrow_compatible(monkeypatch):
    """Streamlit silently retypes a dataframe whose column mixes numbers and text (logging an ArrowTypeError)."""
    from streamlit import dataframe_util

    mixed = []
    real = dataframe_util.fix_arrow_incompatible_column_types

    def record(df, *args, **kwargs):
        mixed.append(list(df.index))
        return real(df, *args, **kwargs)

    monkeypatch.setattr(dataframe_util, "fix_arrow_incompatible_column_types", record)
    at = open_app("transformer")
    assert not errors(at)
    assert any(list(d.value.index) == ["token", "id"] for d in at.table)  # the tokens table is on the page
    for tab in ("Look inside", "Your data"):  # the nearest words, the corpus sample
        at = open_tab(at, tab)
        assert not errors(at) and at.dataframe
    assert not mixed, f"tables with mixed-type columns: {mixed}"


def test_typed_sentence_and_unknown_words():
    at = open_app("transformer")
    at.text_input(key="tr_text").set_value("She did not eat the red apples.").run()
    assert not errors(at)
    assert "lei non ha mangiato le mele rosse" in [s.value for s in at.success]
    at.slider(key="tr_beam").set_value(8).run()
    assert "lei non ha mangiato le mele rosse" in [s.value for s in at.info]
    at.text_input(key="tr_text").set_value("The dog eats the spaghetti.").run()
    assert not errors(at)
    assert any("spaghetti" in w.value for w in at.warning)
    at.text_input(key="tr_text").set_value("  !! ").run()
    assert not errors(at) and any("Type an English sentence" in w.value for w in at.warning)


def test_heads_must_divide_the_embedding():
    at = open_tab(open_app("transformer"), "Train")
    at.select_slider(key="tr_d").set_value(32).run()
    at.select_slider(key="tr_heads").set_value(8).run()
    assert not errors(at)
    at.select_slider(key="tr_heads").set_value(1).run()
    assert not errors(at)
    at.select_slider(key="tr_d").set_value(64).run()
    at.select_slider(key="tr_heads").set_value(8).run()
    assert not errors(at)


@pytest.mark.slow
def test_tiny_training_job_and_switch_to_it():
    at = open_tab(open_app("transformer", timeout=180), "Train")
    at.select_slider(key="tr_n").set_value(2000).run()
    at.slider(key="tr_epochs").set_value(1).run()
    at.select_slider(key="tr_d").set_value(32).run()
    at.select_slider(key="tr_ff").set_value(64).run()
    at.slider(key="tr_enc").set_value(1).run()
    at.slider(key="tr_dec").set_value(1).run()
    at.button(key="tr__train").click().run()
    deadline = time.time() + 300
    while time.time() < deadline:
        time.sleep(2)
        at.run()
        if "Trained on" in texts(at) or errors(at):
            break
    assert not errors(at), errors(at)
    assert "Trained on" in texts(at)
    at = open_tab(at, "Translate")
    assert "the one you trained" in texts(at)  # the page now translates with the new model
    assert any(d.value.shape[0] >= 1 for d in at.table)  # the beam's steps


def test_a_rewritten_shipped_file_is_read_again(monkeypatch, tmp_path):
    """The shipped translator and the caches over it are keyed by (path, mtime): a rebuilt zoo model is not shown
    from the old cache."""
    import os

    from anndl import zoo
    from anndl.topics.transformer import job
    from app.ui.transformer import translate as ui

    file = tmp_path / "transformer_en_it.keras"
    file.write_bytes(b"v1")
    monkeypatch.setattr(zoo, "MODELS_DIR", tmp_path)
    monkeypatch.setattr(zoo, "load", lambda name: object())
    monkeypatch.setattr(zoo, "info", lambda name: {"src_words": [], "tgt_words": []})
    monkeypatch.setattr(job, "decoder_of", lambda model, words: object())
    first, again = ui.shipped(), ui.shipped()
    assert again[:2] == first[:2] and again[3] == first[3] == (str(file), os.path.getmtime(file))
    os.utime(file, (1e9, 1e9))  # the zoo wrote the file again
    rebuilt = ui.shipped()
    assert rebuilt[0] is not first[0] and rebuilt[1] is not first[1] and rebuilt[3] == (str(file), 1e9)


def test_an_upload_is_parsed_once_per_content(monkeypatch):
    """Issue 9: the TSV is parsed once per upload content (sha256 key), not again on every rerun; a bad file's
    sentence is kept too."""
    import hashlib

    import anndl.data.translation as translation
    from app.ui.transformer.train import read_pairs

    calls = []
    real = translation.read_tsv_pairs
    monkeypatch.setattr(translation, "read_tsv_pairs", lambda data, limits: calls.append(data) or real(data, limits))
    read_pairs.clear()
    good = "".join(f"I run {i}.\tCorro {i}.\n" for i in range(50)).encode()
    other, bad = good + b"Go.\tVai.\n", b"no tab here\n"
    for data in (good, good, other, good, bad, bad):
        pairs, error = read_pairs(hashlib.sha256(data).hexdigest(), 5, data)
    assert calls == [good, other, bad]
    assert pairs is None and error.startswith("Line 1 has no tab")
    pairs, error = read_pairs(hashlib.sha256(good).hexdigest(), 5, good)
    assert error is None and pairs[:2] == [("I run 0.", "Corro 0."), ("I run 1.", "Corro 1.")] and len(calls) == 3
