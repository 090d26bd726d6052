"""Mail from the gateway: plain-text messages with absolute links, sent by SMTP, or kept in the outbox table.

With GATEWAY_SMTP_HOST set, each message goes to that server (STARTTLS and a login when configured). Without it,
nothing leaves the machine. Only development and demonstrations (`make run`, which sets GATEWAY_MAIL_OUTBOX=1) keep
each message in the `mail_outbox` table for the host admin's Outbox page (/admin/outbox), links and all: anywhere
else that page would hand a host admin everyone's invitation and password-reset links. With neither, mail is off:
nothing is sent or kept, each message is logged as not sent (never its links), the pages that send one say so, and
System health warns.
"""
from __future__ import annotations

import dataclasses
import email.message
import logging
import email.utils
import smtplib
import threading
import uuid
from urllib.parse import urlsplit

from flask import current_app
from hubkit.clock import utcnow
from hubkit.config import EnvReader, parse_bool, parse_positive_int
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .adapters.orm import MailOutboxRow

SMTP_TIMEOUT_S = 10


def _base_url(text: str) -> str:
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ValueError("must be an absolute http:// or https:// URL without a query")
    return text.rstrip("/")


def _address(text: str) -> str:
    name, address = email.utils.parseaddr(text)
    if "@" not in address or address.startswith("@") or address.endswith("@"):
        raise ValueError("must be an email address, optionally with a name: Hub <hub@example.org>")
    return text


@dataclasses.dataclass(frozen=True)
class MailSettings:
    """Where mail goes (smtp_host; else the outbox table when `outbox`, development only; else nowhere) and the
    address links in it start with."""

    base_url: str
    from_address: str
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_starttls: bool = False
    smtp_username: str | None = None
    smtp_password: str | None = dataclasses.field(default=None, repr=False)
    outbox: bool = False  # GATEWAY_MAIL_OUTBOX: with no SMTP server, keep mail for the Outbox page (development only)

    @property
    def kept_in_outbox(self) -> bool:
        return not self.smtp_host and self.outbox

    @property
    def off(self) -> bool:
        """No SMTP server and no development outbox: no email is sent or kept."""
        return not self.smtp_host and not self.outbox

    def link(self, path: str) -> str:
        """An absolute link to a page of the hub, for a message read outside it."""
        return self.base_url + "/" + path.lstrip("/")


def read_mail_settings(reader: EnvReader, gateway_port: int) -> MailSettings:
    """The GATEWAY_SMTP_* and GATEWAY_BASE_URL settings; problems are collected by the reader."""
    settings = MailSettings(
        base_url=reader.get("GATEWAY_BASE_URL", f"http://127.0.0.1:{gateway_port}", _base_url),
        from_address=reader.get("GATEWAY_MAIL_FROM", "Consortium Hub <hub@localhost>", _address),
        smtp_host=reader.get("GATEWAY_SMTP_HOST", None) or None,
        smtp_port=reader.get("GATEWAY_SMTP_PORT", 587, parse_positive_int),
        smtp_starttls=reader.get("GATEWAY_SMTP_STARTTLS", False, parse_bool),
        smtp_username=reader.get("GATEWAY_SMTP_USERNAME", None) or None,
        smtp_password=reader.get("GATEWAY_SMTP_PASSWORD", None) or None,
        outbox=reader.get("GATEWAY_MAIL_OUTBOX", False, parse_bool),
    )
    if bool(settings.smtp_username) != bool(settings.smtp_password):
        reader.problems.append("GATEWAY_SMTP_USERNAME and GATEWAY_SMTP_PASSWORD go together: set both or neither")
    return settings


@dataclasses.dataclass(frozen=True)
class Message:
    """One plain-text email to one person; consortium_id is whose business it is (None: the host's)."""

    to: str
    subject: str
    body: str
    consortium_id: uuid.UUID | None = None


@dataclasses.dataclass(frozen=True)
class KeptMessage:
    id: int
    at: object
    to: str
    subject: str
    body: str
    consortium_id: uuid.UUID | None


