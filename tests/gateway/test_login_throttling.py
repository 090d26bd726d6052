"""Login throttling through the real login form and token endpoint, with failures stored in PostgreSQL.

Each test locks its own throwaway users, never the shared demo users.
"""
import datetime as dt
import re
import uuid

import pytest
from gateway_helpers import THROWAWAY_PASSWORD
from hubkit.config import ConfigError
from sqlalchemy import func, select

from gateway.adapters.orm import LoginFailureRow
from gateway.config import load_settings

WRONG = "not-the-right-passphrase"
MAX_FAILURES = 5  # the default, which the test app runs with


def age_failures(gateway_db, username: str, by: dt.timedelta) -> None:
    """Move the username's stored failures back in time, instead of sleeping."""
    with gateway_db.session() as session:
        for row in session.scalars(select(LoginFailureRow).where(LoginFailureRow.username == username)):
            row.failed_at -= by


def stored_failures(gateway_db, username: str) -> int:
    with gateway_db.session() as session:
        return session.scalar(select(func.count()).select_from(LoginFailureRow)
                              .where(LoginFailureRow.username == username))


def fail_browser_logins(browser_session, username: str, times: int = MAX_FAILURES) -> None:
    for _ in range(times):
        assert browser_session.login(username, WRONG).status_code == 401


def fail_token_requests(client, username: str, times: int = MAX_FAILURES) -> None:
    for _ in range(times):
        response = client.post("/api/auth/token", json={"username": username, "password": WRONG})
        assert response.status_code == 401


def test_after_five_wrong_passwords_the_right_one_is_refused_with_429_saying_when_to_try_again(
        browser_session, client, gateway_db, throwaway_user):
    username = throwaway_user()
    fail_browser_logins(browser_session, username)
    response = browser_session.login(username, THROWAWAY_PASSWORD)
    html = response.get_data(as_text=True)
    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 15 * 60
    assert "Too many failed sign-ins for this username. Try again in 15 minutes, after " in html
    assert "Error: Sign in" in html and 'name="csrf_token"' in html  # the form is there to try again later
    assert client.get("/").status_code == 302  # not signed in
    assert stored_failures(gateway_db, username) == 5


def test_attempts_while_locked_are_not_checked_or_counted(browser_session, gateway_db, throwaway_user):
    username = throwaway_user()
    fail_browser_logins(browser_session, username)
    for _ in range(3):
        assert browser_session.login(username, WRONG).status_code == 429
    assert stored_failures(gateway_db, username) == MAX_FAILURES


def test_another_username_is_unaffected(browser_session, client, throwaway_user):
    locked, other = throwaway_user(), throwaway_user()
    fail_browser_logins(browser_session, locked)
    assert browser_session.login(locked, THROWAWAY_PASSWORD).status_code == 429
    assert browser_session.login(other, THROWAWAY_PASSWORD).status_code == 302
    assert client.get("/").status_code == 200


def test_the_right_password_works_again_after_the_lockout(browser_session, client, gateway_db, throwaway_user):
    username = throwaway_user()
    fail_browser_logins(browser_session, username)
    assert browser_session.login(username, THROWAWAY_PASSWORD).status_code == 429
    age_failures(gateway_db, username, dt.timedelta(minutes=15, seconds=1))
    assert browser_session.login(username, THROWAWAY_PASSWORD).status_code == 302
    assert client.get("/").status_code == 200


def test_a_successful_sign_in_clears_the_failures(browser_session, client, gateway_db, throwaway_user):
    username = throwaway_user()
    fail_browser_logins(browser_session, username, MAX_FAILURES - 1)
    assert browser_session.login(username, THROWAWAY_PASSWORD).status_code == 302
    assert stored_failures(gateway_db, username) == 0
    client.delete_cookie("hub_session")
    fail_browser_logins(browser_session, username, MAX_FAILURES - 1)  # 8 in all, none refused with 429
    assert browser_session.login(username, THROWAWAY_PASSWORD).status_code == 302


def test_failures_further_apart_than_the_window_do_not_add_up(browser_session, gateway_db, throwaway_user):
    username = throwaway_user()
    fail_browser_logins(browser_session, username, MAX_FAILURES - 1)
    age_failures(gateway_db, username, dt.timedelta(minutes=16))
    fail_browser_logins(browser_session, username, MAX_FAILURES - 1)
    assert browser_session.login(username, THROWAWAY_PASSWORD).status_code == 302


