"""Generative adversarial networks (course §21–§22): the generator and discriminator of §22.2 (dense, layer
normalisation, leaky ReLU, tanh), a DCGAN-style convolutional pair, the conditional GAN of §22.5 (a label
embedding on both sides) and the GAN model of §22.3 with its own training step (k discriminator updates per
generator update; non-saturating or saturating generator loss)."""

from __future__ import annotations

from dataclasses import dataclass

import keras
import numpy as np
from keras import layers

from anndl.errors import SettingsError

KINDS = ("dense", "conv", "points")


@dataclass
class GANConfig:
    """A GAN of the course; `n_classes` > 0 makes it the conditional GAN of §22.5."""

    data_shape: tuple = (28, 28, 1)  # MNIST-sized images; (2,) for the 2-D toy GAN
    kind: str = "dense"  # §22.2's dense pair; "conv" = DCGAN-style; "points" = the 2-D toy
    latent: int = 64  # size of the noise z ~ N(0, I)
    n_classes: int = 10  # 0: unconditional GAN; else the label is embedded and given to both networks
    embed: int = 16  # size of the label embedding (a bias-free Dense on the one-hot label = an embedding table)
    hidden: tuple = (256, 512)  # generator widths (the discriminator mirrors them): §22.2's MLP
    filters: tuple = (64, 32)  # conv generator: 7×7×64 -> 14×14×64 -> 28×28×32 (the discriminator mirrors them)
    d_steps: int = 1  # k discriminator updates per generator update (§22.3); 5 shows a strong critic
    non_saturating: bool = True  # G minimises -log D(G(z)); False: log(1 - D(G(z))), which stalls early
    lr_d: float = 5e-4  # Adam with DCGAN's beta_1 = 0.5; 2.5× DCGAN's step: MNIST-5k digits in a few thousand steps
    lr_g: float = 5e-4
    slope: float = 0.2  # leaky ReLU slope (DCGAN)


def check(config: GANConfig) -> None:
    """Refuse settings the builders cannot honour, in one sentence."""
    if config.kind not in KINDS:
        raise SettingsError(f"Unknown GAN kind {config.kind!r}: use one of {', '.join(KINDS)}.")
    if not 1 <= config.latent <= 512:
        raise SettingsError(f"A latent size of {config.latent} is out of range: pick 1 to 512.")
    if not 1 <= config.d_steps <= 10:
        raise SettingsError(f"k = {config.d_steps} discriminator steps per generator step is out of range: pick 1–10.")
    if config.kind == "conv" and tuple(config.data_shape[:2]) != (28, 28):
        raise SettingsError("The convolutional GAN makes 28×28 images: pick MNIST or Fashion-MNIST.")
    if config.kind == "points" and tuple(config.data_shape) != (2,):
        raise SettingsError("The toy GAN makes 2-D points.")


def _inputs(config: GANConfig, first: keras.KerasTensor, name: str):
    """[first] or [first, one-hot label]; the label's embedding (batch, embed) or None."""
    if not config.n_classes:
        return [first], None
    label = keras.Input((config.n_classes,), name=f"{name}_label")  # one-hot (or a mix of classes: interpolation)
    return [first, label], layers.Dense(config.embed, use_bias=False, name=f"{name}_embedding")(label)


