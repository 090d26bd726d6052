"""Use cases for organisations: each takes a unit of work and commits state and events together."""
from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import select

from hubkit.domain import RuleViolation
from hubkit.events import Envelope
from hubkit.paging import Order, asc
from hubkit.unit_of_work import UnitOfWork
from hubkit import clock

from ..adapters.orm import Contact, MembershipChange, Organisation, QualityMark
from ..domain import organisations as rules
from .due_diligence import outstanding_for
from .events import capability_fields, organisation_fields, profile_fields, subject

CAPABILITY_FIELDS = {"service_categories", "areas_served", "capacity", "past_contracts"}
CHANGE_EVENTS = {rules.SUSPENDED: "membership.member.suspended", rules.LAPSED: "membership.member.lapsed",
                 rules.WITHDRAWN: "membership.member.withdrawn", rules.EXPELLED: "membership.member.expelled",
                 rules.ACTIVE: "membership.member.reinstated"}


def _record_change(uow: UnitOfWork, org: Organisation, to: str, reason: str, effective_on: dt.date,
                   decision_id: uuid.UUID | None = None) -> None:
    uow.session.add(MembershipChange(organisation_id=org.id, from_status=org.status, to_status=to, reason=reason,
                                     effective_on=effective_on, actor=uow.actor, decision_id=decision_id))
    org.status = to


def _apply_profile(org: Organisation, details: dict) -> list[str]:
    """Copy profile fields onto the organisation; return the names of those that changed."""
    changed = []
    for key, value in details.items():
        if key == "contacts":
            current = {c.role: (c.name, c.email, c.phone) for c in org.contacts}
            wanted = {c["role"]: (c["name"], c.get("email"), c.get("phone")) for c in value}
            if current != wanted:
                org.contacts = [Contact(organisation_id=org.id, role=role, name=n, email=e, phone=p)
                                for role, (n, e, p) in wanted.items()]
                changed.append(key)
        elif key == "quality_marks":
            current = sorted((q.name, q.expires_on) for q in org.quality_marks)
            wanted = sorted((q["name"], q.get("expires_on")) for q in value)
            if current != wanted:
                org.quality_marks = [QualityMark(organisation_id=org.id, name=n, expires_on=e) for n, e in wanted]
                changed.append(key)
        elif getattr(org, key) != value:
            setattr(org, key, value)
            changed.append(key)
    return changed


def register_organisation(uow: UnitOfWork, details: dict) -> Organisation:
    """Record a new organisation as an applicant (its application in draft) and tell the other services."""
    org = register(uow, details)
    uow.commit()
    return org


def register(uow: UnitOfWork, details: dict, reason: str = "Registered", on: dt.date | None = None) -> Organisation:
    """Register an organisation as an applicant (from `on`, today unless said) and publish it, without committing
    (an import adds many)."""
    org = Organisation(id=uuid.uuid4(), status=rules.APPLICANT, consortium_id=uow.tenant.consortium_id,
                       areas_served=[], client_groups=[], service_categories=[], diversity=[], contacts=[],
                       quality_marks=[], past_contracts=[])
    uow.session.add(org)
    _apply_profile(org, details)
    uow.session.flush()  # the organisation's row first: its history refers to it
    uow.session.add(MembershipChange(organisation_id=org.id, from_status=None, to_status=rules.APPLICANT,
                                     reason=reason, effective_on=on or clock.today(), actor=uow.actor))
    uow.publish("membership.organisation.registered", subject=subject(org), data=profile_fields(org))
    if org.service_categories or org.areas_served:  # M2: on the register from the start, not only once edited
        uow.publish("membership.capability.updated", subject=subject(org), data=capability_fields(org))
    return org


def activate_existing_member(uow: UnitOfWork, org: Organisation, member_since: dt.date, reason: str) -> None:
    """An organisation that was a member before the consortium used the hub (M1's approval is history): active
    since the day it joined, announced as any activation is (without a decision of the hub's; not committing)."""
    _record_change(uow, org, rules.ACTIVE, reason, member_since)
    uow.publish("membership.member.activated", subject=subject(org), data=organisation_fields(org) | {
        "decision_id": None})


