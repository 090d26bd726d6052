"""Web administration (issue 13): the host admin's consortia, inviting people by email with a one-time link, roles,
organisations, deactivation, forced password resets and "forgot your password", with mail sent through a real SMTP
server (aiosmtpd in its own process) and read back."""
from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import re
import uuid

import pytest
import time_machine
from sqlalchemy import select

from gateway import accounts
from gateway.adapters.orm import AuditEntryRow, OneTimeLinkRow, UserRow
from gateway.app import create_app
from gateway.demo import DEMO_CONSORTIUM_ID, DEMO_CONSORTIUM_NAME, DEMO_PASSWORD
from gateway_helpers import THROWAWAY_PASSWORD, Browser, csrf_token_from
from hubkit.clock import utcnow
from smtp_sink import smtp_sink  # noqa: F401  the fixture

NEW_PASSWORD = "a-brand-new-passphrase-26"
BASE_URL = "https://hub.example.org"
LINK = re.compile(re.escape(BASE_URL) + r"(/(?:invitation|password/reset)/[A-Za-z0-9_-]{43})")
REVOCATION_CHECK = dt.timedelta(seconds=5)


@pytest.fixture(scope="module")
def mail_app(settings, smtp_sink):  # noqa: F811
    """The gateway sending mail to the SMTP sink, its links starting with BASE_URL."""
    mail = dataclasses.replace(settings.mail, smtp_host=smtp_sink.host, smtp_port=smtp_sink.port, base_url=BASE_URL)
    app = create_app(dataclasses.replace(settings, mail=mail))
    app.config["TESTING"] = True
    return app


def new_client(app):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250 + 1}"
    return client


def signed_in(app, username: str, password: str = DEMO_PASSWORD):
    client = new_client(app)
    response = Browser(client).login(username, password)
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def post_form(client, form_page: str, path: str, data: dict):
    token = csrf_token_from(client.get(form_page).get_data(as_text=True))
    return client.post(path, data=data | {"csrf_token": token})


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def create_consortium(client, name: str, slug: str) -> uuid.UUID:
    response = post_form(client, "/admin/consortia/new", "/admin/consortia/new", {"name": name, "slug": slug})
    assert response.status_code == 302, response.get_data(as_text=True)
    return uuid.UUID(response.headers["Location"].rstrip("/").split("/")[-1])


def invite(client, consortium_id, *, username: str, email: str, roles: list[str], name: str = "Pat Person",
           organisation_id: str = ""):
    return post_form(client, f"/consortia/{consortium_id}/invite", f"/consortia/{consortium_id}/invite",
                     {"display_name": name, "email": email, "username": username, "roles": roles,
                      "organisation_id": organisation_id})


def link_path(message) -> str:
    return LINK.search(message.get_content()).group(1)


def set_password_from(client, path: str, password: str = NEW_PASSWORD):
    return post_form(client, path, path, {"password": password, "password_again": password})


def user_id(gateway_db, username: str) -> uuid.UUID:
    with gateway_db.session() as session:
        return session.scalar(select(UserRow.id).where(UserRow.username == username))


def audit_actions(gateway_db, user: uuid.UUID) -> list[tuple[str, str]]:
    with gateway_db.session() as session:
        return [(row.action, row.actor) for row in session.scalars(
            select(AuditEntryRow).where(AuditEntryRow.entity_id == str(user)).order_by(AuditEntryRow.id))]


def invited_member_of_riverside(gateway_db, roles=frozenset({"board_member"})) -> tuple[str, uuid.UUID]:
    """A signed-up person of the demo consortium (password THROWAWAY_PASSWORD), for tests that change them."""
    username = unique("person")
    with gateway_db.session() as session:
        made = accounts.create_user(session, username=username, password=THROWAWAY_PASSWORD,
                                    consortium_id=DEMO_CONSORTIUM_ID, roles=roles, email=f"{username}@example.org",
                                    display_name="Sam Someone", actor="test:people",
                                    organisation_pending="member_user" in roles)
    return username, made.id


