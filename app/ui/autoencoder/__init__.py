"""UI of the autoencoder latent explorer page."""
