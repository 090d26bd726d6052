"""Member organisations: identifiers in their real formats and the joining lifecycle (M1)."""
from __future__ import annotations

import re

from hubkit.domain import RuleViolation

CHARITY_NUMBER = re.compile(r"^\d{6,7}$")  # England and Wales register
COMPANY_NUMBER = re.compile(r"^(\d{8}|(SC|NI|OC|SO|NC|R0|IP|SP|RS|CE|CS|FC|GE|GN|GS|LP|NL|NO|NP|NR|NZ|SE|SF|SG|SL|SZ)\d{6})$")
POSTCODE = re.compile(r"^(GIR 0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})$")

APPLICANT, AWAITING_DECISION, ACTIVE, REJECTED = "applicant", "awaiting_decision", "active", "rejected"


def normalise_postcode(value: str) -> str:
    """Upper-case with one space before the inward code, e.g. 'ls18ab' -> 'LS1 8AB'."""
    compact = re.sub(r"\s+", "", value).upper()
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact


def is_charity_number(value: str) -> bool:
    return bool(CHARITY_NUMBER.match(value))


def is_company_number(value: str) -> bool:
    return bool(COMPANY_NUMBER.match(value.upper()))


def is_postcode(value: str) -> bool:
    return bool(POSTCODE.match(normalise_postcode(value)))


def submit_application(status: str) -> str:
    """M1: an applicant's application goes to the board for a decision."""
    if status != APPLICANT:
        raise RuleViolation(f"Only an applicant's application can be put to the board (status is {status}).", "M1")
    return AWAITING_DECISION


def decide_application(status: str, outcome: str) -> str:
    """M1: the board's decision makes an awaiting applicant active or rejected."""
    if status != AWAITING_DECISION:
        raise RuleViolation(f"No application is awaiting a decision (status is {status}).", "M1")
    return ACTIVE if outcome == "approved" else REJECTED
