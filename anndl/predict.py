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
    return keras.ops.convert_to_numpy(model(_as_model_inputs(model, batch), training=False))[0]


def _as_model_inputs(model, batch):
    """`batch` in the structure of the model's single input (e.g. {"image": batch} for a functional model built
    on a dict of inputs): a bare tensor there makes Keras warn that the input structure does not match."""
    import keras

    struct = getattr(model, "_inputs_struct", None)  # functional models only: the structure they were built on
    if struct is None or not isinstance(struct, (dict, list, tuple)) or len(keras.tree.flatten(struct)) != 1:
        return batch
    return keras.tree.pack_sequence_as(struct, [batch])
