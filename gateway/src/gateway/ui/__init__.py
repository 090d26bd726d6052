"""The web pages: home per role, member organisations and decisions."""
