"""Sign-in throttling through the real login form and token endpoint, counters in the test database.

Growing delays per username, per client address and for everyone, never a hard lock; the clock is moved with
time-machine, never slept on. Each test uses its own throwaway users and its own client address (the `client`
fixture), never the shared demo users.
"""
import contextlib
import dataclasses
import datetime as dt
import re
import threading
import uuid

import pytest
import time_machine
from gateway_helpers import THROWAWAY_PASSWORD, Browser, gateway_environ
from hubkit.clock import utcnow
from hubkit.config import ConfigError
from sqlalchemy import func, select

from gateway import accounts
from gateway.adapters.database import Database
from gateway.adapters.orm import LoginFailureRow, LoginThrottleRow
from gateway.app import create_app
from gateway.config import load_settings
from gateway.demo import DEMO_CONSORTIUM_ID
from gateway.migrations import migrate

WRONG = "not-the-right-passphrase"
MAX_FAILURES = 5  # the defaults the test app runs with
ADDRESS_MAX_FAILURES = 20
FIRST_DELAY = dt.timedelta(seconds=30)


@contextlib.contextmanager
def frozen_clock():
    """The clock stopped now; .move_to(...) moves it (time-machine)."""
    with time_machine.travel(utcnow(), tick=False) as traveller:
        yield traveller


def later(traveller, by: dt.timedelta) -> None:
    traveller.move_to(utcnow() + by)


def stored_failures(gateway_db, username: str) -> list[LoginFailureRow]:
    with gateway_db.session() as session:
        return list(session.scalars(select(LoginFailureRow).where(LoginFailureRow.username == username)))


def counted(gateway_db, scope: str, key: str) -> float:
    with gateway_db.session() as session:
        return session.scalar(select(LoginThrottleRow.level).where(LoginThrottleRow.scope == scope,
                                                                   LoginThrottleRow.key == key)) or 0.0


def fail_browser_logins(browser_session, username: str, times: int = MAX_FAILURES) -> None:
    for _ in range(times):
        assert browser_session.login(username, WRONG).status_code == 401


def fail_token_requests(client, username: str, times: int = MAX_FAILURES) -> None:
    for _ in range(times):
        response = client.post("/api/auth/token", json={"username": username, "password": WRONG})
        assert response.status_code == 401


def token_request(client, username: str, password: str = THROWAWAY_PASSWORD):
    return client.post("/api/auth/token", json={"username": username, "password": password})


def test_after_five_wrong_passwords_the_right_one_waits_30_seconds_with_429_saying_when(
        browser_session, client, gateway_db, throwaway_user):
    username = throwaway_user()
    with frozen_clock():
        fail_browser_logins(browser_session, username)
        response = browser_session.login(username, THROWAWAY_PASSWORD)
    html = response.get_data(as_text=True)
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "30"
    assert re.search(r"Too many failed sign-ins\. Try again in 30 seconds, after \d{1,2}:\d\d:\d\d[ap]m\.", html)
    assert "Error: Sign in" in html and 'name="csrf_token"' in html  # the form is there to try again later
    assert client.get("/").status_code == 302  # not signed in
    assert len(stored_failures(gateway_db, username)) == 5


def test_attempts_while_a_delay_runs_are_not_checked_or_counted(browser_session, gateway_db, throwaway_user):
    username = throwaway_user()
    with frozen_clock():
        fail_browser_logins(browser_session, username)
        for _ in range(3):
            assert browser_session.login(username, WRONG).status_code == 429
        assert counted(gateway_db, "username", username) == pytest.approx(MAX_FAILURES)
    assert len(stored_failures(gateway_db, username)) == MAX_FAILURES


