"""Greedy decoding and beam search (course §26.4, §28.5) with the hypotheses kept at every step.

The encoder runs once per sentence; each decoding step is one call of a compiled decoder (tf.function or jax.jit)
over the fixed-length target buffer, whose causal mask makes the positions not yet written irrelevant.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

START, END = 2, 3


@dataclass
class Hypothesis:
    """A (partial) translation: target ids after [start], its total log-probability, finished or not."""

    ids: list[int]
    logp: float
    finished: bool = False

    def score(self, alpha: float = 0.0) -> float:
        """Log-probability divided by length**alpha (alpha=0: plain log-probability)."""
        return self.logp / (max(1, len(self.ids)) ** alpha)


@dataclass
class Decoded:
    """The chosen translation and the beam after each step (for the page's step-by-step table)."""

    text: str
    ids: list[int]
    logp: float
    steps: list[list[Hypothesis]] = field(default_factory=list)
    final: list[Hypothesis] = field(default_factory=list)  # all finished hypotheses, best first


class Greedy:
    """n greedy hypotheses (§26.4), the one greedy loop of anndl: at each step the most probable token; PAD never.

    `buf` (n, tgt_len) is the decoder's input ([start] then the tokens chosen so far), `t` the position to predict;
    `advance` takes the (n, V) log-probabilities (or logits) of position t. `found` and `logps` (n, tgt_len): a row
    ends with [end], then zeros.
    """

    def __init__(self, n: int, tgt_len: int):
        self.buf = np.zeros((n, tgt_len), "int32")
        self.buf[:, 0] = START
        self.found = np.zeros((n, tgt_len), "int32")
        self.logps = np.zeros((n, tgt_len), "float32")
        self.done = np.zeros(n, bool)
        self.t = 0

    @property
    def finished(self) -> bool:
        return bool(self.done.all()) or self.t == self.buf.shape[1]

    def advance(self, logp) -> None:
        logp = np.array(logp, dtype="float32")
        logp[:, 0] = -np.inf  # never PAD
        token, t = np.argmax(logp, axis=-1), self.t
        self.found[:, t] = np.where(self.done, 0, token)
        self.logps[:, t] = np.where(self.done, 0.0, logp[np.arange(len(token)), token])
        self.done |= self.found[:, t] == END
        self.t += 1
        if self.t < self.buf.shape[1]:
            self.buf[:, self.t] = self.found[:, t]

    def run(self, step) -> Greedy:
        """Advance until every row ended: `step(buf, t)` gives the (n, V) log-probabilities of position t."""
        while not self.finished:
            self.advance(step(self.buf, self.t))
        return self

    def steps(self, row: int = 0) -> list[list[Hypothesis]]:
        """The hypothesis of one row after each step, up to its [end]."""
        ids = self.found[row].tolist()
        length = ids.index(END) + 1 if END in ids else self.t
        return [[Hypothesis(ids[:k], float(self.logps[row, :k].sum()), ids[k - 1] == END)]
                for k in range(1, length + 1)]


def greedy_search(step, n: int, tgt_len: int) -> tuple[np.ndarray, np.ndarray]:
    """Greedy decoding of n sentences at once: `step(buf, t)` gives (n, V) log-probabilities of position t.
    Returns (tokens, their log-probabilities), both (n, tgt_len) as in `Greedy`."""
    greedy = Greedy(n, tgt_len).run(step)
    return greedy.found, greedy.logps


class Decoder:
    """Compiled encode and step functions around a `Seq2SeqTransformer` and its vocabularies."""

    def __init__(self, model, src_vocab, tgt_vocab):
        import keras

        from .backend import compiled

        self.model, self.src_vocab, self.tgt_vocab = model, src_vocab, tgt_vocab
        self.src_len, self.tgt_len = model.cfg.src_len, model.cfg.tgt_len

        def step(enc, src_mask, tgt, t):  # (B, T) target buffer -> (B, V) log-probabilities at position t
            logits = model.decode(tgt, enc, src_mask, training=False)[:, t, :]
            return keras.ops.log_softmax(logits, axis=-1)

        variables = getattr(model, "variables", ())
        encode = compiled(lambda src: model.encode(src, training=False), variables)
        step = compiled(step, variables)
        self._encode = lambda src: encode(keras.ops.convert_to_tensor(src, "int32"))
        self._step = lambda enc, mask, buf, t: keras.ops.convert_to_numpy(
            step(enc, mask, keras.ops.convert_to_tensor(buf, "int32"), keras.ops.convert_to_tensor(t, "int32")))
        self._attend = compiled(model.attention_scores, variables) if hasattr(model, "attention_scores") else None

    def _attention(self, src: np.ndarray, tgt: np.ndarray) -> dict:
        """`model.attention` through the compiled function: {kind: [layer (1, heads, Tq, Tk)]} as numpy."""
        if self._attend is None:
            return self.model.attention(src, tgt)
        import keras

        scores = self._attend(keras.ops.convert_to_tensor(src, "int32"), keras.ops.convert_to_tensor(tgt, "int32"))
        return keras.tree.map_structure(keras.ops.convert_to_numpy, dict(scores))

    def source_ids(self, sentence: str) -> np.ndarray:
        return self.src_vocab.encode(sentence, self.src_len)[None, :]

    def _text(self, ids: list[int]) -> str:
        return self.tgt_vocab.decode(ids)

    def greedy(self, sentence: str) -> Decoded:
        """Pick the most probable next token at each step until [end] (§26.4); the hypothesis after each step."""
        enc, mask = self._encode(self.source_ids(sentence))
        return self._greedy_decoded(Greedy(1, self.tgt_len).run(lambda buf, t: self._step(enc, mask, buf, t)))

    def _greedy_decoded(self, greedy: Greedy) -> Decoded:
        steps = greedy.steps()
        hyp = steps[-1][0]
        return Decoded(self._text(hyp.ids), hyp.ids, hyp.logp, steps, [hyp])

    def beam(self, sentence: str, width: int = 4, alpha: float = 0.0) -> Decoded:
        """Keep the `width` best partial translations at each step (§28.5); finished ones stay in the beam."""
        return self.greedy_and_beam(sentence, width, alpha, greedy=False)[1]

    def greedy_and_beam(self, sentence: str, width: int = 4, alpha: float = 0.0,
                        greedy: bool = True) -> tuple[Decoded | None, Decoded]:
        """(greedy, beam) of one sentence in one pass: the greedy hypothesis rides in the beam's batch, so each step
        is one compiled call for both (half the calls of `greedy` then `beam`: the page's new sentence)."""
        import keras

        width = int(max(1, min(width, 16)))
        enc, mask = self._encode(self.source_ids(sentence))  # stay tensors on the backend's device
        beam, steps = [Hypothesis([], 0.0)], []
        g = Greedy(1, self.tgt_len) if greedy else None
        for t in range(self.tgt_len):
            alive = [h for h in beam if not h.finished]
            riding = g is not None and not g.finished  # the greedy row rides last in the batch
            if not alive and not riding:
                break
            buf = np.zeros((len(alive) + riding, self.tgt_len), "int32")
            buf[:, 0] = START
            for b, h in enumerate(alive):
                buf[b, 1:t + 1] = h.ids[:t]
            if riding:
                buf[-1] = g.buf[0]
            n = len(buf)
            logp = self._step(keras.ops.repeat(enc, n, axis=0), keras.ops.repeat(mask, n, axis=0), buf, t)
            if riding:
                g.advance(logp[-1:])
            logp[:, 0] = -np.inf  # never PAD
            if not alive:
                continue
            candidates = [h for h in beam if h.finished]
            for b, h in enumerate(alive):
                for token in np.argsort(-logp[b])[:width]:
                    token = int(token)
                    candidates.append(Hypothesis(h.ids + [token], h.logp + float(logp[b, token]), token == END))
            beam = sorted(candidates, key=lambda h: -h.score(alpha))[:width]
            steps.append(list(beam))
        final = sorted(beam, key=lambda h: (not h.finished, -h.score(alpha)))
        best = final[0]
        return (self._greedy_decoded(g) if g is not None else None,
                Decoded(self._text(best.ids), best.ids, best.logp, steps, final))

    def attention_of(self, sentence: str) -> tuple[Decoded, np.ndarray, dict[str, list[np.ndarray]]]:
        """The greedy translation, its source ids (1, S) and the attention weights of every layer (§27.9) when the
        decoder reads [start] and that translation (teacher forcing): {kind: [layer (1, heads, Tq, Tk)]}; one call
        of the compiled function."""
        out = self.greedy(sentence)
        src = self.source_ids(sentence)
        tgt = np.zeros((1, self.tgt_len), "int32")
        ids = out.ids[: self.tgt_len - 1]
        tgt[0, 0], tgt[0, 1:len(ids) + 1] = START, ids  # the decoder's inputs: [start] and the greedy words
        return out, src, self._attention(src, tgt)

    def translate(self, sentences: list[str], batch: int = 256) -> list[str]:
        """Batched greedy translation of many sentences (benchmarks and test sets)."""
        out = []
        for i in range(0, len(sentences), batch):
            part = sentences[i:i + batch]
            src = np.stack([self.src_vocab.encode(s, self.src_len) for s in part])
            enc, mask = self._encode(src)
            found, _ = greedy_search(lambda buf, t: self._step(enc, mask, buf, t), len(part),
                                     self.tgt_len)
            out += [self._text(row) for row in found]
        return out
