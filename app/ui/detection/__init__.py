"""UI of the object detection page."""