def test_the_host_admin_creates_a_consortium_and_invites_its_manager_whose_link_works_once(
        mail_app, smtp_sink, gateway_db):  # noqa: F811
    admin = signed_in(mail_app, "admin")
    name, slug = f"Hillside Consortium {uuid.uuid4().hex[:6]}", unique("hillside")
    consortium_id = create_consortium(admin, name, slug)
    assert name in admin.get("/admin/consortia").get_data(as_text=True)
    username, address = unique("manager"), f"{unique('hill')}@example.org"
    response = invite(admin, consortium_id, username=username, email=address, roles=["consortium_manager"],
                      name="Hana Hill")
    assert response.status_code == 302
    assert f"An email has been sent to {address}" in admin.get(response.headers["Location"]).get_data(as_text=True)

    message = smtp_sink.wait_for_message_to(address)
    assert message["Subject"] == f"You are invited to {name} on Consortium Hub"
    assert message["To"] == address and message["From"] == "Consortium Hub <hub@localhost>"
    body = message.get_content()
    assert username in body and "Consortium manager" in body and "72 hours" in body
    # Nothing of another consortium: not the demo consortium the inviting host admin belongs to, nor its people.
    assert DEMO_CONSORTIUM_NAME not in body and "riverside" not in body.lower() and "manager@" not in body
    path = link_path(message)
    with gateway_db.session() as session:  # only the secret's hash is stored
        assert session.scalar(select(OneTimeLinkRow).where(
            OneTimeLinkRow.secret_hash == path.rsplit("/", 1)[1])) is None

    newcomer = new_client(mail_app)
    page = newcomer.get(path)
    assert page.status_code == 200 and username in page.get_data(as_text=True)
    assert Browser(newcomer).login(username, NEW_PASSWORD).status_code == 401  # no password before they choose one
    weak = set_password_from(newcomer, path, "short")
    assert weak.status_code == 400 and "at least 12 characters" in weak.get_data(as_text=True)
    assert set_password_from(newcomer, path).headers["Location"].endswith("/login")
    signed = signed_in(mail_app, username, NEW_PASSWORD)
    assert name in signed.get("/").get_data(as_text=True)

    again = new_client(mail_app).get(path)
    assert again.status_code == 404 and "already been used" in again.get_data(as_text=True)
    invited = user_id(gateway_db, username)
    assert audit_actions(gateway_db, invited) == [
        ("user.created", str(user_id(gateway_db, "admin"))), ("user.invited", str(user_id(gateway_db, "admin"))),
        ("user.password_changed", str(invited)), ("user.signed_in", str(invited))]


def test_an_invitation_expires_after_72_hours(app, gateway_db):
    admin = signed_in(app, "admin")
    username = unique("late")
    with time_machine.travel(utcnow(), tick=False) as traveller:
        assert invite(admin, DEMO_CONSORTIUM_ID, username=username, email=f"{username}@example.org",
                      roles=["board_member"]).status_code == 302
        path = link_path_from_outbox(admin, username)
        traveller.move_to(utcnow() + dt.timedelta(hours=71, minutes=59))
        assert new_client(app).get(path).status_code == 200
        traveller.move_to(utcnow() + dt.timedelta(minutes=2))
        expired = new_client(app).get(path)
        assert expired.status_code == 404 and "expired" in expired.get_data(as_text=True)
        assert set_password_from_expired(app, path).status_code == 404
    with gateway_db.session() as session:
        assert session.scalar(select(UserRow.password_hash).where(UserRow.username == username)) is None


def set_password_from_expired(app, path: str):
    client = new_client(app)
    token = csrf_token_from(client.get("/password/forgot").get_data(as_text=True))
    return client.post(path, data={"password": NEW_PASSWORD, "password_again": NEW_PASSWORD, "csrf_token": token})


def link_path_from_outbox(admin, username: str) -> str:
    """With no SMTP server configured (the test app, like `make run`) the message is on the Outbox page."""
    page = admin.get("/admin/outbox").get_data(as_text=True)
    start = page.index(f"Your username is: {username}")
    return re.search(r"http://127\.0\.0\.1:\d+(/(?:invitation|password/reset)/[A-Za-z0-9_-]{43})",
                     page[start:]).group(1)


