"""POST /api/auth/token: exchange a username and password for a short-lived API token."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request
from hubkit.problems import problem
from hubkit.tokens import API_AUDIENCE, API_TOKEN_TTL, mint
from marshmallow import RAISE, Schema, ValidationError, fields, validate

from hubkit.clock import utcnow

from ..accounts import SignInThrottled
from ..domain.throttling import seconds_to_wait
from .signing_in import client_address, sign_in_from_request

bp = Blueprint("api_token", __name__)


class TokenRequest(Schema):
    class Meta:
        unknown = RAISE

    username = fields.String(required=True, validate=validate.Length(min=1, max=64))
    password = fields.String(required=True, validate=validate.Length(min=1, max=256))


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
    # The user's token version goes in the token: when their access changes, the gateway refuses it (proxy/callers).
    token = mint(user.principal(), settings.private_key_pem, issuer=settings.token_issuer,
                 audience=API_AUDIENCE, ttl=API_TOKEN_TTL, extra={"ver": user.token_version})
    response = jsonify(access_token=token, token_type="Bearer", expires_in=int(API_TOKEN_TTL.total_seconds()))
    response.headers["Cache-Control"] = "no-store"
    return response
