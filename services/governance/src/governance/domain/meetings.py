"""Meetings: agenda, attendance and quorum, declarations (G12, C5, G7), motions and votes (G2, G5), lapses (G4).

A seat holder declares their own interests and casts their own vote (their seat names their hub account); the
body's chair or secretary records a show of hands, and declarations made aloud at the meeting, for the others."""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Iterable, Mapping

from hubkit.domain import NotAllowed, RuleViolation
from hubkit import clock

from .bodies import CHAIR, CO_OPTED, DEPUTY, MEMBER, OFFICERS, VOTING_ROLES, BodyRules, SeatTerm

PRESENT, BY_DEPUTY, APOLOGIES, ABSENT = "present", "deputy", "apologies", "absent"
ATTENDANCE = (PRESENT, BY_DEPUTY, APOLOGIES, ABSENT)
ATTENDED = (PRESENT, BY_DEPUTY)
FOR, AGAINST, ABSTAIN = "for", "against", "abstain"
VOTES = (FOR, AGAINST, ABSTAIN)
ORDINARY, EXPULSION, GOVERNANCE_REVIEW, HUB_MODEL = "ordinary", "expulsion", "governance_review", "hub_model"
MOTION_KINDS = (ORDINARY, EXPULSION, GOVERNANCE_REVIEW, HUB_MODEL)
ITEM_KINDS = ("standing", "request", "business", "chosen_provider", "about_chair")
OPEN, APPROVED, REJECTED = "open", "approved", "rejected"  # a motion's status: open until the vote is taken


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


def has_declared_interest(seat_id: object, declared: Iterable) -> bool:
    """G12: a member with a declared interest in an item (their seat among its declarers) takes no part in the
    vote on it."""
    return seat_id in declared


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
    if has_declared_interest(seat_id, declared):
        raise RuleViolation("A member with a declared interest in an item takes no part in the vote on it (G12).",
                            rule="G12")
    if seat_id in excluded:
        raise RuleViolation("A member excluded from the item's discussion does not vote on it (C5, G7).",
                            rule="G7")


@dataclasses.dataclass(frozen=True)
class VotingSeat:
    """A seat as the vote rules need it: its role and, for a deputy, the seat they stand in for."""

    seat_id: object
    role: str | None
    deputy_for: object | None = None


def own_vote_seat(seat: VotingSeat, seats: Mapping[object, VotingSeat], attendance: Mapping[object, str],
                  declared: Iterable, excluded: Iterable) -> object:
    """The seat whose vote the holder of `seat` casts on an item (`my-vote`), or refused: a deputy votes for the
    seat they represent at the meeting (recorded 'deputy'); a member votes for their own seat when present in
    person; never co-opted (G2), with a declared interest in the item (G12) or excluded from its discussion
    (C5, G7)."""
    voter = seat
    if seat.role == DEPUTY and attendance.get(seat.deputy_for) == BY_DEPUTY:
        voter = seats.get(seat.deputy_for, seat)
    check_vote(voter.seat_id, voter.role, attendance, set(declared), set(excluded))
    if voter.seat_id == seat.seat_id and attendance.get(seat.seat_id) != PRESENT:
        raise RuleViolation("Your seat was represented by a deputy at this meeting: the deputy votes for it.")
    return voter.seat_id


def vote_open_to(seat: VotingSeat, seats: Mapping[object, VotingSeat], attendance: Mapping[object, str],
                 declared: Iterable, excluded: Iterable) -> object | None:
    """A vote open to the holder of `seat` (the home page's "votes open to you"): the seat `own_vote_seat` would
    vote for, or None where `my-vote` would refuse them."""
    try:
        return own_vote_seat(seat, seats, attendance, declared, excluded)
    except RuleViolation:
        return None


@dataclasses.dataclass(frozen=True)
class Holding:
    """A seat as the rules need it to find the signed-in person's own: whose account, what role, what term."""

    seat_id: object
    account: str | None
    term: SeatTerm


def held_by(holdings: Iterable[Holding], account: str | None, day: dt.date) -> list[Holding]:
    """The seats naming the account (a hub username) whose term covers the day."""
    return [h for h in holdings if account and h.account == account and h.term.active_on(day)]


def sees_business(staff: bool, holdings: Iterable[Holding], account: str | None, day: dt.date) -> bool:
    """Who sees a meeting, its papers or a written resolution: the manager and the board (`staff`, hubkit.auth
    .SEES_GOVERNANCE) see every body's business; anyone else only that of a body they sit on, a seat naming their
    hub username on the meeting's day (or the day a resolution was circulated): the seat they declare, vote and
    answer for, whatever their role."""
    return staff or bool(held_by(holdings, account, day))


def seat_held_by(holdings: Iterable[Holding], account: str, day: dt.date, body_name: str) -> Holding:
    """The seat the account holds on the body on that day: a voting seat before any other (a chair or member who
    is also its secretary votes as chair or member); refused when the account holds none."""
    mine = held_by(holdings, account, day)
    if not mine:
        raise RuleViolation(f"You do not hold a seat on {body_name} for {day:%d %B %Y}: only its members declare "
                            f"their interests and vote on its business.")
    return min(mine, key=lambda h: h.term.role not in VOTING_ROLES)


def check_records_for_others(officer_role: str | None, body_name: str, what: str) -> None:
    """Only the body's chair or secretary (a seat held by the caller's account) records declarations, votes or
    answers for its members; everyone else declares and votes for themselves."""
    if officer_role not in OFFICERS:
        raise NotAllowed(f"Only {body_name}'s chair or secretary records {what} for its members; a member declares "
                         f"their own interests and casts their own vote.")


def check_own_ballot(previous: str | None, vote: str) -> bool:
    """One vote per seat: True for a first vote, False for the same vote sent again (a replay: nothing new to
    record); a different vote is refused."""
    if previous is None:
        return True
    if previous != vote:
        raise RuleViolation(f"This seat has already voted ({previous}) on this motion: each seat votes once.")
    return False


def with_hands_shown(cast: Mapping[object, str], shown: Iterable[Ballot]) -> list[Ballot]:
    """The ballots to count: those the members cast themselves, then the show of hands the chair or secretary
    records for the others; a hand shown for a seat that voted otherwise itself is refused."""
    ballots = [Ballot(seat_id, vote) for seat_id, vote in cast.items()]
    for ballot in shown:
        if ballot.seat_id in cast:
            if cast[ballot.seat_id] != ballot.vote:
                raise RuleViolation(f"That seat has already cast its own vote ({cast[ballot.seat_id]}): each seat "
                                    f"votes once.")
            continue
        ballots.append(ballot)
    if not ballots:
        raise RuleViolation("No votes have been cast or shown: record the show of hands.")
    return ballots


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
