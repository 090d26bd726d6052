"""Server-side browser sessions: the cookie holds only a random id, and ending the row ends the session."""
import datetime as dt
import io

import pytest
from gateway_helpers import THROWAWAY_PASSWORD, Browser, csrf_token_from
from hubkit.config import ConfigError
from sqlalchemy import select

from gateway import accounts
from gateway.adapters.orm import BrowserSessionRow, UserRow
from gateway.config import load_settings
from gateway.domain.sessions import session_key
from gateway.manage import main as manage

COOKIE = "hub_session"


def signed_in(app, username: str, password: str = THROWAWAY_PASSWORD):
    """A fresh test client (one browser) signed in as username."""
    client = app.test_client()
    assert Browser(client).login(username, password).status_code == 302
    assert client.get("/").status_code == 200
    return client


def session_rows(gateway_db, username: str) -> list[BrowserSessionRow]:
    with gateway_db.session() as session:
        user_id = session.scalar(select(UserRow.id).where(UserRow.username == username))
        return list(session.scalars(select(BrowserSessionRow).where(BrowserSessionRow.user_id == user_id)
                                    .order_by(BrowserSessionRow.created_at)))


def cookie_contents(app, client) -> dict:
    return app.session_interface.get_signing_serializer(app).loads(client.get_cookie(COOKIE).value)


def refused(client) -> bool:
    response = client.get("/")
    return response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_the_cookie_carries_a_random_id_and_the_database_only_its_hash(app, gateway_db, throwaway_user):
    username = throwaway_user()
    client = signed_in(app, username)
    contents = cookie_contents(app, client)
    assert set(contents) <= {"sid", "csrf_token", "_permanent"} and len(contents["sid"]) >= 43
    [row] = session_rows(gateway_db, username)
    assert row.id == session_key(contents["sid"]) and row.id != contents["sid"]
    assert row.revoked_at is None and row.expires_at - row.created_at == dt.timedelta(hours=8)
    assert row.created_at.tzinfo is not None


def test_a_cookie_replayed_after_logout_is_refused(app, gateway_db, throwaway_user):
    username = throwaway_user()
    client = signed_in(app, username)
    stolen = client.get_cookie(COOKIE).value
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    [row] = session_rows(gateway_db, username)
    assert row.revoked_at is not None and row.revoked_reason == "logged_out"

    replaying = app.test_client()
    replaying.set_cookie(COOKIE, stolen)
    assert refused(replaying)
    replaying.set_cookie(COOKIE, stolen)
    response = replaying.get("/api/membership/organisations")
    assert response.status_code == 401 and response.mimetype == "application/problem+json"


def test_logout_ends_only_that_browsers_session(app, throwaway_user):
    username = throwaway_user()
    laptop, phone = signed_in(app, username), signed_in(app, username)
    token = csrf_token_from(laptop.get("/").get_data(as_text=True))
    laptop.post("/logout", data={"csrf_token": token})
    assert refused(laptop)
    assert phone.get("/").status_code == 200


def test_changing_the_password_ends_every_session_of_that_user_only(app, gateway_db, throwaway_user):
    username, bystander = throwaway_user(), throwaway_user()
    laptop, phone, other = signed_in(app, username), signed_in(app, username), signed_in(app, bystander)
    with gateway_db.session() as session:
        accounts.set_password(session, username, "a-brand-new-passphrase", actor="test:sessions")
    assert refused(laptop) and refused(phone)
    assert other.get("/").status_code == 200
    assert {row.revoked_reason for row in session_rows(gateway_db, username)} == {"password_changed"}
    assert signed_in(app, username, "a-brand-new-passphrase").get("/").status_code == 200


def test_deactivating_a_user_ends_their_sessions_for_good(app, gateway_db, throwaway_user):
    username = throwaway_user()
    client = signed_in(app, username)
    with gateway_db.session() as session:
        accounts.deactivate_user(session, username, actor="test:sessions")
    assert refused(client)
    assert {row.revoked_reason for row in session_rows(gateway_db, username)} == {"deactivated"}
    assert Browser(app.test_client()).login(username, THROWAWAY_PASSWORD).status_code == 401


