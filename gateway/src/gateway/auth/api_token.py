"""POST /api/auth/token: exchange a username and password for a short-lived API token."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request
from hubkit.problems import problem
from hubkit.tokens import API_AUDIENCE, API_TOKEN_TTL, mint
from marshmallow import RAISE, Schema, ValidationError, fields, validate

from hubkit.clock import utcnow

from .. import accounts
from ..accounts import SignInThrottled
from ..domain.throttling import seconds_to_wait
from .. import two_factor as two_factor_use_cases
from ..domain.two_factor import required_for
from .signing_in import client_address, sign_in_from_request
from .two_factor import check_code_from_request

bp = Blueprint("api_token", __name__)


class TokenRequest(Schema):
    class Meta:
        unknown = RAISE

    username = fields.String(required=True, validate=validate.Length(min=1, max=64))
    password = fields.String(required=True, validate=validate.Length(min=1, max=256))
    # For an account with two-factor on: the authenticator's current code, or a recovery code.
    totp = fields.String(load_default=None, validate=validate.Length(min=1, max=64))


@bp.route("/api/auth/token", methods=["POST"])
def issue_token():
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return problem(400, "Bad Request", "Send a JSON object: {\"username\": ..., \"password\": ...}.")
    try:
        credentials = TokenRequest().load(body)
    except ValidationError as exc:
        return problem(422, "Unprocessable Content",
                       "Some fields are missing or invalid: " + ", ".join(sorted(exc.messages)),
                       errors=exc.messages)
    settings = current_app.extensions["gateway.settings"]
    try:
        user = sign_in_from_request(credentials["username"], credentials["password"])
    except SignInThrottled as throttled:
        now = utcnow()
        wait = seconds_to_wait(throttled.until, now)
        current_app.logger.warning("token request throttled", extra={"username": credentials["username"],
                                                                     "client_address": client_address()})
        until = throttled.until.isoformat(timespec="seconds").replace("+00:00", "Z")
        return problem(429, "Too Many Requests",
                       f"Too many failed sign-ins. Try again in {wait} seconds, after {until}.",
                       headers={"Retry-After": str(wait)})
    if user is None:
        return problem(401, "Unauthorized", "The username or password is wrong.",
                       headers={"WWW-Authenticate": 'Bearer realm="consortium-hub"'})
    refused = _second_step(user, credentials["totp"])
    if refused is not None:
        return refused
    with current_app.extensions["gateway.db"].session() as session:  # every step passed: now they are signed in
        accounts.record_sign_in(session, user.id)
    # The user's token version goes in the token: when their access changes, the gateway refuses it (proxy/callers).
    token = mint(user.principal(), settings.private_key_pem, issuer=settings.token_issuer,
                 audience=API_AUDIENCE, ttl=API_TOKEN_TTL, extra={"ver": user.token_version})
    response = jsonify(access_token=token, token_type="Bearer", expires_in=int(API_TOKEN_TTL.total_seconds()))
    response.headers["Cache-Control"] = "no-store"
    return response


def _second_step(user, code: str | None):
    """None when the account may have a token; else the problem: two-factor is on and no right code was sent (the
    code is counted by the sign-in throttle as at /login/code), or the host requires it and it is not set up."""
    with current_app.extensions["gateway.db"].session() as session:
        enabled = two_factor_use_cases.is_enabled(session, user.id)
    if not enabled:
        if required_for(user.roles, current_app.extensions["gateway.settings"].two_factor_required):
            return problem(403, "Forbidden", "The hub requires two-factor sign-in for your role: set it up in the "
                                             "browser (Two-factor, at the top of every page) before asking for a token.")
        return None
    if not code:
        return problem(401, "Unauthorized", "This account signs in with two-factor: send the code your "
                                            "authenticator app shows now (or a recovery code) as \"totp\".",
                       headers={"WWW-Authenticate": 'Bearer realm="consortium-hub"'})
    try:
        right = check_code_from_request(user, code)
    except SignInThrottled as throttled:
        now = utcnow()
        wait = seconds_to_wait(throttled.until, now)
        until = throttled.until.isoformat(timespec="seconds").replace("+00:00", "Z")
        return problem(429, "Too Many Requests",
                       f"Too many failed sign-ins. Try again in {wait} seconds, after {until}.",
                       headers={"Retry-After": str(wait)})
    if not right:
        return problem(401, "Unauthorized", "The two-factor code is wrong or has been used.",
                       headers={"WWW-Authenticate": 'Bearer realm="consortium-hub"'})
    return None
