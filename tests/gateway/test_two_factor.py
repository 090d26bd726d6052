"""Two-factor sign-in (issue 13, item 2): optional TOTP for everyone, required for host admins and finance officers
when the host turns GATEWAY_TWO_FACTOR_REQUIRED on; recovery codes; the code step throttled like the password; the
API token endpoint asks for the code too. The clock is moved with time-machine to make codes, never slept."""
import contextlib
import dataclasses
import datetime as dt
import re
import uuid

import pytest
import time_machine
from gateway_helpers import THROWAWAY_PASSWORD, Browser, csrf_token_from
from hubkit.clock import utcnow
from sqlalchemy import select

from gateway import accounts
from gateway.adapters.orm import AuditEntryRow, RecoveryCodeRow, TwoFactorRow, UserRow
from gateway.app import create_app
from gateway.demo import DEMO_CONSORTIUM_ID
from gateway.domain import two_factor as rules

STEP = dt.timedelta(seconds=30)
SETUP = "/account/two-factor/set-up"


@contextlib.contextmanager
def frozen_clock():
    with time_machine.travel(utcnow(), tick=False) as traveller:
        yield traveller


def later(traveller, by: dt.timedelta = STEP) -> None:
    traveller.move_to(utcnow() + by)


def new_user(gateway_db, roles=("board_member",)) -> str:
    username = f"tfa-{uuid.uuid4().hex[:10]}"
    with gateway_db.session() as session:
        accounts.create_user(session, username=username, password=THROWAWAY_PASSWORD, consortium_id=DEMO_CONSORTIUM_ID,
                             roles=set(roles), actor="test:two-factor")
    return username


def fresh_client(app):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250 + 1}"
    return client


def post_form(client, path: str, **fields):
    """Post a form with the session's CSRF token (from the page the form is on)."""
    page = SETUP if path == SETUP else "/account/two-factor"
    token = csrf_token_from(client.get(page).get_data(as_text=True))
    return client.post(path, data={"csrf_token": token, **fields})


def shown_secret(client) -> str:
    html = client.get(SETUP).get_data(as_text=True)
    return re.search(r'<code id="two-factor-secret">([A-Z2-7 ]+)</code>', html).group(1).replace(" ", "")


def shown_codes(response) -> list[str]:
    block = re.search(r'<ul class="govuk-list" id="recovery-codes">(.*?)</ul>', response.get_data(as_text=True), re.S)
    return re.findall(r"<code>([a-z0-9-]+)</code>", block.group(1))


def enable(client) -> tuple[str, list[str]]:
    """Set two-factor up for the signed-in client's user; the secret and the recovery codes shown."""
    secret = shown_secret(client)
    token = csrf_token_from(client.get(SETUP).get_data(as_text=True))
    response = client.post(SETUP, data={"csrf_token": token, "code": rules.code_at(secret, utcnow())})
    assert response.status_code == 201, response.get_data(as_text=True)
    return secret, shown_codes(response)


def enter_code(client, code: str):
    token = csrf_token_from(client.get("/login/code").get_data(as_text=True))
    return client.post("/login/code", data={"csrf_token": token, "code": code})


def signed_in(client) -> bool:
    return client.get("/account/two-factor").status_code == 200


def audit_actions(gateway_db, username: str) -> list[str]:
    with gateway_db.session() as session:
        user_id = session.scalar(select(UserRow.id).where(UserRow.username == username))
        return list(session.scalars(select(AuditEntryRow.action).where(AuditEntryRow.entity_id == str(user_id))
                                    .order_by(AuditEntryRow.id)))


@pytest.fixture
def enrolled(app, gateway_db):
    """(username, secret, recovery codes) of a fresh board member with two-factor on, signed out again."""
    username = new_user(gateway_db)
    client = fresh_client(app)
    assert Browser(client).login(username, THROWAWAY_PASSWORD).status_code == 302
    secret, codes = enable(client)
    return username, secret, codes


# --- the rules ----------------------------------------------------------------------------------------------------

def test_a_code_is_right_for_its_step_and_one_either_side_and_never_again():
    secret, now = rules.new_secret(), utcnow()
    step = rules.matching_step(secret, rules.code_at(secret, now), now, None)
    assert step is not None
    assert rules.matching_step(secret, rules.code_at(secret, now - STEP), now, None) == step - 1
    assert rules.matching_step(secret, rules.code_at(secret, now + STEP), now, None) == step + 1
    assert rules.matching_step(secret, rules.code_at(secret, now - 3 * STEP), now, None) is None
    assert rules.matching_step(secret, rules.code_at(secret, now), now, step) is None  # replayed
    assert rules.matching_step(secret, rules.code_at(secret, now), now, step - 1) == step
    assert rules.matching_step(secret, "abcdef", now, None) is None


