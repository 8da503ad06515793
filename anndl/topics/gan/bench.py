"""`python -m anndl.bench gan`: the shipped MNIST cGAN scored by the judge, against keras.io's conditional GAN
example (its networks and training step, rewritten here; plain model.fit on numpy arrays) trained on the same
MNIST-5k training split for the same wall-clock time the shipped cGAN took, scored the same way.

JSON: value = the shipped cGAN's conditional accuracy (fraction of samples the judge reads as the class asked
for); extra.frechet_judge (shipped cGAN) and extra.frechet_noise (noise images) against the real test set in the
judge's feature space; extra.sample_ms = median time of a 16-image grid; baseline = keras.io's cGAN.
"""

from __future__ import annotations

import time

import keras
import numpy as np
from keras import layers

from anndl import zoo
from anndl.bench import Baseline, BenchResult
from anndl.train import set_seed

from .job import load_images, split_images
from .quality import Meter
from .sampler import sample_grid

LATENT, CLASSES = 128, 10  # keras.io's conditional GAN: latent 128, one-hot labels concatenated


class KerasIOConditionalGAN(keras.Model):
    """keras.io/examples/generative/conditional_gan: labels as extra input channels, one D and one G step."""

    def __init__(self):
        super().__init__()
        self.discriminator = keras.Sequential([
            keras.Input((28, 28, 1 + CLASSES)), layers.Conv2D(64, 3, strides=2, padding="same"), layers.LeakyReLU(0.2),
            layers.Conv2D(128, 3, strides=2, padding="same"), layers.LeakyReLU(0.2), layers.GlobalMaxPooling2D(),
            layers.Dense(1)])
        self.generator = keras.Sequential([
            keras.Input((LATENT + CLASSES,)), layers.Dense(7 * 7 * (LATENT + CLASSES)), layers.LeakyReLU(0.2),
            layers.Reshape((7, 7, LATENT + CLASSES)),
            layers.Conv2DTranspose(128, 4, strides=2, padding="same"), layers.LeakyReLU(0.2),
            layers.Conv2DTranspose(128, 4, strides=2, padding="same"), layers.LeakyReLU(0.2),
            layers.Conv2D(1, 7, padding="same", activation="sigmoid")])
        self.loss_fn = keras.losses.BinaryCrossentropy(from_logits=True)
        self.d_optimizer = keras.optimizers.Adam(3e-4)
        self.g_optimizer = keras.optimizers.Adam(3e-4)
        self.noise = keras.random.SeedGenerator(0)
        self.built = True  # its two networks are; `fit` must not trace a `call` to build it

    def compile(self):
        super().compile(jit_compile=False if keras.backend.backend() == "jax" else "auto")  # the step jits itself
        self.d_optimizer.build(self.discriminator.trainable_weights)
        self.g_optimizer.build(self.generator.trainable_weights)

    def train_step(self, *args):  # (data), or (state, data) on JAX: anndl.backend.train_step
        from anndl.backend import train_step

        return train_step(self, args, self._step, [*self.d_optimizer.variables, *self.g_optimizer.variables])

    def _step(self, data):
        from anndl.backend import loss_and_gradients

        images, labels = data
        onehot = keras.ops.one_hot(keras.ops.cast(labels, "int32"), CLASSES)
        maps = keras.ops.repeat(keras.ops.repeat(onehot[:, None, None, :], 28, 1), 28, 2)  # (n, 28, 28, 10)
        n = keras.ops.shape(images)[0]
        z = keras.random.normal((n, LATENT), seed=self.noise)
        fake = self.generator(keras.ops.concatenate([z, onehot], 1))
        both = keras.ops.concatenate([keras.ops.concatenate([fake, maps], -1),
                                      keras.ops.concatenate([images, maps], -1)], 0)
        target = keras.ops.concatenate([keras.ops.ones((n, 1)), keras.ops.zeros((n, 1))], 0)  # 1 = fake
        d_loss, _, grads = loss_and_gradients(lambda: (self.loss_fn(target, self.discriminator(both)), None),
                                              self.discriminator.trainable_weights)
        self.d_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_weights))
        z = keras.random.normal((n, LATENT), seed=self.noise)

        def g_loss_fn():
            fake = self.generator(keras.ops.concatenate([z, onehot], 1))
            fake_logits = self.discriminator(keras.ops.concatenate([fake, maps], -1))
            return self.loss_fn(keras.ops.zeros((n, 1)), fake_logits), None

        g_loss, _, grads = loss_and_gradients(g_loss_fn, self.generator.trainable_weights)
        self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_weights))
        return {"d_loss": d_loss, "g_loss": g_loss}


