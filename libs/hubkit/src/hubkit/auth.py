"""Token checking for services: every request needs a valid gateway token and an allowed role.

Deny by default: a view that declares neither `@allow(...)` nor `@public` answers 403.
"""
from __future__ import annotations

import datetime as dt
from functools import cached_property
from pathlib import Path
from typing import Callable

from flask import Flask, current_app, g, has_app_context, request

from .problems import problem
from .tokens import ROLES, SERVICE_TOKEN_TTL, InvalidToken, Principal, verify

ALL_ROLES = ROLES
STAFF = ("consortium_manager", "finance_officer", "board_member", "host_admin")
# Who sees every governance body's business (its meetings, papers and written resolutions) without a seat on it:
# the consortium manager and the board (README's roles table). Anyone else, whatever their role, sees only the
# bodies where a seat names their hub username. The governance service and the gateway's pages read this one set.
SEES_GOVERNANCE = ("consortium_manager", "board_member")


def allow(*roles: str) -> Callable:
    """Let callers holding any of these roles use the view."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {unknown}")

    def mark(fn: Callable) -> Callable:
        fn._hubkit_roles = frozenset(roles)  # type: ignore[attr-defined]
        return fn

    return mark


def public(fn: Callable) -> Callable:
    """No token needed (health checks, the OpenAPI document)."""
    fn._hubkit_public = True  # type: ignore[attr-defined]
    return fn


class TokenChecker:
    """Checks the gateway's tokens for one service, refusing any made to live longer than max_lifetime
    (HUB_TOKEN_MAX_LIFETIME_S): a token that outlives a revocation is refused even if its signature is good."""

    def __init__(self, public_key_file: Path, issuer: str, audience: str, max_lifetime: dt.timedelta | None = None):
        self.public_key_file, self.issuer, self.audience = public_key_file, issuer, audience
        self._max_lifetime = max_lifetime

    @property
    def max_lifetime(self) -> dt.timedelta:
        """As given, else the app's settings' token_max_lifetime_s (SERVICE_TOKEN_TTL without settings)."""
        if self._max_lifetime is not None:
            return self._max_lifetime
        settings = current_app.extensions.get("hubkit.settings") if has_app_context() else None
        seconds = getattr(settings, "token_max_lifetime_s", None)
        return dt.timedelta(seconds=seconds) if seconds else SERVICE_TOKEN_TTL

    @cached_property
    def public_key(self) -> bytes:
        return self.public_key_file.read_bytes()

    def principal_from(self, header: str | None) -> Principal:
        if not header or not header.startswith("Bearer "):
            raise InvalidToken("no bearer token")
        return verify(header[len("Bearer "):].strip(), self.public_key, issuer=self.issuer, audience=self.audience,
                      max_lifetime=self.max_lifetime)


def view_target(app: Flask) -> Callable | None:
    """The function that will answer this request (a MethodView's method for class-based views)."""
    view = app.view_functions.get(request.endpoint or "")
    if view is None:
        return None
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        return getattr(view_class, request.method.lower(), None) or (
            getattr(view_class, "get", None) if request.method == "HEAD" else None)
    return view


def check_request() -> object | None:
    """before_request hook: authenticate and authorise, or answer 401/403 problem+json."""
    target = view_target(current_app)
    if target is None or getattr(target, "_hubkit_public", False) or request.endpoint in (
            "api-docs.openapi_json", "static"):
        return None  # 404/405 are answered by Flask; public views need no token
    checker: TokenChecker = current_app.extensions["hubkit.tokens"]
    try:
        g.principal = checker.principal_from(request.headers.get("Authorization"))
    except InvalidToken as exc:
        return problem(401, "Unauthorized", f"A valid bearer token is required ({exc}).",
                       headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
    roles = getattr(target, "_hubkit_roles", None)
    if roles is None or not g.principal.has_any(roles):
        return problem(403, "Forbidden", "Your role does not allow this.")
    if without_organisation(g.principal):
        return problem(403, "Forbidden", "Your login is not linked to a member organisation yet; "
                                         "your consortium manager links it.")
    return None


def without_organisation(principal: Principal) -> bool:
    """Member staff whose login is not linked to an organisation yet: they may see no organisation's data
    (their queries would carry no organisation to scope by), in every service alike."""
    return principal.is_member_user_only and principal.organisation_id is None


def current_principal() -> Principal:
    return g.principal
