"""The one backend-specific piece of the GAN (§22.3): gradients of the two losses, taken separately for the
discriminator and the generator. TensorFlow (the project's default backend) uses GradientTape."""

from __future__ import annotations

import keras

from anndl.errors import SettingsError

from .gan import discriminator_loss, generator_loss


def adversarial_step(gan, x, onehot) -> dict:
    """k discriminator updates on the real batch `x` and fresh fakes, then one generator update; the losses."""
    if keras.backend.backend() != "tensorflow":
        raise SettingsError("The GAN's training step is written for the TensorFlow backend: set KERAS_BACKEND="
                            "tensorflow.")
    import tensorflow as tf

    batch = keras.ops.shape(x)[0]
    d_vars, g_vars = gan.discriminator.trainable_variables, gan.generator.trainable_variables
    for _ in range(gan.d_steps):  # k discriminator steps (§22.3), each on new noise
        fake = gan.generate(batch, onehot)
        with tf.GradientTape() as tape:
            real_logits = gan.discriminator(gan._with_label(x, onehot), training=True)
            fake_logits = gan.discriminator(gan._with_label(tf.stop_gradient(fake), onehot), training=True)
            d_loss = discriminator_loss(real_logits, fake_logits)
        gan.d_optimizer.apply_gradients(zip(tape.gradient(d_loss, d_vars), d_vars))
    with tf.GradientTape() as tape:
        fake_logits = gan.discriminator(gan._with_label(gan.generate(batch, onehot), onehot), training=True)
        g_loss = generator_loss(fake_logits, gan.non_saturating)
    gan.g_optimizer.apply_gradients(zip(tape.gradient(g_loss, g_vars), g_vars))
    return {"d_loss": d_loss, "g_loss": g_loss, "d_real": keras.ops.mean(keras.ops.sigmoid(real_logits)),
            "d_fake": keras.ops.mean(keras.ops.sigmoid(fake_logits))}
