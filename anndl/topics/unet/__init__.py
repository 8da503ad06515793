"""U-Net segmentation (course §10, §17)."""
