"""Object detection topic (course §14–§15, §16 as an explainer)."""
