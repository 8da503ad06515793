"""The 'Keras code' of the autoencoder page: the current configuration as a standalone script."""

from __future__ import annotations

from .job import DEFAULTS, config_from


def _encoder(cfg, lines: list[str]) -> None:
    lines.append(f"inp = keras.Input({tuple(cfg.input_shape)})")
    if cfg.kind == "conv":
        lines.append("x = inp")
        for f in cfg.filters:
            lines.append(f"x = layers.Conv2D({f}, 3, strides=2, padding='same', activation='relu')(x)")
        lines.append("x = layers.Flatten()(x)")
    else:
        lines += ["x = layers.Flatten()(inp)", f"x = layers.Dense({cfg.hidden}, activation='relu')(x)"]
    if cfg.variational:
        lines += [f"encoder = keras.Model(inp, [layers.Dense({cfg.latent})(x), layers.Dense({cfg.latent})(x)], "
                  "name='encoder')  # mean, log-variance"]
    else:
        lines.append(f"encoder = keras.Model(inp, layers.Dense({cfg.latent})(x), name='encoder')")


def _decoder(cfg, lines: list[str]) -> None:
    h, w, c = cfg.input_shape
    lines.append(f"code = keras.Input(({cfg.latent},))")
    if cfg.kind == "conv":
        f = cfg.filters[-1]
        lines += [f"x = layers.Dense({h // 4 * w // 4 * f}, activation='relu')(code)",
                  f"x = layers.Reshape(({h // 4}, {w // 4}, {f}))(x)"]
        for f in reversed(cfg.filters[:-1]):
            lines.append(f"x = layers.Conv2DTranspose({f}, 3, strides=2, padding='same', activation='relu')(x)")
        lines.append(f"out = layers.Conv2DTranspose({c}, 3, strides=2, padding='same', activation='sigmoid')(x)")
    else:
        lines += [f"x = layers.Dense({cfg.hidden}, activation='relu')(code)",
                  f"out = layers.Reshape(({h}, {w}, {c}))(layers.Dense({h * w * c}, activation='sigmoid')(x))"]
    lines.append("decoder = keras.Model(code, out, name='decoder')")


def keras_code(params: dict, input_shape: tuple) -> str:
    """Runnable Keras 3 code of the page's configuration (data from anndl's offline catalogue)."""
    p = {**DEFAULTS, **params}
    cfg = config_from(p, input_shape)
    seed = int(p.get("seed", 0))
    lines = ['"""Autoencoder from the anndl latent explorer page (course §19–§20), Keras 3."""', "import keras",
             "from keras import layers", "", "from anndl.topics.autoencoder.job import load_images, split_images"]
    if cfg.deform:
        lines.append(f"from anndl.nets.autoencoder import RandomMove  # shifts ±{cfg.deform:.0%} and turns "
                     f"±{cfg.deform * 100:g}° each image, only while training")
    if cfg.variational:
        lines.append("from anndl.nets.autoencoder import VariationalSampling  # beyond the course: z = μ + σ·ε, "
                     "adds β·KL")
    lines += ["", f"keras.utils.set_random_seed({seed})", f"ds = load_images({p.get('dataset', 'mnist')!r}, "
              f"seed={seed})", f"sp = split_images(ds, seed={seed})  # stratified 72/8/20 % train/validation/test",
              ""]
    _encoder(cfg, lines)
    _decoder(cfg, lines)
    lines += ["", f"image = keras.Input({tuple(cfg.input_shape)})"]
    x = "image"
    if cfg.deform:  # denoising by moves: the encoder sees a moved digit, the target is the clean one
        x = f"RandomMove({cfg.deform}, {cfg.deform * 100:g})(image)"
    x = f"layers.GaussianNoise({cfg.noise})({x})" if cfg.noise else x
    z = f"VariationalSampling({cfg.beta})(encoder({x}))" if cfg.variational else f"encoder({x})"
    lines += [f"autoencoder = keras.Model(image, decoder({z}))" +
              ("  # denoising: corruption only while training" if cfg.noise or cfg.deform else ""),
              f"autoencoder.compile(keras.optimizers.Adam({cfg.learning_rate}), 'binary_crossentropy', "
              "metrics=['mse'])", "autoencoder.summary()",
              f"autoencoder.fit(sp.x_train, sp.x_train, batch_size={int(p['batch'])}, epochs={int(p['epochs'])}, "
              "validation_data=(sp.x_val, sp.x_val))",
              "print('test MSE', autoencoder.evaluate(sp.x_test, sp.x_test, verbose=0)[1])",
              "codes = encoder.predict(sp.x_test, verbose=0)" + ("[0]  # the means" if cfg.variational else
                                                                 "  # the latent map's points"),
              "autoencoder.save('autoencoder.keras')", ""]
    return "\n".join(lines)
