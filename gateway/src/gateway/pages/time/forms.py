"""The time pages' forms read: hours typed as 7.5 or 7:30 (sent as whole minutes), a week's grid of cost codes and
days, finance's errors on its entries put back on the grid's cells, and plain numbers such as a rate's percentage.
Finance applies the rules; this reads what a browser sends.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from flask import request

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def parse_hours(text: str | None) -> int:
    """'7.5', '7:30', '7,25' or '' -> minutes; ValueError if it is not written as hours."""
    text = (text or "").strip().replace(",", ".")
    if not text:
        return 0
    clock = re.fullmatch(r"(\d{0,2}):(\d{1,2})", text)
    if clock:
        return int(clock[1] or 0) * 60 + int(clock[2])
    if not re.fullmatch(r"\d{0,3}(\.\d{1,4})?", text) or text == ".":
        raise ValueError("Write hours as 7.5 or 7:30.")
    exact = Decimal(text) * 60
    if exact != exact.to_integral_value():
        raise ValueError("Log time in quarter hours (15 minutes).")
    return int(exact)


def decimal_text(text: str | None, field: str, errors: dict, required=True) -> str | None:
    cleaned = (text or "").replace(",", "").replace("%", "").strip()
    if not cleaned:
        if required:
            errors[field] = "Enter a number, like 20 or 12.5"
        return None
    if not re.fullmatch(r"\d{1,6}(\.\d{1,3})?", cleaned):
        errors[field] = "Enter a number, like 20 or 12.5"
        return None
    return cleaned


def read_grid(rows_count: int, monday: dt.date) -> tuple[list, dict]:
    entries, errors = [], {}
    seen_codes = {}
    for index in range(rows_count):
        code = (request.form.get(f"code-{index}") or "").strip()
        values = [request.form.get(f"h-{index}-{d}", "") for d in range(7)]
        if not code:
            if any(v.strip() for v in values):
                errors[f"code-{index}"] = "Choose the cost code for this row"
            continue
        for d, text in enumerate(values):
            try:
                minutes = parse_hours(text)
            except ValueError as exc:
                errors[f"h-{index}-{d}"] = f"{DAY_NAMES[d]}: {exc}"
                continue
            if minutes:
                key = (code, d)
                if key in seen_codes:
                    entries[seen_codes[key]]["minutes"] += minutes
                    continue
                seen_codes[key] = len(entries)
                entries.append({"day": (monday + dt.timedelta(days=d)).isoformat(), "cost_code_id": code,
                                "minutes": minutes})
    return entries, errors


def grid_errors(answer, rows_count: int, entries: list) -> dict:
    """Finance's 422 errors on entries, mapped back to grid cells by day and code."""
    body = answer.body if answer is not None and isinstance(answer.body, dict) else {}
    found = {}
    per_entry = (body.get("errors") or {}).get("entries") or {}
    for index, problems in per_entry.items() if isinstance(per_entry, dict) else []:
        try:
            entry = entries[int(index)]
        except (ValueError, IndexError):
            continue
        day = (dt.date.fromisoformat(entry["day"]).weekday())
        row = next((i for i in range(rows_count) if request.form.get(f"code-{i}") == entry["cost_code_id"]), 0)
        found[f"h-{row}-{day}"] = f"{DAY_NAMES[day]}: " + " ".join(
            m for msgs in problems.values() for m in (msgs if isinstance(msgs, list) else [str(msgs)]))
    return found
