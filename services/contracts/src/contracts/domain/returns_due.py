"""P1: when a subcontractor's return for a period is owed, and when its people are reminded of it.

A subcontract owes a return for each reporting period of its contract that overlaps the subcontract's own term,
until one is sent (submitted, even if later queried). It is reminded of once when the return falls due within
DUE_SOON_DAYS, and once when it is overdue (the day after its due date); a return overdue for longer than
OVERDUE_NOTICE_DAYS when the review first sees it (a review that was not running, history imported) is not
announced any more: the hub's pages show it."""
from __future__ import annotations

import datetime as dt

DUE_SOON_DAYS = 7
OVERDUE_NOTICE_DAYS = 28
DUE_SOON, OVERDUE = "due_soon", "overdue"
REMINDERS = (DUE_SOON, OVERDUE)


def owes_return(period_starts_on: dt.date, period_ends_on: dt.date, subcontract_starts_on: dt.date,
                subcontract_ends_on: dt.date) -> bool:
    """P1: a subcontract reports on the periods it was in force for (any day of the period within its term)."""
    return period_starts_on <= subcontract_ends_on and period_ends_on >= subcontract_starts_on


def reminder_due(return_due_on: dt.date, today: dt.date) -> str | None:
    """Which reminder an unsent return calls for today: DUE_SOON within a week of its due date (the due date
    included), OVERDUE from the day after it for OVERDUE_NOTICE_DAYS, else None."""
    if today > return_due_on:
        return OVERDUE if (today - return_due_on).days <= OVERDUE_NOTICE_DAYS else None
    return DUE_SOON if (return_due_on - today).days <= DUE_SOON_DAYS else None


def review_window(today: dt.date) -> tuple[dt.date, dt.date]:
    """The due dates the daily review looks at: those reminder_due may answer for today."""
    return today - dt.timedelta(days=OVERDUE_NOTICE_DAYS), today + dt.timedelta(days=DUE_SOON_DAYS)
