"""UI of the Transformer translator page."""
