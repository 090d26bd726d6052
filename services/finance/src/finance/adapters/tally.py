"""The subsidy report's tally of chargeable time (domain/subsidy.py), counted afresh from the entries in one
statement: for migration 0011, which makes the tally for a database that already holds time, and the bench's loader,
which fills the entries in bulk. Every consortium's; the table is expected empty."""
from __future__ import annotations


def rebuild_statement(dialect: str) -> str:
    """INSERT ... SELECT of the chargeable time of every week, summed per person, employer, month and place (and
    day, for time not yet approved)."""
    if dialect == "postgresql":
        new_id, month = "gen_random_uuid()", "CAST(date_trunc('month', e.day) AS date)"
    else:  # SQLite: ids and dates as SQLAlchemy stores them there (32 hex digits; YYYY-MM-DD)
        new_id, month = "lower(hex(randomblob(16)))", "date(e.day, 'start of month')"
    return f"""
        INSERT INTO chargeable_time_tally (id, consortium_id, staff_id, organisation_id, month, day, approved,
                                           invoice_id, written_off_id, entries, minutes, worth)
        SELECT {new_id}, g.* FROM (
            SELECT e.consortium_id, e.staff_id, e.organisation_id, {month} AS month,
                   CASE WHEN t.status = 'approved' THEN NULL ELSE e.day END AS day, t.status = 'approved' AS approved,
                   l.invoice_id, e.written_off_id, count(*) AS entries, sum(e.minutes) AS minutes,
                   sum(CASE WHEN t.status = 'approved' THEN e.minutes * coalesce(e.rate_pence, 0) ELSE 0 END) AS worth
              FROM time_entry e JOIN timesheet t ON t.id = e.timesheet_id
              LEFT JOIN recharge_invoice_line l ON l.id = e.invoice_line_id
             WHERE e.chargeable
             GROUP BY e.consortium_id, e.staff_id, e.organisation_id, {month},
                      CASE WHEN t.status = 'approved' THEN NULL ELSE e.day END, t.status = 'approved', l.invoice_id,
                      e.written_off_id) g"""
