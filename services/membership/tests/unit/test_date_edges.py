"""Expiry of due-diligence evidence at its edges: valid through its expiry day, expired the day after."""
from __future__ import annotations

import datetime as dt

from membership.domain.due_diligence import DEFAULT_CHECKLIST, Evidence, outstanding


def _insurance(expires_on: dt.date) -> dict[str, Evidence]:
    evidence = {r.kind: Evidence(r.kind, provided_on=dt.date(2026, 1, 5), expires_on=dt.date(2099, 1, 1),
                                 cover_pence=500_000_000 if r.needs_cover else None, verified_by="Morgan",
                                 verified_on=dt.date(2026, 1, 6)) for r in DEFAULT_CHECKLIST}
    kind = next(r.kind for r in DEFAULT_CHECKLIST if r.needs_expiry and r.needs_cover)
    evidence[kind] = Evidence(kind, provided_on=dt.date(2026, 1, 5), expires_on=expires_on, cover_pence=500_000_000,
                              verified_by="Morgan", verified_on=dt.date(2026, 1, 6))
    return evidence


def test_m1_insurance_expiring_on_new_years_eve_is_current_that_day_and_expired_on_new_years_day():
    evidence = _insurance(dt.date(2026, 12, 31))
    assert outstanding(DEFAULT_CHECKLIST, evidence, dt.date(2026, 12, 31)) == []
    assert [p for p in outstanding(DEFAULT_CHECKLIST, evidence, dt.date(2027, 1, 1)) if "has expired" in p]


def test_m1_evidence_expiring_on_a_leap_day_expires_on_1_march():
    evidence = _insurance(dt.date(2028, 2, 29))
    assert outstanding(DEFAULT_CHECKLIST, evidence, dt.date(2028, 2, 29)) == []
    assert outstanding(DEFAULT_CHECKLIST, evidence, dt.date(2028, 3, 1))
