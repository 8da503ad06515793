"""Shipped artifacts of the GAN page: the generators of a conditional GAN and of a GAN on MNIST-5k (the sampler
needs the generator only), and the judge classifier that scores them."""

from __future__ import annotations

from anndl import zoo

from .job import DEFAULTS, train_judge

SHIPPED_EPOCHS = 60  # about 3,400 generator steps: digits the judge reads, in a few minutes on a 2-core CPU


def _generator(dataset: str, conditional: bool, seed: int, epochs: int = SHIPPED_EPOCHS):
    params = {**DEFAULTS, "dataset": dataset, "conditional": conditional, "epochs": epochs, "seed": seed}
    out, model = zoo.trained("gan", params)
    last = out["quality"][-1] if out["quality"] else {}
    info = {"config": params, "class_names": out["class_names"], "epochs_run": out["epochs_run"],
            "data": {"dataset": dataset, "source": out["source"],
                     "split": "stratified 72/8/20 % train/validation/test (anndl.topics.gan.job.split_images); "
                              "trained on the 72 %"},
            "metrics": {k: v for k, v in last.items() if k != "epoch"},
            "history": out["history"], "quality": out["quality"]}
    return model, info


def _judge(dataset: str, seed: int):
    model, acc = train_judge(dataset, seed)
    return model, {"config": {"dataset": dataset, "epochs": 15, "features": 64, "seed": seed},
                   "data": {"dataset": dataset, "split": "stratified 72/8/20 % (anndl.topics.gan.job.split_images)"},
                   "metrics": {"test_accuracy": acc}}


def gan_judge_mnist(seed: int = 0):
    """Shipped artifact: the judge, a small CNN trained on the real MNIST-5k training images only."""
    return _judge("mnist", seed)


def gan_judge_fashion(seed: int = 0):
    """Shipped artifact: the judge of 10,000 Fashion-MNIST items (its real training images only)."""
    return _judge("fashion_mnist", seed)


def gan_cgan_mnist(seed: int = 0):
    """Shipped artifact: the generator of the default dense conditional GAN (§22.5) on MNIST-5k."""
    return _generator("mnist", True, seed)


def gan_mnist(seed: int = 0):
    """Shipped artifact: the generator of the default dense unconditional GAN (§22.2) on MNIST-5k."""
    return _generator("mnist", False, seed)


def gan_fashion(seed: int = 0):
    """Shipped artifact: the default dense unconditional GAN (§22.2) on 10,000 Fashion-MNIST items (half the epochs)."""
    return _generator("fashion_mnist", False, seed, SHIPPED_EPOCHS // 2)


def gan_cgan_fashion(seed: int = 0):
    """Shipped artifact: the default dense cGAN on 10,000 Fashion-MNIST items (twice the images: half the epochs)."""
    return _generator("fashion_mnist", True, seed, SHIPPED_EPOCHS // 2)
