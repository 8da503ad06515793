"""The GAN's training step (§22.3): gradients of the two losses, taken separately for the discriminator and the
generator; the backend's gradients come from `anndl.backend.loss_and_gradients`."""

from __future__ import annotations

import keras

from anndl.backend import loss_and_gradients

from .gan import discriminator_loss, generator_loss


def adversarial_step(gan, x, onehot) -> dict:
    """k discriminator updates on the real batch `x` and fresh fakes, then one generator update; the losses."""
    ops = keras.ops
    batch = ops.shape(x)[0]
    d_vars, g_vars = gan.discriminator.trainable_variables, gan.generator.trainable_variables

    def d_loss_fn():
        real_logits = gan.discriminator(gan._with_label(x, onehot), training=True)
        fake_logits = gan.discriminator(gan._with_label(ops.stop_gradient(fake), onehot), training=True)
        return discriminator_loss(real_logits, fake_logits), real_logits

    def g_loss_fn():
        fake_logits = gan.discriminator(gan._with_label(gan.generate(batch, onehot), onehot), training=True)
        return generator_loss(fake_logits, gan.non_saturating), fake_logits

    for _ in range(gan.d_steps):  # k discriminator steps (§22.3), each on new noise
        fake = gan.generate(batch, onehot)
        d_loss, real_logits, grads = loss_and_gradients(d_loss_fn, d_vars)
        gan.d_optimizer.apply_gradients(zip(grads, d_vars))
    g_loss, fake_logits, grads = loss_and_gradients(g_loss_fn, g_vars)
    gan.g_optimizer.apply_gradients(zip(grads, g_vars))
    return {"d_loss": d_loss, "g_loss": g_loss, "d_real": ops.mean(ops.sigmoid(real_logits)),
            "d_fake": ops.mean(ops.sigmoid(fake_logits))}
