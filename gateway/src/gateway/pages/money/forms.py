"""The money pages' forms read: pounds typed (sent as integer pence, F4), a financial year, a variation or virement
(F1), a travel cost beside its receipt (G11), a payment run's choices; and how each form names finance's fields, so
a refusal is said beside the box it is about (issue 14 item 3). Finance applies the rules; this reads what a
browser sends, and each reader returns (finance's body, {form box: plain sentence} for what cannot be sent).
"""
from __future__ import annotations

from typing import Mapping

from ..common.errors import CHOICE, CHOICES, DATE, FILE, MONEY, WHOLE, Field
from ..common.money import pounds_to_pence

# How each form names finance's fields: the service's path -> the words and the form's box.
SETTINGS_FIELDS = {"variation_threshold_pence": Field("the variation threshold", MONEY, "variation_threshold"),
                   "claim_daily_rate_pence": Field("the daily rate for attending meetings", MONEY, "claim_daily_rate"),
                   "deputy_may_claim": Field("whether a deputy's attendance may be claimed", CHOICE)}
BUDGET_FIELDS = {"year": Field("the year the financial year starts", WHOLE), "title": Field("the budget's title")}
LINE_FIELDS = {"code": Field("the line's code"), "title": Field("the line's name", id="line-title"),
               "kind": Field("the kind of line", CHOICE), "category": Field("where its actuals come from", CHOICE),
               "amount_pence": Field("the amount", MONEY, "amount")}
VARIATION_FIELDS = {"kind": Field("what kind of change it is", CHOICE, "kind-virement"),
                    "from_line_id": Field("the line the money comes from", CHOICE),
                    "line_id": Field("the line it goes to, or the line varied", CHOICE),
                    "direction": Field("increase or decrease", CHOICE),
                    "amount_pence": Field("the amount", MONEY, "variation-amount"),
                    "reason": Field("the reason for the change")}
REASON_FIELDS = {"reason": Field("the reason for rejecting it", id="reject-reason")}
EXPENSE_FIELDS = {"kind": Field("the kind of travel", CHOICE), "description": Field("a description of the journey"),
                  "amount_pence": Field("the amount", MONEY, "amount"), "file": Field("the receipt", FILE, "receipt")}
RUN_FIELDS = {"instalment_ids": Field("the payments to pay", CHOICES, "new-run-items"),
              "claim_ids": Field("the claims to pay", CHOICES, "new-run-items"),
              "pay_on": Field("the day to pay", DATE)}
PAID_FIELDS = {"paid_on": Field("the day the bank paid", DATE)}


def payee_fields(organisation_id) -> dict:
    """A payee's form (one a row of the payees' table, so its boxes' ids name the organisation)."""
    return {"name": Field("the account name", id=f"name-{organisation_id}"),
            "sort_code": Field("the sort code", id=f"sort-{organisation_id}"),
            "account_number": Field("the account number", id=f"account-{organisation_id}")}


def received_fields(instalment_id) -> dict:
    """An income instalment's "received on" (one a row of the income schedule, so its boxes name the instalment)."""
    return {"received_on": Field("the day it was received", DATE, f"received-{instalment_id}")}


def _text(form: Mapping, name: str) -> str:
    return (form.get(name) or "").strip()


def read_settings(form: Mapping) -> tuple[dict, dict]:
    """The money settings: amounts left empty are not changed; a deputy's attendance claimable or not."""
    body, errors = {}, {}
    for box, key, label in (("variation_threshold", "variation_threshold_pence", "The variation threshold"),
                            ("claim_daily_rate", "claim_daily_rate_pence", "The daily rate for attending meetings")):
        if _text(form, box):
            try:
                body[key] = pounds_to_pence(form[box], allow_zero=True)
            except ValueError:
                errors[box] = f"{label} must be in pounds and pence, like 5000 or 400.00"
    body["deputy_may_claim"] = form.get("deputy_may_claim") == "yes"
    return body, errors


def read_budget(form: Mapping) -> tuple[dict, dict]:
    """A new budget: the year its financial year starts (its 1 April), and a title if given."""
    year = _text(form, "year")
    if not year.isdigit() or len(year) != 4:
        return {}, {"year": "Enter the year the financial year starts as 4 digits, like 2026"}
    return {"year": int(year), "title": _text(form, "title") or None}, {}


def read_line(form: Mapping) -> tuple[dict, dict]:
    """A draft budget's line: its amount in pounds (nothing typed is £0)."""
    body = {name: _text(form, name) or None for name in ("title", "kind", "category")}
    body["code"] = _text(form, "line_code") or None  # not "code": a form's "code" is never kept (common/errors.py)
    try:
        body["amount_pence"] = pounds_to_pence(form.get("amount") or "0", allow_zero=True)
    except ValueError:
        return body, {"amount": "Enter the amount in pounds, like 20000 or 20000.00"}
    return body, {}


def read_variation(form: Mapping) -> tuple[dict, dict]:
    """F1: a variation to one line (up or down) or a virement from one line to another, more than nothing."""
    kind = form.get("kind") or "variation"
    try:
        amount = pounds_to_pence(form.get("amount"))
    except ValueError:
        return {}, {"variation-amount": "Enter the amount in pounds, more than nothing, like 7500 or 7500.00"}
    body = {"kind": kind, "line_id": form.get("line_id") or None, "amount_pence": amount,
            "reason": _text(form, "reason")}
    if kind == "virement":
        body["from_line_id"] = form.get("from_line_id") or None
    else:
        body["direction"] = "decrease" if form.get("direction") == "decrease" else "increase"
    return body, {}


def read_expense(form: Mapping, receipt: bytes) -> tuple[dict, dict]:
    """G11: a travel cost's fields beside its receipt (multipart: the amount in pence as text)."""
    try:
        amount = pounds_to_pence(form.get("amount"))
    except ValueError:
        return {}, {"amount": "Enter the amount in pounds and pence, like 12.50"}
    if not receipt:
        return {}, {"receipt": "Choose the receipt: a PDF, PNG or JPEG"}
    return {"kind": form.get("kind") or "", "description": _text(form, "description"),
            "amount_pence": str(amount)}, {}


def read_received(form: Mapping, instalment_id) -> dict:
    """The day income came in: the GOV.UK date input named for its instalment ("received-<id>"), joined into one
    field by common/dates.py (nothing typed is sent as nothing, for finance to ask for)."""
    return {"received_on": _text(form, f"received-{instalment_id}") or None}


def read_run(form) -> dict:
    """A draft payment run: the released payments and approved claims ticked, and the day to pay."""
    return {"instalment_ids": form.getlist("instalment_ids"), "claim_ids": form.getlist("claim_ids"),
            "pay_on": _text(form, "pay_on") or None}
