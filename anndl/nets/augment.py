"""Data augmentation with Keras 3 layers (course §7.1): geometric and photometric changes, MixUp, CutMix,
and test-time augmentation (§7.1.2). Images are float32 in [0, 1]; labels are one-hot.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import keras
import numpy as np


@dataclass
class AugmentConfig:
    """Which random changes a training image gets; 0 / False turns one off."""

    flip: bool = False  # mirror left-right: right for photos and clothes, wrong for digits (a mirrored 2 is not a 2)
    translate: float = 0.0  # shift by up to this fraction of the size (0.1 ≈ 3 px on MNIST)
    rotate: float = 0.0  # rotate by up to this fraction of a full turn (0.03 ≈ 11°)
    zoom: float = 0.0  # zoom in or out by up to this fraction
    brightness: float = 0.0  # add up to this fraction of the value range
    contrast: float = 0.0  # scale the contrast by up to 1 ± this
    mixup: float = 0.0  # MixUp's Beta(α, α); 0.2 is the paper's value, 0 turns it off
    cutmix: float = 0.0  # CutMix's Beta(α, α) for the pasted box; 1.0 is the paper's value, 0 turns it off

    @property
    def active(self) -> bool:
        return any(bool(v) for v in asdict(self).values())

    def names(self) -> list[str]:
        return [k for k, v in asdict(self).items() if v]


class Augmenter:
    """The Keras 3 random layers of one AugmentConfig, created once (tf.data maps must not create variables)."""

    def __init__(self, config: AugmentConfig, seed: int = 0):
        from keras import layers

        self.config = config
        per_image = []
        if config.flip:
            per_image.append(layers.RandomFlip("horizontal", seed=seed))
        if config.translate:
            per_image.append(layers.RandomTranslation(config.translate, config.translate, fill_mode="constant",
                                                      seed=seed + 1))
        if config.rotate:
            per_image.append(layers.RandomRotation(config.rotate, fill_mode="constant", seed=seed + 2))
        if config.zoom:
            per_image.append(layers.RandomZoom(config.zoom, fill_mode="constant", seed=seed + 3))
        if config.brightness:
            per_image.append(layers.RandomBrightness(config.brightness, value_range=(0.0, 1.0), seed=seed + 4))
        if config.contrast:
            per_image.append(layers.RandomContrast(config.contrast, value_range=(0.0, 1.0), seed=seed + 5))
        self.per_image = per_image
        self.mixup = layers.MixUp(alpha=config.mixup, seed=seed + 6) if config.mixup else None
        self.cutmix = layers.CutMix(factor=config.cutmix, seed=seed + 7) if config.cutmix else None

    def __call__(self, x, y):
        """One augmented batch (images, one-hot labels): per-image layers, then MixUp and CutMix (mixing labels)."""
        for layer in self.per_image:
            x = layer(x, training=True)
        for mixer in (self.mixup, self.cutmix):
            if mixer is not None:
                out = mixer({"images": x, "labels": y}, training=True)
                x, y = out["images"], out["labels"]
        return x, y


class AugmentedBatches(keras.utils.PyDataset):
    """Reshuffled batches through an Augmenter, as `fit` takes them where there is no tf.data (JAX, PyTorch)."""

    def __init__(self, x: np.ndarray, y: np.ndarray, augmenter: Augmenter, batch_size: int, seed: int = 0):
        super().__init__()
        self.x, self.y, self.augmenter, self.batch_size = x, y.astype("float32"), augmenter, int(batch_size)
        self.rng = np.random.default_rng(seed)
        self.order = self.rng.permutation(len(x))

    def __len__(self) -> int:
        return -(-len(self.x) // self.batch_size)

    def __getitem__(self, i: int):
        rows = self.order[i * self.batch_size:(i + 1) * self.batch_size]
        xa, ya = self.augmenter(self.x[rows], self.y[rows])
        return keras.ops.convert_to_numpy(xa), keras.ops.convert_to_numpy(ya)

    def on_epoch_end(self) -> None:
        self.order = self.rng.permutation(len(self.x))


def train_data(x: np.ndarray, y_onehot: np.ndarray, config: AugmentConfig, batch_size: int, seed: int = 0):
    """(x, y) numpy arrays when nothing is augmented (the fastest path), else (augmented batches, None): a tf.data
    pipeline on TensorFlow, an `AugmentedBatches` elsewhere."""
    if not config.active:
        return x, y_onehot
    augmenter = Augmenter(config, seed)
    if keras.backend.backend() != "tensorflow":
        return AugmentedBatches(x, y_onehot, augmenter, batch_size, seed), None
    import tensorflow as tf

    ds = tf.data.Dataset.from_tensor_slices((x, y_onehot.astype("float32")))
    ds = ds.shuffle(len(x), seed=seed, reshuffle_each_iteration=True).batch(batch_size)
    ds = ds.map(augmenter)  # sequential: the random layers' seed state advances in batch order (reproducible)
    return ds.prefetch(tf.data.AUTOTUNE), None


def preview(x: np.ndarray, y_onehot: np.ndarray, config: AugmentConfig, n: int = 8, seed: int = 0):
    """`n` images and their (possibly mixed) labels after augmentation, for the preview grid."""
    xa, ya = Augmenter(config, seed)(x[:n], y_onehot[:n].astype("float32"))
    return np.clip(keras.ops.convert_to_numpy(xa), 0, 1), keras.ops.convert_to_numpy(ya)


def tta_shifts(pixels: int = 1) -> list[tuple[int, int]]:
    """The views of test-time augmentation: the image itself and shifts by ±`pixels` in each direction."""
    return [(0, 0), (pixels, 0), (-pixels, 0), (0, pixels), (0, -pixels)]


def _shift(x: np.ndarray, dy: int, dx: int) -> np.ndarray:
    """Shift a batch (n, h, w, c) by (dy, dx) pixels, filling with zeros."""
    out = np.zeros_like(x)
    h, w = x.shape[1:3]
    out[:, max(dy, 0):h + min(dy, 0), max(dx, 0):w + min(dx, 0)] = x[:, max(-dy, 0):h + min(-dy, 0),
                                                                     max(-dx, 0):w + min(-dx, 0)]
    return out


def predict_tta(model, x: np.ndarray, flip: bool = False, pixels: int = 1, batch_size: int = 256) -> np.ndarray:
    """Test-time augmentation (§7.1.2): average the class probabilities over shifted (and mirrored) views."""
    views = [_shift(x, dy, dx) for dy, dx in tta_shifts(pixels)]
    if flip:
        views.append(x[:, :, ::-1])
    probs = [model.predict(v, batch_size=batch_size, verbose=0) for v in views]
    return np.mean(probs, axis=0)
