"""Persistence: SQLAlchemy tables for consortia and users, and the repository over them."""