def test_each_further_failure_doubles_the_delay_up_to_15_minutes_never_a_lock(client, throwaway_user):
    username = throwaway_user()
    waits = []
    with frozen_clock() as traveller:
        fail_token_requests(client, username)
        for _ in range(7):
            refused = token_request(client, username)
            assert refused.status_code == 429
            waits.append(int(refused.headers["Retry-After"]))
            later(traveller, dt.timedelta(seconds=waits[-1]))
            assert token_request(client, username, WRONG).status_code == 401  # checked once the delay is over
        assert token_request(client, username).status_code == 429
        later(traveller, dt.timedelta(minutes=15))
        assert token_request(client, username).status_code == 200
    assert waits == [30, 60, 120, 240, 480, 900, 900]


def test_a_stranger_cannot_keep_someone_out_with_a_few_guesses(client, app, throwaway_user):
    """Five wrong guesses by anyone once locked the account for 15 minutes; now its owner waits 30 seconds."""
    username = throwaway_user()
    stranger = app.test_client()
    stranger.environ_base["REMOTE_ADDR"] = "198.51.100.77"
    with frozen_clock() as traveller:
        fail_token_requests(stranger, username)
        refused = token_request(client, username)
        assert refused.status_code == 429 and int(refused.headers["Retry-After"]) <= 30
        later(traveller, FIRST_DELAY)
        assert token_request(client, username).status_code == 200


def test_another_username_is_unaffected(browser_session, client, throwaway_user):
    locked, other = throwaway_user(), throwaway_user()
    with frozen_clock():
        fail_browser_logins(browser_session, locked)
        assert browser_session.login(locked, THROWAWAY_PASSWORD).status_code == 429
        assert browser_session.login(other, THROWAWAY_PASSWORD).status_code == 302
    assert client.get("/").status_code == 200


def test_a_successful_sign_in_starts_the_username_afresh_and_the_failures_stay_on_record(
        browser_session, client, gateway_db, throwaway_user):
    username = throwaway_user()
    with frozen_clock():
        fail_browser_logins(browser_session, username, MAX_FAILURES - 1)
        assert browser_session.login(username, THROWAWAY_PASSWORD).status_code == 302
        assert counted(gateway_db, "username", username) == 0
        client.delete_cookie("hub_session")
        fail_browser_logins(browser_session, username, MAX_FAILURES - 1)  # 8 in all, none refused with 429
        assert browser_session.login(username, THROWAWAY_PASSWORD).status_code == 302
    record = stored_failures(gateway_db, username)
    assert len(record) == 8 and {row.client_address for row in record} == {client.environ_base["REMOTE_ADDR"]}


def test_failures_spread_out_leak_away(browser_session, throwaway_user):
    username = throwaway_user()
    with frozen_clock() as traveller:
        fail_browser_logins(browser_session, username, MAX_FAILURES - 1)
        later(traveller, dt.timedelta(minutes=15))  # the window forgets five failures
        fail_browser_logins(browser_session, username, MAX_FAILURES - 1)
        assert browser_session.login(username, THROWAWAY_PASSWORD).status_code == 302


def test_the_token_endpoint_is_throttled_the_same_with_problem_json(client, gateway_db, throwaway_user):
    username = throwaway_user()
    with frozen_clock() as traveller:
        fail_token_requests(client, username)
        response = token_request(client, username)
        body = response.get_json()
        assert response.status_code == 429
        assert response.mimetype == "application/problem+json"
        assert body["status"] == 429 and body["title"] == "Too Many Requests" and "access_token" not in body
        assert response.headers["Retry-After"] == "30"
        assert re.fullmatch(r"Too many failed sign-ins\. Try again in 30 seconds, "
                            r"after \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\.", body["detail"])
        later(traveller, FIRST_DELAY)
        assert token_request(client, username).status_code == 200
    assert counted(gateway_db, "username", username) == 0


def test_browser_and_api_failures_count_together_whatever_the_case(browser_session, client, throwaway_user):
    username = throwaway_user()
    with frozen_clock():
        fail_browser_logins(browser_session, username.upper(), 3)
        fail_token_requests(client, username, 2)
        assert token_request(client, f"  {username}").status_code == 429


