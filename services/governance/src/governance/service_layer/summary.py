"""What needs the caller in governance (issue 14 item 1), each section a count and the first few:

- decisions awaiting a body (the consortium manager and board members): requests still pending, oldest first;
- for whoever holds a seat (their hub username on a current seat): their bodies' meetings to come, the next one's
  papers, declarations they owe (G12: items on meetings to come about their own organisation they have not
  declared on), and votes open to them by the very rules `my-vote` and `my-answer` accept (domain
  meetings.vote_open_to, resolutions.check_written_vote: attendance, deputies, G2, G12, C5/G7), each judged before
  it is counted.

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
from ..domain.bodies import VOTING_ROLES
from . import meetings as meeting_cases
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


def _motions_open(session, account: str, now: dt.datetime) -> list[dict]:
    """Open motions of started meetings of the bodies where a seat names the account, on which none of its voting
    seats has voted or declared an interest (G12), found in SQL, the earliest TOP * 4; then each judged by my-vote's
    own rule (meetings.Voters.vote_open_to) for the seat it would vote for (its own voting seat, or a deputy's
    principal), which has not voted yet. Seats, attendance and declarations are read once a meeting, the votes
    once: the statements do not grow with the motions (issue 16)."""
    mine = select(Seat.id).where(Seat.account == account, Seat.role.in_(VOTING_ROLES))
    voted = exists().where(Vote.motion_id == Motion.id, Vote.seat_id.in_(mine))
    declared = exists().where(Declaration.agenda_item_id == AgendaItem.id, Declaration.seat_id.in_(mine))
    rows = session.execute(
        select(Motion, AgendaItem, Meeting)
        .join(AgendaItem, AgendaItem.id == Motion.agenda_item_id)
        .join(Meeting, Meeting.id == AgendaItem.meeting_id)
        .where(Meeting.body_id.in_(select(Seat.body_id).where(Seat.account == account)), Meeting.starts_at <= now,
               Motion.status == meeting_rules.OPEN, ~voted, ~declared)
        .order_by(Meeting.starts_at, Motion.id).limit(TOP * 4)).all()
    if not rows:
        return []
    cast = {(v.motion_id, v.seat_id) for v in session.execute(select(Vote.motion_id, Vote.seat_id).where(
        Vote.motion_id.in_([motion.id for motion, _, _ in rows])))}
    meetings, items_of = {}, {}
    for _, agenda_item, meeting in rows:
        meetings[meeting.id] = meeting
        items_of.setdefault(meeting.id, set()).add(agenda_item.id)
    voters = {meeting_id: meeting_cases.Voters(session, meeting, items_of[meeting_id])
              for meeting_id, meeting in meetings.items()}
    found = []
    for motion, agenda_item, meeting in rows:
        voter = voters[meeting.id].vote_open_to(agenda_item, account)
        if voter is not None and (motion.id, voter) not in cast:
            found.append(item(motion.id, motion.text, clock.local_date(meeting.starts_at), about=meeting.title,
                              parent_id=meeting.id))
    return found


def votes_open(session, account: str, now: dt.datetime) -> dict:
    """What the caller may vote on now, by the rules `my-vote` and `my-answer` apply (meetings.vote_open_to,
    resolutions.answer_open_to): open motions of started meetings of the bodies where a seat names them, for the
    seat they would vote for (present in person or, as a deputy, for the seat they represent; not co-opted (G2),
    declared (G12) or excluded (C5, G7)) that has not voted yet; and written resolutions still open before their
    deadline that their seat has not answered. What none of their seats has voted on or answered is found in SQL,
    the earliest TOP * 4 of each, then each judged before counting; the earliest first."""
    bodies = select(Seat.body_id).where(Seat.account == account)
    found = _motions_open(session, account, now)
    answered = exists().where(WrittenAnswer.resolution_id == WrittenResolution.id,
                              WrittenAnswer.seat_id.in_(select(Seat.id).where(Seat.account == account)))
    for resolution, body_name in session.execute(
            select(WrittenResolution, Body.name).join(Body, Body.id == WrittenResolution.body_id)
            .where(WrittenResolution.body_id.in_(bodies), WrittenResolution.status == resolution_rules.OPEN,
                   WrittenResolution.deadline > now, ~answered)
            .order_by(WrittenResolution.deadline, WrittenResolution.id).limit(TOP * 4)):
        seat = resolution_cases.answer_open_to(session, resolution, account, now)
        if seat is not None and session.get(WrittenAnswer, (resolution.id, seat)) is None:
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
        found["votes_open"] = votes_open(session, principal.username, now)
    return found
