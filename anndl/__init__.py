"""anndl: the Keras model package behind the course dashboard (no UI imports, usable from Python)."""

__version__ = "0.1.0"
