"""Use cases for due diligence (M1): the consortium's checklist, evidence provided, verification."""
from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import select

from hubkit.domain import RuleViolation
from hubkit.unit_of_work import UnitOfWork
from hubkit import clock

from ..adapters.orm import ComplianceDocument, DueDiligenceEvidence, DueDiligenceSetting, Organisation
from ..domain import due_diligence as rules


def checklist(session) -> tuple[rules.Requirement, ...]:
    """The consortium's checklist: the defaults, with the consortium's choices of what is required."""
    settings = {s.kind: s.required for s in session.execute(select(DueDiligenceSetting)).scalars()}
    return tuple(rules.Requirement(r.kind, r.label, settings.get(r.kind, r.required), r.needs_expiry, r.needs_cover)
                 for r in rules.DEFAULT_CHECKLIST)


def set_required(uow: UnitOfWork, kind: str, required: bool) -> tuple[rules.Requirement, ...]:
    """Make a checklist item required or optional for this consortium."""
    if kind not in rules.KINDS:
        raise LookupError(kind)
    setting = uow.session.execute(select(DueDiligenceSetting).where(DueDiligenceSetting.kind == kind)).scalar()
    if setting is None:
        uow.session.add(DueDiligenceSetting(kind=kind, required=required))
    else:
        setting.required = required
    uow.commit()
    return checklist(uow.session)


def evidence_of(session, org: Organisation) -> dict[str, DueDiligenceEvidence]:
    rows = session.execute(select(DueDiligenceEvidence).where(DueDiligenceEvidence.organisation_id == org.id))
    return {row.kind: row for row in rows.scalars()}


def newest_documents(session, org: Organisation) -> dict[str, ComplianceDocument]:
    """The newest uploaded document of each kind (without content): what a checklist item's evidence can be
    filled from."""
    newest: dict = {}
    for document in session.execute(select(ComplianceDocument).where(ComplianceDocument.organisation_id == org.id)
                                    .order_by(ComplianceDocument.uploaded_at, ComplianceDocument.id)).scalars():
        newest[document.kind] = document
    return newest


def as_evidence(row: DueDiligenceEvidence) -> rules.Evidence:
    return rules.Evidence(row.kind, row.provided_on, row.expires_on, row.cover_pence, row.verified_by, row.verified_on)


def outstanding_for(session, org: Organisation, today: dt.date | None = None) -> list[str]:
    """What still stops this organisation's application going to the board."""
    evidence = {kind: as_evidence(row) for kind, row in evidence_of(session, org).items()}
    return rules.outstanding(checklist(session), evidence, today or clock.today())


def provide(uow: UnitOfWork, org: Organisation, kind: str, details: dict) -> DueDiligenceEvidence:
    """Record evidence for one item; anything changed must be verified again."""
    requirement = rules.KINDS.get(kind)
    if requirement is None:
        raise LookupError(kind)
    if details.get("document_id"):
        document = uow.session.execute(select(ComplianceDocument.expires_on).where(
            ComplianceDocument.organisation_id == org.id, ComplianceDocument.id == details["document_id"])).first()
        if document is None:
            raise RuleViolation("That document is not one of this organisation's.", "M1")
        details = rules.filled_from_document(details, document.expires_on)
    missing = rules.missing_details(requirement, details.get("expires_on"), details.get("cover_pence"))
    if missing:
        raise RuleViolation(next(iter(missing.values())), "M1")
    row = evidence_of(uow.session, org).get(kind)
    if row is None:
        row = DueDiligenceEvidence(id=uuid.uuid4(), organisation_id=org.id, kind=kind, **details)
        uow.session.add(row)
    else:
        for key, value in details.items():
            setattr(row, key, value)
    row.verified_by = row.verified_on = None
    row.expired_noted = False
    uow.commit()
    return row


def verify(uow: UnitOfWork, org: Organisation, kind: str, verified_by: str, verified_on: dt.date) -> DueDiligenceEvidence:
    """A named person confirms the evidence on a date (M1)."""
    row = evidence_of(uow.session, org).get(kind)
    if row is None:
        raise RuleViolation(f"Nothing has been provided for {rules.KINDS[kind].label} yet.", "M1")
    rules.check_verification(rules.KINDS[kind].label, row.provided_on, row.expires_on, verified_on)
    row.verified_by, row.verified_on = verified_by, verified_on
    from .eligibility import review_eligibility  # a verified renewal can make the member eligible again

    review_eligibility(uow, org, verified_on)
    uow.commit()
    return row
