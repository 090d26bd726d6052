"""Use cases for written resolutions: circulated to a body's members, answered in writing, closed as a decision."""
from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import select

from hubkit.db import utcnow
from hubkit.domain import RuleViolation
from hubkit.paging import Order, desc
from hubkit.unit_of_work import UnitOfWork
from hubkit import clock

from ..adapters.orm import Body, Decision, Seat, WrittenAnswer, WrittenResolution
from ..domain import meetings as meeting_rules
from ..domain import resolutions as rules
from ..domain.bodies import VOTING_ROLES
from . import agenda
from . import bodies as body_cases
from .meetings import MOTION_DECISION_KINDS


def _seats_on(session, resolution: WrittenResolution) -> dict[uuid.UUID, Seat]:
    return {s.id: s for s in body_cases.seats_of(session, resolution.body_id)
            if body_cases.term(s).active_on(resolution.circulated_on)}


def declarers(resolution: WrittenResolution) -> set[uuid.UUID]:
    """The seats that declared an interest in the resolution (G12)."""
    return {uuid.UUID(d["seat_id"]) for d in resolution.declarations}


def entitled_seats(session, resolution: WrittenResolution) -> list[Seat]:
    """Voting members on the body when it was circulated, without a declared interest (G2, G12)."""
    declared = declarers(resolution)
    return [s for s in _seats_on(session, resolution).values() if s.role in VOTING_ROLES and s.id not in declared]


def answers_to(session, resolution: WrittenResolution) -> dict[uuid.UUID, str]:
    return {a.seat_id: a.vote for a in session.execute(select(WrittenAnswer).where(
        WrittenAnswer.resolution_id == resolution.id)).scalars()}


def circulate(uow: UnitOfWork, body: Body, text: str, kind: str, subject: str | None,
              deadline: dt.datetime) -> WrittenResolution:
    """Circulate a motion for a decision in writing, if the body's rules allow it."""
    today = clock.today()
    rules.check_circulation(body_cases.body_rules(body), body.name, kind, today, deadline)
    resolution = WrittenResolution(id=uuid.uuid4(), body_id=body.id, text=text, kind=kind, subject=subject,
                                   circulated_on=today, deadline=deadline, status=rules.OPEN, declarations=[],
                                   circulated_by=uow.actor)
    uow.session.add(resolution)
    uow.commit()
    return resolution


def own_seat(session, resolution: WrittenResolution, account: str) -> Seat:
    """The seat the signed-in person held on the body when the resolution was circulated (a voting seat first)."""
    seats = _seats_on(session, resolution)
    body = session.get(Body, resolution.body_id)
    held = meeting_rules.seat_held_by(body_cases.holdings(seats.values()), account, resolution.circulated_on,
                                      body.name)
    return seats[held.seat_id]


def seen_by(session, resolution: WrittenResolution, account: str | None, staff: bool) -> bool:
    """Whether the caller sees the resolution (and may answer it for their own seat), by
    domain.meetings.sees_business on the day it was circulated."""
    return meeting_rules.sees_business(
        staff, body_cases.holdings(body_cases.seats_of(session, resolution.body_id)), account,
        resolution.circulated_on)


def _check_records_for_others(session, resolution: WrittenResolution, account: str, what: str) -> None:
    body = session.get(Body, resolution.body_id)
    meeting_rules.check_records_for_others(body_cases.officer_role(session, body.id, account, clock.today()),
                                           body.name, what)


def declare(uow: UnitOfWork, resolution: WrittenResolution, seat_id: uuid.UUID, interest: str,
            account: str) -> WrittenResolution:
    """The chair or secretary records a member's declared interest: they take no part in the decision (G12)."""
    seat = _seats_on(uow.session, resolution).get(seat_id)
    if seat is None:
        raise RuleViolation("That seat is not on this body.")
    _check_records_for_others(uow.session, resolution, account, "declarations of interest")
    return _declare(uow, resolution, seat, interest)


def declare_mine(uow: UnitOfWork, resolution: WrittenResolution, account: str, interest: str) -> WrittenResolution:
    """The signed-in seat holder declares their own interest: they take no part in the decision (G12)."""
    return _declare(uow, resolution, own_seat(uow.session, resolution, account), interest)


def _declare(uow: UnitOfWork, resolution: WrittenResolution, seat: Seat, interest: str) -> WrittenResolution:
    """Once per seat, while the resolution is open; an answer already given is void."""
    if resolution.status != rules.OPEN:
        raise RuleViolation("This written resolution is closed.")
    seat_id = seat.id
    if seat_id in declarers(resolution):
        raise RuleViolation(f"{seat.person_name} has already declared an interest in this resolution.")
    resolution.declarations = resolution.declarations + [{
        "seat_id": str(seat.id), "person_name": seat.person_name,
        "organisation_id": str(seat.organisation_id) if seat.organisation_id else None, "interest": interest,
        "excluded_from_discussion": False}]
    answer = uow.session.get(WrittenAnswer, (resolution.id, seat.id))
    if answer is not None:
        uow.session.delete(answer)
    uow.commit()
    return resolution


