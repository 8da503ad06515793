"""Siamese networks and metric learning (course §18.3): one shared encoder f_w, the contrastive loss with margin m,
the triplet loss with margin m, pairs and triplets mined inside each mini-batch (random or semi-hard), and the
softmax classifier whose penultimate layer is the baseline embedding.

A Siamese network applies the same f_w to every image of a pair or a triplet. Here the pairs and triplets are
drawn inside each mini-batch of labelled images, so one encoder call embeds the whole batch: sharing the weights
is automatic, and every image serves as an anchor.
"""

from __future__ import annotations

from dataclasses import dataclass

import keras
from keras import layers, ops

from anndl.errors import SettingsError

LOSSES = ("contrastive", "triplet", "softmax")
MININGS = ("random", "semi-hard")
EMBEDDINGS = (2, 8, 16, 32, 64)
MARGINS = {"contrastive": 1.0, "triplet": 1.0}  # measured: both keep held-out digits apart (unnormalised codes)


@dataclass
class SiameseConfig:
    """The shared encoder f_w and how it is trained."""

    input_shape: tuple = (28, 28, 1)  # MNIST digits
    embedding: int = 32  # room for many classes, still cheap to search
    normalize: bool = False  # measured: unit-norm codes crowd the unseen digits 8–9 onto the seen ones
    filters: tuple = (32, 64)  # two stride-2 conv stages, as the CNN and autoencoder pages
    loss: str = "triplet"  # FaceNet's loss keeps working once random pairs are easy
    margin: float | None = None  # None: MARGINS[loss]
    mining: str = "semi-hard"  # negatives farther than the positive but inside the margin (FaceNet)
    learning_rate: float = 1e-3  # Adam's default
    n_classes: int = 8  # the softmax baseline's classes (digits 0–7)


def pair_distances(e):
    """(B, E) embeddings -> (B, B) squared Euclidean distances ||f(x_i) − f(x_j)||², clipped at 0."""
    sq = ops.sum(ops.square(e), axis=1)
    return ops.maximum(sq[:, None] - 2.0 * ops.matmul(e, ops.transpose(e)) + sq[None, :], 0.0)


def contrastive_loss(d, same, margin: float = 1.0):
    """§18.3 (Hadsell et al. 2006): ½·D² for a pair of the same class, ½·max(0, m − D)² otherwise; D the distance."""
    same = ops.cast(same, d.dtype)
    return 0.5 * same * ops.square(d) + 0.5 * (1.0 - same) * ops.square(ops.maximum(margin - d, 0.0))


def triplet_loss(d_ap, d_an, margin: float = 0.2):
    """§18.3 (FaceNet): max(0, ||f(a) − f(p)||² − ||f(a) − f(n)||² + m) from squared distances d_ap, d_an."""
    return ops.maximum(d_ap - d_an + margin, 0.0)


def mine(d2, labels, mining: str, seed=None):
    """Per anchor i of a batch: a positive p_i (same class, random), a negative n_i and whether both exist.

    mining "random": n_i uniform among the other classes; "semi-hard": the nearest negative farther than p_i
    (d_ap < d_an, FaceNet), or the farthest negative when none is. d2: (B, B) squared distances, labels (B,).
    Returns (p, n, valid), (B,) each.
    """
    labels = ops.reshape(labels, (-1,))
    b = ops.shape(d2)[0]
    same = ops.equal(labels[:, None], labels[None, :])
    pos = ops.logical_and(same, ops.logical_not(ops.eye(b, dtype="bool")))
    neg = ops.logical_not(same)
    r = keras.random.uniform(ops.shape(d2), seed=seed)
    p = ops.argmax(ops.where(pos, r, -1.0), axis=1)
    if mining == "random":
        n = ops.argmax(ops.where(neg, r, -1.0), axis=1)
    else:
        d_ap = ops.take_along_axis(d2, p[:, None], axis=1)
        outside = ops.logical_and(neg, d2 > d_ap)
        big = ops.max(d2) + 1.0
        nearest_outside = ops.argmin(ops.where(outside, d2, big), axis=1)
        farthest = ops.argmax(ops.where(neg, d2, -1.0), axis=1)
        n = ops.where(ops.any(outside, axis=1), nearest_outside, farthest)
    valid = ops.logical_and(ops.any(pos, axis=1), ops.any(neg, axis=1))
    return p, n, valid


