"""Autoencoder latent explorer (course §19–§20): data, the training job with live reconstructions, the
evaluation (reconstruction error per class) and the classifier-initialisation experiment of §19.3."""

from __future__ import annotations

import numpy as np

from anndl.data import Dataset, Split, load, split
from anndl.jobs import job_of, save_model
from anndl.nets.autoencoder import AEConfig, build_autoencoder, build_classifier, encoder_of

DATASETS = {"mnist": "MNIST (5,000 digits)", "fashion_mnist": "Fashion-MNIST (10,000 items)",
            "digits": "Digits 8×8 (1,797)"}
FASHION_N = 10_000  # a CPU-sized slice of Fashion-MNIST's 70,000: an epoch in a few seconds
SHOW = 8  # fixed test images reconstructed after every epoch (the live view)
DEFAULTS = dict(kind="conv", latent=2, noise=0.0, deform=0.0, variational=False, beta=1.0, lr=1e-3, batch=128,
                epochs=15)
INIT_LABELS = (1, 10, 50)  # labels per class of the §19.3 experiment: where pre-training helps, and where not
INIT_AE = dict(latent=64, deform=0.1, epochs=60)  # §19.3's autoencoder: denoising ±10 %, ±10° moves gains most
INIT_SEEDS = (0, 1, 2, 3, 4, 5)  # draws of the labelled images: one draw's gain varies by ±0.02, six make it ±0.01
INIT_LR = 3e-3  # fine-tuning rate of both §19.3 arms: scratch as good as at 1e-3 (0.768 / 0.771), initialised better


def load_images(name: str, seed: int = 0) -> Dataset:
    """The page's image sets by name (offline sources, DESIGN §3)."""
    if name not in DATASETS:
        raise KeyError(f"Unknown dataset {name!r}; known: {', '.join(DATASETS)}")
    return load(name, n=FASHION_N, seed=seed) if name == "fashion_mnist" else load(name)


def split_images(ds: Dataset, seed: int = 0) -> Split:
    """Stratified, seeded 72 / 8 / 20 % train / validation / test split."""
    return split(ds, test=0.2, val=0.1, seed=seed)


def config_from(params: dict, input_shape: tuple) -> AEConfig:
    """The network part of a page/job parameter dict."""
    p = {**DEFAULTS, **params}
    return AEConfig(input_shape=tuple(input_shape), latent=int(p["latent"]), kind=p["kind"], noise=float(p["noise"]),
                    deform=float(p["deform"]), variational=bool(p["variational"]), beta=float(p["beta"]),
                    learning_rate=float(p["lr"]))


def run_model(model, x: np.ndarray) -> np.ndarray:
    """One compiled, batched call (no `predict` pipeline) for a few hundred inputs at most."""
    from anndl.predict import predict_batch

    return predict_batch(model, x)


def per_image_mse(model, x: np.ndarray) -> np.ndarray:
    """Mean squared reconstruction error of each image, (n,)."""
    out = model.predict(x, batch_size=256, verbose=0)
    return ((out - x) ** 2).reshape(len(x), -1).mean(1)


def evaluate(model, sp: Split, n_classes: int) -> dict:
    """Test reconstruction MSE, overall and per class (which classes the code keeps worst)."""
    err = per_image_mse(model, sp.x_test)
    return {"test_mse": float(err.mean()),
            "per_class_mse": [float(err[sp.y_test == k].mean()) if np.any(sp.y_test == k) else None
                              for k in range(n_classes)]}


def train(params: dict, report=None, cancelled=None, max_epochs=None, workdir: str | None = None) -> dict:
    """Build, train and evaluate one autoencoder; each epoch event carries the fixed test images' reconstructions."""
    from anndl.train import FitConfig, fit, set_seed

    seed = int(params.get("seed", 0))
    ds = load_images(params.get("dataset", "mnist"), seed)
    sp = split_images(ds, seed)
    set_seed(seed)
    model = build_autoencoder(config_from(params, ds.x.shape[1:]))
    shown = sp.x_test[:SHOW]

    def extra(m, epoch):  # (SHOW, h, w) reconstructions, rounded: a small event
        return {"recon": run_model(m, shown)[..., 0].round(3).tolist()}

    cfg = FitConfig(epochs=int(params.get("epochs", DEFAULTS["epochs"])), batch_size=int(params.get("batch", 64)),
                    early_stopping=int(params.get("early_stopping", 0)), seed=seed)
    summary = fit(model, sp.x_train, sp.x_train, cfg, validation_data=(sp.x_val, sp.x_val), report=report,
                  cancelled=cancelled, extra=extra, max_epochs=max_epochs)
    summary.update(evaluate(model, sp, ds.n_classes))
    summary.update(params=params, class_names=ds.class_names, dataset=ds.name, source=ds.source)
    if workdir:
        summary["model_path"] = save_model(model, workdir)
    return summary


train_job = job_of(train)  # the job target anndl.topics.autoencoder.job:train_job


def few_labels(y: np.ndarray, k: int, seed: int) -> np.ndarray:
    """Indices of `k` labelled examples per class (the rest of the training set counts as unlabelled)."""
    rng = np.random.default_rng(seed)
    return np.concatenate([rng.permutation(np.flatnonzero(y == c))[:k] for c in np.unique(y)])


def init_experiment(autoencoder, sp: Split, n_classes: int, labels: tuple = INIT_LABELS, epochs: int = 40,
                    seeds: tuple = INIT_SEEDS, report=None, learning_rate: float = INIT_LR) -> list[dict]:
    """§19.3: classifiers on the encoder's architecture trained on `k` labels per class, initialised from the
    autoencoder or at random, scored on the same test set; mean test accuracy over `seeds` per k."""
    from anndl.train import FitConfig, fit, set_seed

    encoder = encoder_of(autoencoder)
    rows = []
    for k in labels:
        acc = {"ae_init": [], "scratch": []}
        for seed in seeds:
            idx = few_labels(sp.y_train, k, seed)
            for name in acc:
                set_seed(seed)
                clf = build_classifier(encoder, n_classes, init=name == "ae_init", learning_rate=learning_rate)
                fit(clf, sp.x_train[idx], sp.y_train[idx], FitConfig(epochs=epochs, batch_size=32, seed=seed))
                acc[name].append(float(clf.evaluate(sp.x_test, sp.y_test, batch_size=512, verbose=0)[1]))
        rows.append({"labels_per_class": k, **{n: float(np.mean(v)) for n, v in acc.items()}, "draws": len(seeds)})
        if report is not None:
            report({"kind": "epoch", "epoch": len(rows), "epochs": len(labels), "logs": {}, "elapsed": 0.0})
    return rows


def init_job(params: dict, ctx) -> dict:
    """The §19.3 experiment as a job: the autoencoder file the page shows (one this app wrote) against scratch."""
    from anndl.zoo import load_file

    seed = int(params.get("seed", 0))
    ds = load_images(params.get("dataset", "mnist"), seed)
    rows = init_experiment(load_file(params["model_path"], "autoencoder"), split_images(ds, seed), ds.n_classes,
                           labels=tuple(params.get("labels", INIT_LABELS)), epochs=int(params.get("epochs", 40)),
                           seeds=tuple(params.get("seeds", INIT_SEEDS)), report=ctx.report)
    return {"init_rows": rows, "params": params}
