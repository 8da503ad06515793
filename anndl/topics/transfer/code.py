"""The 'Keras code' of the transfer page: the current two-phase configuration as a standalone script."""

from __future__ import annotations

from .job import DEFAULTS, TASKS, defaults_for


def keras_code(params: dict) -> str:
    """Runnable Keras 3 code: frozen backbone + dropout + softmax, then the top convolutions fine-tuned."""
    p = {**defaults_for(params.get("task", DEFAULTS["task"])), **params}
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
        f"pretrained = zoo.load({backbone!r})  # the project's backbone (ImageNet weights are not reachable offline)",
        f"backbone = keras.Model(pretrained.inputs, pretrained.get_layer({p['cut']!r}).output)",
        "backbone.trainable = False  # phase 1: feature extraction (§9.13)",
        "inp = keras.Input((28, 28, 1))",
        "x_ = backbone(inp, training=False)  # frozen BN layers run in inference mode",
        "x_ = layers.Flatten()(x_)" if p["cut"] != "avg_pool" else "",
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
        f"model.fit(x, y, batch_size={int(p['batch'])}, epochs=-(-{int(p['finetune_steps'])} // steps), "
        "validation_data=val)",
        "probs = model.predict(sp.x_test, verbose=0)",
        "print('test accuracy', float(np.mean(probs.argmax(1) == sp.y_test)))",
        "model.save('transfer.keras')", ""])
