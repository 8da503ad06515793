"""Autoencoders (course §19–§20): dense and convolutional encoder/decoder pairs, the denoising variant, the
encoder-initialised classifier of §19.3, and a variational autoencoder (beyond the course)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import keras
from keras import layers, ops

from anndl.errors import SettingsError

KINDS = ("conv", "dense")
LATENTS = (2, 4, 8, 16, 32, 64)


@dataclass
class AEConfig:
    """An autoencoder of the course; the encoder and decoder are sub-models named "encoder" and "decoder"."""

    input_shape: tuple = (28, 28, 1)  # MNIST-sized images; height and width divisible by 4 for the conv kind
    latent: int = 2  # 2: the latent space can be drawn as it is (§20.4)
    kind: str = "conv"  # strided convolutions keep the weights few and the images sharp (§19.2)
    filters: tuple = (32, 64)  # keras.io's convolutional autoencoder widths, two stride-2 stages
    spatial: int = 0  # conv kind: > 0 makes the code a (h/4, w/4, spatial) feature map (keras.io's 7×7×32), no Dense
    hidden: int = 256  # the dense kind's one hidden layer on each side
    noise: float = 0.0  # denoising AE: std of the Gaussian noise added to the input while training (§19.1)
    deform: float = 0.0  # denoising by moves: input shifted ±deform of its size, turned ±100·deform°; clean target
    variational: bool = False  # beyond the course: a VAE (mean, log-variance, sampling, KL term)
    beta: float = 1.0  # the VAE's KL weight (β-VAE); 0 makes it a plain AE with a noisy code
    learning_rate: float = 1e-3  # Adam's default, stable for both kinds


@keras.saving.register_keras_serializable(package="anndl")
class VariationalSampling(layers.Layer):
    """z = μ + σ·ε while training, μ otherwise; adds β·KL(N(μ, σ²) ‖ N(0, I)) per pixel-summed image."""

    def __init__(self, beta: float = 1.0, **kwargs):
        super().__init__(**kwargs)
        self.beta = float(beta)
        self.seed = keras.random.SeedGenerator(0)

    def call(self, inputs, training=None):
        mean, log_var = inputs  # (batch, latent) each
        kl = -0.5 * keras.ops.mean(keras.ops.sum(1 + log_var - mean**2 - keras.ops.exp(log_var), axis=-1))
        self.add_loss(self.beta * kl)
        if not training:
            return mean
        eps = keras.random.normal(keras.ops.shape(mean), seed=self.seed)
        return mean + keras.ops.exp(0.5 * log_var) * eps

    def get_config(self):
        return {**super().get_config(), "beta": self.beta}


@keras.saving.register_keras_serializable(package="anndl")
class RandomMove(layers.Layer):
    """§19.1 denoising by moves: while training, each image (batch, h, w, c) is turned by up to ±`degrees` about its
    centre and shifted by up to ±`shift` of its size (keras.ops only: every backend); otherwise it passes as it is."""

    def __init__(self, shift: float = 0.1, degrees: float = 10.0, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.shift, self.degrees, self.seed = float(shift), float(degrees), seed
        self.generator = keras.random.SeedGenerator(seed)

    def call(self, images, training=None):
        if not training:
            return images
        n, h, w = ops.shape(images)[0], images.shape[1], images.shape[2]
        turn, dx, dy = (keras.random.uniform((n,), -1.0, 1.0, seed=self.generator) for _ in range(3))  # (n,) each
        angle = turn * (self.degrees * math.pi / 180)
        dx, dy = dx * (self.shift * w), dy * (self.shift * h)
        cos, sin, zero = ops.cos(angle), ops.sin(angle), ops.zeros_like(angle)
        cx, cy = (w - 1) / 2, (h - 1) / 2
        # output pixel (x, y) reads the input at R·((x, y) - centre - shift) + centre: rows [a0 a1 a2 b0 b1 b2 0 0]
        transform = ops.stack([cos, -sin, cx - cos * (cx + dx) + sin * (cy + dy),
                               sin, cos, cy - sin * (cx + dx) - cos * (cy + dy), zero, zero], axis=1)  # (n, 8)
        return ops.image.affine_transform(images, transform, interpolation="bilinear", fill_mode="constant")

    def get_config(self):
        return {**super().get_config(), "shift": self.shift, "degrees": self.degrees, "seed": self.seed}


def _check(config: AEConfig) -> None:
    h, w, _ = config.input_shape
    if config.kind not in KINDS:
        raise SettingsError(f"Unknown autoencoder kind {config.kind!r}: use one of {', '.join(KINDS)}.")
    if not 1 <= config.latent <= 256:
        raise SettingsError(f"A latent size of {config.latent} is out of range: pick 1 to 256.")
    if not 0 <= config.deform <= 0.3:
        raise SettingsError(f"A deformation of {config.deform} is out of range: pick 0 (none) to 0.3 (±30 %, ±30°).")
    if config.spatial and (config.kind != "conv" or config.variational):
        raise SettingsError("A spatial code needs the convolutional, non-variational autoencoder.")
    if config.kind == "conv" and (h % 4 or w % 4):
        raise SettingsError(f"The convolutional autoencoder needs a height and width divisible by 4 (got {h}×{w}).")


def build_encoder(config: AEConfig) -> keras.Model:
    """x (h, w, c) -> latent code (latent,) [for a VAE: (μ, log σ²); spatial: (h/4, w/4, spatial)]."""
    inp = keras.Input(config.input_shape, name="image")
    x = inp
    if config.kind == "conv":
        for i, f in enumerate(config.filters):  # each stage halves height and width
            x = layers.Conv2D(f, 3, strides=2, padding="same", activation="relu", name=f"enc_conv{i + 1}")(x)
        if config.spatial:  # a 1×1 convolution: the code keeps the map's layout
            return keras.Model(inp, layers.Conv2D(config.spatial, 1, name="latent")(x), name="encoder")
        x = layers.Flatten(name="enc_flatten")(x)
    else:
        x = layers.Flatten(name="enc_flatten")(x)
        x = layers.Dense(config.hidden, activation="relu", name="enc_dense")(x)
    code = layers.Dense(config.latent, name="latent")(x)
    if config.variational:
        log_var = layers.Dense(config.latent, name="log_var")(x)
        return keras.Model(inp, [code, log_var], name="encoder")
    return keras.Model(inp, code, name="encoder")


def build_decoder(config: AEConfig) -> keras.Model:
    """latent code (latent,) [spatial: (h/4, w/4, spatial)] -> image (h, w, c) in [0, 1]: the encoder mirrored."""
    h, w, c = config.input_shape
    inp = keras.Input((h // 4, w // 4, config.spatial) if config.spatial else (config.latent,), name="code")
    if config.kind == "conv":
        f = config.filters[-1]
        if config.spatial:
            x = layers.Conv2D(f, 1, activation="relu", name="dec_conv")(inp)
        else:
            x = layers.Dense((h // 4) * (w // 4) * f, activation="relu", name="dec_dense")(inp)
            x = layers.Reshape((h // 4, w // 4, f), name="dec_reshape")(x)
        for i, f in enumerate(reversed(config.filters[:-1])):  # each stage doubles height and width
            x = layers.Conv2DTranspose(f, 3, strides=2, padding="same", activation="relu", name=f"dec_up{i + 1}")(x)
        out = layers.Conv2DTranspose(c, 3, strides=2, padding="same", activation="sigmoid", name="pixels")(x)
    else:
        x = layers.Dense(config.hidden, activation="relu", name="dec_dense")(inp)
        x = layers.Dense(h * w * c, activation="sigmoid", name="pixels")(x)
        out = layers.Reshape((h, w, c), name="dec_reshape")(x)
    return keras.Model(inp, out, name="decoder")


def corrupt(image, config: AEConfig):
    """§19.1 denoising: what the encoder sees while training (a shifted, turned and/or noisy image; the target stays
    the clean one). The random layers act only in training, so a trained model encodes images as they are."""
    x = image
    if config.deform > 0:  # a code that must rebuild the centred digit from a moved one learns to ignore the move
        x = RandomMove(config.deform, config.deform * 100, name="deform")(x)
    return layers.GaussianNoise(config.noise, name="corrupt")(x) if config.noise > 0 else x


def build_autoencoder(config: AEConfig) -> keras.Model:
    """decoder ∘ encoder, compiled (binary cross-entropy on pixels in [0, 1], MSE reported)."""
    _check(config)
    encoder, decoder = build_encoder(config), build_decoder(config)
    inp = keras.Input(config.input_shape, name="image")
    x = corrupt(inp, config)
    code = encoder(x)
    if config.variational:
        code = VariationalSampling(config.beta, name="sampling")(code)
    model = keras.Model(inp, decoder(code), name="vae" if config.variational else "autoencoder")
    model.compile(keras.optimizers.Adam(config.learning_rate), "binary_crossentropy", metrics=["mse"])
    return model


def encoder_of(model: keras.Model) -> keras.Model:
    """The image -> latent code part of an autoencoder (a VAE's mean μ)."""
    enc = model.get_layer("encoder")
    return enc if len(enc.outputs) == 1 else keras.Model(enc.input, enc.outputs[0], name="encoder_mean")


def decoder_of(model: keras.Model) -> keras.Model:
    """The latent code -> image part of an autoencoder."""
    return model.get_layer("decoder")


def build_classifier(encoder: keras.Model, n_classes: int, init: bool = True, learning_rate: float = 1e-3
                     ) -> keras.Model:
    """§19.3: a classifier on the encoder's architecture, its weights copied from the autoencoder (init=True)
    or drawn at random (init=False, the from-scratch baseline), with a new softmax head."""
    body = keras.models.clone_model(encoder)  # same layers, fresh weights
    if init:
        body.set_weights(encoder.get_weights())
    inp = keras.Input(encoder.input_shape[1:], name="image")
    code = body(inp)
    code = code[0] if isinstance(code, (list, tuple)) else code
    if len(code.shape) > 2:  # a spatial code (h/4, w/4, spatial) -> one vector
        code = layers.Flatten(name="code_flat")(code)
    code = layers.LayerNormalization(name="code_norm")(code)  # codes are unscaled: keep the first logits small
    out = layers.Dense(n_classes, activation="softmax", name="classes")(code)
    model = keras.Model(inp, out, name="classifier_" + ("ae_init" if init else "scratch"))
    model.compile(keras.optimizers.Adam(learning_rate), "sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
