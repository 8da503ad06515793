"""Localization and explainability topic (course §11–§13)."""
