"""What needs a person in finance, as rules (issue 14 item 1): which month's recharges are to be raised, which
weeks a person who logs time still owes, when payments count as due. No Flask or SQLAlchemy."""
from __future__ import annotations

import datetime as dt

from . import budgets, time

AHEAD_DAYS = 14  # payments falling due in the next 14 days are shown with those released
OWED_WEEKS = 2  # this week and last: a week is owed until submitted (draft, rejected or not started)
VARIATIONS_WAITING = {budgets.REQUESTED: "Waiting for your approval",
                      budgets.AWAITING_RATIFICATION: "Agreed by the board, waiting for ratification"}


def last_month(today: dt.date) -> dt.date:
    """The first day of the month before today's: the month whose recharges are raised now (H4)."""
    return time.month_start(time.month_start(today) - dt.timedelta(days=1))


def owed_weeks(today: dt.date) -> list[dt.date]:
    """The Mondays of the weeks a person may still owe, the earliest first."""
    this_week = time.week_start(today)
    return [this_week - dt.timedelta(weeks=n) for n in reversed(range(OWED_WEEKS))]


def week_owed(status: str | None) -> bool:
    """Not submitted yet: no timesheet, a draft, or one sent back."""
    return status is None or status in time.EDITABLE


def payments_horizon(today: dt.date) -> dt.date:
    return today + dt.timedelta(days=AHEAD_DAYS)
