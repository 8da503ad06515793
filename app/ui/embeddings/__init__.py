"""UI of the words-as-vectors page."""
