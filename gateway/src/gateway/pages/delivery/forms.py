"""The contracts pages' forms read: a contract recorded (its value, fee, income schedule and indicators), a
management fee as a percentage, a target's figure. Contracts validates the content; this reads what a browser sends.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from flask import request

from ..common.money import pounds_to_pence

INDICATOR_ROWS = 4


def basis_points(text: str) -> int:
    cleaned = text.strip().rstrip("%").strip()
    points = Decimal(cleaned) * 100
    if points < 0 or points > 10000 or points != points.to_integral_value():
        raise ValueError(text)
    return int(points)


def figure(text: str) -> float:
    number = Decimal(text.strip().replace(",", ""))
    if not number.is_finite() or number < 0:
        raise ValueError(text)
    return float(number)


def contract_form() -> tuple[dict, dict, dict[str, str], list[int]]:
    """(values as typed, payload for contracts, errors by the form's field ids, in plain words, and the form's
    indicator rows in the order the payload sends them)."""
    form = request.form
    values = {k: (form.get(k) or "").strip() for k in (
        "title", "commissioner_name", "value", "fee_percent", "starts_on", "ends_on", "payment_terms",
        "reporting_frequency", "return_due_days", "income")}
    payload = {"title": values["title"], "commissioner_name": values["commissioner_name"],
               "starts_on": values["starts_on"] or None, "ends_on": values["ends_on"] or None,
               "payment_terms": values["payment_terms"],
               "reporting_frequency": values["reporting_frequency"] or "quarterly"}
    errors = {}
    try:
        payload["value_pence"] = pounds_to_pence(values["value"])
    except ValueError:
        errors["value"] = "Enter the contract's value in pounds, like 450,000 or 450,000.00"
    try:
        payload["management_fee_basis_points"] = basis_points(values["fee_percent"] or "0")
    except (ValueError, InvalidOperation):
        errors["fee_percent"] = "Enter the management fee as a percentage from 0 to 100, like 8 or 7.5"
    if values["return_due_days"]:
        try:
            payload["return_due_days"] = int(values["return_due_days"])
        except ValueError:
            errors["return_due_days"] = "Enter the days after a period that returns are due as a whole number, like 20"
    income = []
    for line in values["income"].splitlines():
        if not line.strip():
            continue
        try:
            day, amount = [part.strip() for part in line.split(",", 1)] if "," in line else line.split(None, 1)
            dt.date.fromisoformat(day)
            income.append({"due_on": day, "amount_pence": pounds_to_pence(amount)})
        except ValueError:
            errors["income"] = ("Write each income instalment on its own line as a date and an amount in pounds, "
                                f"like 2027-07-30, 37500 (check the line {line.strip()})")
            break
    payload["income_schedule"] = income
    indicators, rows = [], []
    for row in range(INDICATOR_ROWS):
        code, name = (form.get(f"code-{row}") or "").strip(), (form.get(f"name-{row}") or "").strip()
        if not (code or name):
            continue
        rows.append(row)
        indicators.append({"code": code, "name": name, "kind": form.get(f"kind-{row}") or "output",
                           "unit": (form.get(f"unit-{row}") or "").strip() or "people",
                           "higher_is_better": form.get(f"lower-{row}") != "yes"})
    payload["indicators"] = indicators
    return values, payload, errors, rows
