"""Keeping the subsidy report's tally of chargeable time (domain/subsidy.py) in step with the entries it sums, in the
caller's transaction: the use cases that save, approve, correct, invoice, free or write off time call `move`."""
from __future__ import annotations

import uuid

from sqlalchemy import bindparam, delete, select, text, update

from hubkit.db import FILTERED_BY_HAND

from ..adapters.bulk import insert_rows
from ..adapters.time_tables import ChargeableTimeTally
from ..domain import subsidy as rules


def move(session, entries, source: rules.Place | None, target: rules.Place | None) -> None:
    """These entries' time leaves `source` for `target` (None: the entries are new, or gone)."""
    apply(session, rules.tally_moves(entries, source, target))


def apply(session, changes: dict[rules.TallyKey, rules.Change]) -> None:
    """Add the changes to the tally: the rows of those people and months are read locked (FOR UPDATE on PostgreSQL;
    SQLite has one writer), each change added to a row of its key, a row left counting no entries deleted, and a key
    without a row inserted. Three statements at most besides the read, whatever the number of changes. Two
    transactions that both insert a key's first row leave two rows: the report sums them."""
    if not changes:
        return
    table = ChargeableTimeTally.__table__
    tenant = session.info["tenant"]
    left = dict(changes)
    updates, deletes = [], []
    for row in session.execute(
            select(table.c.id, table.c.staff_id, table.c.organisation_id, table.c.month, table.c.day,
                   table.c.approved, table.c.invoice_id, table.c.written_off_id, table.c.entries, table.c.minutes,
                   table.c.worth)
            .where(table.c.consortium_id == tenant.consortium_id,
                   table.c.staff_id.in_({key.staff_id for key in changes}),
                   table.c.month.in_({key.month for key in changes}))
            .order_by(table.c.id).with_for_update().execution_options(**{FILTERED_BY_HAND: True})):
        key = rules.TallyKey(row.staff_id, row.organisation_id, row.month, row.day,
                             rules.Place(row.invoice_id, row.written_off_id, bool(row.approved)))
        if key not in left:
            continue
        entries, minutes, worth = left.pop(key)
        entries, minutes, worth = row.entries + entries, row.minutes + minutes, row.worth + worth
        if entries:
            updates.append({"row_id": row.id, "new_entries": entries, "new_minutes": minutes, "new_worth": worth})
        else:
            deletes.append(row.id)
    if updates and session.get_bind().dialect.name == "postgresql":  # one statement, not a message per row
        session.execute(text(
            "UPDATE chargeable_time_tally AS t SET entries = given.entries, minutes = given.minutes, "
            "worth = given.worth FROM unnest(CAST(:ids AS UUID[]), CAST(:entries AS INTEGER[]), "
            "CAST(:minutes AS BIGINT[]), CAST(:worth AS BIGINT[])) AS given(id, entries, minutes, worth) "
            "WHERE t.id = given.id"), {
                "ids": [u["row_id"] for u in updates], "entries": [u["new_entries"] for u in updates],
                "minutes": [u["new_minutes"] for u in updates], "worth": [u["new_worth"] for u in updates]})
    elif updates:
        session.execute(update(table).where(table.c.id == bindparam("row_id"))
                        .values(entries=bindparam("new_entries"), minutes=bindparam("new_minutes"),
                                worth=bindparam("new_worth")), updates)
    if deletes:
        session.execute(delete(table).where(table.c.id.in_(deletes)))
    if left:
        insert_rows(session, table, [
            {"id": uuid.uuid4(), "consortium_id": tenant.consortium_id, "staff_id": key.staff_id,
             "organisation_id": key.organisation_id, "month": key.month, "day": key.day,
             "approved": key.place.approved, "invoice_id": key.place.invoice_id,
             "written_off_id": key.place.written_off_id, "entries": entries, "minutes": minutes, "worth": worth}
            for key, (entries, minutes, worth) in left.items()])
