"""The 'Keras code' of the U-Net page: the current configuration as a standalone script."""

from __future__ import annotations

from .job import DEFAULTS

UPSAMPLE = {
    "transpose": "layers.Conv2DTranspose({f}, 2, strides=2, padding='same')(x)",
    "nearest": "layers.Conv2D({f}, 3, padding='same')(layers.UpSampling2D(2, interpolation='nearest')(x))",
    "bilinear": "layers.Conv2D({f}, 3, padding='same')(layers.UpSampling2D(2, interpolation='bilinear')(x))",
}
SKIP = {"concat": "x = layers.Concatenate()([x, skips[level]])", "add": "x = layers.Add()([x, skips[level]])",
        "none": "pass  # no skip: the plain fully convolutional network of §10.8"}


def keras_code(params: dict, input_shape: tuple = (48, 48, 1), n_classes: int = 4) -> str:
    """Runnable Keras 3 code of the page's configuration (data: anndl's generated canvases, or your upload)."""
    params = {**DEFAULTS, **params}
    seed, f = int(params["seed"]), int(params["filters"])
    if params.get("dataset") == "upload":
        data = ["from anndl.topics.unet.job import upload_data", "",
                "d = upload_data('pairs.npz', seed=SEED)  # your zip, as saved by the page"]
    else:
        data = ["from anndl.topics.unet.job import canvases", "",
                f"d = canvases({params.get('dataset', 'shapes')!r}, n_train={int(params.get('n_train', 1200))}, "
                "seed=SEED)"]
    up = UPSAMPLE[params.get("upsampling", "transpose")].format(f="f")
    return "\n".join([
        '"""U-Net from the anndl U-Net page (course §10, §17.2), Keras 3."""', "import keras",
        "from keras import layers", *data[:1], "", f"SEED = {seed}", "keras.utils.set_random_seed(SEED)", *data[1:],
        "",
        "",
        "def block(x, f):",
        "    for _ in range(2):  # conv-BN-activation, twice",
        "        x = layers.Conv2D(f, 3, padding='same', use_bias=False)(x)",
        "        x = layers.Activation('relu')(layers.BatchNormalization()(x))",
        "    return x",
        "",
        "",
        f"inputs = keras.Input({tuple(input_shape)})",
        "x, skips = inputs, []",
        f"for level in range({int(params.get('depth', 3))}):",
        f"    x = block(x, {f} * 2 ** level)",
        "    skips.append(x)",
        "    x = layers.MaxPooling2D(2)(x)",
        f"x = block(x, {f} * 2 ** {int(params.get('depth', 3))})",
        f"for level in reversed(range({int(params.get('depth', 3))})):",
        f"    f = {f} * 2 ** level",
        f"    x = {up}",
        f"    {SKIP[params.get('skip', 'concat')]}",
        "    x = block(x, f)",
        f"outputs = layers.Conv2D({n_classes}, 1, activation='softmax')(x)  # a class distribution per pixel",
        "model = keras.Model(inputs, outputs)",
        f"model.compile(optimizer=keras.optimizers.AdamW({float(params.get('lr', 3e-3))}, weight_decay=1e-4),",
        "              loss='sparse_categorical_crossentropy', metrics=['accuracy'])  # pixel-wise (§10.6)",
        f"model.fit(d.x_train, d.y_train[..., None], batch_size={int(params.get('batch', 32))}, "
        f"epochs={int(params.get('epochs', 10))},",
        "          validation_data=(d.x_val, d.y_val[..., None]))",
        "",
        "pred = model.predict(d.x_test, verbose=0).argmax(-1)",
        f"iou = keras.metrics.MeanIoU({n_classes})",
        "iou.update_state(d.y_test, pred)",
        "m = iou.total_cm.numpy()",
        "per_class = m.diagonal() / (m.sum(0) + m.sum(1) - m.diagonal())",
        "print('per-class IoU', per_class.round(3), 'mean IoU without background', per_class[1:].mean().round(3))",
        ""])
