"""The 'Keras code' of the transfer page: the current two-phase configuration as a standalone script."""

from __future__ import annotations

from .job import IMAGENET_SIDE, TASKS, settings


def _backbone_lines(backbone: str, cut: str) -> list[str]:
    """The frozen backbone on 28×28 gray inputs: the project's, cut at `cut`, or keras.applications' with ImageNet
    weights behind its own input scaling."""
    from anndl.backbones import APPLICATIONS
    from anndl.nets.transfer import IMAGENET_INPUT

    if backbone not in APPLICATIONS:
        return [f"pretrained = zoo.load({backbone!r})  # the project's backbone (works offline)",
                f"backbone = keras.Model(pretrained.inputs, pretrained.get_layer({cut!r}).output)",
                "backbone.trainable = False  # phase 1: feature extraction (§9.13)",
                "inp = keras.Input((28, 28, 1))",
                "x_ = backbone(inp, training=False)  # frozen BN layers run in inference mode",
                "x_ = layers.Flatten()(x_)" if cut != "avg_pool" else ""]
    scale, offset = IMAGENET_INPUT[APPLICATIONS[backbone][3]]
    side = IMAGENET_SIDE
    return [f"backbone = keras.applications.{backbone}(weights='imagenet', include_top=False, pooling='avg', "
            f"input_shape=({side}, {side}, 3))",
            "backbone.trainable = False  # phase 1: feature extraction (§9.13)",
            "inp = keras.Input((28, 28, 1))",
            f"x_ = layers.Resizing({side}, {side})(inp)",
            f"x_ = layers.Conv2D(3, 1, trainable=False, kernel_initializer=keras.initializers.Constant({scale}), "
            f"bias_initializer=keras.initializers.Constant({list(offset)}))(x_)  # gray [0, 1] as its weights expect",
            "x_ = backbone(x_, training=False)  # frozen BN layers run in inference mode"]


def keras_code(params: dict) -> str:
    """Runnable Keras 3 code: frozen backbone + dropout + softmax, then the top convolutions fine-tuned."""
    p = settings(params)
    backbone = TASKS[p["task"]][1] if p.get("backbone", "auto") == "auto" else p["backbone"]
    data = {k: p[k] for k in ("task", "seed", "data_path") if k in p}
    return "\n".join([
        '"""Transfer learning and fine-tuning from the anndl page (course §9.13–§9.14), Keras 3."""',
        "import keras", "import numpy as np", "from keras import layers", "",
        "from anndl import zoo", "from anndl.topics.transfer.job import few, task_data", "",
        f"keras.utils.set_random_seed({int(p['seed'])})",
        f"ds, sp = task_data({data!r})  # 28×28 gray in [0, 1]; stratified 72/8/20 % split",
        f"idx = few(sp.y_train, {int(p['per_class'] or 0)}, {int(p['seed'])})  # images per class (0: all)",
        "x, y = sp.x_train[idx], keras.utils.to_categorical(sp.y_train[idx], ds.n_classes)",
        "val = (sp.x_val, keras.utils.to_categorical(sp.y_val, ds.n_classes))", "",
        *_backbone_lines(backbone, p["cut"]),
        f"x_ = layers.Dropout({float(p['dropout'])})(x_)",
        "model = keras.Model(inp, layers.Dense(ds.n_classes, activation='softmax')(x_))",
        f"model.compile(keras.optimizers.Adam({float(p['lr'])}), 'categorical_crossentropy', metrics=['accuracy'])",
        f"steps = -(-len(x) // {int(p['batch'])})",
        f"model.fit(x, y, batch_size={int(p['batch'])}, epochs=-(-{int(p['transfer_steps'])} // steps), "
        "validation_data=val)", "",
        "# phase 2: fine-tuning (§9.14) — the top convolutions only; BatchNormalization stays frozen",
        "backbone.trainable = True",
        "convs = [l for l in backbone.layers if isinstance(l, (layers.Conv2D, layers.DepthwiseConv2D))]",
        "for layer in backbone.layers:",
        f"    layer.trainable = layer in convs[-{int(p['unfreeze'])}:] if {int(p['unfreeze'])} else False",
        f"model.compile(keras.optimizers.Adam({float(p['ft_lr'])}), 'categorical_crossentropy', metrics=['accuracy'])",
        "model.summary()  # trainable vs non-trainable parameters",
        "before = (model.get_weights(), model.evaluate(*val, verbose=0)[0])",
        f"epochs = -(-{int(p['finetune_steps'])} // steps)",
        f"model.fit(x, y, batch_size={int(p['batch'])}, epochs=epochs, validation_data=val, "
        "callbacks=[keras.callbacks.EarlyStopping(patience=epochs, restore_best_weights=True)])",
        "if model.evaluate(*val, verbose=0)[0] >= before[1]:  # fine-tuning did not lower the validation loss",
        "    model.set_weights(before[0])  # keep the transfer weights",
        "probs = model.predict(sp.x_test, verbose=0)",
        "print('test accuracy', float(np.mean(probs.argmax(1) == sp.y_test)))",
        "model.save('transfer.keras')", ""])
