"""The money pages."""
