"""Perceptron & FFNN playground (course §1–§5)."""