def test_without_an_smtp_server_mail_waits_in_the_outbox_the_host_admin_reads(app, logged_in):
    admin = signed_in(app, "admin")
    username = unique("kept")
    response = invite(admin, DEMO_CONSORTIUM_ID, username=username, email=f"{username}@example.org",
                      roles=["finance_officer"])
    assert "is in the Outbox" in admin.get(response.headers["Location"]).get_data(as_text=True)
    page = admin.get("/admin/outbox").get_data(as_text=True)
    assert f"{username}@example.org" in page and f"You are invited to {DEMO_CONSORTIUM_NAME}" in page
    assert link_path_from_outbox(admin, username).startswith("/invitation/")
    # Each link is for the person it was sent to: shown as text, never a link the host admin (or a crawl) follows.
    assert 'href="http://127.0.0.1' not in page and "/invitation/" in page
    assert logged_in("manager").get("/admin/outbox").status_code == 403


def test_a_manager_invites_a_member_user_linked_to_one_of_their_organisations(app, fake_services, gateway_db):
    organisation = fake_services.add_organisation("Riverside Food Bank", status="active")
    manager = signed_in(app, "manager")
    form = manager.get(f"/consortia/{DEMO_CONSORTIUM_ID}/invite").get_data(as_text=True)
    assert "Riverside Food Bank" in form and 'value="host_admin"' not in form
    username = unique("staff")
    response = invite(manager, DEMO_CONSORTIUM_ID, username=username, email=f"{username}@example.org",
                      roles=["member_user"], organisation_id=organisation["id"])
    assert response.status_code == 302
    with gateway_db.session() as session:
        row = session.scalar(select(UserRow).where(UserRow.username == username))
        assert str(row.organisation_id) == organisation["id"] and row.password_hash is None
    # An organisation membership did not list for this consortium is refused.
    refused = invite(manager, DEMO_CONSORTIUM_ID, username=unique("staff"), email="x@example.org",
                     roles=["member_user"], organisation_id=str(uuid.uuid4()))
    assert refused.status_code == 400 and "Choose one of the consortium" in refused.get_data(as_text=True)


def test_a_member_user_is_linked_to_their_organisation_from_their_page(app, fake_services, gateway_db):
    organisation = fake_services.add_organisation("Hope Advice Centre", status="active")
    username, person = invited_member_of_riverside(gateway_db, frozenset({"member_user"}))
    manager = signed_in(app, "manager")
    page = f"/consortia/{DEMO_CONSORTIUM_ID}/people/{person}"
    assert "Not linked yet" in manager.get(page).get_data(as_text=True)
    assert post_form(manager, page, page + "/organisation", {"organisation_id": str(uuid.uuid4())}).status_code == 400
    assert post_form(manager, page, page + "/organisation",
                     {"organisation_id": organisation["id"]}).status_code == 302
    assert "Hope Advice Centre" in manager.get(page).get_data(as_text=True)
    assert [action for action, _ in audit_actions(gateway_db, person)][-1] == "user.organisation_linked"


def test_a_manager_can_never_grant_host_admin(app, gateway_db):
    manager = signed_in(app, "manager")
    username = unique("climber")
    refused = invite(manager, DEMO_CONSORTIUM_ID, username=username, email=f"{username}@example.org",
                     roles=["host_admin"])
    assert refused.status_code == 403 and user_id(gateway_db, username) is None
    _, person = invited_member_of_riverside(gateway_db)
    page = f"/consortia/{DEMO_CONSORTIUM_ID}/people/{person}"
    assert 'value="host_admin"' not in manager.get(page).get_data(as_text=True)
    assert post_form(manager, page, page + "/roles", {"roles": ["board_member", "host_admin"]}).status_code == 403
    with gateway_db.session() as session:
        assert {r.role for r in session.get(UserRow, person).role_rows} == {"board_member"}
    # Nor touch a host admin's account (the demo admin belongs to the manager's consortium).
    admin_page = f"/consortia/{DEMO_CONSORTIUM_ID}/people/{user_id(gateway_db, 'admin')}"
    assert post_form(manager, page, admin_page + "/deactivate", {}).status_code == 403
    assert post_form(manager, page, admin_page + "/password-reset", {}).status_code == 403
    with gateway_db.session() as session:
        admin = session.scalar(select(UserRow).where(UserRow.username == "admin"))
        assert admin.active and admin.password_hash is not None


