"""Notifications kept in the gateway's database: recorded once per source and recipient, listed, marked read, and
the email each owes sent through gateway/mail.py (straight away, or in the next day's digest)."""
from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import uuid

from hubkit.clock import start_of_day, today, utcnow
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from .. import mail
from ..adapters.orm import NotificationChoiceRow, NotificationRow, UserRow
from . import domain

log = logging.getLogger(__name__)
CHOICES_PATH = "/notifications/choices"


def people_of(session: Session, consortium_id: uuid.UUID) -> list[domain.Person]:
    """The consortium's users, as the rules of who is told need them."""
    rows = session.scalars(select(UserRow).where(UserRow.consortium_id == consortium_id))
    return [domain.Person(row.id, row.consortium_id, row.organisation_id, frozenset(r.role for r in row.role_rows),
                          row.active, row.username) for row in rows]


def record(session: Session, consortium_id: uuid.UUID, notice: domain.Notice,
           recipients: list[domain.Person]) -> int:
    """Each recipient's notification, unless they have it already from this source; how many are new. The unique
    (source_key, recipient_id) keeps it once even if two workers race."""
    wanted = {p.id for p in recipients if p.consortium_id == consortium_id}
    if not wanted:
        return 0
    have = set(session.scalars(select(NotificationRow.recipient_id).where(
        NotificationRow.source_key == notice.source_key, NotificationRow.recipient_id.in_(wanted))))
    chosen = dict(session.execute(select(NotificationChoiceRow.user_id, NotificationChoiceRow.choice).where(
        NotificationChoiceRow.kind == notice.kind, NotificationChoiceRow.user_id.in_(wanted))).all())
    now = utcnow()
    fresh = sorted(wanted - have)
    for recipient in fresh:
        session.add(NotificationRow(recipient_id=recipient, consortium_id=consortium_id, kind=notice.kind,
                                    title=notice.title[:300], link=notice.link[:500], source_key=notice.source_key,
                                    created_at=now, email_due=domain.email_due(notice.kind, chosen.get(recipient))))
    session.flush()
    return len(fresh)


@dataclasses.dataclass(frozen=True)
class Listed:
    id: uuid.UUID
    kind: str
    title: str
    link: str
    created_at: dt.datetime
    read_at: dt.datetime | None


def unread_count(session: Session, user_id: uuid.UUID) -> int:
    return session.scalar(select(func.count()).select_from(NotificationRow).where(
        NotificationRow.recipient_id == user_id, NotificationRow.read_at.is_(None)))


def page(session: Session, user_id: uuid.UUID, *, offset: int = 0, limit: int = 50) -> tuple[list[Listed], int]:
    """A person's notifications, newest first, and how many they have."""
    mine = NotificationRow.recipient_id == user_id
    total = session.scalar(select(func.count()).select_from(NotificationRow).where(mine))
    rows = session.scalars(select(NotificationRow).where(mine)
                           .order_by(NotificationRow.created_at.desc(), NotificationRow.id).offset(offset).limit(limit))
    return [Listed(r.id, r.kind, r.title, r.link, r.created_at, r.read_at) for r in rows], total


def mark_read(session: Session, user_id: uuid.UUID, notification_id: uuid.UUID | None = None) -> int:
    """Mark one of the person's notifications read (or, with None, all of them); never another person's."""
    where = [NotificationRow.recipient_id == user_id, NotificationRow.read_at.is_(None)]
    if notification_id is not None:
        where.append(NotificationRow.id == notification_id)
    return session.execute(update(NotificationRow).where(*where).values(read_at=utcnow())).rowcount


def choices(session: Session, user_id: uuid.UUID) -> dict[str, str]:
    """The person's email choice for every kind (the kind's default where they have not chosen)."""
    stored = dict(session.execute(select(NotificationChoiceRow.kind, NotificationChoiceRow.choice)
                                  .where(NotificationChoiceRow.user_id == user_id)).all())
    return {key: stored.get(key, kind.default) for key, kind in domain.KINDS.items()}


