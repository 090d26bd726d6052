"""iCalendar feeds of meetings: one per body, one per person (the bodies they sit on)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from hubkit.db import utcnow
from hubkit import clock

from ..adapters.orm import Body, Meeting, Seat
from ..domain import ical

MEETING_LENGTH = dt.timedelta(hours=2)  # meetings have a start only; calendars need an end
# RFC 5545 3.8.4.7: a UID is globally unique and persistent. The meeting's id is unique; the part after @ is fixed
# (not the host name the feed was fetched by, which differs through the gateway, a proxy or another address and
# would show every meeting twice in a calendar that subscribed both ways).
UID_DOMAIN = "consortium-hub"


def _event(meeting: Meeting, body_name: str) -> ical.CalendarEvent:
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


def meetings_for_person(session, person_name: str, since: dt.datetime,
                        account: str | None = None) -> list[tuple[Meeting, Body]]:
    """The meetings (from `since`) of every body the person sits on (by name, any role) during their term; with
    `account`, only the seats naming that hub username count (a member organisation's staff see their own)."""
    mine = (Seat.account == account,) if account is not None else ()
    seats = list(session.execute(select(Seat).where(func.lower(Seat.person_name) == person_name.casefold(), *mine))
                 .scalars())
    bodies = {b.id: b for b in session.execute(select(Body).where(Body.id.in_({s.body_id for s in seats})))
              .scalars()}
    meetings = session.execute(select(Meeting).where(Meeting.body_id.in_(bodies), Meeting.starts_at >= since)
                               .order_by(Meeting.starts_at)).scalars()
    return [(m, bodies[m.body_id]) for m in meetings
            if any(s.body_id == m.body_id and s.starts_on <= clock.local_date(m.starts_at)
                   and (s.ends_on is None or clock.local_date(m.starts_at) <= s.ends_on) for s in seats)]


def person_calendar(session, person_name: str, account: str | None = None) -> str:
    """The meetings of every body the person sits on, as a calendar (with `account`: its seats only)."""
    return ical.calendar(f"Meetings for {person_name}",
                         [_event(m, body.name) for m, body in meetings_for_person(session, person_name, _since(),
                                                                                  account)],
                         utcnow())