def test_a_manager_can_never_act_on_another_consortium(app, gateway_db):
    with gateway_db.session() as session:
        other = accounts.create_consortium(session, "Elsewhere Consortium", unique("elsewhere"), actor="test:people")
        stranger = accounts.create_user(session, username=unique("stranger"), password=THROWAWAY_PASSWORD,
                                        consortium_id=other.id, roles={"board_member"}, actor="test:people")
    manager = signed_in(app, "manager")
    own = f"/consortia/{DEMO_CONSORTIUM_ID}"
    assert manager.get(f"/consortia/{other.id}").status_code == 403
    assert manager.get(f"/consortia/{other.id}/people/{stranger.id}").status_code == 403
    assert manager.get("/admin/consortia").status_code == 403
    username = unique("intruder")
    assert post_form(manager, own, f"/consortia/{other.id}/invite",
                     {"display_name": "X", "email": "x@example.org", "username": username,
                      "roles": ["board_member"]}).status_code == 403
    for action in ("deactivate", "password-reset", "roles"):
        assert post_form(manager, own, f"/consortia/{other.id}/people/{stranger.id}/{action}",
                         {"roles": ["member_user"]}).status_code == 403
        # Nor through their own consortium's address: the person is not one of theirs.
        assert post_form(manager, own, f"{own}/people/{stranger.id}/{action}",
                         {"roles": ["member_user"]}).status_code == 404
    with gateway_db.session() as session:
        row = session.get(UserRow, stranger.id)
        assert row.active and row.password_hash and {r.role for r in row.role_rows} == {"board_member"}
    assert user_id(gateway_db, username) is None
    assert [action for action, _ in audit_actions(gateway_db, stranger.id)] == ["user.created"]


def test_other_roles_have_no_people_pages(app):
    for username in ("finance", "board", "member"):
        client = signed_in(app, username)
        assert client.get(f"/consortia/{DEMO_CONSORTIUM_ID}").status_code == 403
        assert client.get("/people").status_code == 403


@contextlib.contextmanager
def frozen_clock():
    with time_machine.travel(utcnow(), tick=False) as traveller:
        yield traveller


def api_token(client, username: str, password: str = THROWAWAY_PASSWORD) -> str:
    response = client.post("/api/auth/token", json={"username": username, "password": password})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["access_token"]


def api_read(client, token: str):
    return client.get("/api/membership/echo/organisations", headers={"Authorization": f"Bearer {token}"})


def test_deactivation_and_role_changes_end_sessions_and_api_tokens_and_reactivation_lets_them_back(app, gateway_db):
    username, person = invited_member_of_riverside(gateway_db)
    manager = signed_in(app, "manager")
    page = f"/consortia/{DEMO_CONSORTIUM_ID}/people/{person}"
    with frozen_clock() as traveller:
        their_browser = signed_in(app, username, THROWAWAY_PASSWORD)
        token = api_token(new_client(app), username)
        assert api_read(new_client(app), token).status_code == 200
        assert post_form(manager, page, page + "/roles", {"roles": ["finance_officer"]}).status_code == 302
        traveller.move_to(utcnow() + REVOCATION_CHECK)
        assert api_read(new_client(app), token).status_code == 401

        token = api_token(new_client(app), username)
        assert post_form(manager, page, page + "/deactivate", {}).status_code == 302
        traveller.move_to(utcnow() + REVOCATION_CHECK)
        assert api_read(new_client(app), token).status_code == 401
        assert their_browser.get("/").status_code == 302  # signed out
        assert Browser(new_client(app)).login(username, THROWAWAY_PASSWORD).status_code == 401

        assert post_form(manager, page, page + "/reactivate", {}).status_code == 302
        assert Browser(new_client(app)).login(username, THROWAWAY_PASSWORD).status_code == 302
    manager_id = str(user_id(gateway_db, "manager"))
    assert [entry for entry in audit_actions(gateway_db, person) if entry[1] == manager_id] == [
        ("user.roles_changed", manager_id), ("user.deactivated", manager_id), ("user.reactivated", manager_id)]


