"""Use cases for decision requests."""
from __future__ import annotations

import uuid

from hubkit.db import utcnow
from hubkit.events import Envelope
from hubkit.unit_of_work import UnitOfWork

from ..adapters.orm import DecisionRequest
from ..domain import decisions as rules


def receive_request(uow: UnitOfWork, event: Envelope) -> None:
    """File a request for a decision from another service, pending until a body decides."""
    uow.session.add(DecisionRequest(
        id=uuid.UUID(str(event.data["request_id"])), kind=event.data["kind"], subject=event.subject,
        title=event.data["title"], requested_by=event.producer, status=rules.PENDING,
        requested_at=event.occurred_at))


def record_decision(uow: UnitOfWork, request: DecisionRequest, outcome: str, note: str) -> DecisionRequest:
    """Record the decision (until meetings land, a manager or board member records it) and publish it."""
    request.status = rules.decide(request.status, outcome)
    request.outcome, request.note = outcome, note
    request.decision_id, request.decided_at = uuid.uuid4(), utcnow()
    uow.publish("governance.decision.made", subject=f"decision/{request.decision_id}", data={
        "decision_id": request.decision_id, "request_id": request.id, "kind": request.kind,
        "subject": request.subject, "outcome": outcome, "note": note})
    uow.commit()
    return request
