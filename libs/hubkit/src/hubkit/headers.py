"""Response headers for data that matters (issue 11, item 6).

Every answer of a service may carry bank details, salaries or personal data, so none is kept by a browser or a proxy
(`Cache-Control: no-store`); the gateway does the same for its pages and /api answers, static assets excepted.
No answer names the server's software: gunicorn's `Server` header is dropped by `hubkit.gunicorn_config`.
"""
from __future__ import annotations

NO_STORE = "no-store"


def no_store(response):
    """after_request hook: nothing a service answers is stored by a cache."""
    response.headers["Cache-Control"] = NO_STORE
    response.headers.pop("Server", None)
    return response
