"""Mail with no SMTP server (issue 13 review: the Outbox page let a host admin read everyone's invitation and
password-reset links). Only GATEWAY_MAIL_OUTBOX=1 (`make run`, development) keeps mail for the Outbox page; without it
and without GATEWAY_SMTP_HOST mail is off: nothing is sent or kept, it is logged as not sent (never its links), the
pages that send mail say so, the Outbox page is not there and System health warns."""
from __future__ import annotations

import dataclasses
import logging
import uuid

import pytest
from gateway_helpers import csrf_token_from
from sqlalchemy import func, select

from gateway import mail
from gateway.adapters.orm import MailOutboxRow, UserRow
from gateway.app import create_app
from gateway.demo import DEMO_CONSORTIUM_ID, DEMO_PASSWORD

LINK = "https://hub.example.org/invitation/a-secret-link-nobody-but-its-owner-may-see"


def message(to: str = "someone@example.org") -> mail.Message:
    return mail.Message(to=to, subject="You are invited", body=f"Choose your password here: {LINK}\n")


def kept(gateway_db, to: str) -> int:
    with gateway_db.session() as session:
        return session.scalar(select(func.count()).select_from(MailOutboxRow).where(MailOutboxRow.recipient == to))


@pytest.fixture
def off(settings) -> mail.MailSettings:
    return dataclasses.replace(settings.mail, smtp_host=None, outbox=False)


def test_with_mail_off_a_message_is_logged_as_not_sent_without_its_links_and_kept_nowhere(off, gateway_db, caplog):
    assert off.off and not off.kept_in_outbox
    to = f"{uuid.uuid4().hex[:8]}@example.org"
    with caplog.at_level(logging.WARNING, logger="gateway.mail"):
        with pytest.raises(mail.MailNotSent) as refused:
            with gateway_db.session() as session:
                mail.send(session, message(to), off)
    assert "no mail server is configured (GATEWAY_SMTP_HOST)" in refused.value.reason
    assert kept(gateway_db, to) == 0
    logged = [record for record in caplog.records if record.name == "gateway.mail"]
    assert logged and logged[-1].levelno == logging.WARNING and logged[-1].recipient == to
    assert all(LINK not in record.getMessage() and LINK not in str(record.__dict__) for record in logged)


def test_the_development_outbox_keeps_a_message_only_when_asked(off, gateway_db):
    to = f"{uuid.uuid4().hex[:8]}@example.org"
    with gateway_db.session() as session:
        mail.send(session, message(to), dataclasses.replace(off, outbox=True))
    assert kept(gateway_db, to) == 1


def test_the_notifications_worker_sends_nothing_with_mail_off_and_says_so_once(off, caplog):
    from gateway.notifications.worker import _mailer

    with caplog.at_level(logging.WARNING):
        run = _mailer(off)
        assert run(None, None) == 0 and run(None, None) == 0  # emails stay owed; the database is not even opened
    assert [record.getMessage() for record in caplog.records].count(mail.OFF_WARNING) == 1


# --- the pages, with mail off ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def mail_off_app(settings):
    app = create_app(dataclasses.replace(settings, mail=dataclasses.replace(settings.mail, outbox=False)))
    app.config["TESTING"] = True
    return app


def signed_in(app, username: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.7"
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    assert client.post("/login", data={"username": username, "password": DEMO_PASSWORD,
                                       "csrf_token": token}).status_code == 302
    return client


def test_with_mail_off_an_invitation_says_it_was_not_sent_and_no_outbox_shows_links(mail_off_app, gateway_db,
                                                                                      caplog):
    admin = signed_in(mail_off_app, "admin")
    username = f"unsent-{uuid.uuid4().hex[:8]}"
    form_page = f"/consortia/{DEMO_CONSORTIUM_ID}/invite"
    token = csrf_token_from(admin.get(form_page).get_data(as_text=True))
    with caplog.at_level(logging.WARNING, logger="gateway.mail"):
        response = admin.post(form_page, data={"display_name": "Una Sent", "email": f"{username}@example.org",
                                               "username": username, "roles": ["board_member"],
                                               "csrf_token": token})
    assert response.status_code == 302
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "account is made, but the email was not sent: no mail server is configured" in page
    assert "/invitation/" not in page
    with gateway_db.session() as session:
        assert session.scalar(select(UserRow).where(UserRow.username == username)) is not None
    assert kept(gateway_db, f"{username}@example.org") == 0
    assert admin.get("/admin/outbox").status_code == 404  # no page hands a host admin others' links
    assert "Outbox" not in admin.get("/admin/consortia").get_data(as_text=True)


def test_with_mail_off_system_health_warns(mail_off_app, app):
    health = signed_in(mail_off_app, "admin").get("/admin/health").get_data(as_text=True)
    assert "No email is sent" in health and "GATEWAY_SMTP_HOST" in health
    assert "No email is sent" not in signed_in(app, "admin").get("/admin/health").get_data(as_text=True)


def test_the_gateway_says_at_start_that_mail_is_off_and_says_nothing_when_it_is_not(settings, caplog):
    with caplog.at_level(logging.WARNING, logger="gateway.mail"):
        create_app(dataclasses.replace(settings, mail=dataclasses.replace(settings.mail, outbox=False)))
    assert mail.OFF_WARNING in [record.getMessage() for record in caplog.records]
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="gateway.mail"):
        create_app(settings)  # the development outbox: mail is kept, not off
        create_app(dataclasses.replace(settings, mail=dataclasses.replace(settings.mail, outbox=False,
                                                                          smtp_host="smtp.example.org")))
    assert mail.OFF_WARNING not in [record.getMessage() for record in caplog.records]
