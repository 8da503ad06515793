"""UI of the Siamese retrieval page."""
