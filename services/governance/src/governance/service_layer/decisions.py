"""Use cases for decision requests: filed from events, put on the right body's next agenda, answered."""
from __future__ import annotations

import uuid

from sqlalchemy import select

from hubkit.db import utcnow
from hubkit.domain import InvalidField, RuleViolation
from hubkit.events import Envelope
from hubkit.unit_of_work import UnitOfWork
from hubkit import clock

from ..adapters.orm import Decision, DecisionRequest, Meeting, WrittenResolution
from ..domain import decisions as rules
from ..domain import routing
from . import agenda, papers
from . import bodies as body_cases


def receive_request(uow: UnitOfWork, event: Envelope) -> None:
    """File a request once (a repeat is ignored), put it on the next meeting of the body that decides its kind;
    a kind no body decides is recorded as refused and answered with a rejection."""
    request_id = uuid.UUID(str(event.data["request_id"]))
    if uow.session.get(DecisionRequest, request_id) is not None:
        return
    kind = event.data["kind"]
    request = DecisionRequest(id=request_id, kind=kind, subject=event.subject, title=event.data["title"],
                              requested_by=event.producer, status=rules.PENDING, requested_at=event.occurred_at)
    uow.session.add(request)
    uow.session.flush()
    routes = agenda.routes(uow.session)
    if not routing.is_known(kind, routes):
        request.status = rules.REFUSED
        decision = Decision(id=uuid.uuid4(), kind=kind, subject=request.subject, title=request.title,
                            outcome="rejected", note=f"Governance has no body that decides '{kind}' requests.",
                            votes={}, declarations=[], decided_at=utcnow(), decision_request_id=request.id)
        uow.session.add(decision)
        agenda.answer_request(uow, request, decision, status=rules.REFUSED)
        agenda.publish_recorded(uow, decision, None, [])
        return
    body = routing.route(kind, routes)
    if body is not None:
        uow.publish("governance.request.routed", subject=f"decision_request/{request.id}", data={
            "request_id": request.id, "kind": kind, "title": request.title, "body_id": body.id,
            "body_name": body.name, "seat_accounts": papers.seat_accounts(uow.session, body.id, clock.today())})
        meeting = agenda.next_meeting(uow.session, body, kind)
        if meeting is not None:
            agenda.place_request(uow.session, meeting, request, clock.today())


def record_decision(uow: UnitOfWork, request: DecisionRequest, outcome: str, note: str, account: str,
                    meeting_id: uuid.UUID | None = None,
                    written_resolution_id: uuid.UUID | None = None) -> DecisionRequest:
    """Record a decision the deciding body took at a meeting (minutes kept outside the hub) or by written
    resolution: only its chair or secretary does, naming where it was taken; it is minuted on that meeting's
    agenda (the request's item moves there if it waited on a later one) and published as the body's decision."""
    rules.check_outside_a_meeting(request.kind)
    rules.decide(request.status, outcome)
    session = uow.session
    body = routing.route(request.kind, agenda.routes(session))
    if body is None:
        raise RuleViolation(f"No body decides '{request.kind}' requests.")
    now = utcnow()
    role = body_cases.officer_role(session, body.id, account, clock.today())
    rules.check_recorder(role, body.name)
    meeting = item = resolution = None
    if meeting_id is not None:
        meeting = session.execute(select(Meeting).where(Meeting.id == meeting_id)).scalar_one_or_none()
        if meeting is None:
            raise InvalidField.on("meeting_id", "No such meeting.")
        rules.check_from_meeting(body.id, body.name, rules.MeetingHeld(
            meeting.body_id, meeting.starts_at, agenda.quorate(session, meeting, body)), now)
        item = agenda.minute_request(session, meeting, request)
        where = f"at {meeting.title} on {clock.local_date(meeting.starts_at):%d %B %Y}"
    else:
        resolution = session.execute(select(WrittenResolution).where(
            WrittenResolution.id == written_resolution_id)).scalar_one_or_none()
        if resolution is None:
            raise InvalidField.on("written_resolution_id", "No such written resolution.")
        rules.check_from_resolution(body.id, body.name, resolution.body_id, resolution.status, outcome)
        where = f"by written resolution circulated on {resolution.circulated_on:%d %B %Y}"
    recorded = f"Decided by {body.name} {where}; recorded by its {role}, {account}."
    decision = Decision(id=uuid.uuid4(), body_id=body.id, meeting_id=meeting.id if meeting else None,
                        agenda_item_id=item.id if item else None, kind=request.kind, subject=request.subject,
                        title=request.title, outcome=outcome, note=f"{recorded} {note}".strip(), votes={},
                        declarations=[], decided_at=now, decision_request_id=request.id,
                        recorded_by=f"{account} ({role})",
                        written_resolution_id=resolution.id if resolution else None)
    session.add(decision)
    session.flush()
    if meeting is not None:
        decided_on = clock.local_date(meeting.starts_at)
    else:
        closed = session.execute(select(Decision.decided_at).where(Decision.id == resolution.decision_id)).scalar()
        decided_on = clock.local_date(closed or now)
    agenda.answer_request(uow, request, decision, decided_on=decided_on)
    agenda.publish_recorded(uow, decision, None, [], decided_on=decided_on)
    uow.commit()
    return request
