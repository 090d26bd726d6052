"""Attendance claims (G11), in plain Python.

A seat that attended a meeting (in person, or by a deputy when the consortium's settings allow it) may claim
the daily rate (configuration; £400 in the seed), preparation included; nothing for a meeting not attended.
One claim per seat and meeting, whatever the number of times attendance is recorded. A correction to
apologies or absent withdraws a claim not yet paid; a correction back to attended reopens it. Travel costs
are added with a receipt; accommodation is not covered (seed 002, partners' costs).

Claims are paid through the same payment runs as subcontractors' instalments (one bank file, one Xero
bills file per run).
"""
from __future__ import annotations

from hubkit.domain import RuleViolation
from hubkit.uploads import UnacceptableFile, content_type_of

DEFAULT_DAILY_RATE_PENCE = 40_000
ATTENDED = ("present", "deputy")
OPEN, APPROVED, IN_RUN, PAID, WITHDRAWN, REJECTED = "open", "approved", "in_run", "paid", "withdrawn", "rejected"
LOCKED = (IN_RUN, PAID)
EXPENSE_KINDS = {"rail": "Rail or bus fare", "mileage": "Mileage", "taxi": "Taxi", "parking": "Parking",
                 "other_travel": "Other travel"}
NOT_COVERED = ("accommodation",)
MAX_RECEIPT_BYTES = 5 * 1024 * 1024

def may_claim(status: str, claimable: bool, deputy_may_claim: bool) -> bool:
    """G11: attended in person, or by deputy where configured, and the seat may claim at all."""
    if not claimable or status not in ATTENDED:
        return False
    return status == "present" or deputy_may_claim


def after_correction(claim_status: str, now_claimable: bool) -> str | None:
    """The claim's new status when attendance is recorded again; None: leave it as it is."""
    if now_claimable:
        return OPEN if claim_status == WITHDRAWN else None
    if claim_status in (OPEN, APPROVED):
        return WITHDRAWN
    return None  # in a run or paid: money already on its way is not clawed back here


def check_can_change(status: str) -> None:
    if status in LOCKED:
        raise RuleViolation("This claim is in a payment run or paid: it no longer changes.", rule="G11")
    if status in (WITHDRAWN, REJECTED):
        raise RuleViolation(f"This claim is {status}.", rule="G11")


def check_approve(status: str) -> None:
    if status != OPEN:
        raise RuleViolation(f"Only an open claim is approved; this one is {status}.", rule="G11")


def check_expense_kind(kind: str) -> None:
    if kind in NOT_COVERED:
        raise RuleViolation("Accommodation is not covered: only travel costs are met (G11).", rule="G11")


def receipt_type(filename: str, content: bytes, max_bytes: int = MAX_RECEIPT_BYTES) -> str:
    """The receipt's type judged by its content: PDF, PNG or JPEG (no office files), not empty, not too large."""
    if len(content) > max_bytes:
        raise UnacceptableFile(f"A receipt is at most {max_bytes // (1024 * 1024)} MB.")
    if not content:
        raise UnacceptableFile("The receipt is empty.")
    return content_type_of(filename, content, office_types={}, refusal="Upload the receipt as a PDF, PNG or JPEG.")
