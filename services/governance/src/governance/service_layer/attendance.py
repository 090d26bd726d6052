"""G4: the yearly attendance review that lapses members who missed too many meetings."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from hubkit.db import Tenant, consortia_holding
from hubkit.unit_of_work import UnitOfWork
from hubkit import clock

from ..adapters.orm import Attendance, Body, Meeting, Seat
from ..domain import meetings as rules
from . import bodies as body_cases


def attendance_record(session, body: Body, year: int) -> list[rules.YearAttendance]:
    """Meetings attended in the year, in person or by deputy, per seat of the body."""
    start, end = clock.start_of_day(dt.date(year, 1, 1)), clock.start_of_day(dt.date(year + 1, 1, 1))
    rows = session.execute(select(Attendance.seat_id, Attendance.status).join(
        Meeting, Attendance.meeting_id == Meeting.id).where(
        Meeting.body_id == body.id, Meeting.starts_at >= start, Meeting.starts_at < end)).all()
    counts: dict = {}
    for seat_id, status in rows:
        counts[seat_id] = counts.get(seat_id, 0) + (1 if rules.attended(status) else 0)
    return [rules.YearAttendance(s.id, s.role, s.starts_on, s.ends_on, counts.get(s.id, 0))
            for s in body_cases.seats_of(session, body.id)]


def review_year(uow: UnitOfWork, body: Body, year: int, today: dt.date) -> list[Seat]:
    """Lapse each member who attended fewer than the required meetings in a finished year (G4), once."""
    rules.check_review_year(year, today)
    body_rules = body_cases.body_rules(body)
    lapsed = []
    for record in rules.lapsed_seats(body_rules, year, attendance_record(uow.session, body, year)):
        seat = uow.session.get(Seat, record.seat_id)
        if seat.lapsed_on is not None:
            continue
        seat.lapsed_on = today
        seat.ends_on = min(seat.ends_on, today) if seat.ends_on else today
        uow.publish("governance.member.lapsed", subject=f"seat/{seat.id}", data={
            "seat_id": seat.id, "body_id": body.id, "organisation_id": seat.organisation_id,
            "person_name": seat.person_name, "year": year, "meetings_attended": record.meetings_attended,
            "meetings_required": body_rules.min_meetings_attended, "lapsed_on": today})
        lapsed.append(seat)
    uow.commit()
    return lapsed


def review_last_year_everywhere(db, settings, today: dt.date | None = None) -> int:
    """The worker's daily task (G4): review last year's attendance of every body; repeats change nothing."""
    today = today or clock.today()
    lapsed = 0
    for consortium_id in consortia_holding(db, Body):
        with db.session(Tenant(consortium_id)) as session:
            body_ids = list(session.execute(select(Body.id)).scalars())
        for body_id in body_ids:
            with UnitOfWork(db, Tenant(consortium_id), actor="system:attendance-review",
                            service=settings.service) as uow:
                lapsed += len(review_year(uow, uow.session.get(Body, body_id), today.year - 1, today))
    return lapsed
