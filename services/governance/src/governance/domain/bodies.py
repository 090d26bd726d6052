"""Bodies (Partners Group, Management Board, sub-groups), their rules as configuration, seats and terms."""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Iterable

from hubkit.clock import term_end
from hubkit.domain import RuleViolation

PARTNERS_GROUP, MANAGEMENT_BOARD, SUB_GROUP = "partners_group", "management_board", "sub_group"
BODY_KINDS = (PARTNERS_GROUP, MANAGEMENT_BOARD, SUB_GROUP)
SINGLE_BODIES = (PARTNERS_GROUP, MANAGEMENT_BOARD)  # one each per consortium; sub-groups as many as needed
CHAIR, MEMBER, CO_OPTED, DEPUTY, SECRETARY = "chair", "member", "co_opted", "deputy", "secretary"
SEAT_ROLES = (CHAIR, MEMBER, CO_OPTED, DEPUTY, SECRETARY)
VOTING_ROLES = (CHAIR, MEMBER)
OFFICERS = (CHAIR, SECRETARY)  # who records a decision the body took elsewhere (the secretary has no vote)
MAJORITIES = ("simple", "two_thirds")


@dataclasses.dataclass(frozen=True)
class BodyRules:
    """A body's rules; every field can be set per body, the defaults are the seed's terms of reference."""

    min_members: int = 0
    max_members: int | None = None
    max_co_opted: int = 0
    meetings_per_year_min: int | None = None
    meetings_per_year_max: int | None = None
    quorum: int = 3
    majority: str = "simple"
    standing_items: tuple[str, ...] = ()
    decides: tuple[str, ...] = ()
    min_meetings_attended: int | None = None
    expulsion_notice_days: int | None = None
    chair_term_months: int = 12
    chair_max_terms: int = 2
    written_resolutions: bool = True  # may decide in writing between meetings

    def as_dict(self) -> dict:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in dataclasses.asdict(self).items()}


DEFAULT_RULES = {
    PARTNERS_GROUP: BodyRules(
        min_members=6, max_members=12, max_co_opted=3, meetings_per_year_min=4, meetings_per_year_max=6,
        quorum=4, standing_items=(
            "Progress report from lead partners", "Progress on commissioned work",
            "Consultation and networking feedback", "Annual governance review", "Annual strategy performance review"),
        decides=("membership_application", "membership_expulsion", "chosen_provider"),
        min_meetings_attended=4, expulsion_notice_days=14, written_resolutions=False),
    MANAGEMENT_BOARD: BodyRules(
        min_members=3, max_members=None, meetings_per_year_min=12, meetings_per_year_max=12, quorum=3,
        standing_items=("Stakeholder engagement", "Communication and marketing", "Work reports"),
        decides=("bid_go_no_go", "budget_variation")),
    SUB_GROUP: BodyRules(min_members=3, quorum=2),
}


def rules_for(kind: str, overrides: dict | None = None) -> BodyRules:
    """The kind's default rules with this body's own settings on top."""
    values = {k: tuple(v) if isinstance(v, list) else v for k, v in (overrides or {}).items()}
    rules = dataclasses.replace(DEFAULT_RULES[kind], **values)
    if rules.max_members is not None and rules.max_members < rules.min_members:
        raise RuleViolation("A body's maximum size cannot be below its minimum.")
    if rules.majority not in MAJORITIES:
        raise RuleViolation(f"A majority is one of {', '.join(MAJORITIES)}.")
    return rules


@dataclasses.dataclass(frozen=True)
class SeatTerm:
    """What the rules need to know of a seat: who, in what role, from when to when."""

    role: str
    person_name: str
    starts_on: dt.date
    ends_on: dt.date | None

    def active_on(self, day: dt.date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)

    def overlaps(self, starts_on: dt.date, ends_on: dt.date | None) -> bool:
        return (ends_on is None or self.starts_on <= ends_on) and (self.ends_on is None or starts_on <= self.ends_on)


def lapsed_term_end(ends_on: dt.date | None, lapsed_on: dt.date | None) -> dt.date | None:
    """G4: the last day a seat holds, once it has lapsed: the day before it lapsed, unless its term ended sooner."""
    if lapsed_on is None:
        return ends_on
    last_day = lapsed_on - dt.timedelta(days=1)
    return last_day if ends_on is None else min(ends_on, last_day)


def check_new_seat(rules: BodyRules, body_name: str, seats: Iterable[SeatTerm], role: str, person_name: str,
                   starts_on: dt.date, ends_on: dt.date | None) -> dt.date | None:
    """Refuse a seat past the size limits (G1, G2) or a third chair term (G6); returns the term's end."""
    seats = list(seats)
    if ends_on is not None and ends_on < starts_on:
        raise RuleViolation("A term cannot end before it starts.")
    overlapping = [s for s in seats if s.overlaps(starts_on, ends_on)]
    if role == MEMBER and rules.max_members is not None:
        members = sum(1 for s in overlapping if s.role == MEMBER)
        if members >= rules.max_members:
            raise RuleViolation(f"{body_name} already has {members} members, its most (G1: "
                                f"{rules.min_members}-{rules.max_members}).", rule="G1")
    if role == CO_OPTED:
        co_opted = sum(1 for s in overlapping if s.role == CO_OPTED)
        if co_opted >= rules.max_co_opted:
            raise RuleViolation(f"{body_name} has all {rules.max_co_opted} co-opted places filled (G2).", rule="G2")
    if role == CHAIR:
        return check_chair_term(rules, seats, person_name, starts_on, ends_on)
    return ends_on


def check_chair_term(rules: BodyRules, seats: list[SeatTerm], person_name: str, starts_on: dt.date,
                     ends_on: dt.date | None) -> dt.date:
    """G6: a chair is appointed for a year and may continue for one further year, no more."""
    longest = term_end(starts_on, rules.chair_term_months)
    if ends_on is None:
        ends_on = longest
    if ends_on > longest:
        raise RuleViolation(f"A chair's term is at most {rules.chair_term_months} months (G6).", rule="G6")
    if any(s.role == CHAIR and s.overlaps(starts_on, ends_on) for s in seats):
        raise RuleViolation("The body already has a chair for those dates.")
    terms = sum(1 for s in seats if s.role == CHAIR and s.person_name.casefold() == person_name.casefold())
    if terms >= rules.chair_max_terms:
        raise RuleViolation(f"{person_name} has served {terms} terms as chair; a chair may continue for one "
                            f"further year only (G6).", rule="G6")
    return ends_on


def size_status(rules: BodyRules, seats: Iterable[SeatTerm], day: dt.date) -> str | None:
    """A warning when the body is below its minimum size (G1), else None."""
    members = sum(1 for s in seats if s.role == MEMBER and s.active_on(day))
    if members < rules.min_members:
        return f"{members} members: below the minimum of {rules.min_members} (G1)."
    return None


def meeting_frequency_status(rules: BodyRules, meetings_in_year: int) -> str | None:
    """A warning when a year's meetings fall outside the body's frequency (G3)."""
    low, high = rules.meetings_per_year_min, rules.meetings_per_year_max
    if low is not None and meetings_in_year < low:
        return f"{meetings_in_year} meetings scheduled this year: fewer than {low} (G3)."
    if high is not None and meetings_in_year > high:
        return f"{meetings_in_year} meetings scheduled this year: more than {high} (G3)."
    return None
