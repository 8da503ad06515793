"""Autoencoder latent explorer (course §19–§20)."""