def build_generator(config: GANConfig) -> keras.Model:
    """z (latent,) [+ label (n_classes,)] -> a sample in [-1, 1] of data_shape (tanh output, §22.2)."""
    check(config)
    z = keras.Input((config.latent,), name="z")
    inputs, emb = _inputs(config, z, "g")
    x = z if emb is None else layers.Concatenate(name="g_concat")([z, emb])
    if config.kind == "conv":
        f0, f1 = config.filters
        x = layers.Dense(7 * 7 * f0, name="g_project")(x)
        x = layers.LeakyReLU(config.slope)(layers.LayerNormalization(name="g_norm0")(x))
        x = layers.Reshape((7, 7, f0))(x)
        for i, f in enumerate((f0, f1)):  # 7 -> 14 -> 28
            x = layers.Conv2DTranspose(f, 4, strides=2, padding="same", name=f"g_up{i + 1}")(x)
            x = layers.LeakyReLU(config.slope)(layers.LayerNormalization(name=f"g_norm{i + 1}")(x))
        out = layers.Conv2D(config.data_shape[-1], 5, padding="same", activation="tanh", name="g_out")(x)
    else:
        widths = (64, 64) if config.kind == "points" else config.hidden
        for i, w in enumerate(widths):
            x = layers.Dense(w, name=f"g_dense{i + 1}")(x)
            x = layers.LeakyReLU(config.slope)(layers.LayerNormalization(name=f"g_norm{i + 1}")(x))
        size = int(np.prod(config.data_shape))
        out = layers.Reshape(tuple(config.data_shape))(layers.Dense(size, activation="tanh", name="g_out")(x))
    return keras.Model(inputs, out, name="generator")


def build_discriminator(config: GANConfig) -> keras.Model:
    """x in [-1, 1] [+ label] -> one logit: real (> 0) or generated (< 0)."""
    check(config)
    x_in = keras.Input(tuple(config.data_shape), name="x")
    inputs, emb = _inputs(config, x_in, "d")
    x = x_in
    if config.kind == "conv":
        h, w, _ = config.data_shape
        if emb is not None:  # the label as one more image channel
            lab = layers.Reshape((h, w, 1))(layers.Dense(h * w, name="d_label_map")(emb))
            x = layers.Concatenate(name="d_concat")([x, lab])
        for i, f in enumerate(reversed(config.filters)):  # 28 -> 14 -> 7
            x = layers.LeakyReLU(config.slope)(layers.Conv2D(f, 4, strides=2, padding="same", name=f"d_conv{i + 1}")(x))
        x = layers.Flatten()(x)
    else:
        x = layers.Flatten()(x)
        if emb is not None:
            x = layers.Concatenate(name="d_concat")([x, emb])
        widths = (64, 64) if config.kind == "points" else tuple(reversed(config.hidden))
        for i, w in enumerate(widths):
            x = layers.LeakyReLU(config.slope)(layers.Dense(w, name=f"d_dense{i + 1}")(x))
    logit = layers.Dense(1, name="d_logit")(x)
    if emb is not None:  # projection (Miyato & Koyama 2018): + <embed(label), features>, a strong label signal
        proj = layers.Dense(x.shape[-1], use_bias=False, name="d_projection")(inputs[1])
        match = layers.Dot(axes=1, name="d_match")([proj, x])
        logit = layers.Add(name="d_logit_cond")([logit, match])
    return keras.Model(inputs, logit, name="discriminator")


def discriminator_loss(real_logits, fake_logits):
    """-log D(x) - log(1 - D(G(z))), averaged (§22.3); D = sigmoid(logit), so log D = -softplus(-logit)."""
    ops = keras.ops
    return ops.mean(ops.softplus(-real_logits)) + ops.mean(ops.softplus(fake_logits))


def generator_loss(fake_logits, non_saturating: bool = True):
    """Non-saturating: -log D(G(z)); saturating (the minimax one): log(1 - D(G(z))) = -softplus(logit)."""
    ops = keras.ops
    return ops.mean(ops.softplus(-fake_logits)) if non_saturating else -ops.mean(ops.softplus(fake_logits))


def latent_noise(n: int, latent: int, seed: int) -> np.ndarray:
    """z ~ N(0, I), (n, latent), from a NumPy generator: the same seed gives the same z on every backend."""
    return np.random.default_rng(seed).standard_normal((n, latent)).astype("float32")


def one_hot(labels, n_classes: int) -> np.ndarray:
    return np.eye(n_classes, dtype="float32")[np.asarray(labels, int)]


