"""Shipped artifacts of the autoencoder page: conv autoencoders on MNIST-5k and on 10,000 Fashion-MNIST items,
each with a 2-D and a 64-D latent space, and the MNIST one the §19.3 experiment gains most from."""

from __future__ import annotations

from anndl import zoo

from .job import DEFAULTS, INIT_AE, init_experiment, load_images, split_images


def _zoo(dataset: str, latent: int, seed: int, init: bool = False, **knobs):
    params = {**DEFAULTS, "dataset": dataset, "latent": latent, "seed": seed, **knobs}
    out, model = zoo.trained("autoencoder", params)
    info = {"config": params, "class_names": out["class_names"], "epochs_run": out["epochs_run"],
            "data": {"dataset": dataset, "source": out["source"],
                     "split": "stratified 72/8/20 % train/validation/test (anndl.topics.autoencoder.job.split_images)"},
            "metrics": {"test_mse": out["test_mse"], "per_class_mse": out["per_class_mse"],
                        "val_mse": out["history"]["val_mse"][-1]}}
    if init:  # §19.3, measured once at build time so the page shows it without waiting
        ds = load_images(dataset, seed)
        info["init_rows"] = init_experiment(model, split_images(ds, seed), ds.n_classes)
    return model, info


def ae_mnist2(seed: int = 0):
    """Shipped artifact: the default conv autoencoder with a 2-D code, drawn as it is (§20.4)."""
    return _zoo("mnist", 2, seed)


def ae_mnist64(seed: int = 0):
    """Shipped artifact: the conv autoencoder with a 64-D code (projected to 2-D), with the §19.3 experiment."""
    return _zoo("mnist", 64, seed, init=True)


def ae_mnist64_deform(seed: int = 0):
    """Shipped artifact: §19.3's autoencoder, denoising by random ±10 %, ±10° moves (60 epochs), with the experiment."""
    return _zoo("mnist", INIT_AE["latent"], seed, init=True, deform=INIT_AE["deform"], epochs=INIT_AE["epochs"])


def ae_fashion2(seed: int = 0):
    """Shipped artifact: the default conv autoencoder with a 2-D code on 10,000 Fashion-MNIST items."""
    return _zoo("fashion_mnist", 2, seed)


def ae_fashion64(seed: int = 0):
    """Shipped artifact: the conv autoencoder with a 64-D code on 10,000 Fashion-MNIST items."""
    return _zoo("fashion_mnist", 64, seed)
