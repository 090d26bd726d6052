"""Member organisations: identifiers in their real formats and the membership lifecycle (M1)."""
from __future__ import annotations

import re

from hubkit.domain import RuleViolation

CHARITY_NUMBER = re.compile(r"^\d{6,7}$")  # England and Wales register
COMPANY_NUMBER = re.compile(r"^(\d{8}|(SC|NI|OC|SO|NC|R0|IP|SP|RS|CE|CS|FC|GE|GN|GS|LP|NL|NO|NP|NR|NZ|SE|SF|SG|SL|SZ)\d{6})$")
POSTCODE = re.compile(r"^(GIR 0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})$")

APPLICANT, IN_DUE_DILIGENCE, AWAITING_DECISION = "applicant", "in_due_diligence", "awaiting_decision"
ACTIVE, REJECTED = "active", "rejected"
SUSPENDED, LAPSED, WITHDRAWN, EXPELLED = "suspended", "lapsed", "withdrawn", "expelled"

# Which membership changes a manager may make, from which status. Joining (applicant -> active or
# rejected) goes through the board's decision instead.
MEMBERSHIP_CHANGES = {
    SUSPENDED: {ACTIVE},
    LAPSED: {ACTIVE, SUSPENDED},
    WITHDRAWN: {ACTIVE, SUSPENDED, LAPSED},
    EXPELLED: {ACTIVE, SUSPENDED, LAPSED},
    ACTIVE: {SUSPENDED, LAPSED},  # reinstatement
}
NEEDS_DECISION = {EXPELLED}  # expulsion is the Partners Group's decision (G5)


def normalise_postcode(value: str) -> str:
    """Upper-case with one space before the inward code, e.g. 'ls18ab' -> 'LS1 8AB'."""
    compact = re.sub(r"\s+", "", value).upper()
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact


def is_charity_number(value: str) -> bool:
    return bool(CHARITY_NUMBER.match(value))


def is_company_number(value: str) -> bool:
    return bool(COMPANY_NUMBER.match(value.upper()))


def is_postcode(value: str) -> bool:
    return bool(POSTCODE.match(normalise_postcode(value)))


def put_to_board(status: str, outstanding: list[str]) -> str:
    """M1: a submitted application goes to the board only when its due diligence is complete."""
    if status != IN_DUE_DILIGENCE:
        raise RuleViolation(f"Only a submitted application in due diligence can be put to the board "
                            f"(status is {status.replace('_', ' ')}).", "M1")
    if outstanding:
        raise RuleViolation("Due diligence is not complete: " + "; ".join(outstanding) + ".", "M1")
    return AWAITING_DECISION


def decide_application(status: str, outcome: str) -> str:
    """M1: the board's decision makes an awaiting applicant active or rejected."""
    if status != AWAITING_DECISION:
        raise RuleViolation(f"No application is awaiting a decision (status is {status}).", "M1")
    return ACTIVE if outcome == "approved" else REJECTED


def change_membership(status: str, to: str, decision_id: object | None) -> str:
    """Suspend, lapse, withdraw, expel or reinstate a member; refuses changes that make no sense."""
    allowed_from = MEMBERSHIP_CHANGES.get(to)
    if allowed_from is None:
        raise RuleViolation(f"{to} is not a membership status a manager can set.")
    if status not in allowed_from:
        raise RuleViolation(f"A {status.replace('_', ' ')} organisation cannot become {to}.")
    if to in NEEDS_DECISION and decision_id is None:
        raise RuleViolation("Expulsion needs the Partners Group's decision: give its decision id.", "G5")
    return to


def request_expulsion(status: str, already_requested: bool) -> None:
    """G5: only a member can be put to the Partners Group for expulsion, and once at a time."""
    if status not in MEMBERSHIP_CHANGES[EXPELLED]:
        raise RuleViolation(f"A {status.replace('_', ' ')} organisation cannot be expelled.", "G5")
    if already_requested:
        raise RuleViolation("This member's expulsion is already with the Partners Group.", "G5")
