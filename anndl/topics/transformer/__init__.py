"""Transformer translator (course §25–§28)."""
