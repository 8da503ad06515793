"""Quality of generated images measured, not eyeballed (§22.4): a judge classifier trained separately on real
images scores the conditional accuracy of a cGAN, the class coverage of a GAN (mode collapse leaves classes
out) and a Fréchet distance in the judge's feature space against the real test set (and against noise)."""

from __future__ import annotations

import numpy as np

JUDGES = {"mnist": "gan_judge_mnist", "fashion_mnist": "gan_judge_fashion"}  # dataset -> judge artifact in models/
N_QUALITY = 500  # generated samples per measurement: a Fréchet distance on 64 features, in well under a second


def build_judge(input_shape=(28, 28, 1), n_classes: int = 10, features: int = 64):
    """A small CNN classifier whose "features" layer (features,) is the space the Fréchet distance is taken in."""
    import keras
    from keras import layers

    inp = keras.Input(input_shape, name="image")
    x = layers.RandomTranslation(0.1, 0.1, fill_mode="constant", seed=0)(inp)  # only while training
    for f in (32, 64, 64):  # 28 -> 14 -> 7 -> 3: a 576-wide flatten keeps the file small
        x = layers.MaxPooling2D()(layers.Conv2D(f, 3, padding="same", activation="relu")(x))
    x = layers.Dense(features, activation="relu", name="features")(layers.Flatten()(x))
    out = layers.Dense(n_classes, activation="softmax", name="probs")(layers.Dropout(0.3)(x))
    model = keras.Model(inp, out, name="judge")
    model.compile(keras.optimizers.Adam(1e-3), "sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def judge_outputs(judge, x: np.ndarray, batch: int = 500) -> tuple[np.ndarray, np.ndarray]:
    """(features (n, f), class probabilities (n, classes)) of images in [0, 1], by direct batched calls."""
    import keras

    both = keras.Model(judge.inputs, [judge.get_layer("features").output, judge.output])
    feats, probs = [], []
    for i in range(0, len(x), batch):
        f, p = both(keras.ops.convert_to_tensor(np.asarray(x[i:i + batch], "float32")), training=False)
        feats.append(keras.ops.convert_to_numpy(f))
        probs.append(keras.ops.convert_to_numpy(p))
    return np.concatenate(feats), np.concatenate(probs)


def gaussian_stats(feats: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean (f,) and covariance (f, f) of feature vectors."""
    return feats.mean(0), np.cov(feats, rowvar=False)


def frechet_distance(a: tuple, b: tuple) -> float:
    """||μa - μb||² + tr(Σa + Σb - 2 (Σa Σb)^½) between two Gaussians (the FID formula, in the judge's space)."""
    from scipy import linalg

    (mu_a, cov_a), (mu_b, cov_b) = a, b
    eps = 1e-6 * np.eye(len(mu_a))  # dead ReLU features make a covariance singular: keep its square root defined
    cov_a, cov_b = cov_a + eps, cov_b + eps
    root = linalg.sqrtm(cov_a @ cov_b)
    root = np.real(root) if np.iscomplexobj(root) else root
    return float(max(0.0, ((mu_a - mu_b) ** 2).sum() + np.trace(cov_a + cov_b - 2 * root)))


def class_coverage(pred: np.ndarray, n_classes: int) -> float:
    """Fraction of classes that get at least half their fair share of the samples (1.0: no class left out)."""
    counts = np.bincount(pred, minlength=n_classes)
    return float((counts >= 0.5 * len(pred) / n_classes).mean())


def generate(generator, z: np.ndarray, labels: np.ndarray | None = None) -> np.ndarray:
    """Images in [0, 1] (n, h, w, c) for noise z (n, latent) and, for a cGAN, one-hot (or mixed) labels."""
    from anndl.predict import predict_batch

    out = predict_batch(generator, z if labels is None else [z, labels])
    return np.clip((out + 1.0) / 2.0, 0.0, 1.0)


class Meter:
    """The per-epoch quality meter: the judge and the real test set's feature statistics, computed once."""

    def __init__(self, judge, x_real: np.ndarray, n: int = N_QUALITY, seed: int = 0):
        self.judge, self.n, self.seed = judge, n, seed
        feats, _ = judge_outputs(judge, x_real)
        self.real = gaussian_stats(feats)
        noise = np.random.default_rng(seed).random((len(x_real), *x_real.shape[1:]), dtype="float32")
        self.noise_fd = frechet_distance(self.real, gaussian_stats(judge_outputs(judge, noise)[0]))

    def __call__(self, generator) -> dict:
        """conditional accuracy (cGAN), class coverage and Fréchet distance of `n` fresh samples."""
        from anndl.nets.gan import latent_noise, one_hot

        latent = int(generator.inputs[0].shape[-1])
        n_classes = int(generator.inputs[1].shape[-1]) if len(generator.inputs) > 1 else 0
        z = latent_noise(self.n, latent, self.seed + 1)
        asked = np.arange(self.n) % n_classes if n_classes else None
        x = generate(generator, z, one_hot(asked, n_classes) if n_classes else None)
        feats, probs = judge_outputs(self.judge, x)
        pred = probs.argmax(1)
        out = {"coverage": class_coverage(pred, probs.shape[1]),
               "frechet": frechet_distance(self.real, gaussian_stats(feats)), "frechet_noise": self.noise_fd}
        if n_classes:
            out["cond_accuracy"] = float((pred == asked).mean())
        return out
