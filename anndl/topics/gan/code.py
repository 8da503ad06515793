"""The 'Keras code' of the GAN page: the current configuration as a standalone script (TensorFlow backend)."""

from __future__ import annotations

from .job import DEFAULTS, config_from

_STEP = '''
class GAN(keras.Model):
    """k discriminator updates per generator update (course §22.3)."""

    def __init__(self, generator, discriminator, k, non_saturating):
        super().__init__()
        self.generator, self.discriminator, self.k, self.ns = generator, discriminator, k, non_saturating
        self.noise = keras.random.SeedGenerator(0)

    def compile(self, d_optimizer, g_optimizer):
        super().compile()
        self.d_optimizer, self.g_optimizer = d_optimizer, g_optimizer

    def inputs_of(self, x, y):
        return [x, y] if CLASSES else x

    def train_step(self, data):
        x, labels = data
        x = x * 2.0 - 1.0  # pixels in [-1, 1], the generator's tanh range
        y = keras.ops.one_hot(keras.ops.cast(labels, "int32"), CLASSES) if CLASSES else None
        n = keras.ops.shape(x)[0]
        for _ in range(self.k):
            fake = self.generator(self.inputs_of(keras.random.normal((n, LATENT), seed=self.noise), y))
            with tf.GradientTape() as tape:
                real_logit = self.discriminator(self.inputs_of(x, y), training=True)
                fake_logit = self.discriminator(self.inputs_of(fake, y), training=True)
                d_loss = (keras.ops.mean(keras.ops.softplus(-real_logit))
                          + keras.ops.mean(keras.ops.softplus(fake_logit)))
            d_vars = self.discriminator.trainable_variables
            self.d_optimizer.apply_gradients(zip(tape.gradient(d_loss, d_vars), d_vars))
        with tf.GradientTape() as tape:
            fake = self.generator(self.inputs_of(keras.random.normal((n, LATENT), seed=self.noise), y), training=True)
            fake_logit = self.discriminator(self.inputs_of(fake, y), training=True)
            # non-saturating: -log D(G(z)); saturating: log(1 - D(G(z)))
            g_loss = keras.ops.mean(keras.ops.softplus(-fake_logit)) if self.ns else \\
                -keras.ops.mean(keras.ops.softplus(fake_logit))
        g_vars = self.generator.trainable_variables
        self.g_optimizer.apply_gradients(zip(tape.gradient(g_loss, g_vars), g_vars))
        return {"d_loss": d_loss, "g_loss": g_loss}
'''


def _nets(cfg, lines: list[str]) -> None:
    cond = bool(cfg.n_classes)
    lines += ["z = keras.Input((LATENT,))", "label = keras.Input((CLASSES,)) if CLASSES else None",
              f"h = layers.Concatenate()([z, layers.Dense({cfg.embed}, use_bias=False)(label)])  # label embedding"
              if cond else "h = z"]
    if cfg.kind == "conv":
        f0, f1 = cfg.filters
        lines += [f"h = layers.Reshape((7, 7, {f0}))(layers.Dense(7 * 7 * {f0})(h))"]
        for f in (f0, f1):
            lines.append(f"h = layers.LeakyReLU(0.2)(layers.LayerNormalization()("
                         f"layers.Conv2DTranspose({f}, 4, strides=2, padding='same')(h)))")
        lines.append("out = layers.Conv2D(1, 5, padding='same', activation='tanh')(h)")
    else:
        for w in cfg.hidden:
            lines.append(f"h = layers.LeakyReLU(0.2)(layers.LayerNormalization()(layers.Dense({w})(h)))")
        lines.append("out = layers.Reshape((28, 28, 1))(layers.Dense(784, activation='tanh')(h))")
    lines += ["generator = keras.Model([z, label] if CLASSES else z, out, name='generator')", "",
              "x_in = keras.Input((28, 28, 1))"]
    if cfg.kind == "conv":
        lines.append("h = layers.Concatenate()([x_in, layers.Reshape((28, 28, 1))(layers.Dense(784)(layers.Dense("
                     f"{cfg.embed}, use_bias=False)(label)))])" if cond else "h = x_in")
        for f in reversed(cfg.filters):
            lines.append(f"h = layers.LeakyReLU(0.2)(layers.Conv2D({f}, 4, strides=2, padding='same')(h))")
        lines.append("h = layers.Flatten()(h)")
    else:
        lines.append(f"h = layers.Concatenate()([layers.Flatten()(x_in), layers.Dense({cfg.embed}, use_bias=False)"
                     "(label)])" if cond else "h = layers.Flatten()(x_in)")
        for w in reversed(cfg.hidden):
            lines.append(f"h = layers.LeakyReLU(0.2)(layers.Dense({w})(h))")
    lines.append("discriminator = keras.Model([x_in, label] if CLASSES else x_in, layers.Dense(1)(h), "
                 "name='discriminator')  # a logit")


def keras_code(params: dict) -> str:
    """Runnable Keras 3 code of the page's configuration (data from anndl's offline catalogue)."""
    p = {**DEFAULTS, **params}
    cfg = config_from(p)
    seed = int(p.get("seed", 0))
    lines = ['"""GAN from the anndl GAN / cGAN sampler page (course §21–§22), Keras 3 on TensorFlow."""',
             "import keras", "import tensorflow as tf", "from keras import layers", "",
             "from anndl.topics.gan.job import load_images, split_images", "",
             f"LATENT, CLASSES = {cfg.latent}, {cfg.n_classes}  # CLASSES = 0: an unconditional GAN",
             f"keras.utils.set_random_seed({seed})", f"ds = load_images({p.get('dataset', 'mnist')!r}, seed={seed})",
             f"sp = split_images(ds, seed={seed})  # stratified 72/8/20 %; the GAN trains on the 72 %", ""]
    _nets(cfg, lines)
    lines += _STEP.split("\n")
    lines += [f"gan = GAN(generator, discriminator, k={cfg.d_steps}, non_saturating={cfg.non_saturating})",
              f"gan.compile(keras.optimizers.Adam({cfg.lr_d}, beta_1=0.5), keras.optimizers.Adam({cfg.lr_g}, "
              "beta_1=0.5))",
              f"gan.fit(sp.x_train, sp.y_train, batch_size={int(p['batch'])}, epochs={int(p['epochs'])})",
              "z = keras.random.normal((10, LATENT))",
              "images = generator([z, keras.ops.eye(CLASSES)] if CLASSES else z)  # one per class, in [-1, 1]",
              "generator.save('generator.keras')", ""]
    return "\n".join(lines)