def choose(session: Session, user_id: uuid.UUID, wanted: dict[str, str]) -> None:
    """Store the person's choices (all checked before any is stored); emails already owed are sent as chosen then."""
    for kind, choice in wanted.items():
        domain.check_choice(kind, choice)
    for kind, choice in wanted.items():
        row = session.get(NotificationChoiceRow, (user_id, kind))
        if row is None:
            session.add(NotificationChoiceRow(user_id=user_id, kind=kind, choice=choice))
        else:
            row.choice = choice
    session.flush()


# --------------------------------------------------------------------------------------------- email

def _message(user: UserRow, consortium_id: uuid.UUID, subject: str, lines: list[str],
             settings: mail.MailSettings) -> mail.Message:
    body = "\n".join([f"Hello {user.display_name},", "", *lines, "",
                      f"Choose what you are emailed about: {settings.link(CHOICES_PATH)}", ""])
    return mail.Message(to=user.email, subject=subject, body=body, consortium_id=consortium_id)


def send_owed(database, settings: mail.MailSettings) -> int:
    """Send every email owed: each 'immediate' one on its own, and each person's 'digest' ones made before today
    (the display time zone's) in one message. Each is claimed and sent in one transaction, so it goes once; a
    refused one stays owed and is tried again next time. Returns how many messages were sent (or kept)."""
    sent = 0
    with database.session() as session:
        immediate = list(session.scalars(select(NotificationRow.id).where(NotificationRow.email_due == domain.IMMEDIATE)
                                         .order_by(NotificationRow.created_at)))
        digest_users = list(session.scalars(select(NotificationRow.recipient_id).distinct().where(
            NotificationRow.email_due == domain.DIGEST, NotificationRow.created_at < start_of_day(today()))))
    for notification_id in immediate:
        sent += _send_one(database, settings, notification_id)
    for user_id in digest_users:
        sent += _send_digest(database, settings, user_id)
    return sent


def _claim(session: Session, *where) -> int:
    return session.execute(update(NotificationRow).where(*where).values(email_due=None, emailed_at=utcnow())).rowcount


def _send_one(database, settings: mail.MailSettings, notification_id: uuid.UUID) -> int:
    try:
        with database.session() as session:
            row = session.get(NotificationRow, notification_id)
            if row is None or not _claim(session, NotificationRow.id == notification_id,
                                         NotificationRow.email_due == domain.IMMEDIATE):
                return 0  # another worker took it
            user = session.get(UserRow, row.recipient_id)
            if not user.active or not user.email:
                return 0
            mail.send(session, _message(user, row.consortium_id, f"Consortium Hub: {row.title}",
                                        [row.title, "", f"Open it in the hub: {settings.link(row.link)}"], settings),
                      settings)
            return 1
    except mail.MailNotSent:
        return 0  # rolled back: still owed


def _send_digest(database, settings: mail.MailSettings, user_id: uuid.UUID) -> int:
    try:
        with database.session() as session:
            before = start_of_day(today())
            rows = list(session.scalars(select(NotificationRow).where(
                NotificationRow.recipient_id == user_id, NotificationRow.email_due == domain.DIGEST,
                NotificationRow.created_at < before).order_by(NotificationRow.created_at).with_for_update()))
            if not rows or not _claim(session, NotificationRow.id.in_([r.id for r in rows]),
                                      NotificationRow.email_due == domain.DIGEST):
                return 0
            user = session.get(UserRow, user_id)
            if not user.active or not user.email:
                return 0
            lines = [f"{len(rows)} new in the hub:", ""]
            for row in rows:
                lines += [f"- {row.title}", f"  {settings.link(row.link)}"]
            subject = f"Consortium Hub: your daily summary ({len(rows)} new)"
            mail.send(session, _message(user, user.consortium_id, subject, lines, settings), settings)
            return 1
    except mail.MailNotSent:
        return 0
