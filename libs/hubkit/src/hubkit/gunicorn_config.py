"""gunicorn settings for every web process (`gunicorn --config python:hubkit.gunicorn_config`): answers carry no
`Server` header naming gunicorn and its version (issue 11, item 6). gunicorn writes that header itself, with no
setting to leave it out, so its response's default headers are filtered here, once, before any worker starts.
And each worker, its application loaded, puts what it loaded out of the garbage collector's sight
(`post_worker_init`)."""
from __future__ import annotations

import gc

from gunicorn.http import wsgi

_default_headers = wsgi.Response.default_headers


def _without_server(self) -> list[str]:
    return [line for line in _default_headers(self) if not line.lower().startswith("server:")]


if getattr(wsgi.Response.default_headers, "__name__", "") != "_without_server":
    wsgi.Response.default_headers = _without_server


def post_worker_init(worker) -> None:
    """gunicorn's hook once a worker has loaded its application: the objects loaded so far (modules, the app, its
    schemas and mappers) live as long as the worker, so they are frozen out of the garbage collector's full
    collections. Without this, a request that makes many objects (a big contract's dashboard, issue 16) set off
    a full collection every few requests that went over all of them: about 125 ms, the p95 of the largest pages."""
    gc.freeze()
