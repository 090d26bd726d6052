"""What needs a person in contracts, as rules (issue 14 item 1): how far ahead the home page looks, which step an
allocation round waits on and by when, and when a period's return is due or overdue. No Flask or SQLAlchemy."""
from __future__ import annotations

import datetime as dt

from . import allocation, pipeline

AHEAD_DAYS = 14  # the home page's "in the next 14 days": pipeline deadlines and returns coming due

# The step each undecided round waits on, and which of its dates that step works towards.
ROUND_STEPS = {allocation.DECLARATIONS: ("Confirm the panel and open expressions of interest",
                                         "declarations_close_on"),
               allocation.EOIS_OPEN: ("Close expressions of interest", "eois_close_on"),
               allocation.SCORING: ("Score, moderate and decide", "decision_by")}


def horizon(today: dt.date) -> dt.date:
    return today + dt.timedelta(days=AHEAD_DAYS)


def round_step(status: str, dates: dict[str, dt.date | None]) -> tuple[str, dt.date | None] | None:
    """The step an allocation round waits on and the date it works towards; None once decided."""
    step = ROUND_STEPS.get(status)
    return None if step is None else (step[0], dates.get(step[1]))


def pipeline_deadline_soon(stage: str, dates: dict[str, dt.date | None], today: dt.date
                           ) -> pipeline.Deadline | None:
    """The opportunity's next deadline (`pipeline.next_deadline`) when it falls today or in the next 14 days."""
    deadline = pipeline.next_deadline(stage, dates, today)
    if deadline is None or not 0 <= deadline.days_left <= AHEAD_DAYS:
        return None
    return deadline

