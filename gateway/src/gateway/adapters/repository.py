"""Reads and writes users and consortia, returning domain objects."""
from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain.users import Consortium, UserAccount
from .orm import ConsortiumRow, UserRoleRow, UserRow


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
