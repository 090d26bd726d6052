"""User accounts and the rules for making them."""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
import uuid

from hubkit.tokens import ROLES, Principal

from .roles import MEMBER_USER

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
DEFAULT_LOGO_TEXT = "Consortium Hub"  # the page header's logo unless the host admin sets a consortium's own


class UserRuleBroken(ValueError):
    """A new or changed user breaks a rule; `problems` lists every one."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclasses.dataclass(frozen=True)
class Consortium:
    id: uuid.UUID
    name: str
    slug: str
    display_name: str = ""  # the host admin's settings ("": not set)
    logo_text: str = ""

    @property
    def shown_name(self) -> str:
        """The name the page header shows the consortium's people."""
        return self.display_name or self.name

    @property
    def shown_logo_text(self) -> str:
        return self.logo_text or DEFAULT_LOGO_TEXT


@dataclasses.dataclass(frozen=True)
class UserAccount:
    """A person who can log in, as the rest of the gateway sees them (never the password hash)."""

    id: uuid.UUID
    username: str
    display_name: str
    email: str
    consortium_id: uuid.UUID
    consortium_name: str
    organisation_id: uuid.UUID | None
    roles: frozenset[str]
    active: bool
    created_at: dt.datetime
    last_login_at: dt.datetime | None
    token_version: int = 0  # carried in their API tokens; raised when their access changes
    consortium_display_name: str = ""  # what the page header shows them (the host admin's consortium settings)
    consortium_logo_text: str = DEFAULT_LOGO_TEXT

    def principal(self) -> Principal:
        """The identity carried in tokens to the services."""
        return Principal(user_id=str(self.id), username=self.username, consortium_id=self.consortium_id,
                         organisation_id=self.organisation_id, roles=self.roles)


def normalise_username(username: str) -> str:
    return username.strip().lower()


def check_user(username: str, roles: frozenset[str], organisation_id: uuid.UUID | None,
               *, organisation_pending: bool = False) -> None:
    """Raise UserRuleBroken unless the username, roles and organisation fit together.

    A member organisation's staff must name their organisation (it can be pending while the
    organisation is being registered); nobody else belongs to one organisation.
    """
    problems = []
    if not USERNAME_PATTERN.match(username):
        problems.append("Username must be 2 to 64 lower-case letters, digits, dots, dashes or underscores")
    unknown = sorted(roles - set(ROLES))
    if not roles:
        problems.append("A user needs at least one role")
    if unknown:
        problems.append(f"Unknown roles: {', '.join(unknown)}")
    if MEMBER_USER in roles and organisation_id is None and not organisation_pending:
        problems.append("A member_user must belong to an organisation")
    if MEMBER_USER not in roles and organisation_id is not None:
        problems.append("Only a member_user belongs to an organisation")
    if problems:
        raise UserRuleBroken(problems)
