"""The subsidy report's tally of approved time (domain/subsidy.py), counted afresh from the entries in one statement:
for migration 0009, which adds the tally to a database that already holds time, and the bench's loader, which fills
the entries in bulk. Every consortium's; the table is expected empty."""
from __future__ import annotations


def rebuild_statement(dialect: str) -> str:
    """INSERT ... SELECT of every approved week's chargeable time, summed per person, employer, month and place."""
    if dialect == "postgresql":
        new_id, month = "gen_random_uuid()", "CAST(date_trunc('month', e.day) AS date)"
    else:  # SQLite: ids and dates as SQLAlchemy stores them there (32 hex digits; YYYY-MM-DD)
        new_id, month = "lower(hex(randomblob(16)))", "date(e.day, 'start of month')"
    return f"""
        INSERT INTO approved_time_tally (id, consortium_id, staff_id, organisation_id, month, invoice_id,
                                         written_off_id, minutes, worth)
        SELECT {new_id}, g.* FROM (
            SELECT e.consortium_id, e.staff_id, e.organisation_id, {month} AS month, l.invoice_id, e.written_off_id,
                   sum(e.minutes) AS minutes, sum(e.minutes * coalesce(e.rate_pence, 0)) AS worth
              FROM time_entry e JOIN timesheet t ON t.id = e.timesheet_id
              LEFT JOIN recharge_invoice_line l ON l.id = e.invoice_line_id
             WHERE t.status = 'approved' AND e.chargeable
             GROUP BY e.consortium_id, e.staff_id, e.organisation_id, {month}, l.invoice_id, e.written_off_id) g
         WHERE g.minutes <> 0 OR g.worth <> 0"""
