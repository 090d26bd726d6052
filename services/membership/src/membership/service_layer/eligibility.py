"""Eligibility for new work: lost when required evidence with an expiry date runs out, regained on renewal."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from hubkit.paging import Order, asc
from hubkit.unit_of_work import UnitOfWork, in_every_consortium
from hubkit import clock

from ..adapters.orm import DueDiligenceEvidence, Organisation
from ..domain import eligibility as rules
from .due_diligence import as_evidence, checklist, evidence_of
from .events import organisation_fields, subject

EXPIRY_WARNING_DAYS = rules.EXPIRY_WARNINGS[0]


def review_eligibility(uow: UnitOfWork, org: Organisation, today: dt.date) -> None:
    """Set the organisation's eligibility from its evidence, publishing a change (not committing)."""
    evidence = {kind: as_evidence(row) for kind, row in evidence_of(uow.session, org).items()}
    reasons = rules.reasons_not_eligible(checklist(uow.session), evidence, today)
    eligible = not reasons
    if org.status in rules.MEMBERS_WITH_WORK and eligible != org.eligible_for_new_work:
        org.eligible_for_new_work = eligible
        uow.publish("membership.eligibility.changed", subject=subject(org),
                    data=organisation_fields(org) | {"eligible_for_new_work": eligible, "reasons": reasons})


def expiring(session, today: dt.date, within_days: int = EXPIRY_WARNING_DAYS) -> list[tuple[Organisation, DueDiligenceEvidence]]:
    """Evidence with an expiry date in the next `within_days` days, soonest first."""
    rows = session.execute(expiring_query(today, within_days).with_only_columns(Organisation, DueDiligenceEvidence)
                           .order_by(DueDiligenceEvidence.expires_on))
    return [(org, evidence) for org, evidence in rows.all()]


# GET /due-diligence/expiring: soonest first, then by organisation and kind (ix_due_diligence_evidence_expiring),
# paged in SQL; expires_on is never NULL among the rows the filter keeps.
EXPIRING_ORDER = Order(asc(DueDiligenceEvidence.expires_on), asc(Organisation.name, "organisation_name"),
                       asc(Organisation.id, "organisation_id"), asc(DueDiligenceEvidence.kind))


def expiring_query(today: dt.date, within_days: int = EXPIRY_WARNING_DAYS):
    """Evidence with an expiry date in the next `within_days` days, with its organisation's id and name, for the
    caller to page in EXPIRING_ORDER."""
    until = today + dt.timedelta(days=within_days)
    return (select(Organisation.id.label("organisation_id"), Organisation.name.label("organisation_name"),
                   DueDiligenceEvidence.kind, DueDiligenceEvidence.expires_on)
            .select_from(DueDiligenceEvidence)
            .join(Organisation, Organisation.id == DueDiligenceEvidence.organisation_id)
            .where(DueDiligenceEvidence.expires_on.is_not(None), DueDiligenceEvidence.expires_on >= today,
                   DueDiligenceEvidence.expires_on <= until))


def review_all(uow: UnitOfWork, today: dt.date) -> int:
    """The daily review for one consortium: warn of expiring evidence once at 30, 7 and 0 days, act on what has
    expired."""
    changed = 0
    for org, evidence in expiring(uow.session, today):
        within = rules.expiry_warning_due(evidence.expires_on, today, evidence.expiry_warned_for,
                                          evidence.expiry_warned_within)
        if within is not None:
            evidence.expiry_warned_for, evidence.expiry_warned_within = evidence.expires_on, within
            uow.publish("membership.document.expiring", subject=subject(org), data={
                "organisation_id": org.id, "document_id": evidence.document_id, "kind": evidence.kind,
                "expires_on": evidence.expires_on, "within_days": within})
    expired = uow.session.execute(
        select(Organisation, DueDiligenceEvidence).join(DueDiligenceEvidence,
                                                        DueDiligenceEvidence.organisation_id == Organisation.id)
        .where(DueDiligenceEvidence.expires_on < today, DueDiligenceEvidence.expired_noted.is_(False))).all()
    for org, evidence in expired:
        evidence.expired_noted = True
        uow.publish("membership.document.expired", subject=subject(org), data={
            "organisation_id": org.id, "document_id": evidence.document_id, "kind": evidence.kind,
            "expires_on": evidence.expires_on})
    for org in uow.session.execute(select(Organisation).where(
            Organisation.status.in_(rules.MEMBERS_WITH_WORK)).with_for_update()).scalars():
        before = org.eligible_for_new_work
        review_eligibility(uow, org, today)
        changed += before != org.eligible_for_new_work
    uow.commit()
    return changed


def review_every_consortium(db, settings) -> int:
    """The worker's periodic task: run the expiry review for each consortium this service holds."""
    return in_every_consortium(db, Organisation, lambda uow: review_all(uow, clock.today()),
                               actor="system:expiry-review", service=settings.service)
