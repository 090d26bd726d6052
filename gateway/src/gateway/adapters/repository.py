"""Reads and writes users, consortia, failed sign-ins, browser sessions and the audit trail, returning domain objects."""
from __future__ import annotations

import datetime as dt
import uuid

from typing import Any

from hubkit import logs
from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ..domain.audit import USER, AuditEntry, check_actor
from ..domain.api_keys import ApiKey
from ..domain.sessions import BrowserSession
from ..domain.throttling import SCOPES, Counter
from ..domain.users import Consortium, UserAccount
from hubkit.clock import utcnow

from .orm import (ApiKeyRow, AuditEntryRow, BrowserSessionRow, ConsortiumRow, LoginFailureRow, LoginThrottleRow,
                  UserRoleRow, UserRow)


def to_consortium(row: ConsortiumRow) -> Consortium:
    return Consortium(row.id, row.name, row.slug, row.display_name or "", row.logo_text or "")


def to_account(row: UserRow) -> UserAccount:
    consortium = to_consortium(row.consortium)
    return UserAccount(
        id=row.id, username=row.username, display_name=row.display_name, email=row.email,
        consortium_id=row.consortium_id, consortium_name=row.consortium.name,
        organisation_id=row.organisation_id, roles=frozenset(r.role for r in row.role_rows),
        active=row.active, created_at=row.created_at, last_login_at=row.last_login_at,
        token_version=row.token_version or 0,
        consortium_display_name=consortium.shown_name, consortium_logo_text=consortium.shown_logo_text,
    )


