"""AppTest of the words-as-vectors page: the shipped skip-gram's nearest words and analogies, the translator's
vectors in the same views, the n-gram tab, a bad upload's one sentence, classroom mode."""

from tests.app.conftest import errors, fake_uploads, open_app, open_tab


def test_default_shows_the_shipped_skipgram_nearest_words_and_analogy():
    at = open_app("embeddings")
    assert not errors(at), errors(at)
    assert at.title[0].value == "Words as vectors"
    assert any("w2v_grammar" in c.value for c in at.caption)  # the shipped model is named
    assert at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart"), "the nearest-words chart is drawn"
    analogy = next(m.value for m in at.markdown if m.value.startswith("**boys − boy + girl ≈**"))
    first = analogy.split("≈**")[1].split(" (")[0].strip()
    assert first in {"girls", "men", "women", "cats", "dogs", "brothers", "sisters"}, analogy  # a plural noun
    table = at.dataframe[0].value
    assert set(table["relation"]) >= {"singular → plural", "present → past"}
    assert len(at.dataframe) == 1 and not any(b.key == "emb__train" for b in at.button)  # closed tabs: nothing
    at = open_tab(at, "Train")
    assert not at.button(key="emb__train").disabled and not at.get("vega_lite_chart")  # nor the nearest words
    at = open_tab(at, "n-gram model")
    ppl = next(d.value for d in at.dataframe if "kneser-ney" in d.value.columns)  # held-out perplexity per n
    assert (ppl["kneser-ney"].iloc[1:] < ppl["kneser-ney"].iloc[0]).all()  # context helps over the unigram
    at = open_tab(at, "Retrieval vs generative (§27.4)")
    tables = [d.value for d in at.dataframe]
    retrieved = next(t for t in tables if "retrieved sentence" in t.columns)  # §27.4: the held-out sentence's
    assert len(retrieved) == 5 and retrieved["cosine"].is_monotonic_decreasing  # nearest stored sentences
    assert any(m.value.startswith("- … ") for m in at.markdown)  # and the n-gram model's continuations


def test_translator_vectors_unknown_word_and_classroom_mode():
    at = open_app("embeddings")
    at.radio(key="emb_of").set_value("translator: Italian (decoder)").run()
    assert not errors(at), errors(at)
    assert any("Italian (decoder) token embeddings" in c.value for c in at.caption)
    assert "Italian noun singular → plural" in set(at.dataframe[0].value["relation"])
    at.text_input(key="emb_q_it").set_value("zyzzyva").run()
    assert len(at.error) == 1 and "not in these vectors' vocabulary" in at.error[0].value
    at.toggle(key="classroom").set_value(True).run()
    assert not at.exception


def test_a_bad_upload_gets_one_sentence(monkeypatch):
    fake_uploads(monkeypatch, {"emb_upload": ("x.txt", b"\xff\xfe\x00 not utf-8 \xc3\x28")})
    at = open_app("embeddings")
    at.selectbox(key="emb_text").set_value("upload").run()
    assert len(at.error) == 1 and not at.exception, errors(at)
    assert "UTF-8" in at.error[0].value and len(at.error[0].value) < 300
    at = open_tab(at, "Train")
    assert at.button(key="emb__train").disabled


def test_a_good_upload_is_counted_and_asks_to_train(monkeypatch):
    text = "The cat sat on the mat. A dog ran in the park! The dog saw the cat. " * 60
    fake_uploads(monkeypatch, {"emb_upload": ("mine.txt", text.encode())})
    at = open_app("embeddings")
    at.selectbox(key="emb_text").set_value("upload").run()
    assert not errors(at), errors(at)
    assert any("your text (180 sentences)" in c.value for c in at.caption)
    assert any("No model for this text" in i.value for i in at.info)  # nothing shipped for it: train
    assert at.radio(key="emb_of").value == "translator: English (encoder)"  # meanwhile the translator's vectors
    at = open_tab(at, "n-gram model")
    ngrams = next(d.value for d in at.dataframe if "3-gram" in d.value.columns)
    top, count = ngrams.iloc[0]  # 162 of the 180 sentences are counted (90% split): one of the 3 kinds has >= 54
    assert top.split()[1:] in (["cat", "sat"], ["sat", "on"], ["on", "the"], ["the", "mat"], ["dog", "ran"],
                               ["ran", "in"], ["in", "the"], ["the", "park"], ["dog", "saw"], ["saw", "the"],
                               ["the", "cat"]) and 54 <= count <= 60
    at = open_tab(at, "Train")
    assert not at.button(key="emb__train").disabled
