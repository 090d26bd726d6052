"""Personal API keys (issue 11, item 2): named, scoped to some of the owner's roles, shown once, stored hashed,
revocable, last use shown; the /api router takes them in place of a token; deactivation kills them; every
creation, revocation and refused use is in the audit trail."""
import contextlib
import datetime as dt
import hashlib
import re
import uuid

import pytest
import time_machine
from gateway_helpers import THROWAWAY_PASSWORD, Browser, csrf_token_from
from hubkit.clock import utcnow
from sqlalchemy import select

from gateway import accounts
from gateway.adapters.orm import ApiKeyRow, AuditEntryRow, UserRow
from gateway.demo import DEMO_CONSORTIUM_ID

REVOCATION_CHECK = dt.timedelta(seconds=5)
PAGE = "/account/api-keys"


@contextlib.contextmanager
def frozen_clock():
    with time_machine.travel(utcnow(), tick=False) as traveller:
        yield traveller


def later(traveller, by: dt.timedelta) -> None:
    traveller.move_to(utcnow() + by)


@pytest.fixture
def owner(gateway_db):
    """A fresh consortium manager who is also a board member; their username."""
    username = f"keys-{uuid.uuid4().hex[:10]}"
    with gateway_db.session() as session:
        accounts.create_user(session, username=username, password=THROWAWAY_PASSWORD, consortium_id=DEMO_CONSORTIUM_ID,
                             roles={"consortium_manager", "board_member"}, actor="test:keys")
    return username


@pytest.fixture
def signed_in(client, owner):
    assert Browser(client).login(owner, THROWAWAY_PASSWORD).status_code == 302
    return client


def make_key(client, name: str = "Payroll export", roles=("board_member",)):
    token = csrf_token_from(client.get(PAGE).get_data(as_text=True))
    return client.post(PAGE, data={"name": name, "roles": list(roles), "csrf_token": token})


def shown_key(response) -> str:
    return re.search(r'<code id="new-api-key">(hubk_[^<]+)</code>', response.get_data(as_text=True)).group(1)


def call(app, key: str, path: str = "/api/membership/echo/organisations", method: str = "GET"):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "192.0.2.44"
    return client.open(path, method=method, headers={"Authorization": f"Bearer {key}"},
                       json={"x": 1} if method == "POST" else None)


def audit_rows(gateway_db, username: str, action: str) -> list[AuditEntryRow]:
    with gateway_db.session() as session:
        user_id = session.scalar(select(UserRow.id).where(UserRow.username == username))
        return list(session.scalars(select(AuditEntryRow).where(AuditEntryRow.entity_id == str(user_id),
                                                                AuditEntryRow.action == action)
                                    .order_by(AuditEntryRow.id)))


