"""Server-side calls from the web pages, through the same Upstreams the API router uses."""
from __future__ import annotations

import dataclasses
import json
from typing import Any, Mapping
from urllib.parse import urlencode

from flask import current_app, g

from ..auth.session import current_user
from .upstream import Trace, UpstreamError, Upstreams


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

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


def call_service(service: str, method: str, path: str, payload: Any = None, *, allow_5xx: bool = False,
                 query: Mapping[str, Any] | None = None) -> Answer:
    """Call a service as the logged-in user; raise ServiceDown if it is unreachable or (unless allow_5xx) failing.

    `query` becomes the query string (empty values are left out).
    """
    body = json.dumps(payload).encode() if payload is not None else None
    query_string = urlencode({key: value for key, value in (query or {}).items() if value not in (None, "")})
    return _send(service, method, path, body, "application/json" if body is not None else None, query_string,
                 allow_5xx)


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
                                content_type=content_type, accept="application/json")
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
    return Answer(answer.status_code, parsed)