class UserRepository:
    """The gateway's users and consortia, within one database session."""

    def __init__(self, session: Session):
        self.session = session

    def add_consortium(self, name: str, slug: str, consortium_id: uuid.UUID | None = None) -> Consortium:
        row = ConsortiumRow(id=consortium_id or uuid.uuid4(), name=name, slug=slug)
        self.session.add(row)
        self.session.flush()
        return to_consortium(row)

    def consortium(self, consortium_id: uuid.UUID) -> Consortium | None:
        row = self.session.get(ConsortiumRow, consortium_id)
        return to_consortium(row) if row else None

    def consortium_by_slug(self, slug: str) -> Consortium | None:
        row = self.session.scalar(select(ConsortiumRow).where(ConsortiumRow.slug == slug))
        return to_consortium(row) if row else None

    def add_user(self, *, username: str, display_name: str, email: str, password_hash: str | None,
                 consortium_id: uuid.UUID, organisation_id: uuid.UUID | None, roles: frozenset[str]) -> UserAccount:
        row = UserRow(username=username, display_name=display_name, email=email, password_hash=password_hash,
                      consortium_id=consortium_id, organisation_id=organisation_id,
                      role_rows=[UserRoleRow(role=role) for role in sorted(roles)])
        self.session.add(row)
        self.session.flush()
        self.session.refresh(row)
        return to_account(row)

    def row(self, username: str) -> UserRow | None:
        """The stored row, for use cases that change it (password, organisation, last login)."""
        return self.session.scalar(select(UserRow).where(UserRow.username == username))

    def by_username(self, username: str) -> UserAccount | None:
        row = self.row(username)
        return to_account(row) if row else None

    def by_id(self, user_id: uuid.UUID) -> UserAccount | None:
        row = self.session.get(UserRow, user_id)
        return to_account(row) if row else None

    def token_state(self, user_id: uuid.UUID) -> tuple[bool, int] | None:
        """(active, token version) of a user, by primary key, without loading the rest; None if unknown."""
        found = self.session.execute(select(UserRow.active, UserRow.token_version)
                                     .where(UserRow.id == user_id)).first()
        return (bool(found[0]), found[1] or 0) if found else None

    def all(self) -> list[UserAccount]:
        return [to_account(r) for r in self.session.scalars(select(UserRow).order_by(UserRow.username))]

    def usernames(self, user_ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
        if not user_ids:
            return {}
        return dict(self.session.execute(select(UserRow.id, UserRow.username).where(UserRow.id.in_(user_ids))).all())

    def consortium_names(self, consortium_ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
        if not consortium_ids:
            return {}
        return dict(self.session.execute(select(ConsortiumRow.id, ConsortiumRow.name)
                                         .where(ConsortiumRow.id.in_(consortium_ids))).all())


def user_fields(row: UserRow) -> dict[str, Any]:
    """The fields of a user the audit trail may copy: named one by one, so the password hash never is."""
    return {"username": row.username, "display_name": row.display_name, "email": row.email,
            "consortium_id": str(row.consortium_id),
            "organisation_id": str(row.organisation_id) if row.organisation_id else None,
            "roles": sorted(r.role for r in row.role_rows), "active": bool(row.active)}


def consortium_fields(row: ConsortiumRow) -> dict[str, Any]:
    return {"name": row.name, "slug": row.slug}


def to_audit_entry(row: AuditEntryRow) -> AuditEntry:
    return AuditEntry(id=row.id, at=row.at, actor=row.actor, action=row.action, entity=row.entity,
                      entity_id=row.entity_id, consortium_id=row.consortium_id, before=row.before, after=row.after,
                      request_id=row.request_id)


class AuditTrail:
    """The gateway's audit trail, within one database session: written in the same transaction as the change."""

    def __init__(self, session: Session):
        self.session = session

    def record(self, *, actor: str, action: str, entity: str, entity_id: Any, consortium_id: uuid.UUID | None,
               before: dict[str, Any] | None, after: dict[str, Any] | None) -> None:
        self.session.add(AuditEntryRow(
            at=utcnow(), actor=check_actor(actor), action=action, entity=entity, entity_id=str(entity_id),
            consortium_id=consortium_id, before=before, after=after, request_id=logs.request_id_var.get()))
        self.session.flush()

    def page(self, *, about_user: uuid.UUID | None = None, action: str | None = None, offset: int = 0,
             limit: int = 50) -> tuple[list[AuditEntry], int]:
        """Entries newest first, optionally only those done by or to one user, or of one action; and how many match."""
        query = select(AuditEntryRow)
        if about_user is not None:
            query = query.where(or_(AuditEntryRow.actor == str(about_user),
                                    and_(AuditEntryRow.entity == USER, AuditEntryRow.entity_id == str(about_user))))
        if action:
            query = query.where(AuditEntryRow.action == action)
        total = self.session.scalar(select(func.count()).select_from(query.subquery()))
        rows = self.session.scalars(query.order_by(AuditEntryRow.id.desc()).offset(offset).limit(limit))
        return [to_audit_entry(row) for row in rows], total


class LoginFailures:
    """The record of failed sign-ins: username (known or not), when and from which client address."""

    def __init__(self, session: Session):
        self.session = session

    def add(self, username: str, moment: dt.datetime, client_address: str | None) -> None:
        self.session.add(LoginFailureRow(username=username, failed_at=moment, client_address=client_address))
        self.session.flush()

    def forget_before(self, moment: dt.datetime) -> None:
        """Drop the record of failures older than `moment` (unknown usernames would otherwise pile up)."""
        self.session.execute(delete(LoginFailureRow).where(LoginFailureRow.failed_at < moment))


def to_counter(row: LoginThrottleRow | None) -> Counter:
    return Counter(level=row.level, last_attempt_at=row.last_attempt_at) if row else Counter()


class SignInCounters:
    """The throttle's counters, each locked (SELECT ... FOR UPDATE; SQLite's BEGIN IMMEDIATE) while it is read and
    written, so the sign-ins counting on one counter take turns and none slips past another's failure."""

    def __init__(self, session: Session):
        self.session = session

    def locked(self, keys: dict[str, str]) -> dict[str, Counter]:
        """Each scope's counter, made if missing and locked until the transaction ends, in SCOPES order."""
        insert = (pg_insert if self.session.get_bind().dialect.name == "postgresql" else sqlite_insert)
        counters = {}
        for scope in SCOPES:
            if scope not in keys:
                continue
            self.session.execute(insert(LoginThrottleRow).values(scope=scope, key=keys[scope], level=0.0)
                                 .on_conflict_do_nothing())
            row = self.session.scalars(select(LoginThrottleRow)
                                       .where(LoginThrottleRow.scope == scope, LoginThrottleRow.key == keys[scope])
                                       .with_for_update().execution_options(populate_existing=True)).one()
            counters[scope] = to_counter(row)
        return counters

    def save(self, keys: dict[str, str], counters: dict[str, Counter]) -> None:
        for scope, counter in counters.items():
            self.session.execute(update(LoginThrottleRow)
                                 .where(LoginThrottleRow.scope == scope, LoginThrottleRow.key == keys[scope])
                                 .values(level=counter.level, last_attempt_at=counter.last_attempt_at))

    def forget_before(self, moment: dt.datetime) -> None:
        """Drop counters not touched since `moment` (they have leaked back to nothing)."""
        self.session.execute(delete(LoginThrottleRow).where(LoginThrottleRow.last_attempt_at < moment))


def to_browser_session(row: BrowserSessionRow) -> BrowserSession:
    return BrowserSession(user_id=row.user_id, created_at=row.created_at, last_seen_at=row.last_seen_at,
                          expires_at=row.expires_at, revoked_at=row.revoked_at)


class BrowserSessions:
    """Server-side browser sessions, looked up by the SHA-256 key of the cookie's session id."""

    def __init__(self, session: Session):
        self.session = session

    def add(self, key: str, browser_session: BrowserSession) -> None:
        self.session.add(BrowserSessionRow(
            id=key, user_id=browser_session.user_id, created_at=browser_session.created_at,
            last_seen_at=browser_session.last_seen_at, expires_at=browser_session.expires_at))
        self.session.flush()

    def get(self, key: str) -> BrowserSession | None:
        row = self.session.get(BrowserSessionRow, key)
        return to_browser_session(row) if row else None

    def touch(self, key: str, moment: dt.datetime) -> None:
        self.session.execute(update(BrowserSessionRow).where(BrowserSessionRow.id == key)
                             .values(last_seen_at=moment))

    def revoke(self, key: str, moment: dt.datetime, reason: str) -> uuid.UUID | None:
        """Revoke one session; return its user's id, or None if it was unknown or already revoked."""
        return self.session.scalar(update(BrowserSessionRow)
                                   .where(BrowserSessionRow.id == key, BrowserSessionRow.revoked_at.is_(None))
                                   .values(revoked_at=moment, revoked_reason=reason)
                                   .returning(BrowserSessionRow.user_id))

    def revoke_all_for(self, user_id: uuid.UUID, moment: dt.datetime, reason: str) -> int:
        """Revoke every live session of the user; return how many there were."""
        result = self.session.execute(
            update(BrowserSessionRow)
            .where(BrowserSessionRow.user_id == user_id, BrowserSessionRow.revoked_at.is_(None),
                   BrowserSessionRow.expires_at > moment)
            .values(revoked_at=moment, revoked_reason=reason))
        return result.rowcount

    def forget_expired_before(self, moment: dt.datetime) -> None:
        self.session.execute(delete(BrowserSessionRow).where(BrowserSessionRow.expires_at < moment))


def to_api_key(row: ApiKeyRow) -> ApiKey:
    return ApiKey(id=row.id, user_id=row.user_id, name=row.name, prefix=row.prefix, roles=frozenset(row.roles),
                  created_at=row.created_at, last_used_at=row.last_used_at, revoked_at=row.revoked_at)


class ApiKeys:
    """Personal API keys, found by their public prefix (unique index)."""

    def __init__(self, session: Session):
        self.session = session

    def add(self, *, user_id: uuid.UUID, name: str, prefix: str, secret_hash: str, roles: frozenset[str],
            moment: dt.datetime) -> ApiKey:
        row = ApiKeyRow(user_id=user_id, name=name, prefix=prefix, secret_hash=secret_hash, roles=sorted(roles),
                        created_at=moment)
        self.session.add(row)
        self.session.flush()
        return to_api_key(row)

    def of_user(self, user_id: uuid.UUID) -> list[ApiKey]:
        """The user's keys, live ones first, newest first."""
        rows = self.session.scalars(select(ApiKeyRow).where(ApiKeyRow.user_id == user_id)
                                    .order_by(ApiKeyRow.revoked_at.is_not(None), ApiKeyRow.created_at.desc()))
        return [to_api_key(row) for row in rows]

    def by_prefix(self, prefix: str) -> tuple[ApiKey, str] | None:
        """The key with this prefix and its secret's stored hash."""
        row = self.session.scalar(select(ApiKeyRow).where(ApiKeyRow.prefix == prefix))
        return (to_api_key(row), row.secret_hash) if row else None

    def touch(self, key_id: uuid.UUID, moment: dt.datetime) -> None:
        self.session.execute(update(ApiKeyRow).where(ApiKeyRow.id == key_id).values(last_used_at=moment))

    def revoke(self, user_id: uuid.UUID, key_id: uuid.UUID, moment: dt.datetime, reason: str) -> ApiKey | None:
        """Revoke one of the user's live keys; the key as it was, or None if it is not theirs or not live."""
        row = self.session.scalar(select(ApiKeyRow).where(ApiKeyRow.id == key_id, ApiKeyRow.user_id == user_id,
                                                          ApiKeyRow.revoked_at.is_(None)).with_for_update())
        if row is None:
            return None
        before = to_api_key(row)
        row.revoked_at, row.revoked_reason = moment, reason
        self.session.flush()
        return before

    def revoke_all_for(self, user_id: uuid.UUID, moment: dt.datetime, reason: str) -> list[str]:
        """Revoke every live key of the user; their prefixes."""
        return list(self.session.scalars(
            update(ApiKeyRow).where(ApiKeyRow.user_id == user_id, ApiKeyRow.revoked_at.is_(None))
            .values(revoked_at=moment, revoked_reason=reason).returning(ApiKeyRow.prefix)))
