"""The subsidy report's tally of chargeable time (H4, issue 16), in plain Python.

The report sums chargeable time per employer and month: approved time at the rate it was costed at, and how much of
it is still open (neither on an issued or paid invoice nor written off); time not yet approved at the rate in effect
on its day, as the rates are when the report is read. Rather than reading every entry of the months asked for, it
reads a tally: chargeable minutes and minutes x costed rate per person, employer copied onto the entries, month and
place, where a place is where the time stands: not yet approved (kept per day, so it can be valued at that day's
rate), or approved and open (no invoice line, not written off), on an invoice's line, or written off.

Whether time on an invoice counts as recharged is the invoice's status, read with the report, so issuing, paying or
crediting an invoice moves nothing; saving a week, approving it, correcting it, drafting, discarding or crediting an
invoice (its entries are freed) and writing time off move time between places, in the same transaction.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import uuid


@dataclasses.dataclass(frozen=True)
class Place:
    """Where chargeable time stands: not yet approved; or approved and open, on an invoice (its id), or written off
    (the write-off's id)."""

    invoice_id: uuid.UUID | None = None
    written_off_id: uuid.UUID | None = None
    approved: bool = True


OPEN = Place()
NOT_APPROVED = Place(approved=False)


@dataclasses.dataclass(frozen=True)
class TallyKey:
    staff_id: uuid.UUID
    organisation_id: uuid.UUID | None
    month: dt.date
    day: dt.date | None  # time not yet approved only: valued at the rate of its day when read
    place: Place


Change = tuple[int, int, int]  # entries, minutes, minutes x costed rate (pence x minutes)


def tally_moves(entries, source: Place | None, target: Place | None) -> dict[TallyKey, Change]:
    """What moving these entries from `source` to `target` changes in the tally: (entries, minutes, minutes x rate)
    to add per key, negative where time leaves. A key's row lasts while it counts entries, so the report has a row
    for every employer and month with chargeable time, even time that nets to nothing (an entry and its reversal).
    None as source: the entries are new; None as target: they are gone. Entries: objects or rows with staff_id,
    organisation_id, day, minutes, rate_pence and chargeable; time not chargeable is not the subsidy's and is left
    out."""
    if source == target:
        return {}
    # summed first per person, employer and day (plain tuples: a month-end run moves tens of thousands of entries)
    by_day: dict[tuple, list[int]] = {}
    for entry in entries:
        if entry.chargeable:
            total = by_day.setdefault((entry.staff_id, entry.organisation_id, entry.day), [0, 0, 0])
            total[0] += 1
            total[1] += entry.minutes
            total[2] += entry.minutes * (entry.rate_pence or 0)
    changes: dict[TallyKey, list[int]] = {}
    for (staff_id, organisation_id, day), (count, minutes, worth) in by_day.items():
        for place, sign in ((source, -1), (target, 1)):
            if place is not None:
                key = TallyKey(staff_id, organisation_id, day.replace(day=1), None if place.approved else day, place)
                change = changes.setdefault(key, [0, 0, 0])
                change[0] += sign * count
                change[1] += sign * minutes
                # time not approved has no costed rate yet: its worth is worked out when the report is read
                change[2] += sign * worth if place.approved else 0
    return {key: tuple(change) for key, change in changes.items() if any(change)}


def sum_changes(*changes: dict[TallyKey, Change]) -> dict[TallyKey, Change]:
    """Changes to the tally added together (a week saved again: its old entries leave, the new ones come)."""
    total: dict[TallyKey, list[int]] = {}
    for change in changes:
        for key, values in change.items():
            total[key] = [a + b for a, b in zip(total.get(key, [0, 0, 0]), values)]
    return {key: tuple(values) for key, values in total.items() if any(values)}


def drafted_moves(lines, organisation_id, month: dt.date, invoice_id) -> dict[TallyKey, Change]:
    """What a draft changes in the tally, from its lines (domain.invoices.LineDraft: person, rate, minutes, the
    entries behind it): each line's entries leave the employer's open approved time of the month for the invoice.
    The same as `tally_moves` over those entries (all of the employer, the month, chargeable and costed at the line's
    rate), without going through them one by one; entries left out of every line (a group netting to nothing) stay
    open, as they stay uninvoiced."""
    by_person: dict = {}
    for line in lines:
        total = by_person.setdefault(line.staff_id, [0, 0, 0])
        total[0] += len(line.entry_ids)
        total[1] += line.minutes
        total[2] += line.minutes * (line.rate_pence or 0)
    changes: dict[TallyKey, Change] = {}
    for staff_id, (count, minutes, worth) in by_person.items():
        changes[TallyKey(staff_id, organisation_id, month, None, OPEN)] = (-count, -minutes, -worth)
        changes[TallyKey(staff_id, organisation_id, month, None, Place(invoice_id=invoice_id))] = (count, minutes,
                                                                                                   worth)
    return changes
