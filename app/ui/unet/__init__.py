"""U-Net page UI."""
