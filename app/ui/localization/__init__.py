"""UI of the localization & CAM page."""