def _without_numbers(text: str) -> str:
    return re.sub(r"\d+", "#", text)


def test_an_unknown_username_is_throttled_exactly_like_a_known_one(app, throwaway_user):
    answers = {}
    with frozen_clock():
        for kind, (for_token, for_page) in {
                "known": (throwaway_user(), throwaway_user()),
                "unknown": (f"nobody-{uuid.uuid4().hex[:10]}", f"nobody-{uuid.uuid4().hex[:10]}")}.items():
            client = app.test_client()
            client.environ_base["REMOTE_ADDR"] = f"192.0.2.{uuid.uuid4().int % 250 + 1}"
            token_answers = []
            for _ in range(MAX_FAILURES + 1):
                response = token_request(client, for_token, WRONG)
                body = response.get_json()
                token_answers.append((response.status_code, response.mimetype, body["title"],
                                      _without_numbers(body["detail"]), response.headers.get("Retry-After")))
            browser = Browser(client)
            fail_browser_logins(browser, for_page)
            response = browser.login(for_page, WRONG)
            page = (response.status_code, response.headers.get("Retry-After"),
                    _without_numbers(re.search(r"Too many failed[^<]*", response.get_data(as_text=True))[0]))
            answers[kind] = (token_answers, page)
    assert answers["known"] == answers["unknown"]
    assert [status for status, *_ in answers["unknown"][0]] == [401] * MAX_FAILURES + [429]
    assert answers["unknown"][1][0] == 429


def test_one_client_spraying_many_usernames_is_slowed_after_20_failures_and_others_are_not(
        app, client, throwaway_user):
    """Issue 11: one client tried 120 usernames in 15 seconds without a 429."""
    victim = throwaway_user()
    sprayer = app.test_client()
    sprayer.environ_base["REMOTE_ADDR"] = f"203.0.113.{uuid.uuid4().int % 250 + 1}"
    statuses = []
    with frozen_clock() as traveller:
        for n in range(40):
            statuses.append(token_request(sprayer, f"spray-{uuid.uuid4().hex[:8]}-{n}", WRONG).status_code)
        assert statuses == [401] * ADDRESS_MAX_FAILURES + [429] * 20
        refused = token_request(sprayer, victim)  # even the right password waits, from that address
        assert refused.status_code == 429 and refused.headers["Retry-After"] == "30"
        assert token_request(client, victim).status_code == 200  # the victim, elsewhere, signs in
        later(traveller, FIRST_DELAY)
        assert token_request(sprayer, "spray-once-more", WRONG).status_code == 401
        assert int(token_request(sprayer, "spray-and-again", WRONG).headers["Retry-After"]) == 60  # doubled


def test_an_ipv6_client_is_counted_by_its_whole_64(app, throwaway_user):
    username = throwaway_user()
    prefix = f"2001:db8:{uuid.uuid4().int % 65535:x}:1"
    with frozen_clock():
        for n in range(ADDRESS_MAX_FAILURES):
            client = app.test_client()
            client.environ_base["REMOTE_ADDR"] = f"{prefix}::{n + 1:x}"
            assert token_request(client, f"nobody-{n}-{uuid.uuid4().hex[:6]}", WRONG).status_code == 401
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"{prefix}:ffff::1"
        assert token_request(client, username).status_code == 429


@pytest.fixture(scope="module")
def proxied_app(settings):
    """The test gateway behind one reverse proxy (GATEWAY_TRUSTED_PROXY_HOPS=1), over the same database."""
    app = create_app(dataclasses.replace(settings, trusted_proxy_hops=1))
    app.config["TESTING"] = True
    return app


