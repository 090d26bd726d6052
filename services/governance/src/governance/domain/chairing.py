"""G8: who chairs a meeting. The chair when present; otherwise a line-manager representative (a member of the
body present in person), taking turns where possible."""
from __future__ import annotations

import dataclasses
from typing import Sequence

from hubkit.domain import RuleViolation

from .bodies import CHAIR, MEMBER


@dataclasses.dataclass(frozen=True)
class Candidate:
    seat_id: object
    person_name: str
    role: str
    present: bool  # in person: a deputy represents a seat but does not chair for it


def check_chairing(chosen: Candidate, chair_present: bool) -> None:
    """The chair chairs when present; in the chair's absence a member present in person does (G8)."""
    if not chosen.present:
        raise RuleViolation(f"{chosen.person_name} is not recorded as present, so cannot chair.", rule="G8")
    if chosen.role == CHAIR:
        return
    if chair_present:
        raise RuleViolation("The chair is present and chairs the meeting (G8).", rule="G8")
    if chosen.role != MEMBER:
        raise RuleViolation("In the chair's absence a line-manager representative, a member of the body, "
                            "chairs (G8); co-opted members and deputies do not.", rule="G8")


def suggest_stand_in(candidates: Sequence[Candidate], previous: Sequence[object]) -> Candidate | None:
    """G8: the member present who has stood in least often, then least recently, so the role alternates.

    `previous` lists the seats that stood in for the chair at earlier meetings, oldest first.
    """
    eligible = [c for c in candidates if c.present and c.role == MEMBER]
    if not eligible:
        return None

    def turn(indexed):
        position, candidate = indexed
        times = sum(1 for seat in previous if seat == candidate.seat_id)
        last = max((i for i, seat in enumerate(previous) if seat == candidate.seat_id), default=-1)
        return times, last, position

    return min(enumerate(eligible), key=turn)[1]
