"""Use cases for the hub model (H1), its function assignments (H2) and service standards (H3)."""
from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import select

from hubkit.db import utcnow
from hubkit.domain import InvalidField, RuleViolation
from hubkit.unit_of_work import UnitOfWork

from ..adapters.orm import Decision, FunctionAssignment, HubModelChange, ServiceStandard
from ..domain import hub as rules
from . import references


def _subject(uow: UnitOfWork) -> str:
    return f"hub/{uow.tenant.consortium_id}"


def history(session) -> list[HubModelChange]:
    return list(session.execute(select(HubModelChange).order_by(HubModelChange.effective_from,
                                                                HubModelChange.recorded_at)).scalars())


def current_model(session) -> str | None:
    changes = history(session)
    return changes[-1].model if changes else None


def change_model(uow: UnitOfWork, model: str, effective_from: dt.date, decision_id: uuid.UUID,
                 host_organisation_id: uuid.UUID | None, note: str) -> HubModelChange:
    """H1: record the board's choice of hub model, tied to its decision."""
    decision = uow.session.execute(select(Decision).where(Decision.id == decision_id)).scalar_one_or_none()
    previous = current_model(uow.session)
    rules.check_model_change(previous, model, decision.outcome if decision else None,
                             decision.kind if decision else None)
    if model == rules.OUTSOURCED_TO_MEMBER and host_organisation_id is None:
        raise RuleViolation("Name the member organisation the hub is outsourced to.", rule="H1")
    references.check_organisation(uow.session, host_organisation_id, "host_organisation_id")
    change = HubModelChange(id=uuid.uuid4(), model=model, effective_from=effective_from, decision_id=decision_id,
                            host_organisation_id=host_organisation_id, note=note, recorded_at=utcnow())
    uow.session.add(change)
    uow.publish("governance.hub_model.changed", subject=_subject(uow), data={
        "model": model, "previous_model": previous, "effective_from": effective_from, "decision_id": decision_id,
        "host_organisation_id": host_organisation_id})
    uow.commit()
    return change


def assign_function(uow: UnitOfWork, function: str, delivered_by: str, organisation_id: uuid.UUID | None,
                    people: list[str], assigned_on: dt.date, decision_id: uuid.UUID | None) -> FunctionAssignment:
    """H2: who delivers a function from a date; the earlier assignments stay as history."""
    rules.check_assignment(delivered_by, organisation_id, people)
    references.check_organisation(uow.session, organisation_id)
    if decision_id is not None and uow.session.execute(
            select(Decision.id).where(Decision.id == decision_id)).first() is None:
        raise InvalidField.on("decision_id", "No such decision.")
    assignment = FunctionAssignment(id=uuid.uuid4(), function=function, delivered_by=delivered_by,
                                    organisation_id=organisation_id, people=people, assigned_on=assigned_on,
                                    decision_id=decision_id, recorded_at=utcnow())
    uow.session.add(assignment)
    uow.publish("governance.hub_function.assigned", subject=_subject(uow), data={
        "function": function, "delivered_by": delivered_by, "organisation_id": organisation_id, "people": people,
        "assigned_on": assigned_on, "decision_id": decision_id})
    uow.commit()
    return assignment


def agree_standard(uow: UnitOfWork, what: str, measure: str, target: str, agreed_on: dt.date) -> ServiceStandard:
    """H3: add a standard to an outsourced hub's service specification."""
    rules.check_service_standard(current_model(uow.session))
    standard = ServiceStandard(id=uuid.uuid4(), what=what, measure=measure, target=target, agreed_on=agreed_on)
    uow.session.add(standard)
    uow.publish("governance.service_standard.agreed", subject=_subject(uow), data={
        "standard_id": standard.id, "what": what, "measure": measure, "target": target, "agreed_on": agreed_on})
    uow.commit()
    return standard


def hub_view(session) -> dict:
    """The model and its history, who delivers each of the ten functions now, and the service standards."""
    assignments = list(session.execute(select(FunctionAssignment).order_by(
        FunctionAssignment.assigned_on, FunctionAssignment.recorded_at)).scalars())
    current = {a.function: a for a in assignments}
    return {
        "model": current_model(session), "history": history(session),
        "functions": [{"function": key, "title": title, "assignment": current.get(key),
                       "history": [a for a in assignments if a.function == key]}
                      for key, title in rules.FUNCTIONS.items()],
        "service_standards": list(session.execute(select(ServiceStandard).where(ServiceStandard.retired_on.is_(None))
                                                  .order_by(ServiceStandard.agreed_on)).scalars()),
    }
