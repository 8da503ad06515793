"""Windows and telescopes of the course (§24): splits in time and by user, the training scaler, the course's
build_sequences as strided views, the naive forecasts to beat, and fixed activity windows."""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def time_split(n: int, val: float = 0.15, test: float = 0.15) -> tuple[int, int]:
    """Split points in time order (§24.4): rows [:a] train, [a:b] validation, [b:] test."""
    b = int(round(n * (1 - test)))
    a = int(round(n * (1 - test - val)))
    return a, b


def fit_scaler(train: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard deviation per channel from the TRAINING part only (§4.7)."""
    mean = train.mean(axis=0)
    std = train.std(axis=0)
    return mean.astype("float32"), np.where(std > 1e-8, std, 1.0).astype("float32")


def build_sequences(values: np.ndarray, window: int, stride: int, telescope: int,
                    target_idx: list[int] | None = None, pad: bool = False, first_target: int = 0,
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The course's build_sequences: windows of `window` steps every `stride`, each with the next `telescope`.

    values (n, c) -> x (m, window, c), y (m, telescope, len(target_idx)), starts (m,) = first row of each window.
    `pad=True` prepends zeros so the series length is a multiple of the window, as the course notebook does.
    Only windows whose first target row is at or after `first_target` are kept (test windows may look back).
    x and y are read-only strided views of `values` (no window is copied); np.ascontiguousarray makes copies.
    """
    values = np.asarray(values, "float32")
    if values.ndim == 1:
        values = values[:, None]
    target_idx = list(range(values.shape[1])) if target_idx is None else list(target_idx)
    offset = 0
    if pad and len(values) % window:
        offset = window - len(values) % window
        values = np.concatenate([np.zeros((offset, values.shape[1]), "float32"), values])
    last = len(values) - window - telescope  # the last possible start
    first = -(-max(0, first_target + offset - window) // stride) * stride  # first start on the stride grid
    starts = np.arange(first, max(first, last + 1), stride)
    if not len(starts):
        return (np.zeros((0, window, values.shape[1]), "float32"), np.zeros((0, telescope, len(target_idx)), "float32"),
                starts)
    # strided views of the series, not copies: window s is values[s:s + window] (m, window, c)
    x = sliding_window_view(values[:len(values) - telescope], window, axis=0)[first:last + 1:stride]
    y = sliding_window_view(values[window:, target_idx], telescope, axis=0)[first:last + 1:stride]
    return x.transpose(0, 2, 1), y.transpose(0, 2, 1), starts - offset


def last_value(x: np.ndarray, telescope: int, target_idx: list[int]) -> np.ndarray:
    """Naive forecast: the last value of the window repeated over the telescope. (m, telescope, k)"""
    return np.repeat(x[:, -1:, target_idx], telescope, axis=1)


def seasonal_naive(x: np.ndarray, telescope: int, target_idx: list[int], season: int) -> np.ndarray:
    """Seasonal naive: the value one season before each target step (the last season repeated)."""
    if season <= 0 or season > x.shape[1]:
        return last_value(x, telescope, target_idx)
    w = x.shape[1]
    rows = [w - season + (h % season) for h in range(telescope)]
    return x[:, rows][:, :, target_idx]


def user_split(users: np.ndarray, val: float = 0.2, test: float = 0.2, seed: int = 0) -> dict[str, np.ndarray]:
    """Split recordings by user (§24.3.1): each user's recordings all go to one part."""
    ids = np.unique(users)
    order = np.random.default_rng(seed).permutation(ids)
    n_test = max(1, int(round(len(ids) * test))) if test > 0 else 0
    n_val = max(1, int(round(len(ids) * val))) if val > 0 and len(ids) - n_test > 1 else 0
    parts = {"test": order[:n_test], "val": order[n_test:n_test + n_val], "train": order[n_test + n_val:]}
    return {k: np.flatnonzero(np.isin(users, v)) for k, v in parts.items()}


def activity_windows(recordings: list[np.ndarray], labels: np.ndarray, window: int, stride: int,
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fixed windows with zero padding at the end and a stride (§24.3.2): x (m, window, c), y (m,), owner (m,)."""
    xs, ys, owner = [], [], []
    for i, (rec, label) in enumerate(zip(recordings, labels)):
        pad = (-len(rec)) % window
        rec = np.concatenate([rec, np.zeros((pad, rec.shape[1]), "float32")])
        for s in range(0, len(rec) - window + 1, stride):
            xs.append(rec[s:s + window])
            ys.append(label)
            owner.append(i)
    channels = recordings[0].shape[1] if recordings else 0
    x = np.stack(xs) if xs else np.zeros((0, window, channels), "float32")
    return x.astype("float32"), np.array(ys, "int64"), np.array(owner, "int64")
