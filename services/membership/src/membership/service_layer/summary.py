"""What needs the caller in membership (issue 14 item 1): due-diligence evidence expiring within M1's warning
thresholds (30, 7 and 0 days) or already expired, counted in one statement on the expiry index and the soonest few
listed. Member staff see their own organisation's only (the session's tenant scoping)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, case, func, select

from hubkit.summaries import TOP, item, section

from ..adapters.orm import DueDiligenceEvidence, Organisation
from ..domain import due_diligence as checklist_rules
from ..domain import eligibility as rules


def _expiring(today: dt.date):
    return and_(DueDiligenceEvidence.expires_on.is_not(None),
                DueDiligenceEvidence.expires_on <= rules.expiry_counts_horizon(today)["within_30"],
                Organisation.status.in_(rules.STILL_WITH_US))


def evidence_expiring(session, today: dt.date) -> dict:
    """How much evidence expires within 30, within 7 days, today, and has expired, and the soonest few
    (expired first): each with its organisation and checklist label."""
    horizon = rules.expiry_counts_horizon(today)
    joined = (select().select_from(DueDiligenceEvidence)
              .join(Organisation, Organisation.id == DueDiligenceEvidence.organisation_id).where(_expiring(today)))
    expires = DueDiligenceEvidence.expires_on
    counts = session.execute(joined.add_columns(  # counts name the evidence: hubkit scopes by the columns' entities
        func.count(case((expires >= today, DueDiligenceEvidence.id))),
        func.count(case((and_(expires >= today, expires <= horizon["within_7"]), 1))),
        func.count(case((expires == today, 1))),
        func.count(case((expires < today, 1))))).one()
    rows = session.execute(joined.add_columns(
        DueDiligenceEvidence.id, DueDiligenceEvidence.kind, DueDiligenceEvidence.expires_on,
        Organisation.id.label("organisation_id"), Organisation.name)
        .order_by(expires, Organisation.name, DueDiligenceEvidence.id).limit(TOP)).all()
    items = [item(row.id, checklist_rules.KINDS[row.kind].label if row.kind in checklist_rules.KINDS else row.kind,
                  row.expires_on, about=row.name, parent_id=row.organisation_id) for row in rows]
    return section(counts[0] + counts[3], items) | {"within_30": counts[0], "within_7": counts[1],
                                                    "today": counts[2], "expired": counts[3]}


def summary(session, today: dt.date) -> dict:
    return {"today": today, "evidence_expiring": evidence_expiring(session, today)}
