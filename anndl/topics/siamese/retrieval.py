"""Retrieval and identification with an embedding (course §18.3): recall@k and mAP of retrieval, enrolment of new
classes from a few templates, identification by the minimum average distance with rejection above γ, the
false-accept / false-reject trade-off and the ROC of verification. Plain NumPy on (n, E) embeddings."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def distances(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(n, E), (m, E) -> (n, m) Euclidean distances."""
    sq = (a**2).sum(1)[:, None] - 2.0 * a @ b.T + (b**2).sum(1)[None, :]
    return np.sqrt(np.maximum(sq, 0.0))


def _ranking(emb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Leave-one-out: each query's gallery indices sorted by distance (itself excluded) and those distances."""
    d = distances(emb, emb)
    np.fill_diagonal(d, np.inf)
    order = np.argsort(d, axis=1, kind="stable")[:, :-1]  # the query itself (inf) is last
    return order, np.take_along_axis(d, order, axis=1)


def recall_at_k(emb: np.ndarray, y: np.ndarray, ks=(1, 5)) -> dict[int, float]:
    """Recall@k: the fraction of queries with at least one image of their class among their k nearest neighbours
    (every image a query, the others its gallery)."""
    order, _ = _ranking(emb)
    hit = y[order] == y[:, None]  # (n, n-1) same class at each rank
    return {k: float(hit[:, :k].any(1).mean()) for k in ks}


def retrieval_map(emb: np.ndarray, y: np.ndarray) -> float:
    """Mean average precision of retrieval: each image a query ranking all the others (scikit-learn's AP)."""
    from sklearn.metrics import average_precision_score

    order, d = _ranking(emb)
    aps = [average_precision_score(y[order[i]] == y[i], -d[i]) for i in range(len(y)) if (y[order[i]] == y[i]).any()]
    return float(np.mean(aps))


@dataclass
class Gallery:
    """Enrolled classes: each a few template embeddings (§18.3, new classes without retraining)."""

    names: list[str]
    templates: list[np.ndarray]  # one (n_templates, E) array per class

    def enrol(self, name: str, emb: np.ndarray) -> Gallery:
        """A new gallery with class `name` (added or replaced) from its (n, E) template embeddings."""
        names, templates = list(self.names), list(self.templates)
        if name in names:
            templates[names.index(name)] = np.asarray(emb, "float32")
        else:
            names.append(name)
            templates.append(np.asarray(emb, "float32"))
        return Gallery(names, templates)

    def mean_distances(self, q: np.ndarray) -> np.ndarray:
        """(n, E) queries -> (n, classes): the average distance to each class's templates."""
        return np.stack([distances(q, t).mean(1) for t in self.templates], axis=1)


def gallery_from(emb: np.ndarray, y: np.ndarray, names: list[str], per_class: int, seed: int = 0) -> Gallery:
    """Enrol every class present in y from `per_class` random templates each (seeded)."""
    rng = np.random.default_rng(seed)
    g = Gallery([], [])
    for c in np.unique(y):
        g = g.enrol(names[c], emb[rng.permutation(np.flatnonzero(y == c))[:per_class]])
    return g


def identify(gallery: Gallery, q: np.ndarray, gamma: float) -> tuple[list[str | None], np.ndarray]:
    """§18.3 identification: the class of minimum average distance, or None (rejected) when it is above γ.
    Returns the identities and the (n, classes) average distances."""
    d = gallery.mean_distances(np.atleast_2d(q))
    best = d.argmin(1)
    ids = [gallery.names[b] if d[i, b] <= gamma else None for i, b in enumerate(best)]
    return ids, d


def attempts(gallery: Gallery, genuine_q: np.ndarray, truth: list[str], impostor_q: np.ndarray
             ) -> tuple[np.ndarray, np.ndarray]:
    """Verification scores: genuine = each enrolled-class query's average distance to its own class's templates,
    impostor = each query of a class NOT enrolled: its smallest average distance to any enrolled class."""
    own = np.array([gallery.names.index(t) for t in truth])
    genuine = gallery.mean_distances(genuine_q)[np.arange(len(genuine_q)), own]
    return genuine, gallery.mean_distances(impostor_q).min(1)


def far_frr(genuine: np.ndarray, impostor: np.ndarray, gammas: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """False-accept rate (impostors at distance ≤ γ) and false-reject rate (genuine ones above γ) per γ."""
    gammas = np.asarray(gammas)[:, None]
    return (impostor[None] <= gammas).mean(1), (genuine[None] > gammas).mean(1)


def equal_error_gamma(genuine: np.ndarray, impostor: np.ndarray) -> float:
    """The γ where FAR and FRR cross (the equal error rate), searched over all observed distances."""
    gammas = np.unique(np.concatenate([genuine, impostor]))
    far, frr = far_frr(genuine, impostor, gammas)
    return float(gammas[np.argmin(np.abs(far - frr))])


def roc(genuine: np.ndarray, impostor: np.ndarray) -> dict:
    """ROC of verification (accept when the distance ≤ γ): false-accept vs true-accept rates, thresholds, AUC."""
    from sklearn.metrics import auc, roc_curve

    labels = np.r_[np.ones(len(genuine)), np.zeros(len(impostor))]
    fpr, tpr, thr = roc_curve(labels, -np.r_[genuine, impostor])
    return {"far": fpr, "tar": tpr, "gamma": -thr, "auc": float(auc(fpr, tpr))}


def id_accuracy(gallery: Gallery, q: np.ndarray, truth: list[str], gamma: float) -> float:
    """Identification accuracy at γ: the query is accepted and given its own class."""
    ids, _ = identify(gallery, q, gamma)
    return float(np.mean([i == t for i, t in zip(ids, truth)]))
