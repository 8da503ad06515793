"""Upsampling in a decoder (course §10.5): fixed rules and the learned transposed convolution, in NumPy,
with Keras' `Conv2DTranspose` computing the same numbers, and the checkerboard a transposed convolution leaves."""

from __future__ import annotations

import numpy as np

# The worked example: a 2×2 input and a 2×2 kernel, stride 1 — every input value stamps a copy of the kernel,
# scaled by itself, where it lands in the output, and overlapping stamps add up. These are the numbers of Dive into
# Deep Learning §14.10 (Zhang et al.); the course notes' own example of §10.5.4 was not available to check against.
EXAMPLE_INPUT = np.array([[0.0, 1.0], [2.0, 3.0]])
EXAMPLE_KERNEL = np.array([[0.0, 1.0], [2.0, 3.0]])
EXAMPLE_OUTPUT = np.array([[0.0, 0.0, 1.0], [0.0, 4.0, 6.0], [4.0, 12.0, 9.0]])  # stride 1


def nearest_neighbour(x: np.ndarray, factor: int = 2) -> np.ndarray:
    """Each value copied into a factor×factor block."""
    return np.kron(np.asarray(x, float), np.ones((factor, factor)))


def bed_of_nails(x: np.ndarray, factor: int = 2) -> np.ndarray:
    """Each value at the top-left corner of its block, zeros elsewhere."""
    x = np.asarray(x, float)
    out = np.zeros((x.shape[0] * factor, x.shape[1] * factor))
    out[::factor, ::factor] = x
    return out


def max_pool_switches(x: np.ndarray, size: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """2×2 max pooling of a (h, w) map and the 'switches': where each maximum was, as a boolean (h, w) map."""
    x = np.asarray(x, float)
    h, w = x.shape[0] // size * size, x.shape[1] // size * size
    blocks = x[:h, :w].reshape(h // size, size, w // size, size).transpose(0, 2, 1, 3).reshape(h // size, w // size, -1)
    arg = blocks.argmax(-1)
    switches = np.zeros((h, w), bool)
    rows, cols = np.indices(arg.shape)
    switches[rows * size + arg // size, cols * size + arg % size] = True
    return blocks.max(-1), switches


def max_unpooling(y: np.ndarray, switches: np.ndarray, size: int = 2) -> np.ndarray:
    """Each value put back where the matching max pooling found its maximum, zeros elsewhere."""
    return np.where(switches, nearest_neighbour(y, size)[: switches.shape[0], : switches.shape[1]], 0.0)


def transposed_convolution(x: np.ndarray, kernel: np.ndarray, stride: int = 1) -> np.ndarray:
    """(h, w) input, (k, k) kernel -> ((h-1)·s + k, (w-1)·s + k): each input value stamps value × kernel at
    (i·s, j·s) and the stamps add up (no padding, one channel)."""
    x, kernel = np.asarray(x, float), np.asarray(kernel, float)
    k = kernel.shape[0]
    out = np.zeros(((x.shape[0] - 1) * stride + k, (x.shape[1] - 1) * stride + k))
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            out[i * stride:i * stride + k, j * stride:j * stride + k] += x[i, j] * kernel
    return out


def keras_transposed_convolution(x: np.ndarray, kernel: np.ndarray, stride: int = 1) -> np.ndarray:
    """The same through `keras.layers.Conv2DTranspose` (padding "valid", no bias) with `kernel` as its weights."""
    import keras

    k = np.asarray(kernel, "float32")
    layer = keras.layers.Conv2DTranspose(1, k.shape, strides=stride, padding="valid", use_bias=False)
    layer.build((1, *np.shape(x), 1))
    layer.set_weights([k[:, :, None, None]])  # (kh, kw, out channels, in channels)
    y = layer(np.asarray(x, "float32")[None, :, :, None])
    return keras.ops.convert_to_numpy(y)[0, :, :, 0].astype(float)


def stamp_counts(size: int, kernel: int, stride: int) -> np.ndarray:
    """How many input pixels write to each output pixel of a transposed convolution of a constant (size, size)
    input: uneven counts (kernel not a multiple of the stride) are the checkerboard artifact."""
    return transposed_convolution(np.ones((size, size)), np.ones((kernel, kernel)), stride)


def resize_then_convolve(size: int, kernel: int, factor: int = 2) -> np.ndarray:
    """The same count for the alternative: nearest-neighbour resize, then a 'same' (kernel × kernel) convolution
    of ones; even everywhere away from the border."""
    from scipy.signal import convolve2d

    up = nearest_neighbour(np.ones((size, size)), factor)
    return convolve2d(up, np.ones((kernel, kernel)), mode="same")
