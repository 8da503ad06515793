"""Plain English text for language models and word embeddings (course §26): the grammar corpus, Debian's
fortune cookies, and the student's own UTF-8 text file.

The real English text that installs offline is Debian's `fortunes` package (apt, like Fashion-MNIST): files of
short quotations under /usr/share/games/fortunes, one topic per file ("computers", "food", "love", ...), so the
topic colours the embedding map. When it is missing the page falls back to the grammar corpus and says so.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .translation import grammar_corpus, tokens
from .uploads import UploadError, utf8_text

FORTUNE_DIR = Path(os.environ.get("ANNDL_FORTUNES", "/usr/share/games/fortunes"))
FORTUNE_TOPICS = ("computers", "food", "love", "law", "science", "sports", "politics", "medicine", "education",
                  "work")  # distinct subjects, ~800 KB together: a colour each on the embedding map
SOURCES = {"grammar": "Generated English sentences (the translator's grammar)",
           "fortunes": "Fortune cookies (Debian `fortunes`, real English)"}


@dataclass
class Text:
    """Sentences of one text with a topic each, split into train and held-out sentences (indices)."""

    sentences: list[list[str]]  # standardised tokens (course §25.7)
    topics: list[str]  # one per sentence ("grammar", "food", "your text", ...)
    train: np.ndarray
    test: np.ndarray
    source: str


def split_text(sentences, topics, source: str, seed: int = 0, test: float = 0.1) -> Text:
    """A seeded random split of the sentences (at least one held-out sentence)."""
    idx = np.random.default_rng(seed).permutation(len(sentences))
    k = max(1, int(round(test * len(sentences))))
    return Text(list(sentences), list(topics), np.sort(idx[k:]), np.sort(idx[:k]), source)


def grammar_text(n: int = 24_000, seed: int = 0) -> Text:
    """The English side of the translator's generated corpus, with its own random split."""
    corpus = grammar_corpus(n, seed)
    sents = [en.rstrip(".").lower().split() for en, _ in corpus.pairs]  # = tokens(en) for the grammar's English
    return split_text(sents, ["grammar"] * len(sents), f"English side of the grammar corpus ({len(sents):,} "
                      f"sentences, seed {seed})", seed)


def sentences_of(text: str) -> list[list[str]]:
    """Running text -> sentences of standardised tokens (split at . ! ? ; and blank lines)."""
    parts = re.split(r"[.!?;]+\s|\n\s*\n", text)
    return [t for t in (tokens(p) for p in parts) if len(t) >= 2]


def fortune_entries(topic: str) -> list[str]:
    """The quotations of one fortune file, without their '-- Author' attribution lines."""
    raw = (FORTUNE_DIR / topic).read_text(encoding="utf-8", errors="replace")
    out = []
    for entry in raw.split("\n%\n"):
        lines = [ln for ln in entry.splitlines() if not ln.strip().startswith("--")]
        out.append("\n".join(lines))
    return out


def fortunes_available() -> bool:
    return all((FORTUNE_DIR / t).is_file() for t in FORTUNE_TOPICS)


def fortune_text(seed: int = 0) -> Text:
    """Debian's fortune cookies of FORTUNE_TOPICS, one topic per quotation (FileNotFoundError when missing)."""
    if not fortunes_available():
        raise FileNotFoundError(f"Debian's `fortunes` package is not installed ({FORTUNE_DIR} is missing): "
                                "`apt-get install fortunes`, or use the grammar corpus.")
    sents, tops = [], []
    for topic in FORTUNE_TOPICS:
        for entry in fortune_entries(topic):
            for s in sentences_of(entry.replace("\n", " ")):
                sents.append(s)
                tops.append(topic)
    return split_text(sents, tops, f"Debian fortunes, {len(FORTUNE_TOPICS)} topics ({len(sents):,} sentences)", seed)


def load_text(name: str, seed: int = 0, n: int = 24_000) -> Text:
    """A named text ('grammar' of `n` sentences, or 'fortunes', which falls back to the grammar corpus when the
    Debian package is missing)."""
    if name == "fortunes" and fortunes_available():
        return fortune_text(seed)
    text = grammar_text(n, seed)
    if name == "fortunes":
        text.source += " — Debian's `fortunes` is not installed here, so the grammar corpus stands in"
    return text


@dataclass
class TextLimits:
    max_bytes: int = 2 * 1024 * 1024  # a short book; training stays within a minute or two on a CPU
    min_sentences: int = 50  # fewer cannot give a word any neighbours
    min_words: int = 1000


def read_text_upload(data: bytes, limits: TextLimits | None = None) -> list[list[str]]:
    """An uploaded UTF-8 .txt -> sentences of tokens; one clear UploadError if unusable."""
    limits = limits or TextLimits()
    text = utf8_text(data, limits.max_bytes, "The file is empty: upload a plain-text (.txt) file of English sentences.")
    if "\x00" in text:
        raise UploadError("The file holds binary data, not plain text: upload a .txt file.")
    sents = sentences_of(text)
    words = sum(len(s) for s in sents)
    if len(sents) < limits.min_sentences or words < limits.min_words:
        raise UploadError(f"The text has {len(sents)} sentences and {words:,} words; at least "
                          f"{limits.min_sentences} sentences and {limits.min_words:,} words are needed.")
    return sents
