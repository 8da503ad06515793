"""UI of the CNN trainer page."""
