"""Meetings: agenda, attendance and quorum, declarations (G12, C5, G7), motions and votes (G2, G5), lapses (G4)."""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Iterable, Mapping

from hubkit.domain import RuleViolation
from hubkit import clock

from .bodies import CHAIR, CO_OPTED, DEPUTY, MEMBER, VOTING_ROLES, BodyRules

PRESENT, BY_DEPUTY, APOLOGIES, ABSENT = "present", "deputy", "apologies", "absent"
ATTENDANCE = (PRESENT, BY_DEPUTY, APOLOGIES, ABSENT)
ATTENDED = (PRESENT, BY_DEPUTY)
FOR, AGAINST, ABSTAIN = "for", "against", "abstain"
VOTES = (FOR, AGAINST, ABSTAIN)
ORDINARY, EXPULSION, GOVERNANCE_REVIEW, HUB_MODEL = "ordinary", "expulsion", "governance_review", "hub_model"
MOTION_KINDS = (ORDINARY, EXPULSION, GOVERNANCE_REVIEW, HUB_MODEL)
ITEM_KINDS = ("standing", "request", "business", "chosen_provider", "about_chair")
APPROVED, REJECTED = "approved", "rejected"


def attended(status: str | None) -> bool:
    """In person or by an appropriate deputy (G4); only these are claimable (G11)."""
    return status in ATTENDED


def check_has_started(starts_at: dt.datetime, now: dt.datetime, what: str) -> None:
    """What has not happened cannot be recorded: attendance, votes, who chaired and minutes wait for the meeting."""
    if now < starts_at:
        when = clock.local_datetime(starts_at).strftime("%d %B %Y at %H:%M")
        raise RuleViolation(f"The meeting has not started yet (it starts on {when}): {what} cannot be recorded "
                            f"before it starts.")


def check_attendance(role: str, status: str) -> None:
    if role == DEPUTY:
        raise RuleViolation("Record a deputy against the seat they represent, as 'deputy'.")


def quorum_present(rules: BodyRules, attendance: Mapping[str, str], roles: Mapping[str, str]) -> int:
    """Voting seats present in person or by deputy; refuses when fewer than the quorum."""
    present = sum(1 for seat, status in attendance.items() if attended(status) and roles.get(seat) in VOTING_ROLES)
    if present < rules.quorum:
        raise RuleViolation(f"The meeting is not quorate: {present} voting members present, {rules.quorum} needed.")
    return present


def check_expulsion_notice(rules: BodyRules, meeting_on: dt.date, notified_on: dt.date | None) -> None:
    """G5: an expulsion motion only at a meeting of a body that may expel, notified long enough before."""
    if rules.expulsion_notice_days is None:
        raise RuleViolation("Only the Partners Group may expel a member (G5).", rule="G5")
    if notified_on is None or (meeting_on - notified_on).days < rules.expulsion_notice_days:
        given = "no" if notified_on is None else f"{(meeting_on - notified_on).days} days'"
        raise RuleViolation(f"An expulsion motion needs {rules.expulsion_notice_days} days' notice from the chair; "
                            f"this item had {given} notice (G5).", rule="G5")


def excluded_from_discussion(item_kind: str, seat_role: str, declared: bool) -> bool:
    """C5: a declarer on a chosen-provider item leaves the discussion; G7: the chair leaves items about the chair."""
    if item_kind == "chosen_provider" and declared:
        return True
    return item_kind == "about_chair" and seat_role == CHAIR


@dataclasses.dataclass(frozen=True)
class Ballot:
    seat_id: str
    vote: str


def check_vote(seat_id: str, role: str | None, attendance: Mapping[str, str], declared: set[str],
               excluded: set[str]) -> None:
    """Who may vote: a voting member present (or by deputy), without an interest in the item."""
    if role is None:
        raise RuleViolation("That seat is not on this body.")
    if role == CO_OPTED:
        raise RuleViolation("Co-opted members have no vote (G2).", rule="G2")
    if role not in VOTING_ROLES:
        raise RuleViolation("A deputy votes as the seat they represent.")
    if not attended(attendance.get(seat_id)):
        raise RuleViolation("Only members present, in person or by deputy, vote.")
    if seat_id in declared:
        raise RuleViolation("A member with a declared interest in an item takes no part in the vote on it (G12).",
                            rule="G12")
    if seat_id in excluded:
        raise RuleViolation("A member excluded from the item's discussion does not vote on it (C5, G7).",
                            rule="G7")


def count_votes(rules: BodyRules, ballots: Iterable[Ballot]) -> tuple[str, dict[str, int]]:
    """The outcome by the body's majority: simple (more for than against) or two thirds of votes cast."""
    ballots = list(ballots)
    seats = [b.seat_id for b in ballots]
    if len(seats) != len(set(seats)):
        raise RuleViolation("Each seat votes once.")
    tally = {v: sum(1 for b in ballots if b.vote == v) for v in VOTES}
    cast = tally[FOR] + tally[AGAINST]
    if rules.majority == "two_thirds":
        carried = cast > 0 and 3 * tally[FOR] >= 2 * cast
    else:
        carried = tally[FOR] > tally[AGAINST]
    return (APPROVED if carried else REJECTED), tally


@dataclasses.dataclass(frozen=True)
class YearAttendance:
    seat_id: str
    role: str
    starts_on: dt.date
    ends_on: dt.date | None
    meetings_attended: int


def check_review_year(year: int, today: dt.date) -> None:
    """G4 counts a whole year, so a year is reviewed once it is over."""
    if today <= dt.date(year, 12, 31):
        raise RuleViolation(f"{year} is not over yet: attendance is reviewed after the year ends (G4).", rule="G4")


def lapsed_seats(rules: BodyRules, year: int, seats: Iterable[YearAttendance]) -> list[YearAttendance]:
    """G4: members in office the whole year who attended fewer than the body's minimum meetings lapse."""
    if rules.min_meetings_attended is None:
        return []
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return [s for s in seats if s.role == MEMBER and s.starts_on <= first and (s.ends_on is None or s.ends_on >= last)
            and s.meetings_attended < rules.min_meetings_attended]
