"""`python -m gateway.manage invite-user` (issue 13, item 1: the manage commands stay for scripts): the same one-time
invitation as the People page, read back from a real SMTP server (aiosmtpd in its own process), audited as done by
`cli:<os user>`; refused input makes nothing, and a message that cannot be sent leaves the account to invite again."""
from __future__ import annotations

import re
import uuid

import pytest
from gateway_helpers import csrf_token_from
from sqlalchemy import select

from gateway.adapters.orm import AuditEntryRow, MailOutboxRow, OneTimeLinkRow, UserRow
from gateway.demo import DEMO_CONSORTIUM_ID, DEMO_CONSORTIUM_NAME
from gateway.manage import main as manage
from smtp_sink import smtp_sink  # noqa: F401  the fixture

BASE_URL = "https://hub.example.org"
NEW_PASSWORD = "a-passphrase-chosen-from-a-script-invite"
MAIL_SETTINGS = ("GATEWAY_SMTP_HOST", "GATEWAY_SMTP_PORT", "GATEWAY_MAIL_OUTBOX", "GATEWAY_BASE_URL",
                 "GATEWAY_SMTP_USERNAME", "GATEWAY_SMTP_PASSWORD", "GATEWAY_SMTP_STARTTLS")


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def command_env(monkeypatch, gateway_database_url, demo_users):
    """The command's environment: the test database, no mail settings but what a test sets, run by 'alex'."""
    monkeypatch.setenv("GATEWAY_DATABASE_URL", gateway_database_url)
    for name in MAIL_SETTINGS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("getpass.getuser", lambda: "alex")
    return monkeypatch


def user_row(gateway_db, username: str) -> UserRow | None:
    with gateway_db.session() as session:
        row = session.scalar(select(UserRow).where(UserRow.username == username))
        if row is not None:
            session.expunge(row)
        return row


def audit_of(gateway_db, user_id) -> list[tuple[str, str]]:
    with gateway_db.session() as session:
        return [(row.actor, row.action) for row in session.scalars(
            select(AuditEntryRow).where(AuditEntryRow.entity == "user", AuditEntryRow.entity_id == str(user_id))
            .order_by(AuditEntryRow.id))]


def test_invite_user_emails_the_same_one_time_invitation_as_the_people_page(
        command_env, smtp_sink, gateway_db, app, capsys):  # noqa: F811
    command_env.setenv("GATEWAY_SMTP_HOST", smtp_sink.host)
    command_env.setenv("GATEWAY_SMTP_PORT", str(smtp_sink.port))
    command_env.setenv("GATEWAY_BASE_URL", BASE_URL)
    username = unique("scripted")
    address = f"{username}@example.org"
    assert manage(["invite-user", address, "--consortium", str(DEMO_CONSORTIUM_ID), "--role", "board_member",
                   "--display-name", "Sam Script"]) == 0
    assert f"the invitation is sent to {address}" in capsys.readouterr().out

    message = smtp_sink.wait_for_message_to(address)
    assert message["Subject"] == f"You are invited to {DEMO_CONSORTIUM_NAME} on Consortium Hub"
    body = message.get_content()
    assert "Hello Sam Script" in body and f"Your username is: {username}" in body and "Board member" in body
    assert "72 hours" in body and "The hub's administrator has invited you" in body
    path = re.search(re.escape(BASE_URL) + r"(/invitation/[A-Za-z0-9_-]{43})", body).group(1)

    made = user_row(gateway_db, username)
    assert made.password_hash is None and made.email == address and made.consortium_id == DEMO_CONSORTIUM_ID
    assert audit_of(gateway_db, made.id) == [("cli:alex", "user.created"), ("cli:alex", "user.invited")]
    with gateway_db.session() as session:  # only the secret's hash is stored
        assert session.scalar(select(OneTimeLinkRow).where(
            OneTimeLinkRow.secret_hash == path.rsplit("/", 1)[1])) is None

    # The link works as one from the People page does: the person chooses their password, once.
    newcomer = app.test_client()
    token = csrf_token_from(newcomer.get(path).get_data(as_text=True))
    chosen = newcomer.post(path, data={"password": NEW_PASSWORD, "password_again": NEW_PASSWORD,
                                       "csrf_token": token})
    assert chosen.status_code == 302 and chosen.headers["Location"].endswith("/login")
    assert user_row(gateway_db, username).password_hash is not None
    assert newcomer.get(path).status_code != 200


def test_a_member_user_is_invited_linked_to_their_organisation(command_env, gateway_db, member_organisation_id):
    command_env.setenv("GATEWAY_MAIL_OUTBOX", "1")
    username = unique("staffer")
    address = f"{username}@example.org"
    assert manage(["invite-user", address, "--consortium", str(DEMO_CONSORTIUM_ID), "--role", "member_user",
                   "--organisation-id", str(member_organisation_id)]) == 0
    made = user_row(gateway_db, username)
    assert made.organisation_id == member_organisation_id and made.display_name == username
    with gateway_db.session() as session:  # GATEWAY_MAIL_OUTBOX (development): kept for the Outbox page
        kept = session.scalar(select(MailOutboxRow).where(MailOutboxRow.recipient == address))
        assert kept is not None and f"Your username is: {username}" in kept.body


@pytest.mark.parametrize("arguments, says", [
    (["--consortium", "no-such-consortium", "--role", "board_member"], "No consortium no-such-consortium"),
    (["--consortium", str(DEMO_CONSORTIUM_ID), "--role", "board_member", "--username", "Not A Username!"],
     "Username must be"),
])
def test_refused_input_makes_no_account_and_sends_nothing(command_env, gateway_db, capsys, arguments, says):
    command_env.setenv("GATEWAY_MAIL_OUTBOX", "1")
    address = f"{unique('refused')}@example.org"
    assert manage(["invite-user", address, *arguments]) == 2
    assert says in capsys.readouterr().err
    with gateway_db.session() as session:
        assert session.scalar(select(UserRow).where(UserRow.email == address)) is None
        assert session.scalar(select(MailOutboxRow).where(MailOutboxRow.recipient == address)) is None


def test_with_mail_off_the_account_is_made_and_the_command_says_the_invitation_was_not_sent(
        command_env, gateway_db, capsys):
    username = unique("unsent")
    address = f"{username}@example.org"
    assert manage(["invite-user", address, "--consortium", str(DEMO_CONSORTIUM_ID), "--role", "board_member"]) == 1
    err = capsys.readouterr().err
    assert "not sent: no mail server is configured (GATEWAY_SMTP_HOST)" in err and "/invitation/" not in err
    made = user_row(gateway_db, username)
    assert made is not None and made.password_hash is None  # a new invitation can be sent from their page
    with gateway_db.session() as session:
        assert session.scalar(select(MailOutboxRow).where(MailOutboxRow.recipient == address)) is None
