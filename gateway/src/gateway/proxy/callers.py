"""Who is calling the API: a bearer token, a personal API key, or the browser session (then unsafe methods need a
CSRF header). Tokens and keys are checked against the user's current state (auth/revocation.py)."""
from __future__ import annotations

import datetime as dt
import hashlib
import uuid

from flask import current_app, request
from hubkit.tokens import API_AUDIENCE, API_TOKEN_TTL, InvalidToken, Principal, decode

from .. import accounts
from ..auth.csrf import validate_csrf
from ..auth.revocation import ShortMemory
from ..auth.session import current_user
from ..auth.signing_in import client_address
from ..domain.api_keys import looks_like_a_key

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
VERSION_CLAIM = "ver"  # the user's token version when the API token was minted (auth/api_token.py)


class NotAuthenticated(Exception):
    """No valid credentials; the message says what was wrong."""


class CsrfRefused(Exception):
    """A session-authenticated unsafe request without a valid X-CSRFToken header."""


def api_caller() -> Principal:
    """The principal behind this /api request, or raise NotAuthenticated / CsrfRefused."""
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, credential = header.partition(" ")
        credential = credential.strip()
        if scheme.lower() != "bearer" or not credential:
            raise NotAuthenticated("Use an Authorization: Bearer <token or API key> header.")
        return _key_holder(credential) if looks_like_a_key(credential) else _token_holder(credential)
    user = current_user()
    if user is None:
        raise NotAuthenticated("Log in, or send an API token from POST /api/auth/token.")
    if request.method not in SAFE_METHODS:
        try:
            validate_csrf(request.headers.get("X-CSRFToken", ""))
        except Exception as exc:  # flask-wtf raises ValidationError with the reason
            raise CsrfRefused(str(exc)) from exc
    return user.principal()


def _memory(name: str) -> ShortMemory:
    settings = current_app.extensions["gateway.settings"]
    return current_app.extensions.setdefault(
        f"gateway.{name}", ShortMemory(dt.timedelta(seconds=settings.revocation_check_seconds)))


def _token_holder(token: str) -> Principal:
    settings = current_app.extensions["gateway.settings"]
    try:
        claims = decode(token, settings.public_key_pem, issuer=settings.token_issuer, audience=API_AUDIENCE,
                        max_lifetime=API_TOKEN_TTL)
        principal = Principal.from_claims(claims)
        user_id = uuid.UUID(principal.user_id)
    except (InvalidToken, ValueError) as exc:
        raise NotAuthenticated(f"The token is not valid: {exc}.") from exc
    version = claims.get(VERSION_CLAIM)

    def read() -> int | None:
        with current_app.extensions["gateway.db"].session() as session:
            return accounts.token_state(session, user_id)

    current = _memory("token_versions").get(user_id, read)
    if type(version) is not int or current is None or version != current:
        current_app.logger.info("revoked API token refused", extra={"user_id": str(user_id)})
        raise NotAuthenticated("The token has been revoked: the user's access has changed since it was issued. "
                               "Ask for a new one from POST /api/auth/token.")
    return principal


def _key_holder(key: str) -> Principal:
    def check() -> Principal | accounts.ApiKeyRefused:
        with current_app.extensions["gateway.db"].session() as session:
            return accounts.principal_for_api_key(session, key, client_address())

    # Remembered under the key's SHA-256, never the key; refusals are not remembered (each is audited).
    answer = _memory("api_keys").get(hashlib.sha256(key.encode()).hexdigest(), check,
                                     keep=lambda found: isinstance(found, Principal))
    if isinstance(answer, accounts.ApiKeyRefused):
        current_app.logger.warning("API key refused", extra={"client_address": client_address()})
        raise NotAuthenticated(str(answer))
    return answer
