"""What needs the caller in governance (issue 14 item 1), each section a count and the first few:

- decisions awaiting a body (the consortium manager and board members): requests still pending, oldest first;
- for whoever holds a seat (their hub username on a current seat): their bodies' meetings to come, the next one's
  papers, declarations they owe (G12: items on meetings to come about their own organisation they have not
  declared on), and votes open to them (motions of meetings that have started, written resolutions before their
  deadline, neither answered by their seat).

hubkit scopes a query by the entities its columns name, so every count names the entity it counts."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import exists, func, select

from hubkit import clock
from hubkit.auth import current_principal
from hubkit.summaries import TOP, counted, in_all, item, section

from ..adapters.orm import (AgendaItem, Body, Declaration, DecisionRequest, Meeting, MeetingPaper, Motion, Seat, Vote,
                            WrittenAnswer, WrittenResolution)
from ..domain import decisions as decision_rules
from ..domain import meetings as meeting_rules
from ..domain import resolutions as resolution_rules
from ..domain import summary as rules
from . import resolutions as resolution_cases

DECIDERS = ("consortium_manager", "board_member")


def decisions_awaiting(session) -> dict:
    pending = DecisionRequest.status == decision_rules.PENDING
    rows = session.execute(select(DecisionRequest.id, DecisionRequest.title, DecisionRequest.requested_at,
                                  in_all())
                           .where(pending).order_by(DecisionRequest.requested_at, DecisionRequest.id)
                           .limit(TOP)).all()
    return section(counted(rows), [item(r.id, r.title, clock.local_date(r.requested_at)) for r in rows])


def my_seats(session, username: str, today: dt.date) -> list:
    """The caller's current seats (a seat names its holder's hub username)."""
    return [seat for seat in session.execute(select(Seat).where(Seat.account == username)).scalars()
            if rules.holds_seat(seat.role, seat.person_name, seat.starts_on, seat.ends_on, seat.lapsed_on, today)]


def meetings_to_come(session, seats, now: dt.datetime) -> tuple[dict, dict]:
    """The meetings of the caller's bodies from now on, soonest first, and the next one's papers."""
    bodies = {seat.body_id for seat in seats}
    coming = (Meeting.body_id.in_(bodies), Meeting.starts_at >= now)
    count = session.execute(select(func.count(Meeting.id)).where(*coming)).scalar_one()
    rows = session.execute(select(Meeting.id, Meeting.title, Meeting.starts_at, Body.name)
                           .join(Body, Body.id == Meeting.body_id).where(*coming)
                           .order_by(Meeting.starts_at, Meeting.id).limit(TOP)).all()
    meetings = section(count, [item(r.id, r.title, clock.local_date(r.starts_at), about=r.name) for r in rows])
    papers = section(0, [])
    if rows:
        first = rows[0].id
        paper_count = session.execute(select(func.count(MeetingPaper.id)).where(
            MeetingPaper.meeting_id == first)).scalar_one()
        listed = session.execute(select(MeetingPaper.id, MeetingPaper.title, MeetingPaper.uploaded_at)
                                 .where(MeetingPaper.meeting_id == first)
                                 .order_by(MeetingPaper.uploaded_at, MeetingPaper.id).limit(TOP)).all()
        papers = section(paper_count, [item(p.id, p.title, clock.local_date(p.uploaded_at), parent_id=first)
                                       for p in listed])
    return meetings, papers


def declarations_owed(session, seats, now: dt.datetime) -> dict:
    """G12: items on the agenda of the caller's bodies' meetings to come, about the organisation a seat of theirs
    stands for, on which that seat has declared nothing yet."""
    owed = []
    for seat in seats:
        if seat.organisation_id is None:
            continue
        declared = exists().where(Declaration.agenda_item_id == AgendaItem.id, Declaration.seat_id == seat.id)
        rows = session.execute(
            select(AgendaItem.id, AgendaItem.title, DecisionRequest.subject, Meeting.id.label("meeting_id"),
                   Meeting.starts_at, Meeting.title.label("meeting_title"))
            .join(Meeting, Meeting.id == AgendaItem.meeting_id)
            .join(DecisionRequest, DecisionRequest.id == AgendaItem.decision_request_id)
            .where(Meeting.body_id == seat.body_id, Meeting.starts_at >= now,
                   DecisionRequest.subject == f"{rules.ORGANISATION_SUBJECT}{seat.organisation_id}", ~declared)).all()
        owed += [item(r.id, r.title, clock.local_date(r.starts_at), about=r.meeting_title, parent_id=r.meeting_id)
                 for r in rows if rules.concerns_organisation(r.subject, seat.organisation_id)]
    owed.sort(key=lambda found: (found["due_on"], found["title"]))
    return section(len(owed), owed)


def _declarers(session, item_ids: set) -> dict:
    """The seats that declared an interest in each of these agenda items."""
    found: dict = {}
    if item_ids:
        for item_id, seat_id in session.execute(select(Declaration.agenda_item_id, Declaration.seat_id)
                                                .where(Declaration.agenda_item_id.in_(item_ids))):
            found.setdefault(item_id, set()).add(seat_id)
    return found


def votes_open(session, seats, now: dt.datetime) -> dict:
    """Motions still open at meetings of the caller's bodies that have started, and written resolutions still open
    before their deadline, that the caller's seat on that body has not answered; the earliest first. A motion on an
    item the seat declared an interest in is not theirs to vote on (G12, the rule that refuses such a vote)."""
    found = []
    for seat in seats:
        voted = exists().where(Vote.motion_id == Motion.id, Vote.seat_id == seat.id)
        motions = session.execute(
            select(Motion.id, Motion.text, Motion.agenda_item_id, Meeting.id.label("meeting_id"), Meeting.starts_at,
                   Meeting.title.label("meeting_title"))
            .join(AgendaItem, AgendaItem.id == Motion.agenda_item_id)
            .join(Meeting, Meeting.id == AgendaItem.meeting_id)
            .where(Meeting.body_id == seat.body_id, Meeting.starts_at <= now, Motion.status == meeting_rules.OPEN,
                   ~voted).limit(TOP * 4)).all()
        declarers = _declarers(session, {r.agenda_item_id for r in motions})
        found += [item(r.id, r.text, clock.local_date(r.starts_at), about=r.meeting_title, parent_id=r.meeting_id)
                  for r in motions
                  if not meeting_rules.has_declared_interest(seat.id, declarers.get(r.agenda_item_id, ()))]
        answered = exists().where(WrittenAnswer.resolution_id == WrittenResolution.id,
                                  WrittenAnswer.seat_id == seat.id)
        for resolution, body_name in session.execute(
                select(WrittenResolution, Body.name)
                .join(Body, Body.id == WrittenResolution.body_id)
                .where(WrittenResolution.body_id == seat.body_id, WrittenResolution.status == resolution_rules.OPEN,
                       WrittenResolution.deadline > now, ~answered).limit(TOP * 4)):
            if not meeting_rules.has_declared_interest(seat.id, resolution_cases.declarers(resolution)):
                found.append(item(resolution.id, resolution.text, clock.local_date(resolution.deadline),
                                  about=body_name))
    found.sort(key=lambda entry: (entry["due_on"], entry["title"]))
    return section(len(found), found)


def summary(session, today: dt.date) -> dict:
    principal = current_principal()
    found: dict = {"today": today}
    if principal.has_any(DECIDERS):
        found["decisions_awaiting"] = decisions_awaiting(session)
    seats = my_seats(session, principal.username, today)
    if seats:
        now = clock.utcnow()
        found["meetings"], found["next_meeting_papers"] = meetings_to_come(session, seats, now)
        found["declarations_owed"] = declarations_owed(session, seats, now)
        found["votes_open"] = votes_open(session, seats, now)
    return found
