"""The gateway's tables. Alembic migrations in gateway/alembic are the source of truth for the schema."""
from __future__ import annotations

import datetime as dt
import uuid

from hubkit.clock import utcnow
from hubkit.db import SEQ, UtcDateTime, kit_tables
from sqlalchemy import (JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, MetaData, String, Text,
                        UniqueConstraint, Uuid)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

metadata = MetaData(naming_convention={
    "ix": "ix_%(column_0_label)s", "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s", "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
})


class Base(DeclarativeBase):
    metadata = metadata


class ConsortiumRow(Base):
    __tablename__ = "consortium"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    # The host admin's settings: what the page header shows the consortium's people (None: the name, the hub's).
    display_name: Mapped[str | None] = mapped_column(String(80))
    logo_text: Mapped[str | None] = mapped_column(String(40))


class UserRow(Base):
    __tablename__ = "user_account"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    consortium_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("consortium.id"))
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # Carried in the user's API tokens; raised when their access changes (deactivated, roles, organisation,
    # password), so the gateway refuses the tokens minted before.
    token_version: Mapped[int] = mapped_column(Integer, default=0)

    consortium: Mapped[ConsortiumRow] = relationship(lazy="joined")
    role_rows: Mapped[list["UserRoleRow"]] = relationship(lazy="selectin", cascade="all, delete-orphan")


class UserRoleRow(Base):
    __tablename__ = "user_role"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(32), primary_key=True)


class LoginFailureRow(Base):
    """One failed sign-in for a username (known or not) and from which client address: the record of failures,
    kept a week for inquiries. The throttle counts in login_throttle."""

    __tablename__ = "login_failure"
    __table_args__ = (Index("ix_login_failure_username_failed_at", "username", "failed_at"),
                      Index("ix_login_failure_failed_at", "failed_at"))

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    username: Mapped[str] = mapped_column(String(64))
    failed_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    client_address: Mapped[str | None] = mapped_column(String(64))


class LoginThrottleRow(Base):
    """A sign-in throttle counter (domain/throttling.py): failures counted for a username, a client address or
    everyone ('*'), as of the last attempt. Locked while an attempt is counted, so parallel guesses queue."""

    __tablename__ = "login_throttle"
    __table_args__ = (Index("ix_login_throttle_last_attempt_at", "last_attempt_at"),)

    scope: Mapped[str] = mapped_column(String(16), primary_key=True)
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    level: Mapped[float] = mapped_column(Float, default=0.0)
    last_attempt_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)


class BrowserSessionRow(Base):
    """A browser session; the cookie carries its id, this row stores only the id's SHA-256."""

    __tablename__ = "browser_session"
    __table_args__ = (Index("ix_browser_session_user_id", "user_id"),
                      Index("ix_browser_session_expires_at", "expires_at"))

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    last_seen_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    revoked_reason: Mapped[str | None] = mapped_column(String(32))


class ApiKeyRow(Base):
    """A personal API key: the key's public prefix and the SHA-256 of its secret (the key itself is shown once)."""

    __tablename__ = "api_key"
    __table_args__ = (Index("ix_api_key_user_id", "user_id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    roles: Mapped[list] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    revoked_reason: Mapped[str | None] = mapped_column(String(32))


class AuditEntryRow(Base):
    """One change to a consortium or user account: who, what, when, before and after (never a password or hash).

    Append-only: migration 0003 adds a trigger that refuses UPDATE and DELETE. Same columns as the services'
    hubkit audit_entry, with `action` naming what happened (e.g. user.password_changed) rather than create/update.
    """

    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entry_entity_entity_id", "entity", "entity_id"),
                      Index("ix_audit_entry_actor", "actor"),
                      Index("ix_audit_entry_action", "action"),
                      Index("ix_audit_entry_consortium_at", "consortium_id", "at", "id"))

    id: Mapped[int] = mapped_column(SEQ, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(100))
    consortium_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    request_id: Mapped[str | None] = mapped_column(String(100))


class OneTimeLinkRow(Base):
    """A one-time link sent by email (an invitation, a password reset): only the SHA-256 of its secret is stored;
    it works once (used_at) and until expires_at."""

    __tablename__ = "one_time_link"
    __table_args__ = (Index("ix_one_time_link_user_id", "user_id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    purpose: Mapped[str] = mapped_column(String(20))
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)


class PasswordResetRequestRow(Base):
    """A "forgot your password" request, counted for its throttle: the SHA-256 of the address asked about (known or
    not) and the client's address. Kept a day."""

    __tablename__ = "password_reset_request"
    __table_args__ = (Index("ix_password_reset_request_requested_at", "requested_at"),)

    id: Mapped[int] = mapped_column(SEQ, primary_key=True, autoincrement=True)
    requested_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    email_key: Mapped[str] = mapped_column(String(64))
    client_key: Mapped[str] = mapped_column(String(64))


class MailOutboxRow(Base):
    """A message kept instead of sent, when no SMTP server is configured (gateway/mail.py): the host admin reads
    it on the Outbox page."""

    __tablename__ = "mail_outbox"

    id: Mapped[int] = mapped_column(SEQ, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    consortium_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)


class NotificationRow(Base):
    """One thing one person is told (gateway/notifications): sent once per source (an event, a daily check) and
    recipient, linking to the page that acts on it. email_due: 'immediate' or 'digest' while an email is owed."""

    __tablename__ = "notification"
    __table_args__ = (UniqueConstraint("source_key", "recipient_id", name="uq_notification_source_key_recipient"),
                      Index("ix_notification_recipient_created", "recipient_id", "created_at"),
                      Index("ix_notification_email_due", "email_due"))

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    recipient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    consortium_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    link: Mapped[str] = mapped_column(String(500))
    source_key: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    read_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    email_due: Mapped[str | None] = mapped_column(String(10))
    emailed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)


class NotificationChoiceRow(Base):
    """A person's choice of email for one kind of notification (immediate, digest, off); none stored: the kind's
    default. In the hub they see every notification whatever they choose."""

    __tablename__ = "notification_choice"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    choice: Mapped[str] = mapped_column(String(10))


# The hubkit event consumer's own tables (inbox, offsets, dead letters, its outbox for dead-letter notices, worker
# reports), for the gateway's notifications worker: the kit's definitions, in the gateway's schema. The gateway's
# audit_entry is its own (the consumer's handlers change no consortium-scoped rows, so it never writes the kit's).
_KIT = kit_tables(MetaData(naming_convention=metadata.naming_convention))
CONSUMER_TABLES = tuple(t.to_metadata(metadata) for t in (
    _KIT.outbox, _KIT.inbox, _KIT.consumer_position, _KIT.dead_letter, _KIT.relay_state, _KIT.consumer_worker))


class TwoFactorRow(Base):
    """A user's authenticator (domain/two_factor.py): the TOTP secret encrypted (Fernet), on once enabled_at is set
    (until then it is being set up), and the last time step a code was accepted for, so no code works twice."""

    __tablename__ = "two_factor"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    secret_sealed: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    enabled_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    last_used_step: Mapped[int | None] = mapped_column(Integer)


class RecoveryCodeRow(Base):
    """One single-use recovery code: only its SHA-256."""

    __tablename__ = "recovery_code"
    __table_args__ = (Index("ix_recovery_code_user_id", "user_id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)


class CalendarFeedRow(Base):
    """A user's secret calendar address (calendar_feed/): only the SHA-256 of its token; one a user, replaced (the
    old address then answers 404) when they make a new one."""

    __tablename__ = "calendar_feed"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