class _MinedLoss(keras.losses.Loss):
    """A loss over the pairs / triplets mined in the batch: y_true = class ids (B,), y_pred = embeddings (B, E)."""

    def __init__(self, margin: float, mining: str = "semi-hard", name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self.margin, self.mining = float(margin), mining
        self.seed = keras.random.SeedGenerator(0)

    def _mined(self, y_true, y_pred):
        d2 = pair_distances(y_pred)
        p, n, valid = mine(d2, y_true, self.mining, self.seed)
        d_ap = ops.take_along_axis(d2, p[:, None], axis=1)[:, 0]
        d_an = ops.take_along_axis(d2, n[:, None], axis=1)[:, 0]
        return d_ap, d_an, ops.cast(valid, y_pred.dtype)

    def get_config(self):
        return {**super().get_config(), "margin": self.margin, "mining": self.mining}


@keras.saving.register_keras_serializable(package="anndl")
class ContrastiveLoss(_MinedLoss):
    """Contrastive loss with margin m on each anchor's mined positive pair and negative pair, per anchor (B,)."""

    def __init__(self, margin: float = MARGINS["contrastive"], mining: str = "semi-hard", name="contrastive",
                 **kwargs):
        super().__init__(margin, mining, name=name, **kwargs)

    def call(self, y_true, y_pred):
        d_ap, d_an, valid = self._mined(y_true, y_pred)
        pos = contrastive_loss(ops.sqrt(d_ap + 1e-12), True, self.margin)
        neg = contrastive_loss(ops.sqrt(d_an + 1e-12), False, self.margin)
        return valid * (pos + neg)


@keras.saving.register_keras_serializable(package="anndl")
class TripletLoss(_MinedLoss):
    """Triplet loss with margin m on each anchor's mined (anchor, positive, negative), per anchor (B,)."""

    def __init__(self, margin: float = MARGINS["triplet"], mining: str = "semi-hard", name="triplet", **kwargs):
        super().__init__(margin, mining, name=name, **kwargs)

    def call(self, y_true, y_pred):
        d_ap, d_an, valid = self._mined(y_true, y_pred)
        return valid * triplet_loss(d_ap, d_an, self.margin)


def _check(config: SiameseConfig) -> None:
    if config.loss not in LOSSES:
        raise SettingsError(f"Unknown loss {config.loss!r}: use one of {', '.join(LOSSES)}.")
    if config.mining not in MININGS:
        raise SettingsError(f"Unknown mining {config.mining!r}: use one of {', '.join(MININGS)}.")
    if not 2 <= config.embedding <= 256:
        raise SettingsError(f"An embedding size of {config.embedding} is out of range: pick 2 to 256.")
    if config.margin is not None and not 0 < config.margin <= 10:
        raise SettingsError(f"A margin of {config.margin} is out of range: pick a value in (0, 10].")


def margin_of(config: SiameseConfig) -> float:
    return float(config.margin if config.margin is not None else MARGINS.get(config.loss, 0.0))


def build_encoder(config: SiameseConfig) -> keras.Model:
    """f_w: image (h, w, c) -> embedding (E,), unit-norm when `normalize`."""
    inp = keras.Input(config.input_shape, name="image")
    x = inp
    for i, f in enumerate(config.filters):  # each stage halves height and width
        x = layers.Conv2D(f, 3, strides=2, padding="same", activation="relu", name=f"conv{i + 1}")(x)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dense(config.embedding, name="embedding")(x)
    if config.normalize:
        x = layers.UnitNormalization(name="l2_norm")(x)
    return keras.Model(inp, x, name="encoder")


def build_siamese(config: SiameseConfig) -> keras.Model:
    """The encoder compiled with the chosen loss: contrastive / triplet on mined pairs, or the softmax baseline
    (encoder + Dense(n_classes) softmax, cross-entropy; its embedding layer is then the baseline embedding)."""
    _check(config)
    encoder = build_encoder(config)
    opt = keras.optimizers.Adam(config.learning_rate)
    if config.loss == "softmax":
        out = layers.Dense(config.n_classes, activation="softmax", name="classes")(encoder.output)
        model = keras.Model(encoder.input, out, name="softmax_baseline")
        model.compile(opt, "sparse_categorical_crossentropy", metrics=["accuracy"])
        return model
    loss = (ContrastiveLoss if config.loss == "contrastive" else TripletLoss)(margin_of(config), config.mining)
    encoder.compile(opt, loss)
    return encoder


def embedding_of(model: keras.Model) -> keras.Model:
    """The image -> embedding part: the encoder itself, or the softmax baseline without its classifier."""
    if "classes" not in [layer.name for layer in model.layers]:
        return model
    return keras.Model(model.input, model.get_layer("classes").input, name="encoder")
