"""CSRF protection for every form; the API router checks the X-CSRFToken header itself."""
from flask_wtf.csrf import CSRFError, CSRFProtect, generate_csrf, validate_csrf

csrf = CSRFProtect()

__all__ = ["csrf", "CSRFError", "generate_csrf", "validate_csrf"]
