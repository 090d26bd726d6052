"""Use cases for decision requests: filed from events, put on the right body's next agenda, answered."""
from __future__ import annotations

import uuid

from sqlalchemy import select

from hubkit.db import utcnow
from hubkit.events import Envelope
from hubkit.unit_of_work import UnitOfWork

from ..adapters.orm import AgendaItem, Body, Decision, DecisionRequest, Meeting
from ..domain import decisions as rules
from ..domain import routing
from . import bodies as body_cases
from . import meetings as meeting_cases


def _routes(session) -> list[tuple[Body, tuple[str, ...]]]:
    bodies = session.execute(select(Body).order_by(Body.created_at)).scalars()
    return [(b, body_cases.body_rules(b).decides) for b in bodies]


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
    routes = _routes(uow.session)
    if not routing.is_known(kind, routes):
        request.status = rules.REFUSED
        decision = Decision(id=uuid.uuid4(), kind=kind, subject=request.subject, title=request.title,
                            outcome="rejected", note=f"Governance has no body that decides '{kind}' requests.",
                            votes={}, declarations=[], decided_at=utcnow(), decision_request_id=request.id)
        uow.session.add(decision)
        answer_request(uow, request, decision, status=rules.REFUSED)
        meeting_cases.publish_recorded(uow, decision, None, [])
        return
    body = routing.route(kind, routes)
    if body is not None:
        meeting = next_meeting(uow.session, body)
        if meeting is not None:
            meeting_cases.place_request(uow.session, meeting, request, utcnow().date())


def next_meeting(session, body: Body) -> Meeting | None:
    return session.execute(select(Meeting).where(Meeting.body_id == body.id, Meeting.starts_at > utcnow())
                           .order_by(Meeting.starts_at).limit(1)).scalar_one_or_none()


def waiting_requests_for(session, body: Body) -> list[DecisionRequest]:
    """Pending requests routed to this body and not yet on any agenda."""
    routes = _routes(session)
    placed = select(AgendaItem.decision_request_id).where(AgendaItem.decision_request_id.is_not(None))
    pending = session.execute(select(DecisionRequest).where(
        DecisionRequest.status == rules.PENDING, DecisionRequest.id.not_in(placed))
        .order_by(DecisionRequest.requested_at)).scalars()
    return [r for r in pending if routing.route(r.kind, routes) is body]


def answer_request(uow: UnitOfWork, request: DecisionRequest, decision: Decision, status: str | None = None) -> None:
    """Close the request with the decision and tell the requester (governance.decision.made v1)."""
    request.status = status or rules.decide(request.status, decision.outcome)
    request.outcome, request.note = decision.outcome, decision.note
    request.decision_id, request.decided_at = decision.id, decision.decided_at
    uow.publish("governance.decision.made", subject=f"decision/{decision.id}", data={
        "decision_id": decision.id, "request_id": request.id, "kind": request.kind,
        "subject": request.subject, "outcome": decision.outcome, "note": decision.note})


def record_decision(uow: UnitOfWork, request: DecisionRequest, outcome: str, note: str) -> DecisionRequest:
    """Record a decision taken outside a minuted vote (by a manager or board member) and publish it."""
    rules.decide(request.status, outcome)
    decision = Decision(id=uuid.uuid4(), kind=request.kind, subject=request.subject, title=request.title,
                        outcome=outcome, note=note, votes={}, declarations=[], decided_at=utcnow(),
                        decision_request_id=request.id)
    uow.session.add(decision)
    answer_request(uow, request, decision)
    meeting_cases.publish_recorded(uow, decision, None, [])
    uow.commit()
    return request
