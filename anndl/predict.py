"""Inference on one input, as pages need it (a click, an uploaded image, the last window of a series)."""

from __future__ import annotations

import numpy as np


def predict_one(model, x, compiled: bool = True) -> np.ndarray:
    """The model's output for one input `x` (no batch axis), as `predict_batch` gives it."""
    return predict_batch(model, np.asarray(x, "float32")[None], compiled)[0]


def predict_batch(model, x, compiled: bool = True) -> np.ndarray:
    """The model's output for a few inputs `x` (n, ...) or a list of input arrays, never through `model.predict`.

    `predict` builds a data pipeline for every call (56–59 ms for one image, DESIGN §8). `predict_on_batch` runs
    the model's compiled predict function with no pipeline: measured on TensorFlow here, one MNIST image 1.7 ms
    against 85 ms for an eager `model(x)`, three U-Net canvases 46 ms against 262 ms. Its first call per model
    traces (a fraction of a second), so `compiled=False` (an eager call) suits a model built for one use only.
    """
    import keras

    if isinstance(x, (list, tuple)):  # several inputs (e.g. a cGAN's noise and labels)
        inputs = [keras.ops.convert_to_tensor(np.asarray(a, "float32")) for a in x]
    else:
        inputs = _as_model_inputs(model, keras.ops.convert_to_tensor(np.asarray(x, "float32")))
    if compiled and hasattr(model, "predict_on_batch"):  # a Keras model; a plain function is called
        return keras.tree.map_structure(np.asarray, model.predict_on_batch(inputs))
    return keras.ops.convert_to_numpy(model(inputs, training=False))


def _as_model_inputs(model, batch):
    """`batch` in the structure of the model's single input (e.g. {"image": batch} for a functional model built
    on a dict of inputs): a bare tensor there makes Keras warn that the input structure does not match."""
    import keras

    struct = getattr(model, "_inputs_struct", None)  # functional models only: the structure they were built on
    if struct is None or not isinstance(struct, (dict, list, tuple)) or len(keras.tree.flatten(struct)) != 1:
        return batch
    return keras.tree.pack_sequence_as(struct, [batch])
