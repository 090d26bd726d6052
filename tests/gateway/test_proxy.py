"""/api/<service>/...: authentication, forwarding with a service token, limits and upstream failures."""
import datetime as dt
import json

import pytest
from hubkit.testing import make_principal
from hubkit.tokens import API_AUDIENCE

from gateway_helpers import MAX_BODY_BYTES, closed_port_url, csrf_token_from, gateway_environ
from gateway.app import create_app
from gateway.config import load_settings
from gateway.demo import DEMO_PASSWORD


@pytest.fixture
def api_token(client):
    response = client.post("/api/auth/token", json={"username": "manager", "password": DEMO_PASSWORD})
    return response.get_json()["access_token"]


def _bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_api_without_token_is_401_problem_with_www_authenticate(client, fake_services):
    response = client.get("/api/membership/organisations")
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert fake_services.calls == []


def test_api_refuses_expired_token(client, sign):
    expired = sign(make_principal(), API_AUDIENCE, ttl=dt.timedelta(seconds=1),
                   now=dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=5))
    response = client.get("/api/membership/organisations", headers={"Authorization": expired})
    assert response.status_code == 401 and "WWW-Authenticate" in response.headers


def test_api_refuses_tampered_token(client, api_token):
    header, payload, signature = api_token.split(".")
    tampered = ".".join([header, payload, signature[:-4] + ("AAAA" if signature[-4:] != "AAAA" else "BBBB")])
    response = client.get("/api/membership/organisations", headers=_bearer(tampered))
    assert response.status_code == 401


def test_api_refuses_token_signed_with_another_key(client, sign, other_keys):
    forged = sign(make_principal(), API_AUDIENCE, key_file=other_keys[0])
    response = client.get("/api/membership/organisations", headers={"Authorization": forged})
    assert response.status_code == 401


def test_api_refuses_service_token_used_as_api_token(client, sign):
    service_token = sign(make_principal(), "membership")
    response = client.get("/api/membership/organisations", headers={"Authorization": service_token})
    assert response.status_code == 401


def test_unknown_service_is_404_problem(client, api_token):
    response = client.get("/api/payroll/anything", headers=_bearer(api_token))
    assert response.status_code == 404 and response.mimetype == "application/problem+json"


def test_proxy_forwards_request_with_a_service_token_the_service_can_verify(client, api_token):
    response = client.post("/api/contracts/echo/bids?status=open&page=2", headers=_bearer(api_token) | {
        "X-Request-ID": "req-123", "Accept": "application/json"}, json={"title": "Lunch club"})
    body = response.get_json()
    assert response.status_code == 201
    assert response.headers["Location"] == "/echo/bids/1"
    assert body["service"] == "contracts" and body["path"] == "bids" and body["method"] == "POST"
    assert body["query"] == "status=open&page=2"
    assert json.loads(body["body"]) == {"title": "Lunch club"}
    assert body["content_type"] == "application/json" and body["accept"] == "application/json"
    assert body["request_id"] == "req-123" and body["correlation_id"] == "req-123"
    assert body["principal"]["username"] == "manager"
    assert body["principal"]["roles"] == ["consortium_manager"]


def test_proxy_generates_a_request_id_when_the_caller_sends_none(client, api_token, fake_services):
    response = client.get("/api/finance/echo/x", headers=_bearer(api_token))
    sent = response.get_json()
    assert sent["request_id"] and sent["request_id"] == response.headers["X-Request-ID"]
    assert sent["correlation_id"] == sent["request_id"]


def test_proxy_passes_upstream_errors_through_unchanged(client, api_token):
    response = client.post("/api/membership/organisations", headers=_bearer(api_token), json={"name": ""})
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert set(response.get_json()["errors"]) == {"name", "legal_form"}


def test_openapi_document_is_public(client):
    response = client.get("/api/governance/openapi.json")
    assert response.status_code == 200 and response.get_json()["info"]["title"] == "governance"


def test_body_over_the_limit_is_413_problem(client, api_token, fake_services):
    response = client.post("/api/membership/echo/big", headers=_bearer(api_token),
                           data=b"x" * (MAX_BODY_BYTES + 1), content_type="application/json")
    assert response.status_code == 413 and response.mimetype == "application/problem+json"
    assert fake_services.calls == []


def test_browser_session_can_read_through_the_api(logged_in):
    client = logged_in("board")
    response = client.get("/api/governance/echo/decision-requests")
    assert response.status_code == 200
    assert response.get_json()["principal"]["username"] == "board"


def test_browser_session_unsafe_method_without_csrf_header_is_refused(logged_in, fake_services):
    client = logged_in("manager")
    response = client.post("/api/membership/echo/organisations", json={"name": "x"})
    assert response.status_code == 403 and response.mimetype == "application/problem+json"
    assert fake_services.calls == []


def test_browser_session_unsafe_method_with_csrf_header_is_forwarded(logged_in):
    client = logged_in("manager")
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    response = client.post("/api/membership/echo/organisations", json={"name": "x"},
                           headers={"X-CSRFToken": token})
    assert response.status_code == 201


@pytest.fixture
def app_with_services_down(gateway_database_url, token_keys, demo_users):
    settings = load_settings(gateway_environ(gateway_database_url, token_keys, closed_port_url()))
    return create_app(settings)


def test_unreachable_service_is_502_problem(app_with_services_down):
    client = app_with_services_down.test_client()
    token = client.post("/api/auth/token", json={"username": "manager", "password": DEMO_PASSWORD}
                        ).get_json()["access_token"]  # a token the gateway minted: one it made up would be refused
    response = client.get("/api/membership/organisations", headers=_bearer(token))
    assert response.status_code == 502 and response.mimetype == "application/problem+json"


def test_slow_service_is_504_problem(client, api_token):
    response = client.get("/api/finance/slow", headers=_bearer(api_token))
    assert response.status_code == 504 and response.mimetype == "application/problem+json"
