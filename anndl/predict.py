"""Inference on one input, as pages need it (a click, an uploaded image, the last window of a series)."""

from __future__ import annotations

import numpy as np


def predict_one(model, x) -> np.ndarray:
    """The model's output for one input `x` (no batch axis): a direct call, not `model.predict`.

    `predict` builds a data pipeline for every call: 56–59 ms for one image on TensorFlow against 7 ms for
    `model(x)` (DESIGN §8).
    """
    import keras

    batch = keras.ops.convert_to_tensor(np.asarray(x, "float32")[None])
    return keras.ops.convert_to_numpy(model(batch, training=False))[0]