def test_the_token_endpoint_is_throttled_the_same_with_problem_json(client, gateway_db, throwaway_user):
    username = throwaway_user()
    fail_token_requests(client, username)
    response = client.post("/api/auth/token", json={"username": username, "password": THROWAWAY_PASSWORD})
    body = response.get_json()
    assert response.status_code == 429
    assert response.mimetype == "application/problem+json"
    assert body["status"] == 429 and body["title"] == "Too Many Requests" and "access_token" not in body
    retry_after = int(response.headers["Retry-After"])
    assert 0 < retry_after <= 15 * 60
    assert re.fullmatch(r"Too many failed sign-ins for this username\. Try again in \d+ seconds, "
                        r"after \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\.", body["detail"])
    age_failures(gateway_db, username, dt.timedelta(minutes=15, seconds=1))
    assert client.post("/api/auth/token", json={"username": username, "password": THROWAWAY_PASSWORD}
                       ).status_code == 200
    assert stored_failures(gateway_db, username) == 0


def test_browser_and_api_failures_count_together_whatever_the_case(browser_session, client, throwaway_user):
    username = throwaway_user()
    fail_browser_logins(browser_session, username.upper(), 3)
    fail_token_requests(client, username, 2)
    response = client.post("/api/auth/token", json={"username": f"  {username}", "password": THROWAWAY_PASSWORD})
    assert response.status_code == 429


def _without_numbers(text: str) -> str:
    return re.sub(r"\d+", "#", text)


def test_an_unknown_username_is_throttled_exactly_like_a_known_one(browser_session, client, throwaway_user):
    known, unknown = throwaway_user(), f"nobody-{uuid.uuid4().hex[:10]}"
    answers = {}
    for username in (known, unknown):
        token_answers = []
        for _ in range(MAX_FAILURES + 1):
            response = client.post("/api/auth/token", json={"username": username, "password": WRONG})
            body = response.get_json()
            token_answers.append((response.status_code, response.mimetype, body["title"],
                                  _without_numbers(body["detail"]), "Retry-After" in response.headers))
        answers[username] = token_answers
    assert answers[known] == answers[unknown]
    assert [status for status, *_ in answers[unknown]] == [401] * MAX_FAILURES + [429]

    known, unknown = throwaway_user(), f"nobody-{uuid.uuid4().hex[:10]}"
    pages = {}
    for username in (known, unknown):
        fail_browser_logins(browser_session, username)
        response = browser_session.login(username, WRONG)
        pages[username] = (response.status_code, "Retry-After" in response.headers,
                           _without_numbers(re.search(r"Too many failed[^<]*", response.get_data(as_text=True))[0]))
    assert pages[known] == pages[unknown] and pages[known][0] == 429


def test_throttling_settings_have_defaults_and_are_checked(tmp_path, token_keys):
    environ = {"HUB_VAR_DIR": str(tmp_path), "GATEWAY_SECRET_KEY": "s", "HUB_TOKEN_PRIVATE_KEY_FILE": str(token_keys[0]),
               "HUB_TOKEN_PUBLIC_KEY_FILE": str(token_keys[1])}
    policy = load_settings(environ).login_throttle
    assert (policy.max_failures, policy.window, policy.lockout) == (5, dt.timedelta(minutes=15),
                                                                    dt.timedelta(minutes=15))
    tuned = load_settings(environ | {"GATEWAY_LOGIN_MAX_FAILURES": "3", "GATEWAY_LOGIN_WINDOW_MINUTES": "10",
                                     "GATEWAY_LOGIN_LOCKOUT_MINUTES": "60"}).login_throttle
    assert (tuned.max_failures, tuned.window, tuned.lockout) == (3, dt.timedelta(minutes=10), dt.timedelta(hours=1))
    with pytest.raises(ConfigError) as raised:
        load_settings(environ | {"GATEWAY_LOGIN_MAX_FAILURES": "0", "GATEWAY_LOGIN_WINDOW_MINUTES": "soon",
                                 "GATEWAY_LOGIN_LOCKOUT_MINUTES": "-5"})
    text = "\n".join(raised.value.problems)
    assert all(name in text for name in ("GATEWAY_LOGIN_MAX_FAILURES", "GATEWAY_LOGIN_WINDOW_MINUTES",
                                         "GATEWAY_LOGIN_LOCKOUT_MINUTES"))


def test_an_overlong_username_is_refused_and_counted_like_any_other(browser_session, gateway_db):
    username = uuid.uuid4().hex + "x" * 300
    fail_browser_logins(browser_session, username)
    assert browser_session.login(username, WRONG).status_code == 429
    assert stored_failures(gateway_db, username[:64]) == MAX_FAILURES
