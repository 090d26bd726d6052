"""The gateway's audit trail: what can happen to consortia and user accounts, and who can do it."""
from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from typing import Any

CONSORTIUM = "consortium"
USER = "user"

CONSORTIUM_CREATED = "consortium.created"
USER_CREATED = "user.created"
ROLES_CHANGED = "user.roles_changed"
ORGANISATION_LINKED = "user.organisation_linked"
PASSWORD_CHANGED = "user.password_changed"
DEACTIVATED = "user.deactivated"
SIGNED_IN = "user.signed_in"
SIGNED_OUT = "user.signed_out"
API_KEY_CREATED = "user.api_key_created"
API_KEY_REVOKED = "user.api_key_revoked"
API_KEY_REFUSED = "user.api_key_refused"
CONSORTIUM_RENAMED = "consortium.renamed"
INVITED = "user.invited"
REACTIVATED = "user.reactivated"
PASSWORD_RESET_FORCED = "user.password_reset_forced"
TWO_FACTOR_ENABLED = "user.two_factor_enabled"
TWO_FACTOR_DISABLED = "user.two_factor_disabled"
TWO_FACTOR_REFUSED = "user.two_factor_refused"
RECOVERY_CODE_USED = "user.recovery_code_used"
RECOVERY_CODES_MADE = "user.recovery_codes_made"
CALENDAR_ADDRESS_MADE = "user.calendar_address_made"
CONSORTIUM_SETTINGS_CHANGED = "consortium.settings_changed"

ACTIONS = {
    CONSORTIUM_CREATED: "Consortium created",
    USER_CREATED: "User created",
    ROLES_CHANGED: "Roles changed",
    ORGANISATION_LINKED: "Organisation linked",
    PASSWORD_CHANGED: "Password changed",
    DEACTIVATED: "User deactivated",
    SIGNED_IN: "Signed in",
    SIGNED_OUT: "Signed out",
    API_KEY_CREATED: "API key created",
    API_KEY_REVOKED: "API key revoked",
    API_KEY_REFUSED: "API key refused",
    CONSORTIUM_RENAMED: "Consortium renamed",
    INVITED: "Invitation sent",
    REACTIVATED: "User reactivated",
    PASSWORD_RESET_FORCED: "Password reset forced",
    TWO_FACTOR_ENABLED: "Two-factor turned on",
    TWO_FACTOR_DISABLED: "Two-factor turned off",
    TWO_FACTOR_REFUSED: "Two-factor code refused",
    RECOVERY_CODE_USED: "Recovery code used",
    RECOVERY_CODES_MADE: "New recovery codes made",
    CALENDAR_ADDRESS_MADE: "New calendar address made",
    CONSORTIUM_SETTINGS_CHANGED: "Consortium settings changed",
}

# Actors that are not a signed-in user: `cli:<os user>` for manage commands, `system:demo` for demo data.
CLI_PREFIX = "cli:"
DEMO_ACTOR = "system:demo"


def cli_actor(os_user: str) -> str:
    return f"{CLI_PREFIX}{os_user}"


def user_actor(user_id: uuid.UUID) -> str:
    return str(user_id)


def client_actor(address: str | None) -> str:
    """Someone not signed in, known only by their address (e.g. presenting an API key that is refused)."""
    return f"client:{address or 'unknown'}"


def check_actor(actor: str) -> str:
    """Every change names who made it; raise ValueError for a blank actor."""
    if not actor or not actor.strip():
        raise ValueError("an audited change needs an actor")
    return actor.strip()[:200]


@dataclasses.dataclass(frozen=True)
class AuditEntry:
    """One recorded change: who (actor), what (action on entity/entity_id), when (at, UTC), before and after."""

    id: int
    at: dt.datetime
    actor: str
    action: str
    entity: str
    entity_id: str
    consortium_id: uuid.UUID | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    request_id: str | None

    def changes(self) -> list[tuple[str, Any, Any]]:
        """(field, before, after) for each field whose value differs, in a stable order."""
        before, after = self.before or {}, self.after or {}
        keys = list(before) + [key for key in after if key not in before]
        return [(key, before.get(key), after.get(key)) for key in keys if before.get(key) != after.get(key)]
