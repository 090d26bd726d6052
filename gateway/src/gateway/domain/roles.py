"""The five roles a person can hold in the hub, and what each one is for."""
from __future__ import annotations

import dataclasses

from hubkit.tokens import ROLES

HOST_ADMIN = "host_admin"
CONSORTIUM_MANAGER = "consortium_manager"
FINANCE_OFFICER = "finance_officer"
BOARD_MEMBER = "board_member"
MEMBER_USER = "member_user"

ROLE_NAMES = {
    HOST_ADMIN: "Host administrator",
    CONSORTIUM_MANAGER: "Consortium manager",
    FINANCE_OFFICER: "Finance officer",
    BOARD_MEMBER: "Board member",
    MEMBER_USER: "Member organisation staff",
}
assert set(ROLE_NAMES) == set(ROLES)

# Who may register organisations and put applications to the board.
MANAGES_MEMBERSHIP = frozenset({CONSORTIUM_MANAGER})
# Who may record the board's decision on a request.
DECIDES = frozenset({BOARD_MEMBER, CONSORTIUM_MANAGER})
# Who may see the register of member organisations.
SEES_MEMBERS = frozenset({CONSORTIUM_MANAGER, FINANCE_OFFICER, BOARD_MEMBER, HOST_ADMIN})
# Who may see an organisation's page: staff see every one, member staff their own (checked by the page).
SEES_MEMBERS_OR_OWN = SEES_MEMBERS | {MEMBER_USER}
# Who may edit a profile, submit an application and provide due-diligence evidence (member staff: their own).
EDITS_OWN_ORGANISATION = MANAGES_MEMBERSHIP | {MEMBER_USER}
# Who may see decision requests.
SEES_DECISIONS = frozenset({CONSORTIUM_MANAGER, BOARD_MEMBER})
RUNS_THE_HOST = frozenset({HOST_ADMIN})


@dataclasses.dataclass(frozen=True)
class Place:
    """A page of the hub a role can use."""

    endpoint: str
    label: str
    allowed: frozenset[str]


PLACES = (
    Place("ui.members", "Member organisations", SEES_MEMBERS),
    Place("ui.my_organisation", "My organisation", frozenset({MEMBER_USER})),
    Place("ui.decisions", "Decisions", SEES_DECISIONS),
    Place("governance_ui.index", "Governance", SEES_DECISIONS),
    Place("admin.health", "System health", RUNS_THE_HOST),
)


def places_for(roles: frozenset[str]) -> list[Place]:
    """The pages someone holding these roles can use, in navigation order."""
    return [place for place in PLACES if place.allowed & roles]


def role_name(role: str) -> str:
    return ROLE_NAMES.get(role, role)
