"""Decision requests from other services and the decisions that answer them.

A body decides by a vote at a quorate meeting, or by written resolution where its rules allow. A decision it
took elsewhere (minutes kept outside the hub) is recorded by the body's chair or secretary, naming the meeting or
the written resolution it came from; nobody decides a request alone.
"""
from __future__ import annotations

import dataclasses
import datetime as dt

from hubkit.domain import NotAllowed, RuleViolation

from .bodies import OFFICERS

PENDING, DECIDED, REFUSED = "pending", "decided", "refused"
OUTCOMES = ("approved", "rejected")


def decide(status: str, outcome: str) -> str:
    """A request is decided once; a second decision on it is refused."""
    if status != PENDING:
        raise RuleViolation("This request has already been decided.")
    if outcome not in OUTCOMES:
        raise RuleViolation(f"An outcome is one of {', '.join(OUTCOMES)}.")
    return DECIDED


def check_outside_a_meeting(kind: str) -> None:
    """G5: an expulsion is only decided by a vote at a Partners Group meeting, never recorded by hand."""
    if kind == "membership_expulsion":
        raise RuleViolation("An expulsion is decided by majority vote at a Partners Group meeting notified 14 days "
                            "before (G5): move the motion on the meeting's agenda item.", rule="G5")


def check_recorder(officer_role: str | None, body_name: str) -> None:
    """Only the deciding body's chair or secretary (a seat held by the caller's account) records its decision."""
    if officer_role not in OFFICERS:
        raise NotAllowed(f"Only {body_name}'s chair or secretary records a decision {body_name} took: a decision "
                         f"comes from the body's vote at a meeting or its written resolution, not from one person.")


@dataclasses.dataclass(frozen=True)
class MeetingHeld:
    """What the rules need of the meeting a recorded decision came from."""

    body_id: object
    starts_at: dt.datetime
    quorate: bool


def check_from_meeting(deciding_body_id: object, body_name: str, meeting: MeetingHeld, now: dt.datetime) -> None:
    """The meeting is the deciding body's, it has taken place, and it was quorate."""
    if meeting.body_id != deciding_body_id:
        raise RuleViolation(f"That meeting is not a meeting of {body_name}, which decides this request.")
    if now < meeting.starts_at:
        raise RuleViolation("That meeting has not taken place yet: a decision is recorded after the meeting that "
                            "took it.")
    if not meeting.quorate:
        raise RuleViolation("The attendance recorded for that meeting is not quorate: record who attended first "
                            "(a decision is taken by a vote at a quorate meeting).")


def check_from_resolution(deciding_body_id: object, body_name: str, resolution_body_id: object, status: str,
                          outcome: str) -> None:
    """The written resolution is the deciding body's, closed, and its result is the outcome recorded."""
    if resolution_body_id != deciding_body_id:
        raise RuleViolation(f"That written resolution is not {body_name}'s, which decides this request.")
    if status not in OUTCOMES:
        raise RuleViolation("That written resolution is still open: close it first.")
    if status != outcome:
        raise RuleViolation(f"That written resolution was {status}; the decision recorded from it is the same.")
