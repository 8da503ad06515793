"""GAN and conditional GAN sampler (course §21–§22): data, the training job with the fixed-noise monitor grid
and the quality meter per epoch (§22.4), the judge classifier's job and the 2-D toy GAN's job."""

from __future__ import annotations

import numpy as np

from anndl.data import Dataset, load
from anndl.errors import SettingsError
from anndl.jobs import job_of, save_model
from anndl.nets.gan import GANConfig, build_gan, latent_noise, one_hot

from ..autoencoder.job import load_images as autoencoder_images
from ..autoencoder.job import split_images  # noqa: F401  stratified 72/8/20 %, shared by the judge and the GAN
from .quality import JUDGES, Meter, generate

DATASETS = {"mnist": "MNIST (5,000 digits)", "fashion_mnist": "Fashion-MNIST (10,000 items)"}
DEFAULTS = dict(kind="dense", conditional=True, latent=64, d_steps=1, non_saturating=True, lr_d=5e-4, lr_g=5e-4,
                batch=64, epochs=20)
MONITOR = 20  # images of the fixed-noise monitor grid (two per class for a cGAN)
TOYS = ("ring", "moons", "spiral")


def load_images(name: str, seed: int = 0) -> Dataset:
    """The page's 28×28 image sets by name (the autoencoder page's offline sources and split, DESIGN §3)."""
    if name not in DATASETS:
        raise SettingsError(f"Unknown dataset {name!r}: pick one of {', '.join(DATASETS)}.")
    return autoencoder_images(name, seed)


def config_from(params: dict, data_shape: tuple = (28, 28, 1)) -> GANConfig:
    """The network part of a page/job parameter dict."""
    p = {**DEFAULTS, **params}
    return GANConfig(data_shape=tuple(data_shape), kind=p["kind"], latent=int(p["latent"]),
                     n_classes=10 if p["conditional"] else 0, d_steps=int(p["d_steps"]),
                     non_saturating=bool(p["non_saturating"]), lr_d=float(p["lr_d"]), lr_g=float(p["lr_g"]))


def monitor_inputs(latent: int, n_classes: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray | None]:
    """The fixed noise (and labels: 0..9, twice) the monitor grid is drawn from after every epoch."""
    z = latent_noise(MONITOR, latent, seed + 12345)
    return z, one_hot(np.arange(MONITOR) % n_classes, n_classes) if n_classes else None


def meter_for(dataset: str, x_test: np.ndarray, seed: int = 0) -> Meter | None:
    """The quality meter when the dataset's judge is shipped, else None (the page says so)."""
    from anndl import zoo

    name = JUDGES.get(dataset)
    if name is None or not zoo.exists(name):
        return None
    return Meter(zoo.load(name), x_test, seed=seed)


def train(params: dict, report=None, cancelled=None, max_epochs=None, workdir: str | None = None) -> dict:
    """Build and train one GAN; each epoch event carries the monitor grid and the quality meter's figures."""
    from anndl.train import FitConfig, fit, set_seed

    seed = int(params.get("seed", 0))
    ds = load_images(params.get("dataset", "mnist"), seed)
    sp = split_images(ds, seed)
    set_seed(seed)
    cfg = config_from(params, ds.x.shape[1:])
    gan = build_gan(cfg)
    gan.run_eagerly = bool(params.get("eager", False))  # a few steps (tests): tracing would cost more than running
    z, labels = monitor_inputs(cfg.latent, cfg.n_classes, seed)
    meter = meter_for(ds.name, sp.x_test, seed)
    quality: list[dict] = []

    def extra(m, epoch):  # (MONITOR, h, w) pixels 0–255 and the quality figures: a small event
        out = {"grid": (generate(m.generator, z, labels)[..., 0] * 255).round().astype(int).tolist()}
        if meter is not None:
            out["quality"] = {"epoch": epoch + 1, **meter(m.generator)}
            quality.append(out["quality"])
        return out

    n = int(params.get("n_train", len(sp.x_train)))  # tests train on a few images
    fcfg = FitConfig(epochs=int(params.get("epochs", DEFAULTS["epochs"])),
                     batch_size=int(params.get("batch", DEFAULTS["batch"])), seed=seed, monitor="g_loss")
    summary = fit(gan, sp.x_train[:n], sp.y_train[:n], fcfg, report=report, cancelled=cancelled, extra=extra,
                  max_epochs=max_epochs)
    summary.update(params=params, quality=quality, class_names=ds.class_names, dataset=ds.name, source=ds.source,
                   d_updates=int(gan.d_optimizer.iterations), g_updates=int(gan.g_optimizer.iterations))
    if workdir:
        summary["model_path"] = save_model(gan.generator, workdir)  # the sampler needs the generator only
    return summary


