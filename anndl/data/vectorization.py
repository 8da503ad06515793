"""Text vectorisation of the course (§25.7, §28.2): standardisation, tokens, vocabularies with the special tokens
first, teacher-forcing arrays and sequence lengths."""

from __future__ import annotations

import re
import unicodedata

import numpy as np

PAD, UNK, START, END = "[pad]", "[unk]", "[start]", "[end]"
SPECIALS = [PAD, UNK, START, END]  # PAD is id 0, so masks are simply `ids != 0`


def standardize(text: str) -> str:
    """§25.7 standardisation: Unicode NFC, lower case, apostrophes split off ("l'arancia" -> "l' arancia"),
    punctuation removed, spaces collapsed."""
    text = unicodedata.normalize("NFC", text).lower().replace("’", "'")
    text = re.sub(r"(\w)'(?=\w)", r"\1' ", text)
    text = re.sub(r"[^\w' ]+", " ", text)
    return " ".join(text.split())


def tokens(text: str) -> list[str]:
    return standardize(text).split()


class Vocabulary:
    """Tokens <-> ids with PAD=0, UNK=1, START=2, END=3 first (course §25.7)."""

    def __init__(self, words: list[str]):
        self.words = list(SPECIALS) + [w for w in words if w not in SPECIALS]
        self.index = {w: i for i, w in enumerate(self.words)}

    @classmethod
    def build(cls, texts, max_size: int = 5000) -> "Vocabulary":
        """The `max_size` most frequent tokens of `texts` (ties broken alphabetically)."""
        counts: dict[str, int] = {}
        for t in texts:
            for w in tokens(t):
                counts[w] = counts.get(w, 0) + 1
        ranked = sorted(counts, key=lambda w: (-counts[w], w))[: max_size - len(SPECIALS)]
        return cls(ranked)

    def __len__(self) -> int:
        return len(self.words)

    def encode(self, text: str, length: int, start_end: bool = False) -> np.ndarray:
        """Padded (length,) int ids; with `start_end` wrapped in [start] ... [end] (the target side)."""
        ids = [self.index.get(w, 1) for w in tokens(text)]
        if start_end:
            ids = [2, *ids, 3]
        ids = ids[:length]
        return np.array(ids + [0] * (length - len(ids)), dtype="int32")

    def decode(self, ids) -> str:
        """Ids back to text, stopping at [end] and skipping PAD and [start]."""
        out = []
        for i in ids:
            i = int(i)
            if i == 3:
                break
            if i > 3 or i == 1:
                out.append(self.words[i])
        return " ".join(out).replace("' ", "'")


def vectorize(pairs, src: Vocabulary, tgt: Vocabulary, src_len: int, tgt_len: int):
    """Teacher forcing (§28.2): ((source, target[:-1]), target[1:]) int arrays; PAD=0 marks padding."""
    x = np.stack([src.encode(e, src_len) for e, _ in pairs]) if pairs else np.zeros((0, src_len), "int32")
    y = np.stack([tgt.encode(i, tgt_len + 1, start_end=True) for _, i in pairs]) if pairs else np.zeros(
        (0, tgt_len + 1), "int32")
    return (x, y[:, :-1]), y[:, 1:]


def sequence_lengths(pairs, quantile: float = 1.0, cap: int = 40) -> tuple[int, int]:
    """Source and target lengths in tokens (the target counts [start] or [end]), capped."""
    src = np.quantile([len(tokens(e)) for e, _ in pairs], quantile)
    tgt = np.quantile([len(tokens(i)) for _, i in pairs], quantile)
    return int(min(cap, np.ceil(src))), int(min(cap, np.ceil(tgt) + 1))
