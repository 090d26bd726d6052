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
