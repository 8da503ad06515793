"""GAN page UI."""
