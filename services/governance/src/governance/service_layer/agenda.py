"""What meetings and decision requests share: routing requests to agendas, answering them, publishing decisions.

Both `meetings` and `decisions` use these; keeping them here means neither imports the other.
"""
from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import func, select

from hubkit.db import utcnow
from hubkit.domain import RuleViolation
from hubkit.unit_of_work import UnitOfWork
from hubkit import clock

from ..adapters.orm import AgendaItem, Attendance, Body, Decision, DecisionRequest, Meeting, Motion
from ..domain import decisions as request_rules
from ..domain import meetings as rules
from ..domain import routing
from . import bodies as body_cases


def next_position(session, meeting_id: uuid.UUID) -> int:
    return (session.execute(select(func.max(AgendaItem.position)).where(
        AgendaItem.meeting_id == meeting_id)).scalar() or 0) + 1


def routes(session) -> list[tuple[Body, tuple[str, ...]]]:
    bodies = session.execute(select(Body).order_by(Body.created_at)).scalars()
    return [(b, body_cases.body_rules(b).decides) for b in bodies]



EXPULSION_REQUEST = "membership_expulsion"


def notice_needed(body: Body, kind: str) -> int:
    """Days of notice an item of this kind needs at this body: an expulsion's (G5), otherwise none."""
    days = body_cases.body_rules(body).expulsion_notice_days if kind == EXPULSION_REQUEST else None
    return days or 0


def next_meeting(session, body: Body, kind: str | None = None) -> Meeting | None:
    """The body's next meeting far enough ahead to give the notice this kind of request needs (G5)."""
    earliest_day = clock.today() + dt.timedelta(days=notice_needed(body, kind or ""))
    earliest = clock.start_of_day(earliest_day)
    return session.execute(select(Meeting).where(Meeting.body_id == body.id, Meeting.starts_at > utcnow(),
                                                 Meeting.starts_at >= earliest)
                           .order_by(Meeting.starts_at).limit(1)).scalar_one_or_none()



def waiting_requests_for(session, body: Body) -> list[DecisionRequest]:
    """Pending requests routed to this body and not yet on any agenda."""
    routes_ = routes(session)
    placed = select(AgendaItem.decision_request_id).where(AgendaItem.decision_request_id.is_not(None))
    pending = session.execute(select(DecisionRequest).where(
        DecisionRequest.status == request_rules.PENDING, DecisionRequest.id.not_in(placed))
        .order_by(DecisionRequest.requested_at)).scalars()
    return [r for r in pending if routing.route(r.kind, routes_) is body]



def place_request(session, meeting: Meeting, request: DecisionRequest, notified_on: dt.date) -> AgendaItem:
    """Put a decision request on a meeting's agenda, once."""
    item = AgendaItem(id=uuid.uuid4(), meeting_id=meeting.id, position=next_position(session, meeting.id),
                      title=request.title, kind="request", notified_on=notified_on, decision_request_id=request.id)
    session.add(item)
    session.flush()
    return item



def answer_request(uow: UnitOfWork, request: DecisionRequest, decision: Decision, status: str | None = None,
                   decided_on: dt.date | None = None) -> None:
    """Close the request with the decision and tell the requester (governance.decision.made v1); `decided_on`,
    the day of the meeting or resolution that decided it, is the day its effects date from."""
    request.status = status or request_rules.decide(request.status, decision.outcome)
    request.outcome, request.note = decision.outcome, decision.note
    request.decision_id, request.decided_at = decision.id, decision.decided_at
    uow.publish("governance.decision.made", subject=f"decision/{decision.id}", data={
        "decision_id": decision.id, "request_id": request.id, "kind": request.kind,
        "subject": request.subject, "outcome": decision.outcome, "note": decision.note,
        "decided_on": decided_on or clock.local_date(decision.decided_at)})


def quorate(session, meeting: Meeting, body: Body) -> bool:
    """Whether the attendance recorded for the meeting reaches the body's quorum of voting members."""
    day = clock.local_date(meeting.starts_at)
    roles = {s.id: s.role for s in body_cases.seats_of(session, body.id) if body_cases.term(s).active_on(day)}
    attendance = {a.seat_id: a.status for a in session.execute(
        select(Attendance).where(Attendance.meeting_id == meeting.id)).scalars()}
    try:
        rules.quorum_present(body_cases.body_rules(body), attendance, roles)
    except RuleViolation:
        return False
    return True


def minute_request(session, meeting: Meeting, request: DecisionRequest) -> AgendaItem:
    """The request's item on the agenda of the meeting that decided it: moved there if it waited on another
    meeting's agenda (refused if a motion was already moved on it there), or added."""
    item = session.execute(select(AgendaItem).where(AgendaItem.decision_request_id == request.id)
                           ).scalar_one_or_none()
    if item is None:
        return place_request(session, meeting, request, clock.local_date(request.requested_at))
    if item.meeting_id != meeting.id:
        if session.execute(select(Motion.id).where(Motion.agenda_item_id == item.id)).first():
            raise RuleViolation("This request has a motion on another meeting's agenda: decide it there.")
        item.meeting_id, item.position = meeting.id, next_position(session, meeting.id)
        session.flush()
    return item



def publish_recorded(uow: UnitOfWork, decision: Decision, tally: dict | None, declarations: list[dict],
                     decided_on: dt.date | None = None) -> None:
    uow.publish("governance.decision.recorded", subject=f"decision/{decision.id}", data={
        "decision_id": decision.id, "body_id": decision.body_id, "meeting_id": decision.meeting_id,
        "agenda_item_id": decision.agenda_item_id, "request_id": decision.decision_request_id,
        "kind": decision.kind, "subject": decision.subject, "title": decision.title, "outcome": decision.outcome,
        "note": decision.note, "votes": tally and {k: tally[k] for k in rules.VOTES},
        "declarations": declarations, "decided_on": decided_on or clock.local_date(decision.decided_at)})
