"""Income, the management fee and subcontractor payments (F2, F4), in plain Python.

Money is integer pence. Rounding rule for the management fee, written once: the fee is
value_pence x basis_points / 10000, worked out exactly (integers) and rounded ONCE to a whole penny,
half up (0.5p -> 1p). Spread over the income schedule, each instalment's share of the fee is the
difference of the rounded cumulative fee, so the shares always add up exactly to the fee on the whole.

A subcontractor's instalment is paid by date (`on_date`: due on its date) or by results
(`on_accepted_return`: held until contracts accepts the return for its period). Once released it may be
put in a payment run; once in an approved run or paid it is never changed or paid again, whatever
later variations say.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import re

from hubkit.domain import RuleViolation

ON_DATE, ON_ACCEPTED_RETURN = "on_date", "on_accepted_return"
# Instalment states
SCHEDULED, HELD, RELEASED, IN_RUN, PAID, WITHDRAWN = "scheduled", "held", "released", "in_run", "paid", "withdrawn"
PAYABLE = (RELEASED,)
LOCKED = (IN_RUN, PAID)  # an instalment in a run or paid is never changed by a variation, never paid twice
# Payment runs
RUN_DRAFT, RUN_APPROVED, RUN_PAID = "draft", "approved", "paid"

PLACEHOLDER_SORT_CODE = "00-00-00"
PLACEHOLDER_ACCOUNT = "00000000"


def fee_pence(value_pence: int, basis_points: int) -> int:
    """The management fee top-slice: value x basis points / 10000, exact, rounded once, half up."""
    if value_pence < 0 or not 0 <= basis_points <= 10000:
        raise RuleViolation("A contract's value and fee must not be negative, and a fee is at most 100%.")
    whole, remainder = divmod(value_pence * basis_points, 10000)
    return whole + (1 if remainder * 2 >= 10000 else 0)


def fee_shares(amounts: list[int], basis_points: int) -> list[int]:
    """Each instalment's share of the fee: rounded cumulative fee minus the one before, so they sum exactly."""
    shares, running, fee_so_far = [], 0, 0
    for amount in amounts:
        running += amount
        fee_now = fee_pence(running, basis_points)
        shares.append(fee_now - fee_so_far)
        fee_so_far = fee_now
    return shares


def pounds(pence: int) -> str:
    """Integer pence as pounds with exactly two decimals, for files: 123456 -> '1234.56', -5 -> '-0.05'."""
    if not isinstance(pence, int) or isinstance(pence, bool):
        raise TypeError("amounts are integer pence (F4)")
    sign = "-" if pence < 0 else ""
    whole, part = divmod(abs(pence), 100)
    return f"{sign}{whole}.{part:02d}"


@dataclasses.dataclass(frozen=True)
class ReleaseState:
    status: str
    reason: str


def release_state(release: str, due_on: dt.date, today: dt.date, period_label: str | None,
                  return_status: str | None, return_comment: str | None = None) -> ReleaseState:
    """Where an unpaid instalment stands and why: by date it is released on its date; by results only once the
    period's return is accepted (held while it is outstanding or queried)."""
    if release == ON_DATE:
        if due_on <= today:
            return ReleaseState(RELEASED, f"Due on {due_on:%d %B %Y}.")
        return ReleaseState(SCHEDULED, f"Becomes due on {due_on:%d %B %Y}.")
    period = period_label or "its period"
    if return_status == "accepted":
        return ReleaseState(RELEASED, f"The return for {period} was accepted.")
    if return_status == "queried":
        why = f" ({return_comment})" if return_comment else ""
        return ReleaseState(HELD, f"Held: the return for {period} was queried{why}.")
    return ReleaseState(HELD, f"Held: payment by results waits for the accepted return for {period}.")


def check_can_add_to_run(status: str) -> None:
    """F2: only a released instalment (or an approved claim) goes into a payment run, and only once."""
    if status in LOCKED:
        raise RuleViolation("This is already in a payment run or paid: it is never paid twice.", rule="F2")
    if status != RELEASED:
        raise RuleViolation(f"Only released payments can be paid; this one is {status}.", rule="F2")


def check_run_transition(status: str, to: str) -> None:
    allowed = {RUN_APPROVED: (RUN_DRAFT,), RUN_PAID: (RUN_APPROVED,)}
    if status not in allowed.get(to, ()):
        if to == RUN_PAID and status == RUN_PAID:
            raise RuleViolation("This payment run is already paid: nothing is paid twice.", rule="F2")
        raise RuleViolation(f"A {status} payment run cannot become {to}.")


SORT_CODE = re.compile(r"^\d{2}-\d{2}-\d{2}$")
ACCOUNT_NUMBER = re.compile(r"^\d{8}$")


# --- exports ------------------------------------------------------------------------------------------

BANK_HEADER = ("Payee name", "Sort code", "Account number", "Amount", "Reference")
XERO_BILLS_HEADER = ("*ContactName", "EmailAddress", "POAddressLine1", "POAddressLine2", "POAddressLine3",
                     "POAddressLine4", "POCity", "PORegion", "POPostalCode", "POCountry", "*InvoiceNumber",
                     "Reference", "*InvoiceDate", "*DueDate", "InventoryItemCode", "*Description", "*Quantity",
                     "*UnitAmount", "*AccountCode", "*TaxType", "TrackingName1", "TrackingOption1", "TrackingName2",
                     "TrackingOption2", "Currency")
XERO_TAX_TYPE = "No VAT"  # payments under subcontracts and members' claims are outside the scope of VAT here
XERO_ACCOUNTS = {"instalment": "320", "claim": "493"}  # direct costs (subcontractors), travel and meetings


def bank_reference(reference: str) -> str:
    """A bank payment reference: letters, digits, spaces and - / . only, at most 18 characters (BACS)."""
    cleaned = re.sub(r"[^A-Za-z0-9 \-/.]", "", reference).strip().upper()
    return cleaned[:18]


def bank_rows(items) -> list[list[str]]:
    """The bank file: one row per payee and run item (payee, sort code, account, amount in pounds, reference)."""
    return [[item.payee_name, item.sort_code, item.account_number, pounds(item.amount_pence),
             bank_reference(item.reference)] for item in items]


def xero_bill_rows(items, run_reference: str, run_date: dt.date, due_on: dt.date) -> list[list[str]]:
    """Xero's bills import (its template's headings, XERO_BILLS_HEADER): one bill per item (ContactName,
    InvoiceNumber...), quantity 1, unit amount exact. A bill is dated the day its run was approved and due the day
    it is paid, but never before its own date: Xero refuses a due date before the invoice date (a run approved
    after the day it was to be paid on)."""
    due_on = max(due_on, run_date)
    rows = []
    for item in items:
        rows.append([item.payee_name, "", "", "", "", "", "", "", "", "", item.reference, run_reference,
                     run_date.strftime("%d/%m/%Y"), due_on.strftime("%d/%m/%Y"), "", item.description, "1",
                     pounds(item.amount_pence), XERO_ACCOUNTS.get(item.kind, "429"), XERO_TAX_TYPE, "", "", "", "",
                     "GBP"])
    return rows
