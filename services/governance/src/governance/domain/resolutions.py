"""Written resolutions: a motion decided by the members in writing between meetings, by a deadline.

The same exclusions as at a meeting apply: co-opted members have no vote (G2) and a member with a declared
interest takes no part (G12). A resolution passes when more than half of the members entitled to vote on it
agree in writing; it closes when the deadline passes or when every entitled member has answered.
"""
from __future__ import annotations

import datetime as dt
from typing import Mapping

from hubkit.domain import RuleViolation
from hubkit import clock

from .bodies import CO_OPTED, VOTING_ROLES, BodyRules
from .meetings import AGAINST, APPROVED, FOR, REJECTED, VOTES, has_declared_interest

OPEN = "open"
NO_WRITTEN_KINDS = ("expulsion", "membership_expulsion")  # G5: an expulsion is voted at a Partners Group meeting


def check_circulation(rules: BodyRules, body_name: str, kind: str, circulated_on: dt.date,
                      deadline: dt.datetime) -> None:
    """Only where the body's rules allow it, never for an expulsion, with a deadline after circulation."""
    if not rules.written_resolutions:
        raise RuleViolation(f"{body_name}'s rules do not allow written resolutions: put it to a meeting.")
    if kind in NO_WRITTEN_KINDS:
        raise RuleViolation("An expulsion is decided by vote at a Partners Group meeting, not in writing (G5).",
                            rule="G5")
    if clock.local_date(deadline) <= circulated_on:
        raise RuleViolation("Give the members at least until the day after circulation to answer.")


def check_written_vote(status: str, role: str | None, seat_id: object, declared: set, deadline: dt.datetime,
                       now: dt.datetime) -> None:
    """Who may answer a written resolution: a voting member without a declared interest, before the deadline."""
    if status != OPEN:
        raise RuleViolation("This written resolution is closed.")
    if now > deadline:
        raise RuleViolation("The deadline for answering this written resolution has passed.")
    if role is None:
        raise RuleViolation("That seat is not on this body.")
    if role == CO_OPTED:
        raise RuleViolation("Co-opted members have no vote (G2).", rule="G2")
    if role not in VOTING_ROLES:
        raise RuleViolation("A deputy does not answer written resolutions for the seat they represent.")
    if has_declared_interest(seat_id, declared):
        raise RuleViolation("A member with a declared interest takes no part in the decision (G12).", rule="G12")


def tally(answers: Mapping[object, str]) -> dict[str, int]:
    return {v: sum(1 for a in answers.values() if a == v) for v in VOTES}


def outcome(entitled: int, answers: Mapping[object, str]) -> str:
    """Passed with more than half of the entitled members for it; otherwise rejected."""
    return APPROVED if 2 * tally(answers)[FOR] > entitled else REJECTED


def check_close(status: str, entitled: int, answers: Mapping[object, str], deadline: dt.datetime,
                now: dt.datetime) -> None:
    """A resolution closes after its deadline, once everyone entitled has answered, or once the result is certain."""
    if status != OPEN:
        raise RuleViolation("This written resolution is already closed.")
    counts = tally(answers)
    certain = 2 * counts[FOR] > entitled or 2 * (counts[AGAINST] + counts["abstain"]) >= entitled
    if now <= deadline and len(answers) < entitled and not certain:
        raise RuleViolation(f"Members have until {deadline:%d %B %Y %H:%M} UTC to answer; "
                            f"{entitled - len(answers)} have not yet.")
