"""The allocation pages."""
