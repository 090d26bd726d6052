"""The audit trail's filters: person, part of the hub, record and days, read from the query string and written
back into the links that keep them.
"""
from __future__ import annotations

from flask import request

from ..common.forms import read_date

PARTS = {"gateway": "Accounts and sign-ins", "membership": "Members", "contracts": "Contracts and work",
         "finance": "Money and time", "governance": "Governance"}


def read_filters(people: list[tuple[str, str]]) -> tuple[dict, dict, dict]:
    """(filters for the trails, the form's values, errors) from the query string."""
    args = request.args
    errors: dict[str, list[str]] = {}
    person = (args.get("person") or "").strip()
    if person and person not in {ident for ident, _ in people}:
        errors["person"] = ["Choose a person from the list"]
    part = args.get("part") or ""
    if part and part not in PARTS:
        errors["part"] = ["Choose a part of the hub from the list"]
    subject = (args.get("subject") or "").strip()[:100]
    from_parts, first, problem = read_date(args, "from", "the first day", required=False)
    if problem:
        errors["from"] = [problem]
    to_parts, last, problem = read_date(args, "to", "the last day", required=False)
    if problem:
        errors["to"] = [problem]
    if first and last and first > last:
        errors["to"] = ["The last day must be the same as or after the first day"]
    filters = {"actor": person or None, "subject": subject or None, "from": first, "to": last}
    form = {"person": person, "part": part, "subject": subject, "from": from_parts, "to": to_parts}
    return filters, form, errors


def filter_query(form: dict) -> dict:
    """The filters as a query string's fields (for links that keep them)."""
    query = {key: form[key] for key in ("person", "part", "subject") if form[key]}
    for prefix in ("from", "to"):
        query |= {f"{prefix}-{part}": value for part, value in form[prefix].items() if value}
    return query
