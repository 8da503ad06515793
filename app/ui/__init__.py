"""Shared Streamlit widgets every topic page uses (app shell; pages call these, never each other)."""