def update_profile(uow: UnitOfWork, org: Organisation, details: dict) -> Organisation:
    """Change the profile; publish what changed (nothing is published when nothing changed)."""
    changed = _apply_profile(org, details)
    if changed:
        uow.session.flush()
        uow.publish("membership.organisation.updated", subject=subject(org), data=profile_fields(org) | {
            "changed": sorted(changed), "areas_served": org.areas_served,
            "service_categories": org.service_categories})
        if CAPABILITY_FIELDS.intersection(changed):
            uow.publish("membership.capability.updated", subject=subject(org), data=capability_fields(org))
    uow.commit()
    return org


def submit_application(uow: UnitOfWork, org: Organisation) -> Organisation:
    """M1: the draft application is submitted; due diligence starts."""
    if org.status != rules.APPLICANT:
        raise RuleViolation(f"Only a draft application can be submitted (status is {org.status}).", "M1")
    _record_change(uow, org, rules.IN_DUE_DILIGENCE, "Application submitted", clock.today())
    uow.publish("membership.application.submitted", subject=subject(org), data=organisation_fields(org))
    uow.commit()
    return org


def put_to_board(uow: UnitOfWork, org: Organisation) -> Organisation:
    """M1: with due diligence complete, ask governance for the board's decision."""
    status = rules.put_to_board(org.status, outstanding_for(uow.session, org))
    _record_change(uow, org, status, "Due diligence complete; put to the board", clock.today())
    org.decision_request_id = uuid.uuid4()
    uow.publish("membership.decision.requested", subject=subject(org), data={
        "request_id": org.decision_request_id, "kind": "membership_application",
        "title": f"Membership application: {org.name}", "organisation_id": org.id})
    uow.commit()
    return org


def request_expulsion(uow: UnitOfWork, org: Organisation, reason: str) -> Organisation:
    """G5: ask governance to put the member's expulsion to the Partners Group; its decision comes by event."""
    rules.request_expulsion(org.status, org.expulsion_request_id is not None)
    org.expulsion_request_id = uuid.uuid4()
    uow.publish("membership.decision.requested", subject=subject(org), data={
        "request_id": org.expulsion_request_id, "kind": "membership_expulsion",
        "title": f"Expulsion of {org.name}: {reason}"[:300], "organisation_id": org.id})
    uow.commit()
    return org


def _expel(uow: UnitOfWork, org: Organisation, decision_id: uuid.UUID, title: str | None, note: str | None,
           effective_on: dt.date) -> None:
    """G5: the Partners Group's approved expulsion takes effect once, whichever event brings it first."""
    org.expulsion_request_id = None
    if org.status == rules.EXPELLED or org.status not in rules.MEMBERSHIP_CHANGES[rules.EXPELLED]:
        return
    reason = "Expelled by decision of the Partners Group (G5)" + (f": {title}" if title else "") \
        + (f" ({note})" if note else "")
    _change(uow, org, rules.EXPELLED, reason, effective_on, decision_id)


def decided_on(event: Envelope) -> dt.date:
    """The day a governance decision was taken (its meeting's or resolution's), which its effects date from;
    the event's own day for a producer that does not say."""
    day = event.data.get("decided_on")
    if day is None:
        return clock.local_date(event.occurred_at)
    return day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day))


def apply_decision(uow: UnitOfWork, event: Envelope) -> None:
    """M1: act on governance's decision about an application (G5: or on an expulsion we asked for);
    unknown or repeated decisions change nothing."""
    if event.data["kind"] == "membership_expulsion":
        org = _organisation_named(uow, event.data["subject"])
        if org is None or org.expulsion_request_id != uuid.UUID(str(event.data["request_id"])):
            return  # not ours, or already answered
        if event.data["outcome"] == "approved":
            _expel(uow, org, uuid.UUID(str(event.data["decision_id"])), None,
                   event.data.get("note"), decided_on(event))
        else:
            org.expulsion_request_id = None  # the member stays; a new request may be made
        return
    if event.data["kind"] != "membership_application":
        return
    org_id = uuid.UUID(event.data["subject"].split("/", 1)[1])
    org = _locked(uow, org_id)
    if org is None or org.decision_request_id != uuid.UUID(str(event.data["request_id"])) \
            or org.status != rules.AWAITING_DECISION:
        return  # not ours, an outdated request, or already decided
    decision_id = uuid.UUID(str(event.data["decision_id"]))
    to = rules.decide_application(org.status, event.data["outcome"])
    reason = event.data.get("note") or ("Approved by the board" if to == rules.ACTIVE else "Rejected by the board")
    _record_change(uow, org, to, reason, decided_on(event), decision_id)
    verb = "membership.member.activated" if to == rules.ACTIVE else "membership.application.rejected"
    uow.publish(verb, subject=subject(org), data=organisation_fields(org) | {"decision_id": decision_id})


