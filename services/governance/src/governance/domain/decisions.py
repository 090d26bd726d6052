"""Decision requests from other services and the decisions that answer them."""
from __future__ import annotations

from hubkit.domain import RuleViolation

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
