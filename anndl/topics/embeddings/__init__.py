"""Words as vectors (course §26, §27.4)."""
