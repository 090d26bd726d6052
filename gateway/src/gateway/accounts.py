"""Use cases on consortia and users: each takes a database session and commits nothing itself."""
from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from .adapters.orm import utcnow
from .adapters.repository import UserRepository, to_account
from .domain import passwords
from .domain.roles import MEMBER_USER
from .domain.users import Consortium, UserAccount, UserRuleBroken, check_user, normalise_username


def create_consortium(session: Session, name: str, slug: str, consortium_id: uuid.UUID | None = None) -> Consortium:
    """Register a consortium (the tenant every user and record belongs to)."""
    return UserRepository(session).add_consortium(name, slug, consortium_id)


def create_user(session: Session, *, username: str, password: str, consortium_id: uuid.UUID,
                roles: frozenset[str] | set[str], display_name: str = "", email: str = "",
                organisation_id: uuid.UUID | None = None, organisation_pending: bool = False) -> UserAccount:
    """Add a user after checking the user rules and the password policy; raise UserRuleBroken or WeakPassword.

    organisation_pending lets a member_user be created before their organisation is registered.
    """
    username = normalise_username(username)
    roles = frozenset(roles)
    check_user(username, roles, organisation_id, organisation_pending=organisation_pending)
    passwords.check_policy(password, username)
    repo = UserRepository(session)
    if repo.by_username(username):
        raise UserRuleBroken([f"Username {username} is already taken"])
    if repo.consortium(consortium_id) is None:
        raise UserRuleBroken([f"No consortium with id {consortium_id}"])
    return repo.add_user(username=username, display_name=display_name or username, email=email,
                         password_hash=passwords.hash_password(password), consortium_id=consortium_id,
                         organisation_id=organisation_id, roles=roles)


def set_password(session: Session, username: str, password: str) -> None:
    """Replace a user's password, after checking the policy."""
    row = _existing(session, username)
    passwords.check_policy(password, row.username)
    row.password_hash = passwords.hash_password(password)


def set_organisation(session: Session, username: str, organisation_id: uuid.UUID) -> UserAccount:
    """Link a member organisation's staff member to their organisation."""
    row = _existing(session, username)
    roles = frozenset(r.role for r in row.role_rows)
    if MEMBER_USER not in roles:
        raise UserRuleBroken(["Only a member_user belongs to an organisation"])
    row.organisation_id = organisation_id
    session.flush()
    return to_account(row)


def authenticate(session: Session, username: str, password: str) -> UserAccount | None:
    """The active user with these credentials, or None; as slow for unknown users as for known ones.

    Re-hashes the password when the hashing parameters have changed since it was stored.
    """
    row = UserRepository(session).row(normalise_username(username))
    stored_hash = row.password_hash if row else None
    if not passwords.verify_password(stored_hash, password) or not row.active:
        return None
    if passwords.needs_rehash(stored_hash):
        row.password_hash = passwords.hash_password(password)
    row.last_login_at = utcnow()
    session.flush()
    return to_account(row)


def find_user(session: Session, user_id: uuid.UUID) -> UserAccount | None:
    """The user with this id, if they exist and are active."""
    account = UserRepository(session).by_id(user_id)
    return account if account and account.active else None


def _existing(session: Session, username: str):
    row = UserRepository(session).row(normalise_username(username))
    if row is None:
        raise UserRuleBroken([f"No user called {username}"])
    return row
