"""Time series (course §23–§24)."""