def test_manage_commands_set_password_and_deactivate_user_end_sessions(app, gateway_db, gateway_database_url,
                                                                     throwaway_user, monkeypatch):
    monkeypatch.setenv("GATEWAY_DATABASE_URL", gateway_database_url)
    username = throwaway_user()
    client = signed_in(app, username)
    monkeypatch.setattr("sys.stdin", io.StringIO("another-fine-passphrase\n"))
    assert manage(["set-password", username, "--password-stdin"]) == 0
    assert refused(client)
    client = signed_in(app, username, "another-fine-passphrase")
    assert manage(["deactivate-user", username]) == 0
    assert refused(client)
    assert manage(["deactivate-user", "nobody-by-this-name"]) == 2


@pytest.mark.parametrize("column, by", [("last_seen_at", dt.timedelta(minutes=60)),
                                        ("expires_at", dt.timedelta(hours=8))])
def test_an_idle_or_expired_session_is_refused(app, gateway_db, throwaway_user, column, by):
    username = throwaway_user()
    client = signed_in(app, username)
    [stored] = session_rows(gateway_db, username)
    with gateway_db.session() as session:
        row = session.get(BrowserSessionRow, stored.id)
        setattr(row, column, getattr(row, column) - by)
    assert refused(client)


def test_each_request_keeps_a_session_alive(app, gateway_db, throwaway_user):
    username = throwaway_user()
    client = signed_in(app, username)
    with gateway_db.session() as session:
        row = session.get(BrowserSessionRow, session_rows(gateway_db, username)[0].id)
        row.last_seen_at -= dt.timedelta(minutes=59)
        before = row.last_seen_at
    assert client.get("/").status_code == 200
    [row] = session_rows(gateway_db, username)
    assert row.last_seen_at - before > dt.timedelta(minutes=58)


def test_session_settings_have_defaults_and_are_checked(tmp_path, token_keys):
    environ = {"HUB_VAR_DIR": str(tmp_path), "GATEWAY_SECRET_KEY": "s", "HUB_TOKEN_PRIVATE_KEY_FILE": str(token_keys[0]),
               "HUB_TOKEN_PUBLIC_KEY_FILE": str(token_keys[1])}
    policy = load_settings(environ).browser_sessions
    assert (policy.idle_timeout, policy.max_age) == (dt.timedelta(minutes=60), dt.timedelta(hours=8))
    tuned = load_settings(environ | {"GATEWAY_SESSION_IDLE_MINUTES": "20", "GATEWAY_SESSION_MAX_HOURS": "2"})
    assert (tuned.browser_sessions.idle_timeout, tuned.browser_sessions.max_age) == (dt.timedelta(minutes=20),
                                                                                     dt.timedelta(hours=2))
    with pytest.raises(ConfigError) as raised:
        load_settings(environ | {"GATEWAY_SESSION_IDLE_MINUTES": "0", "GATEWAY_SESSION_MAX_HOURS": "all day"})
    assert "GATEWAY_SESSION_IDLE_MINUTES" in str(raised.value) and "GATEWAY_SESSION_MAX_HOURS" in str(raised.value)


def test_a_browser_session_follows_the_users_roles_and_deactivation_at_once(app, gateway_db, throwaway_user):
    """Issue 11: what API tokens now do within seconds (test_api_token.py), a session does on the next request."""
    username = throwaway_user()
    client = signed_in(app, username)

    def roles_sent() -> list[str]:
        response = client.get("/api/membership/echo/x")
        assert response.status_code == 200
        return response.get_json()["principal"]["roles"]

    assert roles_sent() == ["board_member"]
    with gateway_db.session() as session:
        accounts.set_roles(session, username, {"finance_officer"}, actor="test:sessions")
    assert roles_sent() == ["finance_officer"]
    with gateway_db.session() as session:
        accounts.deactivate_user(session, username, actor="test:sessions")
    response = client.get("/api/membership/echo/x")
    assert response.status_code == 401 and response.mimetype == "application/problem+json"