def test_secrets_are_sealed_under_the_gateway_key_and_recovery_codes_kept_as_hashes():
    box = rules.SecretBox("one key")
    sealed = box.seal("JBSWY3DPEHPK3PXP")
    assert "JBSWY3DPEHPK3PXP" not in sealed and box.open(sealed) == "JBSWY3DPEHPK3PXP"
    with pytest.raises(rules.TwoFactorRefused):
        rules.SecretBox("another key").open(sealed)
    codes = rules.new_recovery_codes()
    assert len(codes) == 10 == len(set(codes))
    assert rules.recovery_code_hash(codes[0].upper().replace("-", " ")) == rules.recovery_code_hash(codes[0])


def test_required_only_for_host_admins_and_finance_officers_and_only_when_the_host_says_so():
    assert rules.required_for({"finance_officer"}, True) and rules.required_for({"host_admin"}, True)
    assert not rules.required_for({"board_member", "consortium_manager"}, True)
    assert not rules.required_for({"finance_officer"}, False)


# --- enrolment ----------------------------------------------------------------------------------------------------

def test_enrolment_needs_a_right_code_and_then_the_secret_is_never_shown_again(client, gateway_db):
    username = new_user(gateway_db)
    assert Browser(client).login(username, THROWAWAY_PASSWORD).status_code == 302
    assert "Two-factor is <strong>off</strong>" in client.get("/account/two-factor").get_data(as_text=True)
    page = client.get(SETUP)
    html = page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"
    assert 'src="data:image/svg+xml' in html and "otpauth://totp/Consortium%20Hub:" in html
    secret = shown_secret(client)
    assert shown_secret(client) == secret  # the same secret until it is confirmed
    with frozen_clock():
        wrong = post_form(client, SETUP, code=rules.code_at(secret, utcnow() + 5 * STEP))
        assert wrong.status_code == 400 and "The code is wrong" in wrong.get_data(as_text=True)
        with gateway_db.session() as session:
            user_id = session.scalar(select(UserRow.id).where(UserRow.username == username))
            assert session.get(TwoFactorRow, user_id).enabled_at is None
        made = post_form(client, SETUP, code=rules.code_at(secret, utcnow()))
    assert made.status_code == 201 and made.headers["Cache-Control"] == "no-store"
    codes = shown_codes(made)
    assert len(codes) == 10
    with gateway_db.session() as session:
        row = session.get(TwoFactorRow, user_id)
        assert row.enabled_at is not None and secret not in row.secret_sealed
        hashes = set(session.scalars(select(RecoveryCodeRow.code_hash).where(RecoveryCodeRow.user_id == user_id)))
    assert hashes == {rules.recovery_code_hash(code) for code in codes}
    again = client.get(SETUP)
    assert again.status_code == 302 and again.headers["Location"].endswith("/account/two-factor")
    assert secret not in client.get("/account/two-factor").get_data(as_text=True)
    assert "user.two_factor_enabled" in audit_actions(gateway_db, username)


# --- signing in ---------------------------------------------------------------------------------------------------

def test_after_the_password_a_code_is_asked_and_nothing_is_signed_in_until_it_is_right(app, enrolled, gateway_db):
    username, secret, _ = enrolled
    client = fresh_client(app)
    with frozen_clock() as traveller:
        later(traveller)  # the enrolment's step is used
        response = Browser(client).login(username, THROWAWAY_PASSWORD)
        assert response.status_code == 302 and response.headers["Location"].endswith("/login/code")
        assert not signed_in(client)
        no_csrf = client.post("/login/code", data={"code": rules.code_at(secret, utcnow())})
        assert no_csrf.status_code == 400 and not signed_in(client)
        wrong = enter_code(client, rules.code_at(secret, utcnow() + 5 * STEP))
        assert wrong.status_code == 401 and "The code is wrong" in wrong.get_data(as_text=True)
        assert not signed_in(client)
        right = enter_code(client, rules.code_at(secret, utcnow()))
        assert right.status_code == 302 and signed_in(client)
    actions = audit_actions(gateway_db, username)
    assert "user.two_factor_refused" in actions


def last_login_at(gateway_db, username: str):
    with gateway_db.session() as session:
        return session.scalar(select(UserRow.last_login_at).where(UserRow.username == username))


