"""Reads and writes users, consortia, failed sign-ins and browser sessions, returning domain objects."""
from __future__ import annotations

import datetime as dt
import hashlib
import uuid

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from ..domain.sessions import BrowserSession
from ..domain.users import Consortium, UserAccount
from .orm import BrowserSessionRow, ConsortiumRow, LoginFailureRow, UserRoleRow, UserRow


def to_account(row: UserRow) -> UserAccount:
    return UserAccount(
        id=row.id, username=row.username, display_name=row.display_name, email=row.email,
        consortium_id=row.consortium_id, consortium_name=row.consortium.name,
        organisation_id=row.organisation_id, roles=frozenset(r.role for r in row.role_rows),
        active=row.active, created_at=row.created_at, last_login_at=row.last_login_at,
    )


class UserRepository:
    """The gateway's users and consortia, within one database session."""

    def __init__(self, session: Session):
        self.session = session

    def add_consortium(self, name: str, slug: str, consortium_id: uuid.UUID | None = None) -> Consortium:
        row = ConsortiumRow(id=consortium_id or uuid.uuid4(), name=name, slug=slug)
        self.session.add(row)
        self.session.flush()
        return Consortium(row.id, row.name, row.slug)

    def consortium(self, consortium_id: uuid.UUID) -> Consortium | None:
        row = self.session.get(ConsortiumRow, consortium_id)
        return Consortium(row.id, row.name, row.slug) if row else None

    def consortium_by_slug(self, slug: str) -> Consortium | None:
        row = self.session.scalar(select(ConsortiumRow).where(ConsortiumRow.slug == slug))
        return Consortium(row.id, row.name, row.slug) if row else None

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

    def all(self) -> list[UserAccount]:
        return [to_account(r) for r in self.session.scalars(select(UserRow).order_by(UserRow.username))]


class LoginFailures:
    """Failed sign-ins per username (known or not), within one database session."""

    def __init__(self, session: Session):
        self.session = session

    def hold(self, username: str) -> None:
        """Serialise sign-ins for this username until the transaction ends, so parallel guesses cannot
        all pass the throttle before any of their failures is written (PostgreSQL; SQLite writes one at a time)."""
        if self.session.get_bind().dialect.name == "postgresql":
            key = int.from_bytes(hashlib.sha256(b"gateway.login:" + username.encode()).digest()[:8], "big",
                                 signed=True)
            self.session.execute(select(func.pg_advisory_xact_lock(key)))

    def since(self, username: str, moment: dt.datetime) -> list[dt.datetime]:
        return list(self.session.scalars(
            select(LoginFailureRow.failed_at)
            .where(LoginFailureRow.username == username, LoginFailureRow.failed_at >= moment)))

    def add(self, username: str, moment: dt.datetime) -> None:
        self.session.add(LoginFailureRow(username=username, failed_at=moment))
        self.session.flush()

    def clear(self, username: str) -> None:
        self.session.execute(delete(LoginFailureRow).where(LoginFailureRow.username == username))

    def forget_before(self, moment: dt.datetime) -> None:
        """Drop failures too old to count any more (unknown usernames would otherwise pile up)."""
        self.session.execute(delete(LoginFailureRow).where(LoginFailureRow.failed_at < moment))


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

    def revoke(self, key: str, moment: dt.datetime, reason: str) -> None:
        self.session.execute(update(BrowserSessionRow)
                             .where(BrowserSessionRow.id == key, BrowserSessionRow.revoked_at.is_(None))
                             .values(revoked_at=moment, revoked_reason=reason))

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
