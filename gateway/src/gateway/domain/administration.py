"""Who may administer whom: the host admin any consortium and anyone; a consortium manager the people of their own
consortium only, never granting host_admin and never touching a host admin's account; nobody their own roles or
their own account's standing (so nobody locks themselves out)."""
from __future__ import annotations

import dataclasses
import uuid

from .audit import user_actor
from .roles import CONSORTIUM_MANAGER, FINANCE_OFFICER, HOST_ADMIN, ROLE_NAMES
from .users import UserAccount

ADMINISTERS_PEOPLE = frozenset({HOST_ADMIN, CONSORTIUM_MANAGER})

# The host admin's consortium settings: what the page header shows the consortium's people, and who owns F1's
# variation threshold (finance keeps it and its owner, and enforces it; the gateway edits them through its API).
DISPLAY_NAME_MAX, LOGO_TEXT_MAX = 80, 40
THRESHOLD_OWNERS = {FINANCE_OFFICER: "The finance officer, on the Money page",
                    HOST_ADMIN: "The host administrator, here (the consortium's own staff cannot change it)"}


@dataclasses.dataclass(frozen=True)
class VariationThreshold:
    """F1: over this many pence a variation needs the Management Board and the accountable body; only `owner`
    (a role) moves it."""

    owner: str
    pence: int


class NotAllowed(Exception):
    """The signed-in person may not do this; the message is fit to show them."""


@dataclasses.dataclass(frozen=True)
class Administrator:
    """Who is doing the administering: the signed-in person, or a manage command run on the host's machine."""

    user_id: uuid.UUID | None
    consortium_id: uuid.UUID | None
    roles: frozenset[str]
    command_actor: str | None = None  # a manage command's `cli:<os user>`

    @classmethod
    def of(cls, user: UserAccount) -> "Administrator":
        return cls(user.id, user.consortium_id, user.roles)

    @classmethod
    def host_command(cls, actor: str) -> "Administrator":
        """A manage command (`cli:<os user>`): whoever runs it on the host's machine may do what a host admin may."""
        return cls(None, None, frozenset({HOST_ADMIN}), actor)

    @property
    def actor(self) -> str:
        """How the audit trail names them."""
        return self.command_actor or user_actor(self.user_id)

    @property
    def runs_the_host(self) -> bool:
        return HOST_ADMIN in self.roles


def check_settings(admin: Administrator) -> None:
    """A consortium's settings are the host's to choose."""
    if not admin.runs_the_host:
        raise NotAllowed("Only a host administrator changes a consortium's settings.")


def settings_problems(display_name: str, logo_text: str, threshold: VariationThreshold | None) -> dict[str, list[str]]:
    """What is wrong with the settings form, by field ("" display name or logo text: the defaults)."""
    problems: dict[str, list[str]] = {}
    if len(display_name.strip()) > DISPLAY_NAME_MAX:
        problems["display_name"] = [f"The display name must be {DISPLAY_NAME_MAX} characters or fewer"]
    if len(logo_text.strip()) > LOGO_TEXT_MAX:
        problems["logo_text"] = [f"The logo text must be {LOGO_TEXT_MAX} characters or fewer"]
    if threshold is not None and threshold.owner not in THRESHOLD_OWNERS:
        problems["threshold_owner"] = ["Choose who sets the variation threshold"]
    return problems


def check_consortium(admin: Administrator, consortium_id: uuid.UUID) -> None:
    """Raise NotAllowed unless the person may administer this consortium's people."""
    if admin.runs_the_host:
        return
    if CONSORTIUM_MANAGER in admin.roles and admin.consortium_id == consortium_id:
        return
    raise NotAllowed("You can only manage the people of your own consortium.")


def grantable_roles(admin: Administrator) -> list[str]:
    """The roles this person may give: a manager every role but host_admin."""
    return [role for role in ROLE_NAMES if admin.runs_the_host or role != HOST_ADMIN]


def check_roles(admin: Administrator, roles: frozenset[str]) -> None:
    if not admin.runs_the_host and HOST_ADMIN in roles:
        raise NotAllowed("Only a host administrator can make someone a host administrator.")


def check_person(admin: Administrator, person: UserAccount, *, own_account_forbidden: bool = True) -> None:
    """Raise NotAllowed unless the person may act on this user's account."""
    check_consortium(admin, person.consortium_id)
    if not admin.runs_the_host and HOST_ADMIN in person.roles:
        raise NotAllowed("Only a host administrator can change a host administrator's account.")
    if own_account_forbidden and person.id == admin.user_id:
        raise NotAllowed("You cannot do this to your own account: ask another administrator.")