class MailNotSent(Exception):
    """The SMTP server could not be reached or refused the message; `reason` is fit to show a person."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


def to_email(message: Message, settings: MailSettings) -> email.message.EmailMessage:
    made = email.message.EmailMessage()
    made["From"] = settings.from_address
    made["To"] = message.to
    made["Subject"] = message.subject
    made["Date"] = email.utils.format_datetime(utcnow())
    made["Message-ID"] = email.utils.make_msgid(domain=urlsplit(settings.base_url).hostname or "localhost")
    made["Auto-Submitted"] = "auto-generated"
    made.set_content(message.body)
    return made


def deliver(message: Message, settings: MailSettings) -> None:
    """Send by SMTP now; raise MailNotSent. (Only for a configured server: see send.)"""
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT_S) as smtp:
            if settings.smtp_starttls:
                smtp.starttls()
            if settings.smtp_username:
                smtp.login(settings.smtp_username, settings.smtp_password)
            smtp.send_message(to_email(message, settings))
    except (OSError, smtplib.SMTPException) as exc:
        logging.getLogger(__name__).warning("mail not sent", extra={"reason": type(exc).__name__})
        raise MailNotSent("The email could not be sent: the mail server did not accept it. "
                          "Try again in a few minutes.") from exc


def keep(session: Session, message: Message) -> None:
    """Keep the message in the outbox table (no SMTP server configured), in the caller's transaction."""
    session.add(MailOutboxRow(at=utcnow(), recipient=message.to, subject=message.subject, body=message.body,
                              consortium_id=message.consortium_id))
    session.flush()


NOT_SENT_REASON = ("The email was not sent: no mail server is configured (GATEWAY_SMTP_HOST). Ask the hub's host to "
                   "set one up.")
OFF_WARNING = "mail is off: no GATEWAY_SMTP_HOST (and no GATEWAY_MAIL_OUTBOX), so no email is sent"


def not_sent(message: Message) -> None:
    """Log a message mail being off keeps from being sent: its subject and recipient, never its body (its links)."""
    logging.getLogger(__name__).warning("mail not sent: no mail server is configured (GATEWAY_SMTP_HOST)",
                                        extra={"subject": message.subject, "recipient": message.to})


def send(session: Session, message: Message, settings: MailSettings | None = None) -> None:
    """Send now by SMTP (raise MailNotSent), or keep in the development outbox; with mail off, log it and raise
    MailNotSent saying so."""
    settings = settings or current_settings()
    if settings.kept_in_outbox:
        keep(session, message)
    elif settings.off:
        not_sent(message)
        raise MailNotSent(NOT_SENT_REASON)
    else:
        deliver(message, settings)


def send_in_background(message: Message, settings: MailSettings | None = None) -> threading.Thread | None:
    """Send by SMTP from another thread, so the answer to the request takes as long whether or not a message is
    sent (the "forgot your password" form gives nothing away by its timing); failures are only logged. With no
    server configured the message is kept in the development outbox at once, or logged as not sent (return None)."""
    settings = settings or current_settings()
    if settings.kept_in_outbox:
        with current_app.extensions["gateway.db"].session() as session:
            keep(session, message)
        return None
    if settings.off:
        not_sent(message)
        return None

    def run():
        try:
            deliver(message, settings)
        except MailNotSent:
            pass  # logged by deliver

    thread = threading.Thread(target=run, name="mail", daemon=True)
    thread.start()
    return thread


def current_settings() -> MailSettings:
    return current_app.extensions["gateway.settings"].mail


def outbox_page(session: Session, *, offset: int = 0, limit: int = 50) -> tuple[list[KeptMessage], int]:
    """Kept messages, newest first, and how many there are."""
    total = session.scalar(select(func.count()).select_from(MailOutboxRow))
    rows = session.scalars(select(MailOutboxRow).order_by(MailOutboxRow.id.desc()).offset(offset).limit(limit))
    return [KeptMessage(row.id, row.at, row.recipient, row.subject, row.body, row.consortium_id) for row in rows], total

