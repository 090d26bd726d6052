"""What needs a person in governance, as rules (issue 14 item 1): which seats are the caller's today, and which
agenda items call for the caller's declaration. No Flask or SQLAlchemy."""
from __future__ import annotations

import datetime as dt

from .bodies import SeatTerm, lapsed_term_end

ORGANISATION_SUBJECT = "organisation/"


def holds_seat(role: str, person_name: str, starts_on: dt.date, ends_on: dt.date | None, lapsed_on: dt.date | None,
               day: dt.date) -> bool:
    """A seat is the holder's on a day while its term runs: a lapsed seat until the day before it lapsed (G4, the
    term the meeting rules see, bodies.lapsed_term_end)."""
    return SeatTerm(role, person_name, starts_on, lapsed_term_end(ends_on, lapsed_on)).active_on(day)


def concerns_organisation(subject: str | None, organisation_id: object | None) -> bool:
    """G12: an item about the seat holder's own organisation (a request whose subject names it) calls for their
    declaration of interest."""
    return organisation_id is not None and subject == f"{ORGANISATION_SUBJECT}{organisation_id}"
