"""Siamese retrieval: metric learning with contrastive and triplet losses (course §18.3)."""
