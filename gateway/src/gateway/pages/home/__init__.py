"""The home page of each role, and decision requests."""
