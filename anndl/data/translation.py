"""English→Italian sentence pairs (course §25.7, §28.2): a grammar corpus and TSV uploads; standardisation and
vocabularies live in anndl.data.vectorization (re-exported here).

No real parallel corpus installs offline, so `grammar_corpus` generates one from a small lexicon with
Italian agreement (article, noun and adjective in gender and number), conjugation by person in the present
and the passato prossimo, and negation. Each English sentence has exactly one Italian translation: "you" is
always singular ("tu"), and verbs whose English past equals the present (read, put, cut) are left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from .uploads import UploadError, utf8_text
from .vectorization import (  # noqa: F401 — the vectorisation names stay importable from here
    END,
    PAD,
    SPECIALS,
    START,
    UNK,
    Vocabulary,
    sequence_lengths,
    standardize,
    tokens,
    vectorize,
)

# English pronoun -> (Italian pronoun, person 0..5 = io, tu, lui/lei, noi, voi, loro)
PRONOUNS = {"I": ("io", 0), "you": ("tu", 1), "he": ("lui", 2), "she": ("lei", 2), "we": ("noi", 3),
            "they": ("loro", 5)}
# noun: English singular, English plural, Italian singular, Italian plural, gender
SUBJECT_NOUNS = [("boy", "boys", "ragazzo", "ragazzi", "m"), ("girl", "girls", "ragazza", "ragazze", "f"),
                 ("man", "men", "uomo", "uomini", "m"), ("woman", "women", "donna", "donne", "f"),
                 ("cat", "cats", "gatto", "gatti", "m"), ("dog", "dogs", "cane", "cani", "m"),
                 ("brother", "brothers", "fratello", "fratelli", "m"),
                 ("sister", "sisters", "sorella", "sorelle", "f")]
OBJECT_NOUNS = [(e, e + "s", i, p, g) for e, i, p, g in [
    ("apple", "mela", "mele", "f"), ("book", "libro", "libri", "m"), ("letter", "lettera", "lettere", "f"),
    ("car", "macchina", "macchine", "f"), ("house", "casa", "case", "f"), ("backpack", "zaino", "zaini", "m"),
    ("mirror", "specchio", "specchi", "m"), ("orange", "arancia", "arance", "f"), ("tree", "albero", "alberi", "m"),
    ("bottle", "bottiglia", "bottiglie", "f"), ("pen", "penna", "penne", "f"), ("table", "tavolo", "tavoli", "m"),
    ("chair", "sedia", "sedie", "f"), ("window", "finestra", "finestre", "f"), ("door", "porta", "porte", "f"),
    ("shirt", "camicia", "camicie", "f"), ("shoe", "scarpa", "scarpe", "f"), ("hat", "cappello", "cappelli", "m"),
    ("cake", "torta", "torte", "f"), ("cup", "tazza", "tazze", "f"), ("umbrella", "ombrello", "ombrelli", "m"),
    ("picture", "quadro", "quadri", "m"), ("key", "chiave", "chiavi", "f"), ("bag", "borsa", "borse", "f")]]
OBJECT_NOUNS += [("glass", "glasses", "bicchiere", "bicchieri", "m"), ("knife", "knives", "coltello", "coltelli", "m")]
# adjective: English, Italian m.sg, f.sg, m.pl, f.pl (in Italian it follows the noun)
ADJECTIVES = [("red", "rosso", "rossa", "rossi", "rosse"), ("black", "nero", "nera", "neri", "nere"),
              ("white", "bianco", "bianca", "bianchi", "bianche"), ("new", "nuovo", "nuova", "nuovi", "nuove"),
              ("old", "vecchio", "vecchia", "vecchi", "vecchie"), ("small", "piccolo", "piccola", "piccoli", "piccole"),
              ("big", "grande", "grande", "grandi", "grandi"), ("green", "verde", "verde", "verdi", "verdi"),
              ("long", "lungo", "lunga", "lunghi", "lunghe"), ("yellow", "giallo", "gialla", "gialli", "gialle"),
              ("cheap", "economico", "economica", "economici", "economiche")]
# verb: English base, 3rd singular, past; Italian present io..loro; past participle (passato prossimo with avere)
VERBS = [("eat", "eats", "ate", "mangio mangi mangia mangiamo mangiate mangiano", "mangiato"),
         ("see", "sees", "saw", "vedo vedi vede vediamo vedete vedono", "visto"),
         ("buy", "buys", "bought", "compro compri compra compriamo comprate comprano", "comprato"),
         ("find", "finds", "found", "trovo trovi trova troviamo trovate trovano", "trovato"),
         ("take", "takes", "took", "prendo prendi prende prendiamo prendete prendono", "preso"),
         ("write", "writes", "wrote", "scrivo scrivi scrive scriviamo scrivete scrivono", "scritto"),
         ("wash", "washes", "washed", "lavo lavi lava laviamo lavate lavano", "lavato"),
         ("open", "opens", "opened", "apro apri apre apriamo aprite aprono", "aperto"),
         ("bring", "brings", "brought", "porto porti porta portiamo portate portano", "portato"),
         ("sell", "sells", "sold", "vendo vendi vende vendiamo vendete vendono", "venduto"),
         ("clean", "cleans", "cleaned", "pulisco pulisci pulisce puliamo pulite puliscono", "pulito"),
         ("watch", "watches", "watched", "guardo guardi guarda guardiamo guardate guardano", "guardato"),
         ("close", "closes", "closed", "chiudo chiudi chiude chiudiamo chiudete chiudono", "chiuso"),
         ("love", "loves", "loved", "amo ami ama amiamo amate amano", "amato"),
         ("draw", "draws", "drew", "disegno disegni disegna disegniamo disegnate disegnano", "disegnato"),
         ("break", "breaks", "broke", "rompo rompi rompe rompiamo rompete rompono", "rotto"),
         ("paint", "paints", "painted", "dipingo dipingi dipinge dipingiamo dipingete dipingono", "dipinto"),
         ("drink", "drinks", "drank", "bevo bevi beve beviamo bevete bevono", "bevuto")]
AVERE = "ho hai ha abbiamo avete hanno".split()

# combinations never shown in training in the systematic split (new combinations of known words)
HELD_OUT_ADJ_NOUN = [("red", "car"), ("old", "book"), ("green", "shirt"), ("white", "cat"), ("new", "house"),
                     ("small", "key"), ("black", "umbrella"), ("long", "letter")]
HELD_OUT_SUBJ_VERB = [("she", "draw"), ("we", "sell"), ("they", "break"), ("I", "paint")]


def article(word: str, gender: str, plural: bool) -> str:
    """Italian definite article chosen by gender, number and the sound the next word starts with."""
    vowel = word[0] in "aeiou"
    impure = bool(re.match(r"s[^aeiou]|z|gn|ps|x|y", word))
    if gender == "f":
        return "le" if plural else ("l'" if vowel else "la")
    if plural:
        return "gli" if vowel or impure else "i"
    return "l'" if vowel else "lo" if impure else "il"


def noun_phrase(noun: tuple, plural: bool, adj: tuple | None) -> tuple[str, str]:
    """('the old men', "gli uomini vecchi"): the adjective agrees with the noun and follows it."""
    en_sg, en_pl, it_sg, it_pl, gender = noun
    it_noun = it_pl if plural else it_sg
    art = article(it_noun, gender, plural)
    it = (art + it_noun) if art.endswith("'") else f"{art} {it_noun}"
    en = "the " + (f"{adj[0]} " if adj else "") + (en_pl if plural else en_sg)
    if adj:
        it += " " + adj[1 + (gender == "f") + 2 * plural]
    return en, it


@dataclass(frozen=True)
class Clause:
    """One sentence of the grammar as indices into the lexicon (hashable, so the corpus is distinct)."""

    pronoun: str | None  # an English pronoun, or None for a noun subject
    subj: int  # index into SUBJECT_NOUNS (ignored for pronouns)
    subj_plural: bool
    subj_adj: int  # -1: no adjective
    verb: int
    past: bool
    negated: bool
    obj: int
    obj_plural: bool
    obj_adj: int

    def subject_head(self) -> str:
        return self.pronoun or SUBJECT_NOUNS[self.subj][0]

    def adj_nouns(self) -> list[tuple[str, str]]:
        out = [(ADJECTIVES[self.obj_adj][0], OBJECT_NOUNS[self.obj][0])] if self.obj_adj >= 0 else []
        if self.pronoun is None and self.subj_adj >= 0:
            out.append((ADJECTIVES[self.subj_adj][0], SUBJECT_NOUNS[self.subj][0]))
        return out

    def systematic(self) -> bool:
        """True if it holds a combination reserved for the systematic test split."""
        held = set(HELD_OUT_ADJ_NOUN)
        return any(p in held for p in self.adj_nouns()) or (self.subject_head(), VERBS[self.verb][0]) in set(
            HELD_OUT_SUBJ_VERB)


def realise(c: Clause) -> tuple[str, str]:
    """The (English, Italian) sentence pair of a clause, capitalised and with a full stop."""
    if c.pronoun:
        en_subj, (it_subj, person) = c.pronoun, PRONOUNS[c.pronoun]
    else:
        adj = ADJECTIVES[c.subj_adj] if c.subj_adj >= 0 else None
        en_subj, it_subj = noun_phrase(SUBJECT_NOUNS[c.subj], c.subj_plural, adj)
        person = 5 if c.subj_plural else 2
    base, third, past, present, participle = VERBS[c.verb]
    third_person = person == 2
    if c.past:
        en_verb = f"did not {base}" if c.negated else past
        it_verb = f"{AVERE[person]} {participle}"
    else:
        en_verb = (f"{'does' if third_person else 'do'} not {base}" if c.negated else third if third_person else base)
        it_verb = present.split()[person]
    if c.negated:
        it_verb = "non " + it_verb
    en_obj, it_obj = noun_phrase(OBJECT_NOUNS[c.obj], c.obj_plural,
                                 ADJECTIVES[c.obj_adj] if c.obj_adj >= 0 else None)
    en, it = f"{en_subj} {en_verb} {en_obj}", f"{it_subj} {it_verb} {it_obj}"
    return en[0].upper() + en[1:] + ".", it[0].upper() + it[1:] + "."


def _sample(rng: np.random.Generator) -> Clause:
    pronoun = rng.choice(list(PRONOUNS)) if rng.random() < 0.4 else None  # 40% pronoun subjects
    adj = lambda: int(rng.integers(len(ADJECTIVES))) if rng.random() < 0.5 else -1  # noqa: E731
    return Clause(str(pronoun) if pronoun else None, int(rng.integers(len(SUBJECT_NOUNS))), bool(rng.random() < 0.5),
                  adj(), int(rng.integers(len(VERBS))), bool(rng.random() < 0.5), bool(rng.random() < 0.3),
                  int(rng.integers(len(OBJECT_NOUNS))), bool(rng.random() < 0.5), adj())


def _canonical(c: Clause) -> Clause:
    """Drop the fields a pronoun subject ignores, so equal sentences are equal clauses."""
    if c.pronoun:
        return Clause(c.pronoun, 0, False, -1, c.verb, c.past, c.negated, c.obj, c.obj_plural, c.obj_adj)
    return c


def grammar_clauses(n: int = 24_000, seed: int = 0) -> list[Clause]:
    """`n` distinct clauses, deterministic by seed."""
    rng = np.random.default_rng(seed)
    seen: dict[Clause, None] = {}
    while len(seen) < n:
        seen.setdefault(_canonical(_sample(rng)), None)
    return list(seen)


@dataclass
class Corpus:
    """Sentence pairs with a train / random-test / systematic-test split (indices into `pairs`)."""

    pairs: list[tuple[str, str]]
    train: np.ndarray
    test_random: np.ndarray
    test_systematic: np.ndarray
    source: str


def grammar_corpus(n: int = 24_000, seed: int = 0, test: float = 0.1) -> Corpus:
    """The generated corpus: systematic test = held-out combinations, random test = a share of the rest."""
    clauses = grammar_clauses(n, seed)
    pairs = [realise(c) for c in clauses]
    systematic = np.array([i for i, c in enumerate(clauses) if c.systematic()], dtype=int)
    rest = np.setdiff1d(np.arange(len(pairs)), systematic)
    rest = np.random.default_rng(seed + 1).permutation(rest)
    k = int(round(test * len(rest)))
    return Corpus(pairs, np.sort(rest[k:]), np.sort(rest[:k]), systematic,
                  f"generated English→Italian grammar corpus ({len(pairs):,} pairs, seed {seed})")


def pairs_corpus(pairs: list[tuple[str, str]], seed: int = 0, test: float = 0.1, source: str = "your upload") -> Corpus:
    """A random split of uploaded pairs (no systematic split: its combinations are unknown)."""
    idx = np.random.default_rng(seed).permutation(len(pairs))
    k = max(1, int(round(test * len(pairs))))
    return Corpus(list(pairs), np.sort(idx[k:]), np.sort(idx[:k]), np.array([], dtype=int), source)


@dataclass
class TsvLimits:
    max_bytes: int = 5 * 1024 * 1024  # a Tatoeba language pair is a few MB
    max_pairs: int = 100_000  # keeps a training job within minutes on a CPU
    min_pairs: int = 50  # fewer cannot teach a translator anything
    max_tokens: int = 40  # per sentence; longer ones belong to another model


def read_tsv_pairs(data: bytes, limits: TsvLimits | None = None) -> list[tuple[str, str]]:
    """Anki/Tatoeba `English<TAB>Italian[<TAB>attribution]` lines -> pairs; one clear UploadError if unusable."""
    limits = limits or TsvLimits()
    text = utf8_text(data, limits.max_bytes,
                     "The file is empty: upload a text file with one 'English<TAB>Italian' pair per line.")
    pairs = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue  # empty lines are skipped
        fields = line.split("\t")
        if len(fields) < 2:
            raise UploadError(f"Line {n} has no tab between the English and the Italian sentence "
                              f"({line[:60]!r}); every line must be 'English<TAB>Italian'.")
        en, it = fields[0].strip(), fields[1].strip()
        if not tokens(en) or not tokens(it):
            raise UploadError(f"Line {n} has an empty sentence ({line[:60]!r}); remove it or fill it in.")
        if max(len(tokens(en)), len(tokens(it))) > limits.max_tokens:
            raise UploadError(f"Line {n} has a sentence longer than {limits.max_tokens} words; split it or remove it.")
        pairs.append((en, it))
        if len(pairs) > limits.max_pairs:
            raise UploadError(f"The file has more than {limits.max_pairs:,} pairs; upload a sample of it.")
    if len(pairs) < limits.min_pairs:
        raise UploadError(f"The file has {len(pairs)} sentence pairs; at least {limits.min_pairs} are needed to train "
                          "a translator.")
    return pairs
