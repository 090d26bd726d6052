"""What needs a person in governance, as rules (issue 14 item 1): which seats are the caller's today, and which
agenda items call for the caller's declaration. No Flask or SQLAlchemy."""
from __future__ import annotations

import datetime as dt

from .bodies import SeatTerm

ORGANISATION_SUBJECT = "organisation/"


def holds_seat(role: str, person_name: str, starts_on: dt.date, ends_on: dt.date | None, lapsed_on: dt.date | None,
               day: dt.date) -> bool:
    """A seat is the holder's on a day while its term runs and it has not lapsed."""
    return lapsed_on is None and SeatTerm(role, person_name, starts_on, ends_on).active_on(day)


def concerns_organisation(subject: str | None, organisation_id: object | None) -> bool:
    """G12: an item about the seat holder's own organisation (a request whose subject names it) calls for their
    declaration of interest."""
    return organisation_id is not None and subject == f"{ORGANISATION_SUBJECT}{organisation_id}"