def test_nobody_deactivates_or_demotes_themselves(app, gateway_db):
    manager = signed_in(app, "manager")
    page = f"/consortia/{DEMO_CONSORTIUM_ID}/people/{user_id(gateway_db, 'manager')}"
    assert post_form(manager, page, page + "/deactivate", {}).status_code == 403
    assert post_form(manager, page, page + "/roles", {"roles": ["board_member"]}).status_code == 403
    assert manager.get("/").status_code == 200


def test_a_forced_password_reset_ends_sessions_and_tokens_and_emails_a_link(mail_app, smtp_sink, gateway_db):  # noqa: F811
    username, person = invited_member_of_riverside(gateway_db)
    admin = signed_in(mail_app, "admin")
    page = f"/consortia/{DEMO_CONSORTIUM_ID}/people/{person}"
    with frozen_clock() as traveller:
        their_browser = signed_in(mail_app, username, THROWAWAY_PASSWORD)
        token = api_token(new_client(mail_app), username)
        assert post_form(admin, page, page + "/password-reset", {}).status_code == 302
        traveller.move_to(utcnow() + REVOCATION_CHECK)
        assert api_read(new_client(mail_app), token).status_code == 401
    assert their_browser.get("/").status_code == 302
    assert Browser(new_client(mail_app)).login(username, THROWAWAY_PASSWORD).status_code == 401
    message = smtp_sink.wait_for_message_to(f"{username}@example.org")
    assert message["Subject"] == "Reset your Consortium Hub password"
    path = link_path(message)
    assert path.startswith("/password/reset/")
    assert set_password_from(new_client(mail_app), path).status_code == 302
    assert Browser(new_client(mail_app)).login(username, NEW_PASSWORD).status_code == 302
    assert ("user.password_reset_forced", str(user_id(gateway_db, "admin"))) in audit_actions(gateway_db, person)


def forgot(client, email: str):
    return post_form(client, "/password/forgot", "/password/forgot", {"email": email})


def test_forgot_your_password_answers_alike_and_mails_a_link_only_to_an_account(mail_app, smtp_sink, gateway_db):  # noqa: F811
    username, person = invited_member_of_riverside(gateway_db)
    address = f"{username}@example.org"
    login_page = new_client(mail_app).get("/login").get_data(as_text=True)
    assert 'href="/password/forgot"' in login_page

    known = forgot(new_client(mail_app), address.upper())
    unknown_address = f"{unique('nobody')}@example.org"
    unknown = forgot(new_client(mail_app), unknown_address)
    assert known.status_code == unknown.status_code == 200
    assert known.get_data(as_text=True).replace(address.upper(), "X") == \
        unknown.get_data(as_text=True).replace(unknown_address, "X")

    message = smtp_sink.wait_for_message_to(address)
    assert message["Subject"] == "Reset your Consortium Hub password" and username in message.get_content()
    assert not smtp_sink.messages_to(unknown_address)
    path = link_path(message)
    assert set_password_from(new_client(mail_app), path).status_code == 302
    assert Browser(new_client(mail_app)).login(username, NEW_PASSWORD).status_code == 302
    assert new_client(mail_app).get(path).status_code == 404  # used once
    assert ("user.password_changed", str(person)) in audit_actions(gateway_db, person)


