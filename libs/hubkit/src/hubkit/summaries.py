"""What needs a person, in one answer per service (issue 14 item 1): each service's `GET /summary` answers, for
the caller's roles, organisation and consortium, a few sections, each a count and the top few items (their ids,
titles and dates), from bounded queries. The gateway's home pages are built from these answers and never count
lists themselves. Written once here: the sections' and items' shape, and how many items a section lists."""
from __future__ import annotations

import datetime as dt

from marshmallow import Schema, fields
from sqlalchemy import func

TOP = 5  # items listed in a section; the count says how many there are in all


class SummaryItemOut(Schema):
    """One thing that needs the caller: its id (what the page acting on it is found by), its title in words, the
    date it is due or happens, what it is about (an organisation's name, a contract's title), and the id of what
    it belongs to, when the acting page is found by that (a subcontract for a return due, a meeting for a paper)."""

    id = fields.String(required=True)
    title = fields.String(required=True)
    due_on = fields.Date(allow_none=True)
    about = fields.String(allow_none=True)
    parent_id = fields.String(allow_none=True)
    amount_pence = fields.Integer(allow_none=True, metadata={"description": "A sum of money it is for, if any"})


class SectionOut(Schema):
    """How many things of one kind need the caller, and the first few of them (soonest first)."""

    count = fields.Integer(required=True)
    items = fields.List(fields.Nested(SummaryItemOut), required=True)


def item(id: object, title: str, due_on: dt.date | None = None, about: str | None = None,
         parent_id: object | None = None, amount_pence: int | None = None) -> dict:
    return {"id": str(id), "title": title, "due_on": due_on, "about": about,
            "parent_id": None if parent_id is None else str(parent_id), "amount_pence": amount_pence}


def section(count: int, items: list[dict]) -> dict:
    return {"count": int(count or 0), "items": items[:TOP]}


def in_all():
    """A column counting every row the query finds, beside the first few it returns (the window counts before
    LIMIT): a section's count and items in one statement. Read back with `counted`."""
    return func.count().over().label("in_all")


def counted(rows) -> int:
    """How many rows a query with an `in_all()` column found in all (none when it returned none)."""
    return rows[0].in_all if rows else 0
