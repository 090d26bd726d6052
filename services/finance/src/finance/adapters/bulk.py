"""Rows inserted in bulk by one statement (issue 16: a month-end run writes tens of thousands of links and thousands
of audit rows in one request)."""
from __future__ import annotations

import json

from sqlalchemy import JSON, insert, text


def insert_rows(session, table, rows: list[dict]) -> None:
    """Insert the rows (dicts of the same keys) in the session's transaction.

    On PostgreSQL one statement whatever their number: each column's values are sent as one array and the rows made
    by unnest; a value the same in every row (the consortium, the issuer, the time) is sent once; JSON values are
    encoded as SQLAlchemy's JSON type encodes them (None as JSON null). The multi-row INSERT ... VALUES statements
    this replaces held thousands of placeholders each, which psycopg parsed afresh (about 40 ms apiece), and an
    executemany sends a message per row. Elsewhere, with RETURNING, SQLAlchemy sends an executemany as multi-row
    INSERT ... VALUES statements from one compiled form ("insertmanyvalues", within SQLite's parameter limit)."""
    if not rows:
        return
    dialect = session.get_bind().dialect
    if dialect.name != "postgresql":
        session.execute(insert(table).returning(*table.primary_key.columns), rows).all()
        return
    columns = [column for column in table.columns if column.key in rows[0]]
    values = {column.key: [json.dumps(row[column.key]) if isinstance(column.type, JSON) else row[column.key]
                           for row in rows] for column in columns}
    same = {key for key, column_values in values.items() if all(v == column_values[0] for v in column_values)}
    if len(same) == len(columns):  # one row (or copies): unnest needs an array
        same = set()
    quote = dialect.identifier_preparer.quote
    varying = [column for column in columns if column.key not in same]
    arrays = ", ".join(f"CAST(:{column.key} AS {column.type.compile(dialect=dialect)}[])" for column in varying)
    selected = ", ".join(f"CAST(:{column.key} AS {column.type.compile(dialect=dialect)})" if column.key in same
                         else f"given.{quote(column.name)}" for column in columns)
    names, given = ", ".join(quote(c.name) for c in columns), ", ".join(quote(c.name) for c in varying)
    session.execute(text(f"INSERT INTO {quote(table.name)} ({names}) SELECT {selected} "
                         f"FROM unnest({arrays}) AS given({given})"),
                    {key: column_values[0] if key in same else column_values for key, column_values in values.items()})
