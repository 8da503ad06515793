"""The n-gram language model of §26: counts of word sequences, smoothing, perplexity and sampling.

P(w | h) from counts of the last n-1 words h. Unseen n-grams get probability zero from raw counts, so two
smoothings: add-k (Laplace for k=1) and interpolated Kneser-Ney ("lite": one fixed discount d at every order,
continuation counts below the top order, a uniform floor over the vocabulary for unknown words).
"""

from __future__ import annotations

import copy
import math
from collections import Counter, defaultdict

import numpy as np

BOS, EOS, UNK = "<s>", "</s>", "<unk>"


class NGramLM:
    """An n-gram language model over sentences of tokens; `smoothing` is "add-k" or "kneser-ney"."""

    def __init__(self, n: int = 3, smoothing: str = "kneser-ney", k: float = 1.0, discount: float = 0.75):
        if n < 1 or smoothing not in ("add-k", "kneser-ney"):
            raise ValueError(f"n must be >= 1 and smoothing 'add-k' or 'kneser-ney' (got n={n}, {smoothing!r})")
        self.n, self.smoothing, self.k, self.d = n, smoothing, k, discount

    def smoothed(self, smoothing: str, k: float = 1.0) -> "NGramLM":
        """The same counts with another smoothing (no recount)."""
        other = copy.copy(self)
        other.smoothing, other.k = smoothing, k
        return other

    def order(self, n: int) -> "NGramLM":
        """The model of a lower order n from the same counts (an m-gram is counted alike for every order >= m)."""
        if not 1 <= n <= self.n:
            raise ValueError(f"order {n} is not between 1 and {self.n}")
        other = copy.copy(self)
        other.n = n
        return other

    def padded(self, sentence: list[str]) -> list[str]:
        return [BOS] * (self.n - 1) + [w if w in self.vocab else UNK for w in sentence] + [EOS]

    def fit(self, sentences: list[list[str]]) -> "NGramLM":
        """Count every m-gram, m = 1..n (the vocabulary is the training words, </s> and <unk>)."""
        self.vocab = {w for s in sentences for w in s} | {EOS, UNK}
        self.counts = [Counter() for _ in range(self.n + 1)]  # counts[m][(w1..wm)]
        for s in sentences:
            p = self.padded(s)
            for m in range(1, self.n + 1):  # each m-gram once, with exactly one all-<s> context at the start
                self.counts[m].update(zip(*(p[self.n - m + j:] for j in range(m))))
        self.context = [Counter() for _ in range(self.n + 1)]  # context[m][h] = sum_w c(h, w), |h| = m-1
        self.followers = [Counter() for _ in range(self.n + 1)]  # N1+(h •): distinct words after h
        self.cont = [Counter() for _ in range(self.n + 1)]  # cont[m][g] = N1+(• g): distinct words before g
        for m in range(1, self.n + 1):
            for g, c in self.counts[m].items():
                self.context[m][g[:-1]] += c
                self.followers[m][g[:-1]] += 1
                if m >= 2:
                    self.cont[m - 1][g[1:]] += 1
        self.cont_context = [Counter() for _ in range(self.n + 1)]  # sum_w cont[m][(h, w)] and its N1+
        self.cont_followers = [Counter() for _ in range(self.n + 1)]
        for m in range(1, self.n):
            for g, c in self.cont[m].items():
                self.cont_context[m][g[:-1]] += c
                self.cont_followers[m][g[:-1]] += 1
        self.words = sorted(self.vocab)
        return self

    def prob(self, word: str, history: tuple[str, ...]) -> float:
        """P(word | the last n-1 words of history)."""
        word = word if word in self.vocab else UNK
        h = tuple(history)[-(self.n - 1):] if self.n > 1 else ()
        if self.smoothing == "add-k":
            return (self.counts[self.n][h + (word,)] + self.k) / (self.context[self.n][h] + self.k * len(self.vocab))
        return self._kn(word, h, self.n)

    def _kn(self, word: str, h: tuple, m: int) -> float:
        """Interpolated Kneser-Ney at order m (top order: counts; lower: continuation counts)."""
        if m == 0:
            return 1.0 / len(self.vocab)
        top = m == self.n
        counts, total, followers = ((self.counts[m], self.context[m], self.followers[m]) if top else
                                    (self.cont[m], self.cont_context[m], self.cont_followers[m]))
        lower = self._kn(word, h[1:], m - 1)
        c_h = total[h]
        if c_h == 0:
            return lower
        return max(counts[h + (word,)] - self.d, 0) / c_h + self.d * followers[h] / c_h * lower

    def log_prob(self, sentence: list[str]) -> tuple[float, int]:
        """Natural-log probability of a sentence (with </s>) and its number of predicted tokens."""
        p = self.padded(sentence)
        total = sum(math.log(max(self.prob(p[i], tuple(p[i - self.n + 1:i])), 1e-300))
                    for i in range(self.n - 1, len(p)))
        return total, len(p) - (self.n - 1)

    def perplexity(self, sentences: list[list[str]]) -> float:
        """exp of the mean negative log-likelihood per token over the sentences (§26)."""
        lp, count = 0.0, 0
        for s in sentences:
            a, b = self.log_prob(s)
            lp, count = lp + a, count + b
        return math.exp(-lp / max(count, 1))

    def next_words(self, history: tuple[str, ...], top: int = 10) -> list[tuple[str, float]]:
        """The most probable next words after `history`."""
        probs = self.distribution(history)
        order = np.argsort(-probs)[:top]
        return [(self.words[i], float(probs[i])) for i in order]

    def distribution(self, history) -> np.ndarray:
        h = ([BOS] * (self.n - 1) + list(history))[-(self.n - 1):] if self.n > 1 else []
        probs = np.array([self.prob(w, tuple(h)) for w in self.words])
        return probs / probs.sum()

    def sample(self, rng: np.random.Generator, max_len: int = 25, temperature: float = 1.0,
               start: tuple[str, ...] = ()) -> list[str]:
        """One sentence drawn word by word from P(w | h) (never <unk>), continuing the words `start`."""
        out: list[str] = []
        unk = self.words.index(UNK)
        for _ in range(max_len):
            probs = self.distribution([*start, *out])
            probs[unk] = 0.0
            probs = probs ** (1.0 / temperature)
            w = self.words[int(rng.choice(len(probs), p=probs / probs.sum()))]
            if w == EOS:
                break
            out.append(w)
        return out

    def top_ngrams(self, m: int, top: int = 15) -> list[tuple[str, int]]:
        """The most frequent m-grams without padding symbols."""
        rows = [(" ".join(g), c) for g, c in self.counts[m].most_common() if BOS not in g]
        return rows[:top]


def counts_table(sentences: list[list[str]], n: int) -> dict[tuple[str, ...], int]:
    """Plain n-gram counts of padded sentences (what the page lists and the tests check by hand)."""
    out: dict[tuple[str, ...], int] = defaultdict(int)
    for s in sentences:
        p = [BOS] * (n - 1) + s + [EOS]
        for i in range(len(p) - n + 1):
            out[tuple(p[i:i + n])] += 1
    return dict(out)
