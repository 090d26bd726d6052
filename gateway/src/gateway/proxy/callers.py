"""Who is calling the API: a bearer token, or the browser session (then unsafe methods need a CSRF header)."""
from __future__ import annotations

from flask import current_app, request
from hubkit.tokens import API_AUDIENCE, InvalidToken, Principal, verify

from ..auth.csrf import validate_csrf
from ..auth.session import current_user

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class NotAuthenticated(Exception):
    """No valid credentials; the message says what was wrong."""


class CsrfRefused(Exception):
    """A session-authenticated unsafe request without a valid X-CSRFToken header."""


def api_caller() -> Principal:
    """The principal behind this /api request, or raise NotAuthenticated / CsrfRefused."""
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise NotAuthenticated("Use an Authorization: Bearer <token> header.")
        settings = current_app.extensions["gateway.settings"]
        try:
            return verify(token.strip(), settings.public_key_pem, issuer=settings.token_issuer,
                          audience=API_AUDIENCE)
        except InvalidToken as exc:
            raise NotAuthenticated(f"The token is not valid: {exc}.") from exc
    user = current_user()
    if user is None:
        raise NotAuthenticated("Log in, or send an API token from POST /api/auth/token.")
    if request.method not in SAFE_METHODS:
        try:
            validate_csrf(request.headers.get("X-CSRFToken", ""))
        except Exception as exc:  # flask-wtf raises ValidationError with the reason
            raise CsrfRefused(str(exc)) from exc
    return user.principal()
