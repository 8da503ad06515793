"""The 'Keras code' of the CNN page: the current configuration as a standalone script."""

from __future__ import annotations

from anndl.nets.cnn import parse_blocks

CUSTOM = {"inception": "InceptionBlock", "residual": "ResidualBlock", "se": "SqueezeExcite",
          "mobilenet": "DepthwiseSeparable"}


def _layer(b: dict) -> str:
    t = b["type"]
    if t == "conv":
        return (f"layers.Conv2D({b['filters']}, {b['kernel']}, strides={b['stride']}, padding={b['padding']!r}, "
                f"activation={b['activation']!r})")
    if t in ("maxpool", "avgpool"):
        cls = "MaxPooling2D" if t == "maxpool" else "AveragePooling2D"
        return f"layers.{cls}({b['kernel']}, strides={b['stride']}, padding={b['padding']!r})"
    if t == "batchnorm":
        return "layers.BatchNormalization(momentum=0.9)"
    if t == "dropout":
        return f"layers.Dropout({b['rate']})"
    if t == "inception":
        f = b["filters"]
        args = [max(1, f // 4), max(1, 3 * f // 8), max(1, f // 2), max(1, f // 16), max(1, f // 8), max(1, f // 8)]
        return f"InceptionBlock({', '.join(map(str, args))})"
    if t == "residual":
        return f"ResidualBlock({b['filters']}, stride={b['stride']})"
    if t == "se":
        return f"SqueezeExcite(ratio={b['ratio']})"
    return f"DepthwiseSeparable({b['filters']}, kernel={b['kernel']}, stride={b['stride']})"


def keras_code(params: dict, input_shape: tuple, n_classes: int) -> str:
    """Runnable Keras 3 code of the page's configuration (data from anndl's offline catalogue)."""
    blocks = parse_blocks(params["blocks"])
    custom = sorted({CUSTOM[b["type"]] for b in blocks if b["type"] in CUSTOM})
    dataset = params.get("dataset", "mnist")
    lines = ['"""CNN from the anndl CNN trainer page (course §6–§9), Keras 3."""', "import keras",
             "import numpy as np", "from keras import layers", "",
             "from anndl.topics.cnn.job import load_images, split_images"]
    if custom:
        lines.append(f"from anndl.nets.cnn_blocks import {', '.join(custom)}")
    data = ("load_images('upload', data_path='images.npz')  # your zip, as saved by the page"
            if dataset == "upload" else f"load_images({dataset!r}, seed={params.get('seed', 0)})")
    lines += ["", f"keras.utils.set_random_seed({params.get('seed', 0)})", f"ds = {data}",
              f"sp = split_images(ds, seed={params.get('seed', 0)})  # stratified 72/8/20 % train/validation/test",
              f"onehot = np.eye({n_classes}, dtype='float32')", "",
              "model = keras.Sequential([", f"    keras.Input({tuple(input_shape)}),"]
    lines += [f"    {_layer(b)}," for b in blocks]
    if custom:
        note = ("InceptionBlock(1×1, 3×3 reduce, 3×3, 5×5 reduce, 5×5, pool projection filters)"
                if "InceptionBlock" in custom else "the course's blocks come from anndl.nets.cnn_blocks")
        lines.insert(-len(blocks), f"    # {note}")
    lines.append("    layers.Flatten()," if params.get("head", "flatten") == "flatten" else
                 "    layers.GlobalAveragePooling2D(),")
    if params.get("hidden"):
        lines.append(f"    layers.Dense({params['hidden']}, activation='relu'),")
    if params.get("dropout"):
        lines.append(f"    layers.Dropout({params['dropout']}),")
    lines += [f"    layers.Dense({n_classes}, activation='softmax'),", "])"]
    batch, epochs, lr = params.get("batch", 128), params.get("epochs", 10), params.get("lr", 4e-3)
    if params.get("cosine"):
        lines.append(f"lr = keras.optimizers.schedules.CosineDecay({lr}, {epochs} * -(-len(sp.x_train) // {batch}))")
    else:
        lines.append(f"lr = {lr}")
    lines += ["model.compile(keras.optimizers.Adam(lr), 'categorical_crossentropy', metrics=['accuracy'])",
              "model.summary()", "callbacks = []"]
    if params.get("early_stopping"):
        lines.append(f"callbacks.append(keras.callbacks.EarlyStopping(patience={params['early_stopping']}, "
                     "restore_best_weights=True))")
    if params.get("reduce_lr"):
        lines.append(f"callbacks.append(keras.callbacks.ReduceLROnPlateau(patience={params['reduce_lr']}, factor=0.5))")
    aug = params.get("augment") or {}
    if aug:
        lines += ["", "from anndl.nets.augment import AugmentConfig, train_data",
                  f"x, y = train_data(sp.x_train, onehot[sp.y_train], AugmentConfig(**{aug!r}), {batch})  "
                  "# Keras random layers, MixUp, CutMix in tf.data"]
    else:
        lines.append("x, y = sp.x_train, onehot[sp.y_train]")
    lines += [f"model.fit(x, y, batch_size={batch}, epochs={epochs}, validation_data=(sp.x_val, onehot[sp.y_val]), "
              "callbacks=callbacks)",
              "print('test accuracy', model.evaluate(sp.x_test, onehot[sp.y_test], verbose=0)[1])",
              "model.save('cnn.keras')", ""]
    return "\n".join(lines)
