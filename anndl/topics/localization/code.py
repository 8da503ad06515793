"""The 'Keras code' of the localization page: the two-head network and its training, runnable as is."""

from __future__ import annotations

from .job import DEFAULTS, SIZE


def keras_code(params: dict) -> str:
    """Runnable Keras 3 code of the page's configuration (canvases from anndl's offline generator)."""
    p = {**DEFAULTS, **params}
    alpha, hide = float(p["alpha"]), float(p.get("hide", 0.0))
    image = "h = inputs"
    if hide > 0:  # Hide-and-Seek: patches hidden in training only
        image = (f"from anndl.nets.localization import HidePatches\n\n"
                 f"h = HidePatches(16, {hide}, name=\"hide\")(inputs)  # hides 16 px patches in training only")
    return f'''"""Two-head localization network from the anndl localization page (course §11.3), Keras 3."""
import keras
import numpy as np
from keras import layers

from anndl.data.canvas import CanvasConfig, generate


def canvases(n, part, seed):
    c = generate(n, CanvasConfig(size={SIZE}, objects={p["objects"]!r}, part=part, min_objects=1, max_objects=1),
                 seed)
    return c.images, {{"class": c.classes[:, 0], "box": c.boxes[:, 0] / {SIZE}}}, c.class_names


keras.utils.set_random_seed({int(p["seed"])})
x, y, names = canvases({int(p["n_train"])}, "train", {int(p["seed"])})
xv, yv, _ = canvases(400, "train", {int(p["seed"]) + 1})
inputs = keras.Input(({SIZE}, {SIZE}, 1), name="image")
{image}
h = layers.Conv2D(16, 3, padding="same", activation="relu", name="conv1")(h)
h = layers.MaxPooling2D(2)(h)
h = layers.Conv2D(32, 3, padding="same", activation="relu", name="conv2")(h)
h = layers.MaxPooling2D(2)(h)
maps = layers.Conv2D(64, 3, padding="same", activation="relu", name="last_conv")(h)  # f_k(i, j) of CAM
label = layers.Dense(len(names), activation="softmax", name="class")(layers.GlobalAveragePooling2D()(maps))
b = layers.Flatten()(layers.Conv2D(8, 1, activation="relu")(maps))
box = layers.Dense(4, activation="sigmoid", name="box")(layers.Dense(64, activation="relu")(b))
model = keras.Model(inputs, {{"class": label, "box": box}})
alpha = {alpha}  # α·CE + (1 − α)·box loss
model.compile(keras.optimizers.Adam({float(p["lr"])}),
              loss={{"class": "sparse_categorical_crossentropy", "box": "mae"}},
              loss_weights={{"class": alpha, "box": 1 - alpha}}, metrics={{"class": ["accuracy"]}})
model.fit(x, y, batch_size={int(p["batch"])}, epochs={int(p["epochs"])}, validation_data=(xv, yv))

# CAM of the first validation image: M_c(i, j) = sum_k w_k^c f_k(i, j)
features = keras.Model(inputs, [maps, label])
f, prob = features(xv[:1])
c = int(np.argmax(prob[0]))
cam = np.einsum("hwk,k->hw", np.asarray(f[0]), np.asarray(model.get_layer("class").kernel)[:, c])
print("class", names[c], "CAM peak at", np.unravel_index(cam.argmax(), cam.shape))
'''
