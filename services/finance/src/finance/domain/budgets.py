"""Budgets and variations (F1), in plain Python.

A budget covers one financial year (1 April to 31 March) with lines in integer pence. While it is a
draft its lines may be set freely; once adopted, a line's amount changes only through a variation (to one
line) or a virement (between two lines, of the same or different years).

F1: a variation or virement EXCEEDING the threshold (configuration; £5,000 in the seed, so exactly £5,000
does not exceed it) needs the Management Board's agreement and then ratification by the accountable body
before it takes effect; at or under it the finance officer approves it directly. Until then it is
pending and the budget's figures do not move.
"""
from __future__ import annotations

import datetime as dt

from hubkit.domain import NotAllowed, RuleViolation

DEFAULT_THRESHOLD_PENCE = 500_000
# F1's threshold's owner, who alone may move it (a consortium setting the host admin chooses, issue 13): the
# accountable body's finance officer (the default), or the host administrator, so that nobody whose variations it
# governs can raise it and take a variation out of the Management Board's and the accountable body's hands.
FINANCE_OFFICER, HOST_ADMIN = "finance_officer", "host_admin"
THRESHOLD_OWNERS = (FINANCE_OFFICER, HOST_ADMIN)
DEFAULT_THRESHOLD_OWNER = FINANCE_OFFICER
DRAFT, ADOPTED = "draft", "adopted"
VARIATION, VIREMENT = "variation", "virement"
INCREASE, DECREASE = "increase", "decrease"
# A variation's journey
REQUESTED = "requested"                      # at or under the threshold: waits for the finance officer
AWAITING_BOARD = "awaiting_board"            # over it: waits for the Management Board
AWAITING_RATIFICATION = "awaiting_ratification"  # the board agreed: waits for the accountable body
APPROVED, RATIFIED, REJECTED = "approved", "ratified", "rejected"
PENDING = (REQUESTED, AWAITING_BOARD, AWAITING_RATIFICATION)
APPLIED = (APPROVED, RATIFIED)
LINE_KINDS = ("income", "expenditure")
# Where a line's actuals come from in the ledger
CATEGORIES = ("income", "management_fee", "subcontractor_payments", "attendance_claims", "staff_recharges")


def financial_year_of(day: dt.date) -> int:
    """The financial year a day falls in, named by the year it starts: 2027-03-31 -> 2026, 2027-04-01 -> 2027."""
    return day.year if day.month >= 4 else day.year - 1


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 4, 1), dt.date(year + 1, 3, 31)


def year_label(year: int) -> str:
    return f"{year}-{(year + 1) % 100:02d}"


def check_sets_threshold(owner: str, roles) -> None:
    """F1: only the threshold's owner moves it (NotAllowed, answered 403)."""
    if owner not in roles:
        who = "the host administrator" if owner == HOST_ADMIN else "the finance officer"
        raise NotAllowed(f"The variation threshold (F1) is set by {who} of this consortium.")


def check_names_threshold_owner(roles) -> None:
    """Who owns F1's threshold is the host's choice (NotAllowed, answered 403)."""
    if HOST_ADMIN not in roles:
        raise NotAllowed("Only the host administrator chooses who sets the variation threshold (F1).")


def needs_board(amount_pence: int, threshold_pence: int) -> bool:
    """F1: over the threshold (strictly more than it) the Management Board must agree."""
    return amount_pence > threshold_pence


def initial_status(amount_pence: int, threshold_pence: int) -> str:
    return AWAITING_BOARD if needs_board(amount_pence, threshold_pence) else REQUESTED


def changes(kind: str, amount_pence: int, direction: str | None) -> dict[str, int]:
    """How much each side moves: {'to': +/-, 'from': -} in pence."""
    if amount_pence <= 0:
        raise RuleViolation("A variation is for more than nothing.", rule="F1")
    if kind == VIREMENT:
        return {"to": amount_pence, "from": -amount_pence}
    return {"to": amount_pence if direction != DECREASE else -amount_pence}


def check_request(kind: str, line_budget_status: str, from_line=None, to_line=None) -> None:
    """A variation is to an adopted budget (a draft is simply edited); a virement is between two different lines."""
    if line_budget_status != ADOPTED:
        raise RuleViolation("This budget is still a draft: change its lines directly, then adopt it.", rule="F1")
    if kind == VIREMENT:
        if from_line is None:
            raise RuleViolation("A virement moves money from one budget line to another: name both.", rule="F1")
        if to_line is not None and from_line == to_line:
            raise RuleViolation("A virement is between two different lines.", rule="F1")


def check_not_below_zero(line_amount_pence: int, change_pence: int) -> None:
    if line_amount_pence + change_pence < 0:
        raise RuleViolation("That would take the budget line below zero.", rule="F1")


def check_approve_directly(status: str) -> None:
    """The finance officer approves only variations at or under the threshold."""
    if status == AWAITING_BOARD or status == AWAITING_RATIFICATION:
        raise RuleViolation("This variation is over the threshold: it needs the Management Board's agreement "
                            "and then ratification by the accountable body (F1).", rule="F1")
    if status != REQUESTED:
        raise RuleViolation(f"This variation is already {status}.", rule="F1")


def check_ratify(status: str) -> None:
    """F1: the accountable body ratifies only what the Management Board has agreed."""
    if status == AWAITING_BOARD:
        raise RuleViolation("The Management Board has not agreed this variation yet: the accountable body "
                            "ratifies only after the board's agreement (F1).", rule="F1")
    if status == REQUESTED:
        raise RuleViolation("This variation is within the threshold: the finance officer approves it; "
                            "there is nothing to ratify (F1).", rule="F1")
    if status != AWAITING_RATIFICATION:
        raise RuleViolation(f"This variation is already {status}.", rule="F1")


def check_reject(status: str) -> None:
    """The finance officer rejects a request in their hands, or (for the accountable body) declines to ratify;
    while it waits for the board, only the board decides."""
    if status == AWAITING_BOARD:
        raise RuleViolation("This variation waits for the Management Board's decision (F1).", rule="F1")
    if status not in (REQUESTED, AWAITING_RATIFICATION):
        raise RuleViolation(f"This variation is already {status}.", rule="F1")


def board_outcome(status: str, outcome: str) -> str | None:
    """The new status after the board's decision; None when it is not waiting for one (a repeat is ignored)."""
    if status != AWAITING_BOARD:
        return None
    return AWAITING_RATIFICATION if outcome == "approved" else REJECTED
