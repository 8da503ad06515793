"""The 'Keras code' of the Siamese page: the current configuration as a standalone script."""

from __future__ import annotations

from anndl.nets.siamese import margin_of

from .job import DEFAULTS, config_from


def keras_code(params: dict) -> str:
    """Runnable Keras 3 code of the page's configuration (data from anndl's offline catalogue)."""
    p = {**DEFAULTS, **params}
    cfg = config_from(p)
    seed, epochs = int(p.get("seed", 0)), int(p["epochs"])
    lines = ['"""Siamese encoder from the anndl retrieval page (course §18.3), Keras 3."""', "import keras",
             "from keras import layers", "",
             "from anndl.nets.siamese import ContrastiveLoss, TripletLoss  # pairs / triplets mined in each batch",
             "from anndl.topics.siamese.job import load_data", "from anndl.topics.siamese.retrieval import recall_at_k",
             "", f"keras.utils.set_random_seed({seed})",
             f"d = load_data(seed={seed}{', n=' + str(int(p['n'])) if p.get('n') else ''})  "
             "# MNIST digits 0–7 to train, 8–9 held out", "",
             f"inp = keras.Input({tuple(cfg.input_shape)})", "x = inp"]
    for f in cfg.filters:
        lines.append(f"x = layers.Conv2D({f}, 3, strides=2, padding='same', activation='relu')(x)")
    lines += ["x = layers.Flatten()(x)", f"x = layers.Dense({cfg.embedding}, name='embedding')(x)"]
    if cfg.normalize:
        lines.append("x = layers.UnitNormalization()(x)  # embeddings on the unit sphere")
    lines.append("encoder = keras.Model(inp, x, name='encoder')  # f_w, shared by every image of a pair / triplet")
    if cfg.loss == "softmax":
        lines += [f"model = keras.Model(inp, layers.Dense({cfg.n_classes}, activation='softmax')(x))",
                  f"model.compile(keras.optimizers.Adam({cfg.learning_rate}), 'sparse_categorical_crossentropy', "
                  "metrics=['accuracy'])"]
    else:
        loss = "TripletLoss" if cfg.loss == "triplet" else "ContrastiveLoss"
        lines += ["model = encoder",
                  f"model.compile(keras.optimizers.Adam({cfg.learning_rate}), {loss}(margin={margin_of(cfg)}, "
                  f"mining={cfg.mining!r}))"]
    lines += [f"model.fit(d.x_train, d.y_train, batch_size={int(p['batch'])}, epochs={epochs}, "
              "validation_data=(d.x_val, d.y_val))",
              "emb = encoder.predict(d.x_test, verbose=0)",
              "print('recall@1, @5', recall_at_k(emb, d.y_test, (1, 5)))",
              "model.save('siamese.keras')", ""]
    return "\n".join(lines)