def test_a_sign_in_is_recorded_only_once_the_code_is_right_not_at_the_password(app, enrolled, gateway_db):
    username, secret, _ = enrolled
    before, signed_ins = last_login_at(gateway_db, username), audit_actions(gateway_db, username).count(
        "user.signed_in")
    client = fresh_client(app)
    with frozen_clock() as traveller:
        later(traveller, dt.timedelta(minutes=5))
        assert Browser(client).login(username, THROWAWAY_PASSWORD).status_code == 302  # the password is right
        assert enter_code(client, "000000").status_code == 401
        assert last_login_at(gateway_db, username) == before  # a right password alone is no sign-in
        assert audit_actions(gateway_db, username).count("user.signed_in") == signed_ins
        assert enter_code(client, rules.code_at(secret, utcnow())).status_code == 302
        assert last_login_at(gateway_db, username) not in (None, before)
    assert audit_actions(gateway_db, username).count("user.signed_in") == signed_ins + 1
    assert audit_actions(gateway_db, username)[-1] == "user.signed_in"


def test_a_code_is_accepted_once_a_second_sign_in_with_it_is_refused(app, enrolled):
    username, secret, _ = enrolled
    with frozen_clock() as traveller:
        later(traveller)
        code = rules.code_at(secret, utcnow())
        first, second = fresh_client(app), fresh_client(app)
        for client in (first, second):
            assert Browser(client).login(username, THROWAWAY_PASSWORD).status_code == 302
        assert enter_code(first, code).status_code == 302 and signed_in(first)
        assert enter_code(second, code).status_code == 401 and not signed_in(second)
        later(traveller)
        assert enter_code(second, rules.code_at(secret, utcnow())).status_code == 302 and signed_in(second)


def test_a_recovery_code_signs_in_once(app, enrolled, gateway_db):
    username, _, codes = enrolled
    first, second = fresh_client(app), fresh_client(app)
    assert Browser(first).login(username, THROWAWAY_PASSWORD).status_code == 302
    assert enter_code(first, codes[3].upper()).status_code == 302 and signed_in(first)
    assert Browser(second).login(username, THROWAWAY_PASSWORD).status_code == 302
    assert enter_code(second, codes[3]).status_code == 401 and not signed_in(second)
    assert audit_actions(gateway_db, username).count("user.recovery_code_used") == 1
    assert "9 of 10" in first.get("/account/two-factor").get_data(as_text=True)


def test_code_guesses_are_throttled_like_passwords_and_a_right_password_does_not_reset_them(app, enrolled):
    username, secret, _ = enrolled
    client = fresh_client(app)
    with frozen_clock():
        for _ in range(5):  # GATEWAY_LOGIN_MAX_FAILURES, the username's allowance
            assert Browser(client).login(username, THROWAWAY_PASSWORD).status_code == 302
            assert enter_code(client, "000000").status_code == 401
        assert Browser(client).login(username, THROWAWAY_PASSWORD).status_code == 302  # the password is right
        refused = enter_code(client, rules.code_at(secret, utcnow() + STEP))
        assert refused.status_code == 429 and refused.headers["Retry-After"] == "30"
        assert "Too many failed sign-ins" in refused.get_data(as_text=True)
        assert not signed_in(client)


def test_the_code_step_runs_out(app, enrolled):
    username, secret, _ = enrolled
    client = fresh_client(app)
    with frozen_clock() as traveller:
        assert Browser(client).login(username, THROWAWAY_PASSWORD).status_code == 302
        token = csrf_token_from(client.get("/login/code").get_data(as_text=True))
        later(traveller, dt.timedelta(minutes=11))
        assert client.get("/login/code").headers["Location"].endswith("/login")
        response = client.post("/login/code", data={"csrf_token": token, "code": rules.code_at(secret, utcnow())})
        assert response.status_code == 302 and response.headers["Location"].endswith("/login")
        assert not signed_in(client)


# --- turning off and new recovery codes ---------------------------------------------------------------------------

def test_turning_off_needs_the_password_and_a_code(app, enrolled, gateway_db):
    username, secret, codes = enrolled
    client = fresh_client(app)
    assert Browser(client).login(username, THROWAWAY_PASSWORD).status_code == 302
    assert enter_code(client, codes[0]).status_code == 302
    refused = post_form(client, "/account/two-factor/turn-off", password="not my password", code=codes[1])
    assert refused.status_code == 401
    refused = post_form(client, "/account/two-factor/turn-off", password=THROWAWAY_PASSWORD, code="000000")
    assert refused.status_code == 401
    done = post_form(client, "/account/two-factor/turn-off", password=THROWAWAY_PASSWORD, code=codes[1])
    assert done.status_code == 302
    assert "Two-factor is <strong>off</strong>" in client.get("/account/two-factor").get_data(as_text=True)
    assert "user.two_factor_disabled" in audit_actions(gateway_db, username)
    other = fresh_client(app)
    assert Browser(other).login(username, THROWAWAY_PASSWORD).headers["Location"] == "/"


