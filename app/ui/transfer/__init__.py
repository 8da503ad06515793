"""Transfer learning page widgets and views."""