def test_behind_a_trusted_proxy_each_client_is_counted_by_the_address_the_proxy_forwards(proxied_app):
    proxy = proxied_app.test_client()
    proxy.environ_base["REMOTE_ADDR"] = "10.99.0.1"  # every request arrives from the proxy
    sprayer, bystander = f"203.0.113.{uuid.uuid4().int % 250 + 1}", f"198.51.100.{uuid.uuid4().int % 250 + 1}"

    def through_proxy(client_address: str, username: str):
        return proxy.post("/api/auth/token", json={"username": username, "password": WRONG},
                          headers={"X-Forwarded-For": f"{client_address}"})

    with frozen_clock():
        statuses = [through_proxy(sprayer, f"spray-{n}-{uuid.uuid4().hex[:6]}").status_code
                    for n in range(ADDRESS_MAX_FAILURES + 1)]
        assert statuses == [401] * ADDRESS_MAX_FAILURES + [429]
        assert through_proxy(bystander, f"nobody-{uuid.uuid4().hex[:6]}").status_code == 401  # not the proxy's count
        # what a client writes in X-Forwarded-For itself comes before the proxy's entry and is not believed
        spoofed = proxy.post("/api/auth/token", json={"username": "someone", "password": WRONG},
                             headers={"X-Forwarded-For": f"192.0.2.1, {sprayer}"})
        assert spoofed.status_code == 429


def test_without_trusted_proxies_x_forwarded_for_is_ignored(client):
    with frozen_clock():
        statuses = [client.post("/api/auth/token", json={"username": f"spray-{n}-{uuid.uuid4().hex[:6]}",
                                                         "password": WRONG},
                                headers={"X-Forwarded-For": f"192.0.2.{n + 1}"}).status_code
                    for n in range(ADDRESS_MAX_FAILURES + 1)]
    assert statuses == [401] * ADDRESS_MAX_FAILURES + [429]


@pytest.fixture
def small_gateway(databases, token_keys, fake_services, monkeypatch):
    """A gateway over a database of its own whose everyone-counter allows only 6 failures a minute."""
    url = databases.create("gateway_throttle")
    migrate(url)
    database = Database(url)
    with database.session() as session:
        accounts.create_consortium(session, "Throttle Test", "throttle-test", DEMO_CONSORTIUM_ID, actor="test:throttle")
        accounts.create_user(session, username="steady", password=THROWAWAY_PASSWORD, consortium_id=DEMO_CONSORTIUM_ID,
                             roles={"board_member"}, actor="test:throttle")
    app = create_app(load_settings(gateway_environ(url, token_keys, fake_services.url,
                                                   GATEWAY_LOGIN_EVERYONE_MAX_FAILURES="6")))
    app.config["TESTING"] = True
    yield app, database
    database.dispose()


def test_failures_from_everywhere_slow_everyone_for_at_most_a_minute(small_gateway):
    app, _ = small_gateway
    with frozen_clock() as traveller:
        for n in range(6):
            client = app.test_client()
            client.environ_base["REMOTE_ADDR"] = f"198.51.100.{n + 1}"
            assert token_request(client, f"nobody-{n}", WRONG).status_code == 401
        newcomer = app.test_client()
        newcomer.environ_base["REMOTE_ADDR"] = "198.51.100.200"
        refused = token_request(newcomer, "steady")
        assert refused.status_code == 429 and refused.headers["Retry-After"] == "1"
        later(traveller, dt.timedelta(seconds=1))
        assert token_request(newcomer, "steady").status_code == 200