def test_new_recovery_codes_replace_the_old(app, enrolled, gateway_db):
    username, _, codes = enrolled
    client = fresh_client(app)
    assert Browser(client).login(username, THROWAWAY_PASSWORD).status_code == 302
    assert enter_code(client, codes[0]).status_code == 302
    assert post_form(client, "/account/two-factor/recovery-codes", new_codes_password="wrong").status_code == 401
    assert post_form(client, "/account/two-factor/recovery-codes", new_codes_password="").status_code == 400
    made = post_form(client, "/account/two-factor/recovery-codes", new_codes_password=THROWAWAY_PASSWORD)
    assert made.status_code == 201
    new_codes = shown_codes(made)
    assert len(new_codes) == 10 and not set(new_codes) & set(codes)
    assert "user.recovery_codes_made" in audit_actions(gateway_db, username)
    other = fresh_client(app)
    assert Browser(other).login(username, THROWAWAY_PASSWORD).status_code == 302
    assert enter_code(other, codes[1]).status_code == 401
    assert enter_code(other, new_codes[1]).status_code == 302


# --- required for a role ------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def strict_app(settings):
    app = create_app(dataclasses.replace(settings, two_factor_required=True))
    app.config["TESTING"] = True
    return app


def test_a_finance_officer_must_set_up_two_factor_before_anything_else_when_the_host_requires_it(strict_app,
                                                                                                 gateway_db):
    username = new_user(gateway_db, roles=("finance_officer",))
    client = fresh_client(strict_app)
    response = Browser(client).login(username, THROWAWAY_PASSWORD)
    assert response.status_code == 302 and response.headers["Location"].endswith(SETUP)
    assert client.get("/").status_code == 302 and not signed_in(client)  # nothing else before it is set up
    assert "requires two-factor sign-in for your role" in client.get(SETUP).get_data(as_text=True)
    assert last_login_at(gateway_db, username) is None and "user.signed_in" not in audit_actions(gateway_db, username)
    secret, codes = enable(client)
    assert signed_in(client) and len(codes) == 10
    assert last_login_at(gateway_db, username) is not None
    assert audit_actions(gateway_db, username).count("user.signed_in") == 1
    turn_off = post_form(client, "/account/two-factor/turn-off", password=THROWAWAY_PASSWORD, code=codes[0])
    assert turn_off.status_code == 302 and "stays on" in client.get("/account/two-factor").get_data(as_text=True)
    with gateway_db.session() as session:
        user_id = session.scalar(select(UserRow.id).where(UserRow.username == username))
        assert session.get(TwoFactorRow, user_id).enabled_at is not None


def test_other_roles_and_the_demo_users_still_sign_in_with_a_password_alone(strict_app, app, gateway_db, demo_users):
    board = fresh_client(strict_app)
    assert Browser(board).login(new_user(gateway_db), THROWAWAY_PASSWORD).headers["Location"] == "/"
    assert signed_in(board)
    for username in ("finance", "manager"):  # make run's demo: two-factor is off there
        demo = fresh_client(app)
        assert Browser(demo).login(username).headers["Location"] == "/" and signed_in(demo)


# --- the API token endpoint ---------------------------------------------------------------------------------------

def token(app, username: str, **extra):
    return fresh_client(app).post("/api/auth/token", json={"username": username, "password": THROWAWAY_PASSWORD,
                                                            **extra})


def test_the_token_endpoint_asks_for_the_code_too(app, enrolled):
    username, secret, codes = enrolled
    with frozen_clock() as traveller:
        later(traveller)
        missing = token(app, username)
        assert missing.status_code == 401 and missing.mimetype == "application/problem+json"
        assert "totp" in missing.get_json()["detail"]
        assert token(app, username, totp="000000").status_code == 401
        code = rules.code_at(secret, utcnow())
        issued = token(app, username, totp=code)
        assert issued.status_code == 200 and issued.get_json()["token_type"] == "Bearer"
        assert token(app, username, totp=code).status_code == 401  # replayed
        assert token(app, username, totp=codes[0]).status_code == 200  # a recovery code
        assert token(app, username, totp=codes[0]).status_code == 401


