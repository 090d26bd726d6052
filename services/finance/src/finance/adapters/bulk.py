"""Rows inserted in bulk by one statement (issue 16: a month-end run writes tens of thousands of links and thousands
of audit rows in one request)."""
from __future__ import annotations

import json

from sqlalchemy import JSON, insert


def insert_rows(session, table, rows: list[dict]) -> None:
    """Insert the rows (dicts of the same keys) in the session's transaction.

    On PostgreSQL by COPY ... FROM STDIN on the session's own connection: rows are streamed, each value written by
    psycopg's dumpers (JSON as SQLAlchemy's JSON type encodes it, None as JSON null), with no statement parameters
    to parse or quote. It replaced multi-row INSERT ... VALUES statements of thousands of placeholders (parsed afresh
    by psycopg, about 40 ms apiece) and then one INSERT ... SELECT FROM unnest of an array per column, whose text
    quoting of the audit rows' JSON was most of a month-end run's Python time. Elsewhere, with RETURNING,
    SQLAlchemy sends an executemany as multi-row INSERT ... VALUES statements from one compiled form
    ("insertmanyvalues", within SQLite's parameter limit)."""
    if not rows:
        return
    if session.get_bind().dialect.name != "postgresql":
        session.execute(insert(table).returning(*table.primary_key.columns), rows).all()
        return
    from psycopg import sql

    columns = [column for column in table.columns if column.key in rows[0]]
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table.name), sql.SQL(", ").join(sql.Identifier(column.name) for column in columns))
    encoded = [(column.key, isinstance(column.type, JSON)) for column in columns]
    driver = session.connection().connection.driver_connection
    with driver.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row([json.dumps(row[key]) if is_json else row[key] for key, is_json in encoded])
