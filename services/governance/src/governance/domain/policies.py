"""The policies register and the yearly review of governance arrangements (G10)."""
from __future__ import annotations

import datetime as dt

from hubkit.domain import RuleViolation

from hubkit.clock import add_months

REVIEW_MONTHS = 12


def check_review_dates(approved_on: dt.date, review_due_on: dt.date) -> None:
    if review_due_on <= approved_on:
        raise RuleViolation("A policy's review falls after its approval.")


def review_overdue(review_due_on: dt.date, today: dt.date) -> bool:
    return review_due_on < today


def governance_review_due(last_review_on: dt.date | None, today: dt.date) -> str | None:
    """G10: governance and management arrangements are reviewed every year; a warning when that is overdue."""
    if last_review_on is None:
        return "No yearly governance review has been decided yet (G10)."
    due = add_months(last_review_on, REVIEW_MONTHS)
    if due < today:
        return f"The yearly governance review was due on {due.isoformat()} (G10)."
    return None