def test_the_token_endpoint_records_a_sign_in_only_once_the_code_is_right(app, enrolled, gateway_db):
    username, secret, _ = enrolled
    before, signed_ins = last_login_at(gateway_db, username), audit_actions(gateway_db, username).count(
        "user.signed_in")
    with frozen_clock() as traveller:
        later(traveller, dt.timedelta(minutes=5))
        assert token(app, username).status_code == 401  # the password is right, no code
        assert token(app, username, totp="000000").status_code == 401
        assert last_login_at(gateway_db, username) == before
        assert audit_actions(gateway_db, username).count("user.signed_in") == signed_ins
        assert token(app, username, totp=rules.code_at(secret, utcnow())).status_code == 200
        assert last_login_at(gateway_db, username) not in (None, before)
    assert audit_actions(gateway_db, username).count("user.signed_in") == signed_ins + 1


def test_the_token_endpoint_throttles_code_guesses(app, enrolled):
    username, secret, _ = enrolled
    with frozen_clock():
        for _ in range(5):
            assert token(app, username, totp="000000").status_code == 401
        refused = token(app, username, totp=rules.code_at(secret, utcnow() + STEP))
        assert refused.status_code == 429 and refused.headers["Retry-After"] == "30"


def test_the_token_endpoint_refuses_a_required_role_without_two_factor(strict_app, gateway_db):
    username = new_user(gateway_db, roles=("finance_officer",))
    refused = token(strict_app, username)
    assert refused.status_code == 403 and "two-factor" in refused.get_json()["detail"]
    assert token(strict_app, new_user(gateway_db)).status_code == 200  # a board member: not required


# --- in Chromium --------------------------------------------------------------------------------------------------

@pytest.fixture
def live_gateway(app):
    from gateway_fake_services import ServedApp

    with ServedApp(app) as served:
        yield served.url


@pytest.mark.browser
def test_setting_up_two_factor_and_signing_in_with_a_code_in_chromium_with_no_accessibility_violations(
        page, live_gateway, gateway_db):
    import json

    from browser_checks import axe_violations
    from playwright.sync_api import expect

    def no_violations():
        assert axe_violations(page) == [], json.dumps(axe_violations(page), indent=1)

    username = new_user(gateway_db)
    page.goto(f"{live_gateway}/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(THROWAWAY_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Two-factor").click()
    expect(page.get_by_role("heading", name="Two-factor sign-in")).to_be_visible()
    no_violations()

    page.get_by_role("link", name="Set up two-factor").click()
    expect(page.get_by_role("img", name="QR code holding your two-factor secret")).to_be_visible()
    no_violations()
    secret = page.locator("#two-factor-secret").inner_text().replace(" ", "")
    page.get_by_label("Code from the app").fill("000000")
    page.get_by_role("button", name="Turn on two-factor").click()
    expect(page.get_by_text("The code is wrong").first).to_be_visible()
    no_violations()
    page.get_by_label("Code from the app").fill(rules.code_at(secret, utcnow()))
    page.get_by_role("button", name="Turn on two-factor").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    no_violations()
    page.get_by_role("link", name="I have saved my codes").click()
    expect(page.locator("#two-factor-state")).to_contain_text("Two-factor is on")
    no_violations()

    page.get_by_role("button", name="Sign out").click()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(THROWAWAY_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_label("Enter your sign-in code")).to_be_visible()
    no_violations()
    page.get_by_label("Enter your sign-in code").fill("000000")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("The code is wrong").first).to_be_visible()
    no_violations()
    # The next step's code: the enrolment used this one's, and valid_window 1 takes the next.
    page.get_by_label("Enter your sign-in code").fill(rules.code_at(secret, utcnow() + STEP))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text(f"Signed in as")).to_be_visible()


def test_the_host_turns_off_the_two_factor_of_someone_who_lost_their_phone_and_codes(app, enrolled, gateway_db,
                                                                                      gateway_database_url,
                                                                                      monkeypatch):
    from gateway.manage import main as manage

    username, _, _ = enrolled
    monkeypatch.setenv("GATEWAY_DATABASE_URL", gateway_database_url)
    assert manage(["reset-two-factor", username]) == 0
    assert Browser(fresh_client(app)).login(username, THROWAWAY_PASSWORD).headers["Location"] == "/"
    assert "user.two_factor_disabled" in audit_actions(gateway_db, username)
    assert manage(["reset-two-factor", username]) == 0  # nothing to do
    assert manage(["reset-two-factor", "nobody-by-this-name"]) == 2