def _in_parallel(app, count: int, request) -> list[int]:
    """`count` requests at once, each from its own test client; their statuses."""
    statuses, start = [], threading.Barrier(count)

    def one(n):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = "192.0.2.99"
        start.wait(timeout=30)
        statuses.append(request(client, n).status_code)

    threads = [threading.Thread(target=one, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return sorted(statuses)


def test_parallel_guesses_do_not_slip_past_the_limit(small_gateway):
    """Every attempt is counted before its password is checked, under the counters' locks (SQLite included)."""
    app, database = small_gateway
    with frozen_clock():
        statuses = _in_parallel(app, 12, lambda client, n: token_request(client, "steady", WRONG))
    assert statuses == [401] * MAX_FAILURES + [429] * 7
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(LoginFailureRow)) == MAX_FAILURES


def test_throttling_settings_have_defaults_and_are_checked(tmp_path, token_keys):
    environ = {"HUB_VAR_DIR": str(tmp_path), "GATEWAY_SECRET_KEY": "s", "HUB_TOKEN_PRIVATE_KEY_FILE": str(token_keys[0]),
               "HUB_TOKEN_PUBLIC_KEY_FILE": str(token_keys[1])}
    policy = load_settings(environ).login_throttle
    assert (policy.username.allowance, policy.address.allowance, policy.everyone.allowance) == (5, 20, 300)
    assert (policy.username.window, policy.username.first_delay, policy.username.max_delay) == (
        dt.timedelta(minutes=15), dt.timedelta(seconds=30), dt.timedelta(minutes=15))
    assert (policy.everyone.window, policy.everyone.max_delay) == (dt.timedelta(minutes=1), dt.timedelta(minutes=1))
    tuned = load_settings(environ | {"GATEWAY_LOGIN_MAX_FAILURES": "3", "GATEWAY_LOGIN_WINDOW_MINUTES": "10",
                                     "GATEWAY_LOGIN_ADDRESS_MAX_FAILURES": "50",
                                     "GATEWAY_LOGIN_EVERYONE_MAX_FAILURES": "1000",
                                     "GATEWAY_LOGIN_FIRST_DELAY_SECONDS": "5",
                                     "GATEWAY_LOGIN_MAX_DELAY_MINUTES": "60"}).login_throttle
    assert load_settings(environ).trusted_proxy_hops == 0
    assert load_settings(environ | {"GATEWAY_TRUSTED_PROXY_HOPS": "2"}).trusted_proxy_hops == 2
    with pytest.raises(ConfigError, match="GATEWAY_TRUSTED_PROXY_HOPS"):
        load_settings(environ | {"GATEWAY_TRUSTED_PROXY_HOPS": "-1"})
    assert (tuned.username.allowance, tuned.address.allowance, tuned.everyone.allowance) == (3, 50, 1000)
    assert (tuned.address.window, tuned.address.first_delay, tuned.address.max_delay) == (
        dt.timedelta(minutes=10), dt.timedelta(seconds=5), dt.timedelta(hours=1))
    with pytest.raises(ConfigError) as raised:
        load_settings(environ | {"GATEWAY_LOGIN_MAX_FAILURES": "0", "GATEWAY_LOGIN_WINDOW_MINUTES": "soon",
                                 "GATEWAY_LOGIN_ADDRESS_MAX_FAILURES": "-1",
                                 "GATEWAY_LOGIN_EVERYONE_MAX_FAILURES": "many",
                                 "GATEWAY_LOGIN_FIRST_DELAY_SECONDS": "0", "GATEWAY_LOGIN_MAX_DELAY_MINUTES": "-5"})
    text = "\n".join(raised.value.problems)
    assert all(name in text for name in (
        "GATEWAY_LOGIN_MAX_FAILURES", "GATEWAY_LOGIN_WINDOW_MINUTES", "GATEWAY_LOGIN_ADDRESS_MAX_FAILURES",
        "GATEWAY_LOGIN_EVERYONE_MAX_FAILURES", "GATEWAY_LOGIN_FIRST_DELAY_SECONDS", "GATEWAY_LOGIN_MAX_DELAY_MINUTES"))


def test_an_overlong_username_is_refused_and_counted_like_any_other(browser_session, gateway_db):
    username = uuid.uuid4().hex + "x" * 300
    with frozen_clock():
        fail_browser_logins(browser_session, username)
        assert browser_session.login(username, WRONG).status_code == 429
    assert len(stored_failures(gateway_db, username[:64])) == MAX_FAILURES
