"""No `Server` banner from the hub's web processes (issue 11, item 6): gunicorn started with
`--config python:hubkit.gunicorn_config`, as every service, the gateway, the Procfile and the image start it,
answers without naming itself. (That every service answer is `Cache-Control: no-store` is checked on each of the
authorisation matrix's thousands of answers, tests/contract/test_authorisation_matrix.py.)"""
from __future__ import annotations

import http.client
import socket
import subprocess
import sys

from hubkit.testing import stop_process_groups, wait_for

APP = '''
def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]
'''


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _headers(port: int):
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        connection.request("GET", "/")
        answer = connection.getresponse()
        answer.read()
        return dict(answer.getheaders())
    except OSError:
        return None


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
