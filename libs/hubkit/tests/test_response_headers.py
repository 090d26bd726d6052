"""No `Server` banner from the hub's web processes (issue 11, item 6): gunicorn started with
`--config python:hubkit.gunicorn_config`, as every service, the gateway, the Procfile and the image start it,
answers without naming itself; and its workers have frozen what they loaded out of the garbage collector's full
collections (issue 16). (That every service answer is `Cache-Control: no-store` is checked on each of the
authorisation matrix's thousands of answers, tests/contract/test_authorisation_matrix.py.)"""
from __future__ import annotations

import http.client
import socket
import subprocess
import sys

from hubkit.testing import stop_process_groups, wait_for

APP = '''
import gc


def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    if environ["PATH_INFO"] == "/frozen":
        return [str(gc.get_freeze_count()).encode()]
    return [b"ok"]
'''


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(port: int, path: str = "/"):
    """The answer's headers and body, or None while nothing answers."""
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        connection.request("GET", path)
        answer = connection.getresponse()
        return dict(answer.getheaders()), answer.read()
    except OSError:
        return None


def _headers(port: int):
    answer = _get(port)
    return answer and answer[0]


def _serve(tmp_path, *config: str):
    (tmp_path / "tiny.py").write_text(APP)
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", *config, "--bind", f"127.0.0.1:{port}",
                                "--workers", "1", "--chdir", str(tmp_path), "tiny:app"],
                               start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return process, port


def test_gunicorn_with_the_hubs_config_sends_no_server_header(tmp_path):
    plain, plain_port = _serve(tmp_path)
    quiet, quiet_port = _serve(tmp_path, "--config", "python:hubkit.gunicorn_config")
    try:
        # gunicorn on its own names itself: the check below can fail.
        assert wait_for(lambda: _headers(plain_port), what="plain gunicorn")["Server"].startswith("gunicorn")
        headers = wait_for(lambda: _headers(quiet_port), what="gunicorn with hubkit's config")
        assert "Server" not in headers and headers["Content-Type"] == "text/plain"
    finally:
        stop_process_groups([plain, quiet])


def test_issue_16_gunicorn_workers_with_the_hubs_config_freeze_what_they_loaded(tmp_path):
    """Frozen objects are out of the full collections that cost a big page's p95 (hubkit.gunicorn_config)."""
    plain, plain_port = _serve(tmp_path)
    hubs, hubs_port = _serve(tmp_path, "--config", "python:hubkit.gunicorn_config")
    try:
        assert wait_for(lambda: _get(plain_port, "/frozen"), what="plain gunicorn")[1] == b"0"
        frozen = int(wait_for(lambda: _get(hubs_port, "/frozen"), what="gunicorn with hubkit's config")[1])
        assert frozen > 1000  # gunicorn's own modules and the application, at least
    finally:
        stop_process_groups([plain, hubs])
