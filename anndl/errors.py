"""The errors whose message is meant for the user: one sentence saying what is wrong and how to fix it."""

from __future__ import annotations


class SettingsError(ValueError):
    """A configuration (knobs, a link's query string, a stack typed as text) the server refuses to run."""