@keras.saving.register_keras_serializable(package="anndl")
class GAN(keras.Model):
    """Generator and discriminator trained against each other (§22.3): per batch, k discriminator updates on
    real and generated samples, then one generator update. `fit(x, y)` takes images in [0, 1] (points in
    [-1, 1]) and integer labels (ignored by an unconditional GAN)."""

    def __init__(self, generator, discriminator, d_steps: int = 1, non_saturating: bool = True,
                 rescale: bool = True, **kwargs):
        super().__init__(**kwargs)
        self.generator, self.discriminator = generator, discriminator
        self.d_steps, self.non_saturating, self.rescale = int(d_steps), bool(non_saturating), bool(rescale)
        self.latent = int(generator.inputs[0].shape[-1])
        self.n_classes = int(generator.inputs[1].shape[-1]) if len(generator.inputs) > 1 else 0
        self.noise = keras.random.SeedGenerator(0)
        self.trackers = {n: keras.metrics.Mean(name=n) for n in ("d_loss", "g_loss", "d_real", "d_fake")}
        self.built = True  # its two networks are; `fit` must not trace `call` on the training images to build it

    def compile(self, d_optimizer=None, g_optimizer=None, **kwargs):
        if keras.backend.backend() == "jax":  # the step jits itself (anndl.backend.train_step)
            kwargs["jit_compile"] = False
        super().compile(**kwargs)
        self.d_optimizer = d_optimizer or keras.optimizers.Adam(2e-4, beta_1=0.5)
        self.g_optimizer = g_optimizer or keras.optimizers.Adam(2e-4, beta_1=0.5)
        self.d_optimizer.build(self.discriminator.trainable_variables)
        self.g_optimizer.build(self.generator.trainable_variables)

    @property
    def metrics(self):
        return list(self.trackers.values())

    def _with_label(self, first, onehot):
        return [first, onehot] if self.n_classes else first

    def call(self, inputs, training=False):
        return self.generator(inputs, training=training)

    def generate(self, batch: int, onehot):
        z = keras.random.normal((batch, self.latent), seed=self.noise)
        return self.generator(self._with_label(z, onehot), training=True)

    def train_step(self, *args):  # (data), or (state, data) on JAX
        from anndl.backend import train_step

        return train_step(self, args, self._step, [*self.d_optimizer.variables, *self.g_optimizer.variables])

    def _step(self, data):
        from anndl.nets.gan_step import adversarial_step

        x, y = data if isinstance(data, tuple) else (data, None)
        x = keras.ops.cast(x, "float32")
        if self.rescale:
            x = x * 2.0 - 1.0  # [0, 1] pixels -> the generator's tanh range
        onehot = keras.ops.one_hot(keras.ops.cast(keras.ops.reshape(y, (-1,)), "int32"), self.n_classes) \
            if self.n_classes else None
        logs = adversarial_step(self, x, onehot)
        for name, value in logs.items():
            self.trackers[name].update_state(value)
        return {n: t.result() for n, t in self.trackers.items()}

    def get_config(self):
        return {**super().get_config(), "generator": keras.saving.serialize_keras_object(self.generator),
                "discriminator": keras.saving.serialize_keras_object(self.discriminator), "d_steps": self.d_steps,
                "non_saturating": self.non_saturating, "rescale": self.rescale}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for part in ("generator", "discriminator"):
            config[part] = keras.saving.deserialize_keras_object(config[part])
        return cls(**config)


def build_gan(config: GANConfig) -> GAN:
    """The compiled GAN of a configuration (Adam with beta_1 = 0.5 on both sides, DCGAN)."""
    gan = GAN(build_generator(config), build_discriminator(config), config.d_steps, config.non_saturating,
              rescale=config.kind != "points", name="gan")
    gan.compile(keras.optimizers.Adam(config.lr_d, beta_1=0.5), keras.optimizers.Adam(config.lr_g, beta_1=0.5))
    return gan
