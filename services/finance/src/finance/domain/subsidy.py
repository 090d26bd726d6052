"""The subsidy report's tally of approved time (H4, issue 16), in plain Python.

The report sums approved chargeable time per employer and month, and how much of it is still open (neither on an
issued or paid invoice nor written off). Rather than reading every entry of the months asked for, it reads a tally:
approved chargeable minutes and minutes x rate per person, employer copied onto the entries, month and place, where
a place is where the time stands: open (no invoice line, not written off), on an invoice's line, or written off.
Whether time on an invoice counts as recharged is the invoice's status, read with the report, so issuing, paying
or crediting an invoice moves nothing; approving a week, correcting it, drafting, discarding or crediting an invoice
(its entries are freed) and writing time off move time between places, in the same transaction.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import uuid


@dataclasses.dataclass(frozen=True)
class Place:
    """Where approved time stands: open, on an invoice (its id), or written off (the write-off's id)."""

    invoice_id: uuid.UUID | None = None
    written_off_id: uuid.UUID | None = None


OPEN = Place()


@dataclasses.dataclass(frozen=True)
class TallyKey:
    staff_id: uuid.UUID
    organisation_id: uuid.UUID | None
    month: dt.date
    place: Place


def tally_moves(entries, source: Place | None, target: Place | None) -> dict[TallyKey, tuple[int, int]]:
    """What moving these entries from `source` to `target` changes in the tally: (minutes, minutes x rate) to add
    per key, negative where time leaves. None as source: the entries are newly approved (or newly made in an approved
    week); None as target: they stop being approved time. Entries: objects or rows with staff_id, organisation_id,
    day, minutes, rate_pence and chargeable; time not chargeable is not the subsidy's and is left out."""
    changes: dict[TallyKey, list[int]] = {}
    for entry in entries:
        if not entry.chargeable or source == target:
            continue
        month = entry.day.replace(day=1)
        worth = entry.minutes * (entry.rate_pence or 0)
        for place, sign in ((source, -1), (target, 1)):
            if place is not None:
                change = changes.setdefault(TallyKey(entry.staff_id, entry.organisation_id, month, place), [0, 0])
                change[0] += sign * entry.minutes
                change[1] += sign * worth
    return {key: (minutes, worth) for key, (minutes, worth) in changes.items() if minutes or worth}
