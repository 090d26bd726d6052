"""gunicorn settings for every web process (`gunicorn --config python:hubkit.gunicorn_config`): answers carry no
`Server` header naming gunicorn and its version (issue 11, item 6). gunicorn writes that header itself, with no
setting to leave it out, so its response's default headers are filtered here, once, before any worker starts."""
from __future__ import annotations

from gunicorn.http import wsgi

_default_headers = wsgi.Response.default_headers


def _without_server(self) -> list[str]:
    return [line for line in _default_headers(self) if not line.lower().startswith("server:")]


if getattr(wsgi.Response.default_headers, "__name__", "") != "_without_server":
    wsgi.Response.default_headers = _without_server
