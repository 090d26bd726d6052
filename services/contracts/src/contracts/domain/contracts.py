"""Head contracts and subcontracts: reporting periods, the value check (F2), payment schedules and H5."""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Iterable

from hubkit.clock import term_end
from hubkit.domain import RuleViolation

from .bids import management_fee

FREQUENCIES = {"monthly": 1, "quarterly": 3, "half_yearly": 6, "annual": 12}
INDICATOR_KINDS = ("output", "outcome")
PURPOSES = ("delivery", "contract_management")
RELEASES = ("on_date", "on_accepted_return")
AWARDED, LIVE = "awarded", "live"
VIRTUAL_HUB = "virtual_hub"
DEFAULT_RETURN_DUE_DAYS = 20


@dataclasses.dataclass(frozen=True)
class Period:
    number: int
    label: str
    starts_on: dt.date
    ends_on: dt.date
    return_due_on: dt.date


def reporting_periods(starts_on: dt.date, ends_on: dt.date, frequency: str = "quarterly",
                      return_due_days: int = DEFAULT_RETURN_DUE_DAYS) -> list[Period]:
    """P1: the contract's reporting periods from its start (quarterly by default), the last one cut at its end,
    each with its return due `return_due_days` after the period ends."""
    if ends_on < starts_on:
        raise ValueError("a contract cannot end before it starts")
    months = FREQUENCIES[frequency]
    prefix = {"monthly": "Month", "quarterly": "Q", "half_yearly": "Half", "annual": "Year"}[frequency]
    periods, start, number = [], starts_on, 1
    while start <= ends_on:
        end = min(term_end(starts_on, months * number), ends_on)  # as G6's terms: 29 Feb + 12 months ends 28 Feb
        sep = "" if prefix == "Q" else " "
        label = f"{prefix}{sep}{number} ({start:%b %Y} to {end:%b %Y})" if months > 1 else \
            f"{prefix} {number} ({start:%b %Y})"
        periods.append(Period(number, label, start, end, end + dt.timedelta(days=return_due_days)))
        start, number = end + dt.timedelta(days=1), number + 1
    return periods


def available_for_subcontracts(value_pence: int, fee_basis_points: int) -> int:
    """F2: what the accountable body can pass to members: the contract's value less the hub's management fee."""
    return value_pence - management_fee(value_pence, fee_basis_points)


def check_subcontract_values(value_pence: int, fee_basis_points: int, subcontract_values: Iterable[int]) -> None:
    """F2: the subcontracts together must not exceed the head contract's value less the management fee."""
    total = sum(subcontract_values)
    available = available_for_subcontracts(value_pence, fee_basis_points)
    if total > available:
        raise RuleViolation(
            f"F2: the subcontracts would total {pounds(total)}, more than the head contract's value less the "
            f"management fee ({pounds(available)}).", rule="F2")


def check_schedule_within_value(value_pence: int, instalment_amounts: Iterable[int]) -> None:
    """F2: a subcontract's payment schedule cannot promise more than its value."""
    total = sum(instalment_amounts)
    if total > value_pence:
        raise RuleViolation(f"F2: the payment schedule totals {pounds(total)}, more than the subcontract's value "
                            f"({pounds(value_pence)}).", rule="F2")


def check_member_can_subcontract(status: str | None, name: str | None) -> None:
    """Subcontracts go to active member organisations only."""
    if status is None:
        raise RuleViolation("That organisation is not a member organisation known to the hub.", rule="F2")
    if status != "active":
        raise RuleViolation(f"{name} is not an active member ({status}): subcontracts go to active members.",
                            rule="F2")


def management_subcontract_needed(hub_model: str | None) -> bool:
    """H5: in a virtual hub a won contract's management and administration is subcontracted to a member."""
    return hub_model == VIRTUAL_HUB


def check_can_go_live(status: str, hub_model: str | None, has_management_subcontract: bool) -> None:
    """A contract goes live once; in a virtual hub only once its management subcontract is issued (H5)."""
    if status == LIVE:
        raise RuleViolation("The contract is already live.", rule="contract")
    if management_subcontract_needed(hub_model) and not has_management_subcontract:
        raise RuleViolation("H5: the hub is a virtual hub, so the contract's management and administration must be "
                            "subcontracted to a member (a contract_management subcontract) before it goes live.",
                            rule="H5")


def pounds(pence: int) -> str:
    whole, pennies = divmod(pence, 100)
    return f"£{whole:,}" + (f".{pennies:02d}" if pennies else "")
