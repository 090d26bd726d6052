"""Capability search (M2) and the membership reports (M2 gaps, M3 diversity)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Select, select

from ..adapters.orm import MembershipChange, Organisation
from ..domain import organisations as lifecycle
from ..domain import reports
from .directory import search_directory
from hubkit import clock

LEFT = {lifecycle.WITHDRAWN, lifecycle.EXPELLED, lifecycle.LAPSED, lifecycle.REJECTED}


def capable_members(session, service_category: str, area: str) -> Select:
    """M2: active members, eligible for new work, who deliver this category in this area (a select to page)."""
    return search_directory(session, status=lifecycle.ACTIVE, eligible=True, service_category=service_category,
                            area=area)


def _snapshots(session) -> list[reports.MemberSnapshot]:
    changes: dict = {}
    for change in session.execute(select(MembershipChange).order_by(MembershipChange.recorded_at)).scalars():
        changes.setdefault(change.organisation_id, []).append(change)
    snapshots = []
    for org in session.execute(select(Organisation)).scalars():
        history = changes.get(org.id, [])
        joined = next((c.effective_on for c in history if c.to_status == lifecycle.ACTIVE), None)
        left = next((c.effective_on for c in reversed(history) if c.to_status in LEFT), None)
        if left and joined and left < joined:
            left = None
        snapshots.append(reports.MemberSnapshot(org.status, tuple(org.service_categories or ()),
                                                tuple(org.areas_served or ()), tuple(org.diversity or ()),
                                                joined, left))
    return snapshots


def gap_report(session, threshold: int) -> dict:
    return reports.gaps(_snapshots(session), threshold)


def diversity_report(session, today: dt.date | None = None, years: int = 5) -> dict:
    this_year = (today or clock.today()).year
    return reports.diversity(_snapshots(session), list(range(this_year - years + 1, this_year + 1)))
