"""Siamese retrieval (course §18.3): MNIST digits 0–7 to train the shared encoder, 8–9 held out for enrolment; the
training job with a live 2-D embedding map, and the evaluation (recall@k, mAP, γ, identification of new classes)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from anndl.data import Dataset, Split, load, split
from anndl.jobs import job_of, save_model
from anndl.nets.siamese import SiameseConfig, build_siamese, embedding_of

from . import retrieval as rt

SEEN = tuple(range(8))  # digits the encoder is trained on
UNSEEN = (8, 9)  # held out: enrolled from a few templates, never trained on
TEMPLATES = 5  # templates per enrolled class (§18.3: a few images of a new identity)
MAP_PER_CLASS = 20  # fixed test images per class replayed on the embedding map each epoch (200 points)
DEFAULTS = dict(loss="triplet", mining="semi-hard", margin=None, embedding=32, normalize=False, epochs=8, batch=128,
                lr=1e-3)
NAMES = [str(i) for i in range(10)]


@dataclass
class Data(Split):
    """Seen digits split 72/8/20 % train/validation/test; held-out digits as templates and queries."""

    x_new: np.ndarray  # held-out digits, templates first (TEMPLATES per class), then the queries
    y_new: np.ndarray
    source: str

    @property
    def n_templates(self) -> int:
        return TEMPLATES * len(UNSEEN)

    def queries(self, per_class: int) -> np.ndarray:
        """Indices into x_new of `per_class` held-out queries of each class (templates excluded)."""
        k = self.n_templates
        return np.concatenate([k + np.flatnonzero(self.y_new[k:] == c)[:per_class] for c in UNSEEN])

    def map_index(self) -> tuple[np.ndarray, np.ndarray]:
        """Indices of the fixed map images: MAP_PER_CLASS per class from x_test (seen) and the queries (held out)."""
        seen = np.concatenate([np.flatnonzero(self.y_test == c)[:MAP_PER_CLASS] for c in SEEN])
        return seen, self.queries(MAP_PER_CLASS)

    def map_images(self) -> tuple[np.ndarray, np.ndarray]:
        seen, new = self.map_index()
        return np.concatenate([self.x_test[seen], self.x_new[new]]), np.concatenate([self.y_test[seen],
                                                                                    self.y_new[new]])


def load_data(seed: int = 0, n: int | None = None) -> Data:
    """MNIST-5k (offline): digits 0–7 split for training, 8–9 held out (TEMPLATES per class first); `n` caps the
    number of images (a stratified subset, for tiny tests)."""
    ds = load("mnist", n=n, seed=seed)  # n: a stratified subset
    x, y = ds.x, ds.y
    seen = np.isin(y, SEEN)
    sp = split(Dataset("mnist_0_7", x[seen], y[seen], "multiclass", [], NAMES[:8]), test=0.2, val=0.1, seed=seed)
    rng = np.random.default_rng(seed)
    new = [rng.permutation(np.flatnonzero(y == c)) for c in UNSEEN]
    order = np.concatenate([i[:TEMPLATES] for i in new] + [i[TEMPLATES:] for i in new])
    return Data(**vars(sp), x_new=x[order], y_new=y[order], source=ds.source)


def config_from(params: dict, input_shape: tuple = (28, 28, 1)) -> SiameseConfig:
    p = {**DEFAULTS, **params}
    return SiameseConfig(input_shape=tuple(input_shape), embedding=int(p["embedding"]), normalize=bool(p["normalize"]),
                         loss=p["loss"], margin=None if p["margin"] is None else float(p["margin"]),
                         mining=p["mining"], learning_rate=float(p["lr"]), n_classes=len(SEEN))


def embed(model, x: np.ndarray) -> np.ndarray:
    """(n, E) embeddings of many images (the softmax baseline: its penultimate layer), batched."""
    import keras

    enc = embedding_of(model)
    out = [keras.ops.convert_to_numpy(enc(keras.ops.convert_to_tensor(x[i:i + 512]), training=False))
           for i in range(0, len(x), 512)]
    return np.concatenate(out).astype("float32")


def pca_2d(emb: np.ndarray, basis: tuple | None = None) -> tuple[np.ndarray, tuple]:
    """(n, 2) PCA projection of (n, E) embeddings; `basis` = (mean, components) reuses a fixed projection."""
    if basis is None:
        mean = emb.mean(0)
        _, _, vt = np.linalg.svd(emb - mean, full_matrices=False)
        basis = (mean, vt[:2])
    return (emb - basis[0]) @ basis[1].T, basis


def mined_triplets(model, x: np.ndarray, y: np.ndarray, mining: str, seed: int = 0) -> dict:
    """How one mini-batch is sampled (§18.3): per anchor the positive, the negative and their distances D."""
    import keras

    from anndl.nets.siamese import mine, pair_distances

    d2 = pair_distances(keras.ops.convert_to_tensor(embed(model, x)))
    p, n, valid = (keras.ops.convert_to_numpy(t) for t in
                   mine(d2, keras.ops.convert_to_tensor(y.astype("float32")), mining, keras.random.SeedGenerator(seed)))
    d = np.sqrt(keras.ops.convert_to_numpy(d2))
    return {"p": p, "n": n, "valid": valid, "d_ap": d[np.arange(len(x)), p], "d_an": d[np.arange(len(x)), n]}


def evaluate(model, data: Data, seed: int = 0) -> dict:
    """Recall@1/@5 and mAP on the seen test digits. γ: the equal error rate on seen validation digits, digits 0–3
    enrolled from TEMPLATES training images each, 4–7 the impostors. Then digits 8–9 enrolled from TEMPLATES each:
    their other images identified at γ (unseen_id_acc), the seen test digits as impostors (FAR/FRR, ROC)."""
    e_test, e_train, e_val, e_new = (embed(model, x) for x in (data.x_test, data.x_train, data.x_val, data.x_new))
    recall = rt.recall_at_k(e_test, data.y_test, (1, 5))
    half = data.y_train < 4
    known = rt.gallery_from(e_train[half], data.y_train[half], NAMES, TEMPLATES, seed)
    enrolled = data.y_val < 4
    gamma = rt.equal_error_gamma(*rt.attempts(known, e_val[enrolled], [NAMES[c] for c in data.y_val[enrolled]],
                                              e_val[~enrolled]))
    k = data.n_templates
    gallery = rt.gallery_from(e_new[:k], data.y_new[:k], NAMES, TEMPLATES, seed)
    truth = [NAMES[c] for c in data.y_new[k:]]
    genuine, impostor = rt.attempts(gallery, e_new[k:], truth, e_test)
    gammas = np.linspace(0.0, float(np.percentile(np.r_[genuine, impostor], 99)) * 1.1, 60)
    far, frr = rt.far_frr(genuine, impostor, gammas)
    curve = rt.roc(genuine, impostor)
    return {"recall1": recall[1], "recall5": recall[5], "map": rt.retrieval_map(e_test, data.y_test),
            "gamma": gamma, "unseen_id_acc": rt.id_accuracy(gallery, e_new[k:], truth, gamma),
            "unseen_id_acc_no_reject": rt.id_accuracy(gallery, e_new[k:], truth, np.inf),
            "unseen_far": float((impostor <= gamma).mean()),
            "far_frr": {"gamma": gammas.round(4).tolist(), "far": far.round(4).tolist(), "frr": frr.round(4).tolist()},
            "roc_auc": curve["auc"], "roc": {"far": curve["far"][::4].round(4).tolist() + [1.0],
                                             "tar": curve["tar"][::4].round(4).tolist() + [1.0]}}


def train(params: dict, report=None, cancelled=None, max_epochs=None, workdir: str | None = None,
          data: Data | None = None) -> dict:
    """Train the encoder with the chosen loss; each epoch event carries the fixed map images' 2-D PCA points."""
    from anndl.train import FitConfig, fit, set_seed

    seed = int(params.get("seed", 0))
    data = data or load_data(seed, params.get("n"))
    set_seed(seed)
    model = build_siamese(config_from(params, data.x_train.shape[1:]))
    shown, _ = data.map_images()
    frames: list[np.ndarray] = []

    def extra(m, epoch):  # 2-D points of this epoch's own PCA (live), raw embeddings kept for the replay
        frames.append(embed(m, shown))
        return {"points": pca_2d(frames[-1])[0].round(3).tolist()}

    cfg = FitConfig(epochs=int(params.get("epochs", DEFAULTS["epochs"])), batch_size=int(params.get("batch", 128)),
                    seed=seed)
    summary = fit(model, data.x_train, data.y_train, cfg, validation_data=(data.x_val, data.y_val), report=report,
                  cancelled=cancelled, extra=extra, max_epochs=max_epochs)
    summary.update(evaluate(model, data, seed))
    _, basis = pca_2d(frames[-1])  # one fixed projection (the last epoch's) for every epoch of the replay
    summary["replay"] = [pca_2d(f, basis)[0].round(3).tolist() for f in frames]
    summary.update(params=params, source=data.source)
    if workdir:
        summary["model_path"] = save_model(model, workdir)
    return summary


train_job = job_of(train)  # the job target anndl.topics.siamese.job:train_job
