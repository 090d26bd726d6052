"""POST /api/auth/token: API tokens for scripts and other clients, and their revocation."""
import contextlib
import datetime as dt
import uuid

import pytest
import time_machine
from gateway_helpers import THROWAWAY_PASSWORD
from hubkit.clock import utcnow
from hubkit.config import ConfigError
from hubkit.tokens import API_AUDIENCE, API_TOKEN_TTL, verify

from gateway import accounts
from gateway.adapters.repository import UserRepository
from gateway.config import load_settings
from gateway.demo import DEMO_CONSORTIUM_ID, DEMO_PASSWORD


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


# --- revocation: access ends when it should (issue 11, item 2) ------------------------------------------------------

REVOCATION_CHECK = dt.timedelta(seconds=5)  # GATEWAY_REVOCATION_CHECK_SECONDS' default, which the test app runs with


@contextlib.contextmanager
def frozen_clock():
    with time_machine.travel(utcnow(), tick=False) as traveller:
        yield traveller


def later(traveller, by: dt.timedelta) -> None:
    traveller.move_to(utcnow() + by)


def token_for(client, username: str, password: str = THROWAWAY_PASSWORD) -> str:
    response = client.post("/api/auth/token", json={"username": username, "password": password})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["access_token"]


def read(client, token: str):
    return client.get("/api/membership/echo/organisations", headers={"Authorization": f"Bearer {token}"})


def write(client, token: str):
    return client.post("/api/finance/echo/claims", json={"amount_pence": 100},
                       headers={"Authorization": f"Bearer {token}"})


def assert_revoked(response) -> None:
    assert response.status_code == 401 and response.mimetype == "application/problem+json"
    assert "revoked" in response.get_json()["detail"] and response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_deactivated_users_token_is_refused_within_seconds_for_reads_and_writes(client, gateway_db,
                                                                                  throwaway_user, fake_services):
    username = throwaway_user()
    with frozen_clock() as traveller:
        token = token_for(client, username)
        assert read(client, token).status_code == 200 and write(client, token).status_code == 201
        with gateway_db.session() as session:
            accounts.deactivate_user(session, username, actor="test:revocation")
        later(traveller, REVOCATION_CHECK)
        calls_before = len(fake_services.calls)
        assert_revoked(read(client, token))
        assert_revoked(write(client, token))
        assert len(fake_services.calls) == calls_before  # nothing reached the services


def test_a_demoted_users_token_is_refused_and_a_new_one_carries_the_new_roles(client, gateway_db, throwaway_user):
    username = throwaway_user()
    with frozen_clock() as traveller:
        token = token_for(client, username)
        assert read(client, token).get_json()["principal"]["roles"] == ["board_member"]
        with gateway_db.session() as session:
            accounts.set_roles(session, username, {"finance_officer"}, actor="test:revocation")
        later(traveller, REVOCATION_CHECK)
        assert_revoked(read(client, token))
        assert read(client, token_for(client, username)).get_json()["principal"]["roles"] == ["finance_officer"]


def test_a_new_password_or_a_new_organisation_ends_the_tokens_before(client, gateway_db, throwaway_user):
    username, member = throwaway_user(), f"member-{uuid.uuid4().hex[:8]}"
    with gateway_db.session() as session:
        accounts.create_user(session, username=member, password=THROWAWAY_PASSWORD, consortium_id=DEMO_CONSORTIUM_ID,
                             roles={"member_user"}, organisation_pending=True, actor="test:revocation")
    with frozen_clock() as traveller:
        tokens = {username: token_for(client, username), member: token_for(client, member)}
        with gateway_db.session() as session:
            accounts.set_password(session, username, "another-long-passphrase", actor="test:revocation")
            accounts.set_organisation(session, member, uuid.uuid4(), actor="test:revocation")
        later(traveller, REVOCATION_CHECK)
        for token in tokens.values():
            assert_revoked(read(client, token))
        assert read(client, token_for(client, username, "another-long-passphrase")).status_code == 200


def test_a_token_of_a_user_whose_access_did_not_change_keeps_working(client, gateway_db, throwaway_user):
    username, bystander = throwaway_user(), throwaway_user()
    with frozen_clock() as traveller:
        token = token_for(client, username)
        with gateway_db.session() as session:
            accounts.deactivate_user(session, bystander, actor="test:revocation")
        for _ in range(3):
            later(traveller, REVOCATION_CHECK)
            assert read(client, token).status_code == 200


def test_the_gateway_refuses_api_tokens_without_a_version_or_made_to_live_longer_than_15_minutes(
        client, gateway_db, sign, throwaway_user):
    username = throwaway_user()
    with gateway_db.session() as session:
        principal = accounts.find_user(session, UserRepository(session).by_username(username).id).principal()
    unversioned = sign(principal, API_AUDIENCE)
    assert_revoked(client.get("/api/membership/echo/x", headers={"Authorization": unversioned}))
    long_lived = sign(principal, API_AUDIENCE, ttl=API_TOKEN_TTL + dt.timedelta(seconds=1))
    response = client.get("/api/membership/echo/x", headers={"Authorization": long_lived})
    assert response.status_code == 401 and "longer than the 900 s allowed" in response.get_json()["detail"]


def test_the_revocation_check_setting_has_a_default_and_is_checked(tmp_path, token_keys):
    environ = {"HUB_VAR_DIR": str(tmp_path), "GATEWAY_SECRET_KEY": "s", "HUB_TOKEN_PRIVATE_KEY_FILE": str(token_keys[0]),
               "HUB_TOKEN_PUBLIC_KEY_FILE": str(token_keys[1])}
    assert load_settings(environ).revocation_check_seconds == 5
    assert load_settings(environ | {"GATEWAY_REVOCATION_CHECK_SECONDS": "0"}).revocation_check_seconds == 0
    with pytest.raises(ConfigError, match="GATEWAY_REVOCATION_CHECK_SECONDS"):
        load_settings(environ | {"GATEWAY_REVOCATION_CHECK_SECONDS": "61"})
