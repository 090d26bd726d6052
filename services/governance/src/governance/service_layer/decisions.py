"""Use cases for decision requests: filed from events, put on the right body's next agenda, answered."""
from __future__ import annotations

import uuid

from hubkit.db import utcnow
from hubkit.events import Envelope
from hubkit.unit_of_work import UnitOfWork
from hubkit import clock

from ..adapters.orm import Decision, DecisionRequest
from ..domain import decisions as rules
from ..domain import routing
from . import agenda


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
        meeting = agenda.next_meeting(uow.session, body, kind)
        if meeting is not None:
            agenda.place_request(uow.session, meeting, request, clock.today())


def record_decision(uow: UnitOfWork, request: DecisionRequest, outcome: str, note: str) -> DecisionRequest:
    """Record a decision taken outside a minuted vote (by a manager or board member) and publish it."""
    rules.check_outside_a_meeting(request.kind)
    rules.decide(request.status, outcome)
    decision = Decision(id=uuid.uuid4(), kind=request.kind, subject=request.subject, title=request.title,
                        outcome=outcome, note=note, votes={}, declarations=[], decided_at=utcnow(),
                        decision_request_id=request.id)
    uow.session.add(decision)
    agenda.answer_request(uow, request, decision)
    agenda.publish_recorded(uow, decision, None, [])
    uow.commit()
    return request
