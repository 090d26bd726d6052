"""The time pages' forms read: hours typed as 7.5 or 7:30 (sent as whole minutes), a week's grid of cost codes and
days, finance's errors on its entries put back on the grid's cells, and plain numbers such as a rate's percentage.
Finance applies the rules; this reads what a browser sends.
"""
from __future__ import annotations

import datetime as dt
import re

from flask import request

from hubkit.hours import parse_hours  # hours as typed ('7.5', '7:30'); finance's API takes whole minutes

from ..common.errors import CHOICE, DATE, MONEY, MONTH, NUMBER, Field
from ..common.money import pounds_to_pence

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def decimal_text(text: str | None, field: str, errors: dict, required=True, label: str = "a number") -> str | None:
    """A percentage or a number of hours as finance reads it exactly (a decimal string); else `errors[field]`
    says so in `label`'s words ("Enter the overheads as a number, like 20 or 12.5")."""
    cleaned = (text or "").replace(",", "").replace("%", "").strip()
    if not cleaned:
        if required:
            errors[field] = f"Enter {label} as a number, like 20 or 12.5"
        return None
    if not re.fullmatch(r"\d{1,6}(\.\d{1,3})?", cleaned):
        errors[field] = f"Enter {label} as a number, like 20 or 12.5"
        return None
    return cleaned


def pounds_text(text: str | None, field: str, errors: dict, label: str) -> int | None:
    """Pounds typed (none is refused here) -> pence; else `errors[field]` in `label`'s words."""
    cleaned = (text or "").replace(",", "").replace("£", "").strip()
    if not cleaned:
        errors[field] = f"Enter {label} in pounds, like 31500 or 31500.00"
        return None
    try:
        return pounds_to_pence(cleaned, allow_zero=True)
    except ValueError:
        errors[field] = f"Enter {label} in pounds and pence, like 31500.00"
        return None


def read_rate(form) -> tuple[dict, dict]:
    """The set-a-rate form (F3) -> (finance's body, {box: message} for what is not written as pounds or numbers)."""
    errors: dict = {}
    body = {"effective_from": (form.get("effective_from") or "").strip() or None,
            "salary_pence": pounds_text(form.get("salary"), "salary", errors, "the salary"),
            "overhead_percent": decimal_text(form.get("overhead_percent"), "overhead_percent", errors,
                                             label="the overheads"),
            "productive_hours": decimal_text(form.get("productive_hours"), "productive_hours", errors,
                                             label="the productive hours a year")}
    if form.get("on_costs_kind") == "pounds":
        body["on_costs_pence"] = pounds_text(form.get("on_costs"), "on_costs", errors, "the employer's on-costs")
    else:
        body["on_costs_percent"] = decimal_text(form.get("on_costs"), "on_costs", errors,
                                                label="the employer's on-costs")
    return body, errors


def read_write_off(form) -> dict:
    """Approved time written off (H4): the employer, the month (a month picker named write_off_month, joined into
    one field by common/dates.py) and why."""
    return {"organisation_id": (form.get("organisation_id") or "").strip() or None,
            "month": (form.get("write_off_month") or "").strip() or None,
            "reason": (form.get("reason") or "").strip() or None}


# How each form names finance's fields (issue 14 item 3): the service's path -> the words and the form's box.
RATE_FIELDS = {"effective_from": Field("the date the rate starts", DATE),
               "salary_pence": Field("the salary", MONEY, "salary"),
               "on_costs_percent": Field("the employer's on-costs", NUMBER, "on_costs"),
               "on_costs_pence": Field("the employer's on-costs", MONEY, "on_costs"),
               "overhead_percent": Field("the overheads", NUMBER),
               "productive_hours": Field("the productive hours a year", NUMBER)}
STAFF_FIELDS = {"name": Field("the person's name"), "employer_kind": Field("who employs them", CHOICE),
                "organisation_id": Field("the employing organisation", CHOICE),
                "line_manager_id": Field("their line manager", CHOICE), "user_id": Field("their login", CHOICE)}
CODE_FIELDS = {"code": Field("the code"), "title": Field("what the code is for"),
               "chargeable": Field("whether it is chargeable", CHOICE)}
SEND_BACK_FIELDS = {"reason": Field("the reason for sending it back")}
CORRECTION_FIELDS = {"entry_id": Field("the entry to reverse", CHOICE), "minutes": Field("the right hours", NUMBER, "hours"),
                     "cost_code_id": Field("the right cost code", CHOICE),
                     "reason": Field("why the entry is corrected", id="correction-reason")}
DRAFT_FIELDS = {"organisation_id": Field("the employer who invoices", CHOICE), "month": Field("the month", MONTH)}
PAID_FIELDS = {"paid_on": Field("the day it was paid", DATE)}
CREDIT_FIELDS = {"reason": Field("why the invoice is credited", id="credit-reason")}
WRITE_OFF_FIELDS = {"organisation_id": Field("the employer", CHOICE, "wo-organisation"),
                    "month": Field("the month", MONTH, "write_off_month"),
                    "reason": Field("why the time is written off", id="wo-reason")}


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


def grid_fields(entries: list, rows_count: int) -> dict:
    """finance's paths for the week's entries ("entries.3.minutes") -> the grid's cell each came from, so a
    refusal is said beside the cell it is about ("the hours on Tuesday in row 2")."""
    fields = {}
    for index, entry in enumerate(entries):
        day = dt.date.fromisoformat(entry["day"]).weekday()
        row = next((i for i in range(rows_count) if request.form.get(f"code-{i}") == entry["cost_code_id"]), 0)
        cell = f"h-{row}-{day}"
        where = f"{DAY_NAMES[day]} in row {row + 1}"
        fields[f"entries.{index}.minutes"] = Field(f"the hours on {where}", NUMBER, cell)
        fields[f"entries.{index}.day"] = Field(f"the day of the hours on {where}", DATE, cell)
        fields[f"entries.{index}.cost_code_id"] = Field(f"the cost code in row {row + 1}", CHOICE, cell)
    return fields
