"""Walking the latent space (course §20.4): encode, project to 2-D, decode grids, interpolate, sample.

Every decode is one batched call on the decoder, never one `predict` per point.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .job import run_model

TSNE_CAP = 1_000  # t-SNE costs O(n²)-ish: at most this many points (≈ 5 s on 2 cores)
METHODS = ("direct", "pca", "tsne")


def encode(encoder, x: np.ndarray) -> np.ndarray:
    """(n, latent) codes of many images, in batches."""
    return encoder.predict(np.asarray(x, "float32"), batch_size=512, verbose=0)


def decode(decoder, codes: np.ndarray) -> np.ndarray:
    """(n, h, w, c) images of (n, latent) codes: one batched call."""
    return run_model(decoder, np.asarray(codes, "float32").reshape(len(codes), -1))


@dataclass
class Projection:
    """2-D view of the latent space: the codes themselves (latent 2), PCA (invertible) or t-SNE (map only)."""

    method: str
    pca: object | None = None

    @property
    def invertible(self) -> bool:
        return self.method != "tsne"

    def to_latent(self, points: np.ndarray) -> np.ndarray:
        """(n, 2) map points -> (n, latent) codes (PCA: the code on the plane of the first two components)."""
        points = np.asarray(points, "float32").reshape(-1, 2)
        if self.method == "direct":
            return points
        if self.method == "pca":
            return self.pca.inverse_transform(points).astype("float32")
        raise ValueError("t-SNE has no inverse: pick a point of the data, or use PCA to decode empty space.")


def project(codes: np.ndarray, method: str = "pca", seed: int = 0) -> tuple[np.ndarray, Projection]:
    """(n, 2) map of (n, latent) codes and the projection used; "direct" needs latent 2, t-SNE at most TSNE_CAP."""
    if codes.shape[1] == 2 or method == "direct":
        if codes.shape[1] != 2:
            raise ValueError(f"Direct plotting needs a 2-D latent space (this one has {codes.shape[1]}).")
        return codes[:, :2].astype("float32"), Projection("direct")
    if method == "pca":
        from sklearn.decomposition import PCA

        pca = PCA(2, random_state=seed).fit(codes)
        return pca.transform(codes).astype("float32"), Projection("pca", pca)
    if method == "tsne":
        if len(codes) > TSNE_CAP:
            raise ValueError(f"t-SNE is limited to {TSNE_CAP:,} points here (got {len(codes):,}).")
        from sklearn.manifold import TSNE

        points = TSNE(2, perplexity=min(30.0, (len(codes) - 1) / 3), init="pca", random_state=seed).fit_transform(codes)
        return points.astype("float32"), Projection("tsne")
    raise ValueError(f"Unknown projection {method!r}: use one of {', '.join(METHODS)}.")


def grid_points(x_range: tuple[float, float], y_range: tuple[float, float], n: int) -> np.ndarray:
    """(n·n, 2) points of an n×n grid, row by row from the top (largest y) left to right."""
    xs = np.linspace(*x_range, n)
    ys = np.linspace(*y_range, n)[::-1]
    return np.array([(x, y) for y in ys for x in xs], "float32")


def decode_grid(decoder, proj: Projection, x_range, y_range, n: int) -> np.ndarray:
    """§20.4: the decoded images of an n×n grid over the 2-D map, (n, n, h, w, c), in ONE decoder call."""
    images = decode(decoder, proj.to_latent(grid_points(x_range, y_range, n)))
    return images.reshape(n, n, *images.shape[1:])


def mosaic(images: np.ndarray, pad: int = 1) -> np.ndarray:
    """(rows, cols, h, w, c) images in [0, 1] -> one (rows·(h+pad)−pad, cols·(w+pad)−pad) image, white gaps."""
    rows, cols, h, w = images.shape[:4]
    out = np.ones((rows * (h + pad) - pad, cols * (w + pad) - pad) + images.shape[5:], "float32")
    for r in range(rows):
        for c in range(cols):
            out[r * (h + pad):r * (h + pad) + h, c * (w + pad):c * (w + pad) + w] = images[r, c, ..., 0]
    return out


def interpolate(encoder, decoder, a: np.ndarray, b: np.ndarray, steps: int = 8) -> np.ndarray:
    """Decoded images along the straight line from code(a) to code(b), (steps, h, w, c), one call each way."""
    za, zb = run_model(encoder, np.stack([a, b]))
    t = np.linspace(0.0, 1.0, steps, dtype="float32")[:, None]
    return decode(decoder, (1 - t) * za + t * zb)


def random_codes(codes: np.ndarray, n: int, seed: int = 0, prior: str = "fitted") -> np.ndarray:
    """§19.4: n random codes, from N(0, I) ("standard", a VAE's prior) or from a Gaussian with the training codes'
    mean and per-dimension spread ("fitted", the best a plain autoencoder offers: it still lands in holes)."""
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((n, codes.shape[1])).astype("float32")
    return z if prior == "standard" else z * codes.std(0) + codes.mean(0)
