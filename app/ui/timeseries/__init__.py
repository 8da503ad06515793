"""UI of the time-series page."""
