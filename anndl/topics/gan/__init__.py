"""GAN and conditional GAN sampler (course §21–§22)."""
