"""CNN trainer (course §6–§9, §12.1–§12.2)."""
