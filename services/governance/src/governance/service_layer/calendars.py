"""iCalendar feeds of meetings: one per body, one per person (the bodies they sit on)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, false, func, or_, select

from hubkit.db import utcnow
from hubkit.paging import Order, asc
from hubkit import clock

from ..adapters.orm import Body, Meeting, Seat
from ..domain import ical
from . import bodies as body_cases

MEETING_LENGTH = dt.timedelta(hours=2)  # meetings have a start only; calendars need an end
# RFC 5545 3.8.4.7: a UID is globally unique and persistent. The meeting's id is unique; the part after @ is fixed
# (not the host name the feed was fetched by, which differs through the gateway, a proxy or another address and
# would show every meeting twice in a calendar that subscribed both ways).
UID_DOMAIN = "consortium-hub"


def _event(meeting, body_name: str) -> ical.CalendarEvent:
    """A meeting (or a row of its columns) as a calendar event."""
    return ical.CalendarEvent(uid=f"meeting-{meeting.id}@{UID_DOMAIN}", starts_at=meeting.starts_at,
                              ends_at=meeting.starts_at + MEETING_LENGTH, summary=meeting.title,
                              location=meeting.location, description=f"{body_name}. Notice given "
                              f"{meeting.notice_given_on:%d %B %Y}.")


def _since() -> dt.datetime:
    return utcnow() - dt.timedelta(days=366)  # a year back: calendars keep the recent past


def body_calendar(session, body: Body) -> str:
    meetings = session.execute(select(Meeting).where(Meeting.body_id == body.id, Meeting.starts_at >= _since())
                               .order_by(Meeting.starts_at)).scalars()
    return ical.calendar(f"{body.name} meetings", [_event(m, body.name) for m in meetings], utcnow())


def _during_term(seat: Seat):
    """SQL for 'a meeting of the seat's body during its term as the rules see it' (bodies.term: a seat that lapsed
    sits no more from the day it lapsed, G4), the term read as the instants its first day begins and the day after
    its last begins in the hub's time zone."""
    term = body_cases.term(seat)
    return and_(Meeting.body_id == seat.body_id, Meeting.starts_at >= clock.start_of_day(term.starts_on),
                *([Meeting.starts_at < clock.start_of_day(term.ends_on + dt.timedelta(days=1))]
                  if term.ends_on is not None else []))


def _seated(session, person_name: str, account: str | None):
    """SQL for 'a meeting of a body the person sits on (by name, any role) during their term'; with `account`,
    the seats naming that hub username, whatever name the seat was typed with (as the home page's summary.my_seats
    finds them)."""
    whose = Seat.account == account if account is not None else func.lower(Seat.person_name) == person_name.casefold()
    return or_(false(), *[_during_term(seat) for seat in session.execute(select(Seat).where(whose)).scalars()])


# GET /meetings: soonest first (each body's ix_meeting_by_start), paged in SQL.
PERSON_MEETING_ORDER = Order(asc(Meeting.starts_at), asc(Meeting.id))


def meetings_for_person_query(session, person_name: str, since: dt.datetime, account: str | None = None):
    """The meetings (from `since`) of every body the person sits on during their term, each with its body's name,
    for the caller to page in PERSON_MEETING_ORDER; with `account`, only the seats naming that hub username."""
    return select(Meeting.id, Meeting.body_id, Body.name.label("body_name"), Meeting.title, Meeting.starts_at,
                  Meeting.notice_given_on, Meeting.location).join(Body, Body.id == Meeting.body_id).where(
        Meeting.starts_at >= since, _seated(session, person_name, account))


def meetings_for_person(session, person_name: str, since: dt.datetime, account: str | None = None) -> list:
    """meetings_for_person_query's meetings, soonest first, all of them (a calendar is not paged)."""
    return list(session.execute(meetings_for_person_query(session, person_name, since, account)
                                .order_by(Meeting.starts_at, Meeting.id)).all())


def person_calendar(session, person_name: str, account: str | None = None) -> str:
    """The meetings of every body the person sits on, as a calendar (with `account`: its seats only)."""
    return ical.calendar(f"Meetings for {person_name}",
                         [_event(row, row.body_name) for row in meetings_for_person(session, person_name, _since(),
                                                                                     account)],
                         utcnow())
