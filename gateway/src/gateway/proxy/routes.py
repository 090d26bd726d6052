"""/api/<service>/<path>: authenticate the caller, then forward to the service with a service token."""
from __future__ import annotations

from flask import Blueprint, Response, current_app, g, request
from hubkit.idempotency import REPLAYED_HEADER
from hubkit.problems import problem

from ..auth.csrf import csrf
from .callers import CsrfRefused, NotAuthenticated, api_caller
from .upstream import IDEMPOTENCY_KEY, Trace, UpstreamError, Upstreams

bp = Blueprint("proxy", __name__)
csrf.exempt(bp)  # bearer callers have no CSRF token; session callers are checked in api_caller

PUBLIC_PATHS = frozenset({"openapi.json"})
# Link and the cursors name a list's neighbouring pages (hubkit.paging); Link's targets are relative, so they
# resolve against /api/<service>/... as they would against the service's own URL.
PASSED_BACK_HEADERS = ("Content-Type", "Location", "Content-Disposition", "Cache-Control", "Retry-After",
                       REPLAYED_HEADER, "Link", "X-Next-Cursor", "X-Prev-Cursor")
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]


def upstreams() -> Upstreams:
    return current_app.extensions["gateway.upstreams"]


def current_trace() -> Trace:
    return Trace(request_id=g.request_id, correlation_id=g.correlation_id)


@bp.route("/api/<service>/<path:rest>", methods=METHODS)
def forward(service: str, rest: str):
    if not upstreams().knows(service):
        return problem(404, "Not Found", f"There is no service called {service!r}.")
    settings = current_app.extensions["gateway.settings"]
    # File uploads (multipart) may be larger than JSON bodies; the service checks its own limits too.
    max_body = settings.max_upload_bytes if request.mimetype == "multipart/form-data" else settings.max_body_bytes
    request.max_content_length = max_body
    if (request.content_length or 0) > max_body:
        return problem(413, "Content Too Large", f"The body may be at most {max_body} bytes.")
    principal = None
    if rest not in PUBLIC_PATHS:
        try:
            principal = api_caller()
        except NotAuthenticated as exc:
            return problem(401, "Unauthorized", str(exc), headers={"WWW-Authenticate": 'Bearer realm="consortium-hub"'})
        except CsrfRefused as exc:
            return problem(403, "Forbidden", f"Send the page's CSRF token in an X-CSRFToken header ({exc}).")
    body = request.get_data(cache=False) if request.method not in ("GET", "HEAD") else None
    try:
        answer = upstreams().send(service, request.method, rest, principal, current_trace(),
                                  query=request.query_string, body=body or None,
                                  content_type=request.headers.get("Content-Type"),
                                  accept=request.headers.get("Accept"),
                                  idempotency_key=request.headers.get(IDEMPOTENCY_KEY))
    except UpstreamError as exc:
        title = "Gateway Timeout" if exc.status == 504 else "Bad Gateway"
        return problem(exc.status, title, exc.reason)
    response = Response(answer.content, status=answer.status_code)
    for name in PASSED_BACK_HEADERS:
        if name in answer.headers:
            response.headers[name] = answer.headers[name]
    return response
