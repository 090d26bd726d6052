"""Eligibility for new work: a member whose required evidence has expired gets no new work."""
from __future__ import annotations

import datetime as dt

from .due_diligence import Evidence, Requirement

MEMBERS_WITH_WORK = ("active", "suspended", "lapsed")


def reasons_not_eligible(checklist: tuple[Requirement, ...], evidence: dict[str, Evidence],
                         today: dt.date) -> list[str]:
    """Why a member may not be given new work now; empty when it may.

    Only expiry counts here: what was verified at joining stays verified, but insurance and
    registrations run out, and a renewal counts once it is verified.
    """
    reasons = []
    for requirement in checklist:
        if not (requirement.required and requirement.needs_expiry):
            continue
        item = evidence.get(requirement.kind)
        if item is None or item.expires_on is None:
            continue
        if item.expires_on < today:
            reasons.append(f"{requirement.label} expired on {item.expires_on.isoformat()}")
        elif not item.verified_by:
            reasons.append(f"{requirement.label} renewal is not verified yet")
    return reasons
