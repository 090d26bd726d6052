"""The governance pages."""
