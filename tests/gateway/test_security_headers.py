"""Headers for data that matters (issue 11, item 6): pages and /api answers are never kept by a cache (they carry
bank details, salaries and personal data) while static assets are; no `Server` banner; behind HTTPS
(SESSION_COOKIE_SECURE) HSTS and a `__Host-` session cookie, which also holds the CSRF token."""
from __future__ import annotations

from gateway.app import create_app
from gateway.config import load_settings
from gateway_helpers import Browser, gateway_environ


def test_pages_and_api_answers_are_no_store_and_assets_are_cacheable(client, logged_in):
    login = client.get("/login")
    assert login.headers["Cache-Control"] == "no-store" and "Server" not in login.headers
    assert "Strict-Transport-Security" not in login.headers  # plain HTTP in development: no HSTS
    asset = client.get("/assets/all.bundle.js")
    assert asset.status_code == 200 and "no-store" not in asset.headers.get("Cache-Control", "")
    assert "max-age" in asset.headers["Cache-Control"]
    signed_in = logged_in("finance")
    for path in ("/", "/api/finance/staff", "/api/membership/organisations"):
        answer = signed_in.get(path)
        assert answer.headers["Cache-Control"] == "no-store", (path, answer.status_code)
        assert "Server" not in answer.headers


def test_behind_https_the_session_cookie_is_a_host_cookie_and_hsts_is_sent(gateway_database_url, token_keys,
                                                                          fake_services, demo_users):
    app = create_app(load_settings(gateway_environ(gateway_database_url, token_keys, fake_services.url,
                                                   SESSION_COOKIE_SECURE="true",
                                                   GATEWAY_LOGIN_EVERYONE_MAX_FAILURES="1000000")))
    app.config["TESTING"] = True
    client = app.test_client()
    client.environ_base |= {"wsgi.url_scheme": "https", "REMOTE_ADDR": "10.251.0.1"}
    signed_in = Browser(client).login("manager")
    assert signed_in.status_code == 302
    cookie = signed_in.headers["Set-Cookie"]
    assert cookie.startswith("__Host-hub_session="), cookie
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
    assert {"secure", "httponly", "path"} <= attributes and "domain" not in attributes
    assert "Path=/" in cookie
    assert signed_in.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert client.get("/").status_code == 200  # the __Host- cookie signs the browser in
