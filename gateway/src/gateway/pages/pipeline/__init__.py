"""The pipeline pages."""
