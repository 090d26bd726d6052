"""Helpers the gateway's tests import by name (a module, not conftest: other test folders have a conftest too)."""
from __future__ import annotations

import html as html_text
import re
import socket

from gateway.demo import DEMO_PASSWORD

MAX_BODY_BYTES = 4096
THROWAWAY_PASSWORD = "throwaway-passphrase-2026"  # the throwaway_user fixture's users


def closed_port_url() -> str:
    """A local URL nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def gateway_environ(database_url: str, token_keys, service_base: str, **extra) -> dict:
    environ = {
        "GATEWAY_DATABASE_URL": database_url,
        "GATEWAY_SECRET_KEY": "test-secret-key-not-for-production",
        "HUB_TOKEN_PRIVATE_KEY_FILE": str(token_keys[0]),
        "HUB_TOKEN_PUBLIC_KEY_FILE": str(token_keys[1]),
        "HUB_UPSTREAM_TIMEOUT_S": "1",
        "HUB_MAX_BODY_BYTES": str(MAX_BODY_BYTES),
        "KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:1",
        "LOG_LEVEL": "WARNING",
        "GATEWAY_MAIL_OUTBOX": "1",  # as under `make run`: mail with no SMTP server is kept for the Outbox page
    }
    for service in ("membership", "contracts", "finance", "governance"):
        environ[f"{service.upper()}_URL"] = f"{service_base}/{service}"
    return environ | extra


def csrf_token_from(html: str) -> str:
    """The CSRF token in a rendered form."""
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


class Browser:
    """Logs a test client in through the real login form."""

    def __init__(self, client):
        self.client = client

    def login(self, username: str, password: str = DEMO_PASSWORD):
        page = self.client.get("/login")
        return self.client.post("/login", data={"username": username, "password": password,
                                                "csrf_token": csrf_token_from(page.get_data(as_text=True))})

    def csrf_token(self, path: str = "/") -> str:
        return csrf_token_from(self.client.get(path).get_data(as_text=True))




def error_summary(page: str) -> list[tuple[str, str]]:
    """GOV.UK error summary's (link target, words) on a page (issue 14 item 3)."""
    found = re.search(r'<div class="govuk-error-summary".*?</ul>', page, re.S)
    assert found, "no error summary"
    return [(href, html_text.unescape(re.sub(r"<[^>]+>", "", words)).strip())
            for href, words in re.findall(r'<a href="([^"]*)"[^>]*>(.*?)</a>', found.group(0), re.S)]


def field_message(page: str, field_id: str) -> str:
    """The words of a field's own GOV.UK error message (its "Error:" prefix dropped)."""
    found = re.search(rf'<p id="{re.escape(field_id)}-error" class="govuk-error-message">(.*?)</p>', page, re.S)
    assert found, f"no message on {field_id}"
    return html_text.unescape(re.sub(r"<[^>]+>", "", found.group(1))).replace("Error:", "").strip()
