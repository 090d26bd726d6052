"""Consortium Hub gateway: users, login, roles, the web UI and the /api/<service> router."""