def test_a_reset_link_lives_an_hour(app, gateway_db):
    username, _ = invited_member_of_riverside(gateway_db)
    admin = signed_in(app, "admin")
    with frozen_clock() as traveller:
        assert forgot(new_client(app), f"{username}@example.org").status_code == 200
        path = link_path_from_outbox(admin, username)
        assert path.startswith("/password/reset/")
        traveller.move_to(utcnow() + dt.timedelta(minutes=61))
        assert "expired" in new_client(app).get(path).get_data(as_text=True)


def test_forgot_your_password_is_throttled_per_client_and_per_address(app, gateway_db):
    from gateway import administration

    username, _ = invited_member_of_riverside(gateway_db)
    address = f"{username}@example.org"
    client = new_client(app)
    answers = [forgot(client, address).status_code for _ in range(administration.RESET_REQUESTS_PER_ADDRESS + 1)]
    assert answers[:-1] == [200] * administration.RESET_REQUESTS_PER_ADDRESS
    assert answers[-1] == 429
    # Only RESET_LINKS_PER_EMAIL messages for that address, the same answer to the rest.
    page = signed_in(app, "admin").get("/admin/outbox").get_data(as_text=True)
    assert page.count(f"Your username is: {username}") == administration.RESET_LINKS_PER_EMAIL
    # Another client may still ask (for another address).
    assert forgot(new_client(app), f"{unique('x')}@example.org").status_code == 200


def test_the_host_admin_renames_a_consortium_and_a_manager_cannot(app, gateway_db):
    admin = signed_in(app, "admin")
    consortium_id = create_consortium(admin, "Old Name Consortium", unique("renamed"))
    page = f"/consortia/{consortium_id}"
    assert post_form(admin, page, page + "/name", {"name": ""}).status_code == 400
    assert post_form(admin, page, page + "/name", {"name": "New Name Consortium"}).status_code == 302
    assert "New Name Consortium" in admin.get("/admin/consortia").get_data(as_text=True)
    with gateway_db.session() as session:
        rows = session.scalars(select(AuditEntryRow).where(AuditEntryRow.entity_id == str(consortium_id))
                               .order_by(AuditEntryRow.id)).all()
        assert [(row.action, row.before, row.after) for row in rows][-1] == (
            "consortium.renamed", {"name": "Old Name Consortium", "slug": rows[0].after["slug"]},
            {"name": "New Name Consortium", "slug": rows[0].after["slug"]})
    manager = signed_in(app, "manager")
    own = f"/consortia/{DEMO_CONSORTIUM_ID}"
    assert post_form(manager, own, own + "/name", {"name": "Taken Over"}).status_code == 403
    duplicate = post_form(admin, "/admin/consortia/new", "/admin/consortia/new",
                          {"name": "Again", "slug": "riverside"})
    assert duplicate.status_code == 400 and "already a consortium" in duplicate.get_data(as_text=True)


def test_when_the_mail_server_refuses_the_account_stays_and_the_invitation_can_be_sent_again(
        settings, smtp_sink, gateway_db):  # noqa: F811
    from gateway_helpers import closed_port_url

    port = int(closed_port_url().rsplit(":", 1)[1])
    down = create_app(dataclasses.replace(settings, mail=dataclasses.replace(
        settings.mail, smtp_host="127.0.0.1", smtp_port=port, base_url=BASE_URL)))
    admin = signed_in(down, "admin")
    username = unique("unlucky")
    response = invite(admin, DEMO_CONSORTIUM_ID, username=username, email=f"{username}@example.org",
                      roles=["board_member"])
    assert "the email could not be sent" in admin.get(response.headers["Location"]).get_data(as_text=True)
    person = user_id(gateway_db, username)
    assert person is not None

    working = create_app(dataclasses.replace(settings, mail=dataclasses.replace(
        settings.mail, smtp_host=smtp_sink.host, smtp_port=smtp_sink.port, base_url=BASE_URL)))
    admin = signed_in(working, "admin")
    page = f"/consortia/{DEMO_CONSORTIUM_ID}/people/{person}"
    assert post_form(admin, page, page + "/invitation", {}).status_code == 302
    path = link_path(smtp_sink.wait_for_message_to(f"{username}@example.org"))
    assert set_password_from(new_client(working), path).status_code == 302
