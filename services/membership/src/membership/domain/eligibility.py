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


EXPIRY_WARNINGS = (30, 7, 0)  # M1: days before an expiry date when the member and the managers are warned


def expiry_warning_due(expires_on: dt.date, today: dt.date, warned_for: dt.date | None,
                       warned_within: int | None) -> int | None:
    """The warning (30, 7 or 0 days) owed for evidence expiring on `expires_on`, once per threshold: the nearest
    threshold reached, when not warned of it (or a nearer one) for this expiry date yet; None when nothing is owed.
    A warning given before thresholds were counted (warned_for set, warned_within unknown) was the 30-day one."""
    days_left = (expires_on - today).days
    reached = [days for days in EXPIRY_WARNINGS if 0 <= days_left <= days]
    if not reached:
        return None
    threshold = min(reached)
    if warned_for == expires_on:
        already = EXPIRY_WARNINGS[0] if warned_within is None else warned_within
        if already <= threshold:
            return None
    return threshold


# The organisations whose expiring evidence still needs someone (issue 14 item 1): members and those on the way in,
# not those refused or gone.
STILL_WITH_US = ("applicant", "in_due_diligence", "awaiting_decision", "active", "suspended", "lapsed")


def expiry_counts_horizon(today: dt.date) -> dict[str, dt.date]:
    """M1's warning thresholds (30, 7, 0 days) as the last expiry date each counts, from today."""
    return {f"within_{days}": today + dt.timedelta(days=days) for days in EXPIRY_WARNINGS}
