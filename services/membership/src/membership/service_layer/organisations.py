"""Use cases for organisations: each takes a unit of work and commits state and events together."""
from __future__ import annotations

import uuid

from sqlalchemy import select

from hubkit.events import Envelope
from hubkit.unit_of_work import UnitOfWork

from ..adapters.orm import Organisation
from ..domain import organisations as rules


def _subject(org: Organisation) -> str:
    return f"organisation/{org.id}"


def _fields(org: Organisation) -> dict:
    return {"organisation_id": org.id, "name": org.name, "legal_form": org.legal_form, "status": org.status}


def register_organisation(uow: UnitOfWork, details: dict) -> Organisation:
    """Record a new organisation as an applicant and tell the other services."""
    org = Organisation(id=uuid.uuid4(), status=rules.APPLICANT, **details)
    uow.session.add(org)
    uow.session.flush()
    uow.publish("membership.organisation.registered", subject=_subject(org), data=_fields(org) | {
        "charity_number": org.charity_number, "company_number": org.company_number, "postcode": org.postcode})
    uow.commit()
    return org


def submit_application(uow: UnitOfWork, org: Organisation) -> Organisation:
    """M1: put the application to the board by asking governance for a decision."""
    org.status = rules.submit_application(org.status)
    org.decision_request_id = uuid.uuid4()
    uow.publish("membership.decision.requested", subject=_subject(org), data={
        "request_id": org.decision_request_id, "kind": "membership_application",
        "title": f"Membership application: {org.name}", "organisation_id": org.id})
    uow.commit()
    return org


def apply_decision(uow: UnitOfWork, event: Envelope) -> None:
    """M1: act on governance's decision about an application."""
    if event.data["kind"] != "membership_application":
        return
    org_id = uuid.UUID(event.data["subject"].split("/", 1)[1])
    org = uow.session.execute(select(Organisation).where(Organisation.id == org_id)).scalar_one_or_none()
    if org is None or org.decision_request_id != uuid.UUID(str(event.data["request_id"])):
        return  # not ours, or an outdated request
    org.status = rules.decide_application(org.status, event.data["outcome"])
    verb = "membership.member.activated" if org.status == rules.ACTIVE else "membership.application.rejected"
    uow.publish(verb, subject=_subject(org), data=_fields(org) | {"decision_id": event.data["decision_id"]})