def answer(uow: UnitOfWork, resolution: WrittenResolution, seat_id: uuid.UUID, vote: str,
           account: str) -> WrittenResolution:
    """The chair or secretary records a member's answer given in writing outside the hub (a second answer from the
    same seat replaces the first)."""
    seat = _seats_on(uow.session, resolution).get(seat_id)
    rules.check_written_vote(resolution.status, seat.role if seat else None, seat_id, declarers(resolution),
                             resolution.deadline, utcnow())
    _check_records_for_others(uow.session, resolution, account, "answers")
    row = uow.session.get(WrittenAnswer, (resolution.id, seat_id))
    if row is None:
        uow.session.add(WrittenAnswer(resolution_id=resolution.id, seat_id=seat_id, vote=vote, answered_at=utcnow()))
    else:
        row.vote, row.answered_at = vote, utcnow()
    uow.commit()
    return resolution


def answer_mine(uow: UnitOfWork, resolution: WrittenResolution, account: str, vote: str) -> bool:
    """The signed-in seat holder answers in writing: a voting member without a declared interest (G2, G12), before
    the deadline; once (the same answer again is a replay, False; another is refused)."""
    seat = own_seat(uow.session, resolution, account)
    rules.check_written_vote(resolution.status, seat.role, seat.id, declarers(resolution), resolution.deadline,
                             utcnow())
    row = uow.session.get(WrittenAnswer, (resolution.id, seat.id))
    if not meeting_rules.check_own_ballot(row.vote if row else None, vote):
        return False
    uow.session.add(WrittenAnswer(resolution_id=resolution.id, seat_id=seat.id, vote=vote, answered_at=utcnow()))
    uow.commit()
    return True


def answer_open_to(session, resolution: WrittenResolution, account: str, now) -> uuid.UUID | None:
    """The seat the signed-in person would answer for (`my-answer`'s own rule, domain.resolutions
    .check_written_vote), or None: no seat when it was circulated, co-opted, a deputy, declared, closed or past
    its deadline. Whether that seat has answered already is the caller's to check."""
    try:
        seat = own_seat(session, resolution, account)
        rules.check_written_vote(resolution.status, seat.role, seat.id, declarers(resolution), resolution.deadline,
                                 now)
    except RuleViolation:
        return None
    return seat.id


def close(uow: UnitOfWork, resolution: WrittenResolution) -> Decision:
    """Close the resolution and record the decision (published like a meeting's decision)."""
    entitled = entitled_seats(uow.session, resolution)
    answers = {seat: vote for seat, vote in answers_to(uow.session, resolution).items()
               if seat in {s.id for s in entitled}}
    rules.check_close(resolution.status, len(entitled), answers, resolution.deadline, utcnow())
    outcome, tally = rules.outcome(len(entitled), answers), rules.tally(answers)
    decision = Decision(
        id=uuid.uuid4(), body_id=resolution.body_id, kind=MOTION_DECISION_KINDS.get(resolution.kind, "written_resolution"), subject=resolution.subject, title=resolution.text, outcome=outcome,
        note=f"Written resolution: {tally['for']} of {len(entitled)} members entitled to vote agreed in writing.",
        votes=tally | {"ballots": [{"seat_id": str(s), "vote": v} for s, v in answers.items()],
                       "entitled": len(entitled)},
        declarations=resolution.declarations, decided_at=utcnow())
    uow.session.add(decision)
    uow.session.flush()
    resolution.status, resolution.decision_id = outcome, decision.id
    agenda.publish_recorded(uow, decision, tally, [d | {"seat_id": uuid.UUID(d["seat_id"])}
                                                   for d in resolution.declarations])
    uow.commit()
    return decision


def your_part(session, resolution: WrittenResolution, account: str | None) -> dict | None:
    """The signed-in person's seat on the body when it was circulated, and whether they record for the others."""
    if not account:
        return None
    try:
        seat = own_seat(session, resolution, account)
    except RuleViolation:
        return None
    return {"seat_id": seat.id, "person_name": seat.person_name, "role": seat.role,
            "votes": seat.role in VOTING_ROLES,
            "records_for_others": body_cases.officer_role(session, resolution.body_id, account,
                                                          clock.today()) is not None}


def resolution_view(session, resolution: WrittenResolution, account: str | None = None) -> dict:
    seats = _seats_on(session, resolution)
    answers = answers_to(session, resolution)
    entitled = entitled_seats(session, resolution)
    return {"id": resolution.id, "body_id": resolution.body_id, "text": resolution.text, "kind": resolution.kind,
            "subject": resolution.subject, "circulated_on": resolution.circulated_on,
            "deadline": resolution.deadline, "status": resolution.status, "decision_id": resolution.decision_id,
            "declarations": resolution.declarations, "entitled": len(entitled),
            "tally": rules.tally(answers),
            "answers": [{"seat_id": seat_id, "person_name": seats[seat_id].person_name if seat_id in seats else "",
                         "vote": vote} for seat_id, vote in answers.items()],
            "awaiting": [{"seat_id": s.id, "person_name": s.person_name} for s in entitled if s.id not in answers],
            "you": your_part(session, resolution, account)}


# GET /bodies/<id>/written-resolutions: latest deadline first (ix_written_resolution_by_deadline), paged in SQL.
RESOLUTION_ORDER = Order(desc(WrittenResolution.deadline), desc(WrittenResolution.id))


def resolutions_query(body: Body):
    """The body's written resolutions, for the caller to page in RESOLUTION_ORDER (and show with resolution_view)."""
    return select(WrittenResolution).where(WrittenResolution.body_id == body.id)
