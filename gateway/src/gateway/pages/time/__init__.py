"""The time pages."""
