"""The five roles a person can hold in the hub, and what each one is for."""
from __future__ import annotations

import dataclasses

from hubkit.auth import SEES_GOVERNANCE
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
# Who may see decision requests and every body's governance business (the rest: the bodies a seat names them on),
# the very set the governance service answers by (hubkit.auth.SEES_GOVERNANCE).
SEES_DECISIONS = frozenset(SEES_GOVERNANCE)
RUNS_THE_HOST = frozenset({HOST_ADMIN})
# Who may run the pipeline, bids, allocation rounds, contracts and performance reviews.
MANAGES_CONTRACTS = frozenset({CONSORTIUM_MANAGER})
# Who may see the pipeline, contracts and performance (the board oversees; finance pays against them).
SEES_CONTRACTS = frozenset({CONSORTIUM_MANAGER, BOARD_MEMBER, FINANCE_OFFICER})
# Who keeps the money: rates, approvals, invoices, budgets, payments, claims.
KEEPS_THE_MONEY = frozenset({FINANCE_OFFICER})
# Who may see the money (the manager and the board oversee it; member staff see their own organisation's).
SEES_MONEY = frozenset({FINANCE_OFFICER, CONSORTIUM_MANAGER, BOARD_MEMBER})
# Who logs time: everyone who may work for the hub (shared staff of the host or of members, H4).
LOGS_TIME = frozenset({CONSORTIUM_MANAGER, FINANCE_OFFICER, BOARD_MEMBER, MEMBER_USER, HOST_ADMIN})
# Who approves timesheets: the finance officer, and a consortium manager for the people they line-manage.
APPROVES_TIME = frozenset({FINANCE_OFFICER, CONSORTIUM_MANAGER})


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
    Place("pipeline_ui.index", "Pipeline and bids", SEES_CONTRACTS),
    Place("allocation_ui.index", "Allocating work", SEES_CONTRACTS),
    Place("delivery_ui.index", "Contracts and performance", SEES_CONTRACTS),
    Place("allocation_ui.my_invitations", "My invitations", frozenset({MEMBER_USER})),
    Place("delivery_ui.mine", "My subcontracts and returns", frozenset({MEMBER_USER})),
    Place("time_ui.index", "Timesheets", LOGS_TIME),
    Place("money_ui.index", "Money", SEES_MONEY | frozenset({MEMBER_USER})),
    Place("people_ui.consortia", "Consortia", RUNS_THE_HOST),
    Place("people_ui.own_people", "People", frozenset({CONSORTIUM_MANAGER})),
    Place("admin.health", "System health", RUNS_THE_HOST),
    Place("audit_ui.trail", "Audit trail", frozenset({CONSORTIUM_MANAGER, HOST_ADMIN})),
)


def places_for(roles: frozenset[str]) -> list[Place]:
    """The pages someone holding these roles can use, in navigation order."""
    return [place for place in PLACES if place.allowed & roles]


def role_name(role: str) -> str:
    return ROLE_NAMES.get(role, role)
