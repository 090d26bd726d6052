"""POST /api/auth/token: API tokens for scripts and other clients."""
from hubkit.tokens import API_AUDIENCE, verify

from gateway.demo import DEMO_PASSWORD


def test_token_endpoint_returns_a_bearer_token_for_the_api_audience(client, settings):
    response = client.post("/api/auth/token", json={"username": "finance", "password": DEMO_PASSWORD})
    assert response.status_code == 200
    body = response.get_json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 900
    principal = verify(body["access_token"], settings.public_key_pem, issuer=settings.token_issuer,
                       audience=API_AUDIENCE)
    assert principal.username == "finance" and principal.roles == frozenset({"finance_officer"})


def test_token_endpoint_refuses_wrong_credentials_with_401_problem(client):
    response = client.post("/api/auth/token", json={"username": "finance", "password": "wrong-password-1"})
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert "access_token" not in response.get_json()


def test_token_endpoint_answers_400_to_malformed_json(client):
    response = client.post("/api/auth/token", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"


def test_token_endpoint_names_unknown_and_missing_fields_with_422(client):
    response = client.post("/api/auth/token", json={"username": "finance", "colour": "blue"})
    body = response.get_json()
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert set(body["errors"]) == {"colour", "password"}
