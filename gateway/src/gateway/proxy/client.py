"""Server-side calls from the web pages, through the same Upstreams the API router uses."""
from __future__ import annotations

import collections
import dataclasses
import hashlib
import json
import uuid
from typing import Any, Mapping
from urllib.parse import urlencode

from flask import current_app, g, has_request_context, request
from markupsafe import Markup

from ..auth.csrf import generate_csrf
from ..auth.session import current_user
from .upstream import Trace, UpstreamError, Upstreams

FORM_KEY_FIELD = "form_key"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
NEXT_CURSOR, PREV_CURSOR = "X-Next-Cursor", "X-Prev-Cursor"  # hubkit.paging's headers
MAX_PAGES = 200  # a list followed to its end is at most this many pages (of the services' default size)


def form_hidden_fields() -> Markup:
    """What every form on the pages carries (`{{ form_hidden_fields() }}`): the CSRF token, and a key made anew each
    time the form is shown, so the changes one submission makes are sent with Idempotency-Keys that a second
    submission of the same form (a double click, the browser's retry after an error) repeats: the services then
    answer it with the first answers instead of doing it twice."""
    return Markup('<input type="hidden" name="csrf_token" value="{}">'
                  '<input type="hidden" name="{}" value="{}">').format(generate_csrf(), FORM_KEY_FIELD, uuid.uuid4())


def _idempotency_key(method: str, path: str) -> str | None:
    """The key for a change this form submission makes: the form's key, the change (method and path) and how many
    times this submission has made that change before, so sending the same form again repeats each key."""
    if method in SAFE_METHODS or not has_request_context() or request.method in SAFE_METHODS:
        return None
    try:
        form_key = uuid.UUID(request.form.get(FORM_KEY_FIELD, ""))
    except ValueError:
        return None  # a form without one (or a mangled one): sent as before, without a key
    change = hashlib.sha256(f"{method} {path}".encode()).hexdigest()[:16]
    seen = g.setdefault("form_changes", collections.Counter())
    seen[change] += 1
    return f"{form_key}.{change}.{seen[change]}"


class ServiceDown(Exception):
    """The service did not answer usefully; `message` is fit to show a person."""

    def __init__(self, service: str, message: str):
        self.service = service
        self.message = message
        super().__init__(message)


@dataclasses.dataclass(frozen=True)
class Answer:
    status: int
    body: Any
    headers: Mapping[str, str] = dataclasses.field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def next_cursor(self) -> str | None:
        """The cursor of the list's next page (hubkit.paging), None on the last page or for anything else."""
        return self.headers.get(NEXT_CURSOR)

    @property
    def prev_cursor(self) -> str | None:
        return self.headers.get(PREV_CURSOR)


def call_service(service: str, method: str, path: str, payload: Any = None, *, allow_5xx: bool = False,
                 query: Mapping[str, Any] | None = None, one_page: bool = False) -> Answer:
    """Call a service as the logged-in user; raise ServiceDown if it is unreachable or (unless allow_5xx) failing.

    `query` becomes the query string (empty values are left out). A GET of a list (the services page every list,
    hubkit.paging) is followed page by page to its end, for the pages that need every row (a select box, a
    count, an export), unless `one_page`: then the answer is the page asked for (by `limit` and `cursor` in
    `query`), with its neighbours' cursors in `next_cursor` and `prev_cursor`.
    """
    body = json.dumps(payload).encode() if payload is not None else None
    query = {key: value for key, value in (query or {}).items() if value not in (None, "")}
    answer = _send(service, method, path, body, "application/json" if body is not None else None, urlencode(query),
                   allow_5xx)
    if method != "GET" or one_page:
        return answer
    rows, pages = answer.body, 1
    while answer.ok and isinstance(answer.body, list) and answer.next_cursor and pages < MAX_PAGES:
        answer = _send(service, method, path, None, None, urlencode(query | {"cursor": answer.next_cursor}),
                       allow_5xx)
        if not (answer.ok and isinstance(answer.body, list)):
            return answer  # the list changed under us too much, or the service failed: say so, not half a list
        rows, pages = rows + answer.body, pages + 1
    return dataclasses.replace(answer, body=rows) if pages > 1 else answer


def upload_to_service(service: str, path: str, fields: Mapping[str, str],
                      file: tuple[str, bytes, str]) -> Answer:
    """POST a file (name, content, content type) with form fields as multipart/form-data, as the logged-in user."""
    from urllib3 import encode_multipart_formdata

    body, content_type = encode_multipart_formdata({**fields, "file": file})
    return _send(service, "POST", path, body, content_type, "", False)


def _send(service: str, method: str, path: str, body: bytes | None, content_type: str | None, query_string: str,
          allow_5xx: bool) -> Answer:
    upstreams: Upstreams = current_app.extensions["gateway.upstreams"]
    try:
        answer = upstreams.send(service, method, path, current_user().principal(),
                                Trace(g.request_id, g.correlation_id), query=query_string, body=body,
                                content_type=content_type, accept="application/json",
                                idempotency_key=_idempotency_key(method, path))
    except UpstreamError as exc:
        current_app.logger.warning("service call failed", extra={"service": service, "reason": exc.reason})
        raise ServiceDown(service, exc.reason + " Try again in a few minutes.") from exc
    if answer.status_code >= 500 and not allow_5xx:
        current_app.logger.warning("service error", extra={"service": service, "status": answer.status_code})
        raise ServiceDown(service, f"The {service} service had a problem ({answer.status_code}). "
                                   "Try again in a few minutes.")
    try:
        parsed = answer.json() if answer.content else None
    except ValueError:
        raise ServiceDown(service, f"The {service} service sent an answer we could not read.")
    return Answer(answer.status_code, parsed, answer.headers)