def test_the_page_needs_a_sign_in(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_a_new_key_is_shown_once_and_only_its_hash_is_stored(signed_in, gateway_db, owner):
    response = make_key(signed_in)
    assert response.status_code == 201 and "no-store" in response.headers["Cache-Control"]
    key = shown_key(response)
    prefix, secret = key.removeprefix("hubk_").split("_", 1)
    assert len(secret) >= 43  # 256 random bits
    listing = signed_in.get(PAGE).get_data(as_text=True)
    assert f"hubk_{prefix}_…" in listing and secret not in listing and "Payroll export" in listing
    with gateway_db.session() as session:
        row = session.scalar(select(ApiKeyRow).where(ApiKeyRow.prefix == prefix))
        stored = [str(value) for value in (row.name, row.prefix, row.secret_hash, row.roles)]
    assert row.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert not any(secret in value for value in stored)
    [created] = audit_rows(gateway_db, owner, "user.api_key_created")
    assert created.after == {"api_key": f"hubk_{prefix}_…", "name": "Payroll export", "roles": ["board_member"]}
    assert secret not in str(created.after) and row.secret_hash not in str(created.after)


def test_the_api_takes_a_key_with_only_its_roles_and_shows_when_it_was_last_used(app, signed_in, gateway_db):
    key = shown_key(make_key(signed_in, roles=("board_member",)))
    assert "Never" in signed_in.get(PAGE).get_data(as_text=True)
    response = call(app, key)
    assert response.status_code == 200
    assert response.get_json()["principal"]["roles"] == ["board_member"]  # not consortium_manager
    assert call(app, key, "/api/finance/echo/claims", "POST").status_code == 201
    prefix = key.removeprefix("hubk_").split("_", 1)[0]
    with gateway_db.session() as session:
        last_used = session.scalar(select(ApiKeyRow.last_used_at).where(ApiKeyRow.prefix == prefix))
    assert last_used is not None and abs(last_used - utcnow()) < dt.timedelta(minutes=1)
    row = re.search(r"<tr class=\"govuk-table__row\">\s*<td class=\"govuk-table__cell\">Payroll export</td>.*?</tr>",
                    signed_in.get(PAGE).get_data(as_text=True), re.S).group(0)
    assert "Never" not in row and " at " in row


def test_a_revoked_key_is_refused_within_seconds_and_the_refusal_audited(app, signed_in, gateway_db, owner):
    with frozen_clock() as traveller:
        key = shown_key(make_key(signed_in))
        assert call(app, key).status_code == 200
        key_id = re.search(r'action="/account/api-keys/([0-9a-f-]+)/revoke"',
                           signed_in.get(PAGE).get_data(as_text=True)).group(1)
        token = csrf_token_from(signed_in.get(PAGE).get_data(as_text=True))
        response = signed_in.post(f"{PAGE}/{key_id}/revoke", data={"csrf_token": token})
        assert response.status_code == 302
        later(traveller, REVOCATION_CHECK)
        refused = call(app, key)
        assert refused.status_code == 401 and refused.mimetype == "application/problem+json"
        assert "revoked" in refused.get_json()["detail"]
    assert "Revoked" in signed_in.get(PAGE).get_data(as_text=True)
    [revoked] = audit_rows(gateway_db, owner, "user.api_key_revoked")
    assert revoked.actor == str(revoked.entity_id) and revoked.after["revoked"] is True
    [refusal] = audit_rows(gateway_db, owner, "user.api_key_refused")
    assert refusal.after["reason"] == "revoked" and refusal.actor == "client:192.0.2.44"


def test_a_wrong_secret_is_refused_and_audited_and_a_made_up_key_is_refused(app, signed_in, gateway_db, owner):
    key = shown_key(make_key(signed_in))
    prefix = key.removeprefix("hubk_").split("_", 1)[0]
    for sent in (f"hubk_{prefix}_{'x' * 43}", f"hubk_{'0' * 16}_{'x' * 43}", "hubk_nonsense"):
        response = call(app, sent)
        assert response.status_code == 401 and response.get_json()["detail"] == "The API key is not valid."
    [refusal] = audit_rows(gateway_db, owner, "user.api_key_refused")
    assert refusal.after["reason"] == "wrong secret"
    assert call(app, key).status_code == 200


def test_deactivating_the_owner_revokes_their_keys(app, signed_in, gateway_db, owner):
    with frozen_clock() as traveller:
        keys = [shown_key(make_key(signed_in, name=name)) for name in ("One", "Two")]
        assert all(call(app, key).status_code == 200 for key in keys)
        with gateway_db.session() as session:
            accounts.deactivate_user(session, owner, actor="test:keys")
        later(traveller, REVOCATION_CHECK)
        assert all(call(app, key).status_code == 401 for key in keys)
    with gateway_db.session() as session:
        user_id = session.scalar(select(UserRow.id).where(UserRow.username == owner))
        reasons = set(session.scalars(select(ApiKeyRow.revoked_reason).where(ApiKeyRow.user_id == user_id)))
    assert reasons == {"deactivated"}
    [deactivated] = audit_rows(gateway_db, owner, "user.deactivated")
    assert len(deactivated.after["api_keys_revoked"]) == 2


def test_a_key_loses_a_role_its_owner_loses(app, signed_in, gateway_db, owner):
    with frozen_clock() as traveller:
        both = shown_key(make_key(signed_in, name="Both", roles=("board_member", "consortium_manager")))
        board_only = shown_key(make_key(signed_in, name="Board", roles=("board_member",)))
        with gateway_db.session() as session:
            accounts.set_roles(session, owner, {"consortium_manager"}, actor="test:keys")
        later(traveller, REVOCATION_CHECK)
        assert call(app, both).get_json()["principal"]["roles"] == ["consortium_manager"]
        refused = call(app, board_only)
        assert refused.status_code == 401 and "no longer holds" in refused.get_json()["detail"]


@pytest.mark.parametrize("name, roles, field, message", [
    ("", ("board_member",), "name", "Enter a name for the key"),
    ("Payroll", (), "roles", "Choose at least one of your roles"),
    ("Payroll", ("host_admin",), "roles", "only have roles you have yourself"),
])
def test_a_key_needs_a_name_and_some_of_the_owners_own_roles(signed_in, name, roles, field, message):
    response = make_key(signed_in, name=name, roles=roles)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "Error: API keys" in html and message in html
    assert 'id="new-api-key"' not in html


def test_names_are_unique_among_live_keys(signed_in):
    assert make_key(signed_in, name="Nightly sync").status_code == 201
    response = make_key(signed_in, name="  nightly   SYNC ")
    assert response.status_code == 400 and "already have a key with that name" in response.get_data(as_text=True)


def test_nobody_else_can_revoke_a_key(app, signed_in, gateway_db, throwaway_user):
    key = shown_key(make_key(signed_in))
    key_id = re.search(r'action="/account/api-keys/([0-9a-f-]+)/revoke"',
                       signed_in.get(PAGE).get_data(as_text=True)).group(1)
    other = app.test_client()
    assert Browser(other).login(throwaway_user(), THROWAWAY_PASSWORD).status_code == 302
    token = csrf_token_from(other.get(PAGE).get_data(as_text=True))
    assert other.post(f"{PAGE}/{key_id}/revoke", data={"csrf_token": token}).status_code == 404
    assert call(app, key).status_code == 200


def test_a_member_users_key_acts_for_their_organisation(app, client, gateway_db):
    username, organisation_id = f"member-{uuid.uuid4().hex[:8]}", uuid.uuid4()
    with gateway_db.session() as session:
        accounts.create_user(session, username=username, password=THROWAWAY_PASSWORD, consortium_id=DEMO_CONSORTIUM_ID,
                             roles={"member_user"}, organisation_id=organisation_id, actor="test:keys")
    assert Browser(client).login(username, THROWAWAY_PASSWORD).status_code == 302
    principal = call(app, shown_key(make_key(client, roles=("member_user",)))).get_json()["principal"]
    assert principal["organisation_id"] == str(organisation_id) and principal["username"] == username


@pytest.fixture
def live_gateway(app):
    from gateway_fake_services import ServedApp

    with ServedApp(app) as served:
        yield served.url


@pytest.mark.browser
def test_making_and_revoking_a_key_in_chromium_with_no_accessibility_violations(page, live_gateway, owner):
    import json

    from browser_checks import axe_violations
    from playwright.sync_api import expect

    page.goto(f"{live_gateway}/login")
    page.get_by_label("Username").fill(owner)
    page.get_by_label("Password").fill(THROWAWAY_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="API keys").click()
    expect(page.get_by_role("heading", name="API keys", exact=True)).to_be_visible()
    assert axe_violations(page) == [], json.dumps(axe_violations(page), indent=1)

    page.get_by_role("button", name="Make key").click()  # nothing filled in
    expect(page.get_by_text("Enter a name for the key").first).to_be_visible()
    assert axe_violations(page) == [], json.dumps(axe_violations(page), indent=1)

    page.get_by_label("Name").fill("Nightly export")
    page.get_by_label("Board member").check()
    page.get_by_role("button", name="Make key").click()
    expect(page.locator("#new-api-key")).to_contain_text("hubk_")
    assert axe_violations(page) == [], json.dumps(axe_violations(page), indent=1)

    page.get_by_role("button", name="Revoke Nightly export").click()
    expect(page.get_by_text("API key Nightly export is revoked")).to_be_visible()
    assert axe_violations(page) == [], json.dumps(axe_violations(page), indent=1)
