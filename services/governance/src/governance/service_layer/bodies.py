"""Use cases for bodies, their rules and seats."""
from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import select

from hubkit import clock
from hubkit.db import utcnow
from hubkit.domain import RuleViolation
from hubkit.unit_of_work import UnitOfWork

from ..adapters.orm import Body, Meeting, Seat
from ..domain import bodies as rules
from ..domain.bodies import SeatTerm
from ..domain.meetings import Holding
from . import references


def body_rules(body: Body) -> rules.BodyRules:
    return rules.rules_for(body.kind, body.rules)


def create_body(uow: UnitOfWork, kind: str, name: str, overrides: dict) -> Body:
    """Set up a body; its rules are its kind's defaults with the settings given here on top."""
    rules.rules_for(kind, overrides)  # refuses inconsistent settings before anything is written
    if uow.session.execute(select(Body.id).where(Body.name == name)).first():
        raise RuleViolation(f"There is already a body called {name}.")
    if kind in rules.SINGLE_BODIES and uow.session.execute(select(Body.id).where(Body.kind == kind)).first():
        raise RuleViolation(f"The consortium already has its {kind.replace('_', ' ')}; add a sub-group instead.")
    body = Body(id=uuid.uuid4(), kind=kind, name=name, rules=overrides, created_at=utcnow())
    uow.session.add(body)
    uow.commit()
    return body


def seats_of(session, body_id: uuid.UUID) -> list[Seat]:
    return list(session.execute(select(Seat).where(Seat.body_id == body_id)
                                .order_by(Seat.starts_on, Seat.person_name)).scalars())


def officer_role(session, body_id: uuid.UUID, account: str, day: dt.date) -> str | None:
    """The office (chair or secretary) the account holds on the body on that day, if any."""
    return next((s.role for s in seats_of(session, body_id)
                 if s.account == account and s.role in rules.OFFICERS and term(s).active_on(day)), None)


def term(seat: Seat) -> SeatTerm:
    """A seat's term as the rules see it: a member lapsed under G4 sits no more from the day the seat lapsed."""
    return SeatTerm(seat.role, seat.person_name, seat.starts_on, rules.lapsed_term_end(seat.ends_on, seat.lapsed_on))


def holdings(seats) -> list:
    """Seats as the rules need them to find the signed-in person's own (domain.meetings.Holding)."""
    return [Holding(s.id, s.account, term(s)) for s in seats]


def add_seat(uow: UnitOfWork, body: Body, role: str, person_name: str, organisation_id: uuid.UUID | None,
             starts_on: dt.date, ends_on: dt.date | None, deputy_for: uuid.UUID | None,
             account: str | None = None) -> Seat:
    """Seat someone on a body, refused past its size limits (G1, G2) or for a third chair term (G6); the
    organisation is one on the membership register (422 naming organisation_id if not); `account` is the
    holder's hub username, which lets a chair or secretary record the body's decisions."""
    references.check_organisation(uow.session, organisation_id)
    seats = seats_of(uow.session, body.id)
    if role in (rules.MEMBER, rules.DEPUTY) and organisation_id is None:
        raise RuleViolation("A member or deputy sits for an organisation: give organisation_id.")
    if role == rules.DEPUTY:
        principal = next((s for s in seats if s.id == deputy_for and s.role in rules.VOTING_ROLES), None)
        if principal is None:
            raise RuleViolation("A deputy stands in for a chair or member seat of the same body: give deputy_for.")
    elif deputy_for is not None:
        raise RuleViolation("Only a deputy stands in for another seat.")
    if role == rules.MEMBER and any(s.role == rules.MEMBER and s.organisation_id == organisation_id
                                    and term(s).overlaps(starts_on, ends_on) for s in seats):
        raise RuleViolation("That organisation already has a member seat on this body for those dates.")
    ends_on = rules.check_new_seat(body_rules(body), body.name, [term(s) for s in seats], role, person_name,
                                   starts_on, ends_on)
    seat = Seat(id=uuid.uuid4(), body_id=body.id, organisation_id=organisation_id, person_name=person_name,
                role=role, deputy_for=deputy_for, starts_on=starts_on, ends_on=ends_on, account=account or None)
    uow.session.add(seat)
    uow.commit()
    return seat


def end_seat(uow: UnitOfWork, seat: Seat, ends_on: dt.date) -> Seat:
    """End a term (resignation, replacement)."""
    if ends_on < seat.starts_on:
        raise RuleViolation("A term cannot end before it starts.")
    seat.ends_on = ends_on
    uow.commit()
    return seat


def body_view(session, body: Body, today: dt.date) -> dict:
    """The body with its rules, seats and warnings about its size (G1) and this year's meetings (G3)."""
    body_rules_ = body_rules(body)
    seats = seats_of(session, body.id)
    meetings = session.execute(select(Meeting.id).where(
        Meeting.body_id == body.id, Meeting.starts_at >= clock.start_of_day(dt.date(today.year, 1, 1)),
        Meeting.starts_at < clock.start_of_day(dt.date(today.year + 1, 1, 1)))).all()
    warnings = [w for w in (rules.size_status(body_rules_, [term(s) for s in seats], today),
                            rules.meeting_frequency_status(body_rules_, len(meetings))) if w]
    return {"id": body.id, "kind": body.kind, "name": body.name, "rules": body_rules_.as_dict(),
            "seats": seats, "warnings": warnings}