train_job = job_of(train)  # the job target anndl.topics.gan.job:train_job


def train_judge(dataset: str = "mnist", seed: int = 0, epochs: int = 15, workdir: str | None = None):
    """The judge: a small CNN trained on the real training images alone; (model, test accuracy)."""
    from anndl.train import FitConfig, fit, set_seed

    from .quality import build_judge

    ds = load_images(dataset, seed)
    sp = split_images(ds, seed)
    set_seed(seed)
    judge = build_judge(ds.x.shape[1:], ds.n_classes)
    fit(judge, sp.x_train, sp.y_train, FitConfig(epochs=epochs, batch_size=64, seed=seed),
        validation_data=(sp.x_val, sp.y_val))
    return judge, float(judge.evaluate(sp.x_test, sp.y_test, batch_size=500, verbose=0)[1])


def toy_points(name: str, n: int = 1000, seed: int = 0) -> np.ndarray:
    """(n, 2) points in [-0.9, 0.9]²: a ring of 8 Gaussians (GAN Lab's favourite), two moons or a spiral."""
    rng = np.random.default_rng(seed)
    if name == "ring":
        angle = rng.integers(0, 8, n) * np.pi / 4
        pts = np.stack([np.cos(angle), np.sin(angle)], 1) + rng.normal(0, 0.06, (n, 2))
    elif name in ("moons", "spiral"):
        ds = load(name, n=n, noise=0.05, seed=seed)
        pts = ds.x - ds.x.mean(0)
    else:
        raise SettingsError(f"Unknown toy data {name!r}: pick one of {', '.join(TOYS)}.")
    return (0.9 * pts / np.abs(pts).max()).astype("float32")


def toy_job(params: dict, ctx) -> dict:
    """The 2-D toy GAN of the first minute of the lecture: real and generated points after every epoch."""
    from anndl.train import FitConfig, fit, set_seed

    seed = int(params.get("seed", 0))
    real = toy_points(params.get("toy", "ring"), 1000, seed)
    set_seed(seed)
    cfg = GANConfig(data_shape=(2,), kind="points", latent=2, n_classes=0, d_steps=int(params.get("d_steps", 1)),
                    non_saturating=bool(params.get("non_saturating", True)), lr_d=float(params.get("lr", 1e-3)),
                    lr_g=float(params.get("lr", 1e-3)))
    gan = build_gan(cfg)
    gan.run_eagerly = bool(params.get("eager", False))
    z = latent_noise(300, 2, seed + 1)

    def extra(m, epoch):
        return {"fake": np.round(generate(m.generator, z) * 2 - 1, 3).tolist()}

    summary = fit(gan, real, np.zeros(len(real), "int32"),
                  FitConfig(epochs=int(params.get("epochs", 40)), batch_size=100, seed=seed, monitor="g_loss"),
                  report=ctx.report, cancelled=ctx.cancelled, extra=extra, max_epochs=ctx.max_epochs)
    summary.update(params=params, real=real[:300].round(3).tolist(), fake=extra(gan, 0)["fake"])
    return summary


toy_job.size = "small"  # 2-D points and tiny dense nets: a CPU trains them as fast as a GPU (anndl.jobs_ray)