class WallClock(keras.callbacks.Callback):
    """Stops training after `seconds` (checked after every batch); counts the steps taken."""

    def __init__(self, seconds: float, max_steps: int | None = None):
        super().__init__()
        self.seconds, self.max_steps, self.steps = seconds, max_steps, 0

    def on_train_begin(self, logs=None):
        self.t0 = time.perf_counter()

    def on_train_batch_end(self, batch, logs=None):
        self.steps += 1
        if time.perf_counter() - self.t0 > self.seconds or (self.max_steps and self.steps >= self.max_steps):
            self.model.stop_training = True


def as_sampler_generator(base: keras.Model) -> keras.Model:
    """keras.io's generator behind the page's interface: [z, one-hot] -> image in [-1, 1]."""
    z, label = keras.Input((LATENT,)), keras.Input((CLASSES,))
    out = base(layers.Concatenate()([z, label]))
    return keras.Model([z, label], layers.Rescaling(2.0, offset=-1.0)(out))


def run_baseline(sp, seconds: float, seed: int, max_steps: int | None = None) -> dict:
    set_seed(seed)
    gan = KerasIOConditionalGAN()
    gan.compile()
    clock = WallClock(seconds, max_steps)
    t0 = time.perf_counter()
    gan.fit(sp.x_train, sp.y_train.astype("int32"), batch_size=64, epochs=10_000, shuffle=True, verbose=0,
            callbacks=[clock])
    return {"generator": as_sampler_generator(gan.generator), "train_s": time.perf_counter() - t0,
            "steps": clock.steps}


def sample_ms(generator, repeats: int = 21) -> float:
    """Median milliseconds of one 16-image grid (a seed's noise, labels 0–9 in turn)."""
    sample_grid(generator, 0, 16)  # warm-up: the first call traces
    times = []
    for i in range(repeats):
        t0 = time.perf_counter()
        sample_grid(generator, i, 16)
        times.append((time.perf_counter() - t0) * 1000)
    return float(np.median(times))


def bench(quick: bool = False, seed: int = 0, tiny: bool = False) -> BenchResult:
    from anndl.device import backend_device

    sp = split_images(load_images("mnist", seed), seed)
    meter = Meter(zoo.load("gan_judge_mnist"), sp.x_test, n=200 if tiny else 1000, seed=seed)
    shipped, meta = zoo.load("gan_cgan_mnist"), zoo.info("gan_cgan_mnist")
    ours = meter(shipped)
    seconds = 2.0 if tiny else 60.0 if quick else float(meta["train_s"])  # the shipped cGAN's own training time
    base = run_baseline(sp, seconds, seed, max_steps=2 if tiny else None)
    theirs = meter(base["generator"])
    ms = sample_ms(shipped, 3 if tiny else 21)
    steps = meta["epochs_run"] * -(-len(sp.x_train) // meta["config"]["batch"])
    table = [{"run": "shipped cGAN (page, dense §22.2 + label embedding)", "train_s": meta["train_s"],
              "G steps": steps, "cond. accuracy": ours["cond_accuracy"], "coverage": ours["coverage"],
              "Fréchet": ours["frechet"]},
             {"run": f"keras.io conditional GAN, {seconds:.0f} s",
              "train_s": base["train_s"], "G steps": base["steps"], "cond. accuracy": theirs["cond_accuracy"],
              "coverage": theirs["coverage"], "Fréchet": theirs["frechet"]},
             {"run": "noise images", "Fréchet": ours["frechet_noise"]}]
    extra = {"frechet_judge": round(ours["frechet"], 3), "frechet_noise": round(ours["frechet_noise"], 3),
             "sample_ms": round(ms, 2), "coverage": ours["coverage"],
             "baseline_frechet": round(theirs["frechet"], 3), "baseline_steps": base["steps"],
             "judge_test_accuracy": zoo.info("gan_judge_mnist")["metrics"]["test_accuracy"], "samples": meter.n}
    return BenchResult(topic="gan", dataset=f"mnist-5k ({len(sp.x_train):,} train / {len(sp.x_test):,} test, "
                       f"seed {seed})", metric="conditional_accuracy_by_judge", value=ours["cond_accuracy"],
                       train_s=float(meta["train_s"]),
                       samples_per_s=len(sp.x_train) * meta["epochs_run"] / max(meta["train_s"], 1e-9),
                       baseline=Baseline("keras.io conditional GAN (same training time)", theirs["cond_accuracy"],
                                         float(base["train_s"])),
                       device=backend_device(), rows=table, extra=extra)
