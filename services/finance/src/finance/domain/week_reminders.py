"""H4: shared staff account for their time week by week; a week (Monday to Sunday) is due the Monday after.

A person who logs time and has not submitted a week by then (no timesheet, or one still draft or rejected) is
reminded once, the day after that Monday (Tuesday, in the hub's time zone): someone submitting on the Monday is on
time and never nagged. Only the week before the current one is looked at, so a review that missed a week's Tuesday
still catches up until the next Monday, and nobody hears of weeks long past."""
from __future__ import annotations

import datetime as dt

from .time import DRAFT, REJECTED, week_start

NOT_SUBMITTED = (DRAFT, REJECTED)  # with no timesheet at all


def due_on(week: dt.date) -> dt.date:
    """The Monday after the week: the day its timesheet is due."""
    return week + dt.timedelta(days=7)


def week_to_remind(today: dt.date) -> dt.date | None:
    """The week whose unsubmitted timesheets call for a reminder today: last week, once its due Monday is over."""
    last_week = week_start(today) - dt.timedelta(days=7)
    return last_week if today > due_on(last_week) else None
