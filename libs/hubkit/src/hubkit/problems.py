"""One error format for every service and the gateway: RFC 9457 application/problem+json."""
from __future__ import annotations

import logging

from flask import Flask, Response, g, json, request
from werkzeug.exceptions import HTTPException

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger(__name__)


def problem(status: int, title: str, detail: str | None = None, *, errors: dict | None = None,
            type_: str = "about:blank", headers: dict | None = None) -> Response:
    """Build a problem+json response; `errors` maps each failing field to its messages."""
    body: dict = {"type": type_, "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    body["instance"] = request.path if request else None
    request_id = getattr(g, "request_id", None) if g else None
    if request_id:
        body["request_id"] = request_id
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_JSON)
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def _field_errors(exc: HTTPException) -> dict | None:
    """webargs/flask-smorest put marshmallow's messages on exc.data['messages'] by location."""
    data = getattr(exc, "data", None) or {}
    messages = data.get("messages") or data.get("errors")
    if not messages:
        return None
    # Flatten {"json": {"field": [...]}} to {"field": [...]}: clients care about the field.
    flat: dict = {}
    for location, fields in messages.items():
        if isinstance(fields, dict):
            flat.update(fields)
        else:
            flat[location] = fields
    return flat


def handle_http_exception(exc: HTTPException) -> Response:
    status = exc.code or 500
    if status >= 500:
        return handle_unexpected(exc)
    errors = _field_errors(exc)
    data = getattr(exc, "data", None) or {}
    detail = data.get("message") or (exc.description if exc.description and not errors else None)
    if errors and status == 422:
        detail = "Some fields are missing or invalid: " + ", ".join(sorted(map(str, errors)))
    if status == 400 and getattr(exc, "data", None) and "messages" in exc.data:
        detail = "The request body is not valid JSON."
        errors = None
    headers = dict(exc.get_headers()) if status == 405 else {}
    headers.pop("Content-Type", None)
    return problem(status, exc.name, detail, errors=errors, headers=headers)


def handle_unexpected(exc: Exception) -> Response:
    """500 without internals: the log has the traceback, keyed by the request id."""
    if not isinstance(exc, HTTPException) or (exc.code or 500) >= 500:
        log.exception("unhandled error", exc_info=exc)
    return problem(500, "Internal Server Error", "Something went wrong on our side. "
                   "Quote the request id if you report it.")


def handle_rule_violation(exc) -> Response:
    body_type = f"urn:consortium-hub:rule:{exc.rule}" if exc.rule else "about:blank"
    return problem(409, "Conflict", exc.message, type_=body_type)


def handle_invalid_field(exc) -> Response:
    return problem(422, "Unprocessable Entity", "Some fields are missing or invalid: "
                   + ", ".join(sorted(map(str, exc.errors))), errors=exc.errors)


def handle_not_allowed(exc) -> Response:
    return problem(403, "Forbidden", str(exc))


def handle_integrity_error(exc) -> Response:
    log.warning("integrity error: %s", exc)
    return problem(409, "Conflict", "That would duplicate or contradict a record that already exists.")


def init_app(app: Flask) -> None:
    from sqlalchemy.exc import IntegrityError

    from .domain import InvalidField, NotAllowed, RuleViolation

    app.register_error_handler(RuleViolation, handle_rule_violation)
    app.register_error_handler(InvalidField, handle_invalid_field)
    app.register_error_handler(NotAllowed, handle_not_allowed)
    app.register_error_handler(IntegrityError, handle_integrity_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected)