def change_membership(uow: UnitOfWork, org: Organisation, to: str, reason: str, effective_on: dt.date,
                      decision_id: uuid.UUID | None) -> Organisation:
    """Suspend, lapse, withdraw, expel or reinstate a member, keeping the history."""
    _change(uow, org, to, reason, effective_on, decision_id)
    uow.commit()
    return org


def _change(uow: UnitOfWork, org: Organisation, to: str, reason: str, effective_on: dt.date,
            decision_id: uuid.UUID | None) -> None:
    """Check, record and publish one membership change (the caller commits)."""
    rules.change_membership(org.status, to, decision_id)
    _record_change(uow, org, to, reason, effective_on, decision_id)
    uow.publish(CHANGE_EVENTS[to], subject=subject(org), data=organisation_fields(org) | {
        "reason": reason, "effective_on": effective_on, "decision_id": decision_id})


def _locked(uow: UnitOfWork, org_id: uuid.UUID) -> Organisation | None:
    """The organisation, locked until commit so that changes to it (and their events) happen one at a time."""
    return uow.session.execute(select(Organisation).where(Organisation.id == org_id).with_for_update()
                               ).scalar_one_or_none()


def _organisation_named(uow: UnitOfWork, reference: str | None) -> Organisation | None:
    """The organisation an event names as `organisation/<id>` (or by bare id), if it is on our register."""
    if not reference:
        return None
    try:
        org_id = uuid.UUID(str(reference).removeprefix("organisation/"))
    except ValueError:
        return None
    return _locked(uow, org_id)


def apply_expulsion(uow: UnitOfWork, event: Envelope) -> None:
    """G5: an approved Partners Group decision to expel a member takes effect, with the decision behind it.

    Other decisions, members not on the register, and a member already expelled (the same fact in a
    second event) change nothing.
    """
    data = event.data
    if data["kind"] != "membership_expulsion" or data["outcome"] != "approved":
        return
    org = _organisation_named(uow, data.get("subject"))
    if org is not None:
        _expel(uow, org, uuid.UUID(str(data["decision_id"])), data["title"], data.get("note"), decided_on(event))


def apply_seat_lapse(uow: UnitOfWork, event: Envelope) -> None:
    """G4: an organisation whose seat lapsed for missed meetings lapses as a member too.

    Seats held for no organisation, organisations not on the register, and members that are not active
    or suspended (already lapsed by another event, withdrawn, expelled) change nothing.
    """
    data = event.data
    org = _organisation_named(uow, data.get("organisation_id"))
    if org is None or org.status not in rules.MEMBERSHIP_CHANGES[rules.LAPSED]:
        return
    reason = (f"G4: {data['person_name']} attended {data['meetings_attended']} of the "
              f"{data['meetings_required']} meetings required in {data['year']}; the seat lapsed")
    _change(uow, org, rules.LAPSED, reason, dt.date.fromisoformat(str(data["lapsed_on"])[:10]), None)


# GET /organisations/<id>/history: oldest first (ix_membership_change_history), paged in SQL.
HISTORY_ORDER = Order(asc(MembershipChange.recorded_at), asc(MembershipChange.id))


def history_query(org: Organisation):
    """The organisation's changes of membership status, for the caller to page in HISTORY_ORDER."""
    return select(MembershipChange).where(MembershipChange.organisation_id == org.id)
