"""The sampler of the GAN page (§21.6, §22.5): a grid for a seed, walks between two seeds and between two
classes, and latent arithmetic on chosen samples — generator calls only, no training."""

from __future__ import annotations

import numpy as np

from anndl.errors import SettingsError
from anndl.nets.gan import latent_noise, one_hot

from .quality import generate

MAX_IMAGES = 100  # a grid of at most 10×10: one generator call in a few milliseconds


def sizes(generator) -> tuple[int, int]:
    """(latent size, number of classes; 0 for an unconditional generator)."""
    return int(generator.inputs[0].shape[-1]), int(generator.inputs[1].shape[-1]) if len(generator.inputs) > 1 else 0


def labels_for(n: int, n_classes: int, label: int | None) -> np.ndarray | None:
    """One-hot labels: all `label`, or 0, 1, …, 9, 0, … when label is None; None for a GAN."""
    if not n_classes:
        return None
    if label is not None and not 0 <= label < n_classes:
        raise SettingsError(f"Class {label} does not exist: pick 0 to {n_classes - 1}.")
    return one_hot(np.full(n, label) if label is not None else np.arange(n) % n_classes, n_classes)


def sample_grid(generator, seed: int, n: int, label: int | None = None) -> np.ndarray:
    """n images (n, h, w, c) in [0, 1] from the noise of `seed` (same seed, same images)."""
    if not 1 <= n <= MAX_IMAGES:
        raise SettingsError(f"{n} images is out of range: pick 1 to {MAX_IMAGES}.")
    latent, n_classes = sizes(generator)
    return generate(generator, latent_noise(n, latent, seed), labels_for(n, n_classes, label))


def lerp(a: np.ndarray, b: np.ndarray, steps: int) -> np.ndarray:
    """(steps, ...) points on the straight line from a to b (§21.6: the latent space is walked, not jumped)."""
    t = np.linspace(0.0, 1.0, steps, dtype="float32").reshape(-1, *([1] * np.ndim(a)))
    return (1 - t) * a + t * b


def seed_walk(generator, seed_a: int, seed_b: int, steps: int = 8, label: int | None = None) -> np.ndarray:
    """Images along z(seed_a) -> z(seed_b), the class (cGAN) held fixed."""
    latent, n_classes = sizes(generator)
    z = lerp(latent_noise(1, latent, seed_a)[0], latent_noise(1, latent, seed_b)[0], steps)
    return generate(generator, z, labels_for(steps, n_classes, 0 if label is None else label))


def class_walk(generator, seed: int, class_a: int, class_b: int, steps: int = 8) -> np.ndarray:
    """Images along label a -> label b (mixed one-hot labels), the noise (the style) held fixed (cGAN only)."""
    latent, n_classes = sizes(generator)
    if not n_classes:
        raise SettingsError("Walking between classes needs the conditional generator.")
    onehot = lerp(labels_for(1, n_classes, class_a)[0], labels_for(1, n_classes, class_b)[0], steps)
    return generate(generator, np.repeat(latent_noise(1, latent, seed), steps, 0), onehot)


def arithmetic(generator, seed: int, n: int, a: int, b: int, c: int, label: int | None = None) -> np.ndarray:
    """§21.6: the images of z_a, z_b, z_c (samples of the grid of `seed`) and of z_a − z_b + z_c."""
    latent, n_classes = sizes(generator)
    if not all(0 <= i < n for i in (a, b, c)):
        raise SettingsError(f"Pick samples 0 to {n - 1} of the grid.")
    z = latent_noise(n, latent, seed)
    picked = np.stack([z[a], z[b], z[c], z[a] - z[b] + z[c]])
    grid_labels = labels_for(n, n_classes, label)
    onehot = None if grid_labels is None else np.stack([grid_labels[i] for i in (a, b, c, a)])
    return generate(generator, picked, onehot)
