"""Full-cost hourly rates (F3): salary, employer on-costs and a share of overheads, over productive hours.

The rounding rule, written once: the yearly full cost and the hourly rate are worked out exactly in
Decimal, and the rate is rounded to a whole penny ONCE, half up (0.5p -> 1p). The rate is stored in
integer pence per hour. An amount of time is costed as minutes x rate / 60, again exact, and rounded to
the penny once, half up, for each invoice line (never entry by entry and then summed).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from hubkit.domain import RuleViolation

PENNY = Decimal(1)


def to_pence(value: Decimal) -> int:
    """Round an exact amount of pence to a whole penny, half up."""
    return int(value.quantize(PENNY, rounding=ROUND_HALF_UP))


@dataclasses.dataclass(frozen=True)
class RateInputs:
    """What a full-cost rate is built from; on-costs are either a percentage of salary or pence a year."""

    salary_pence: int
    on_costs_percent: Decimal | None
    on_costs_pence: int | None
    overhead_percent: Decimal
    productive_hours: Decimal


def yearly_on_costs(inputs: RateInputs) -> Decimal:
    if inputs.on_costs_pence is not None:
        return Decimal(inputs.on_costs_pence)
    return Decimal(inputs.salary_pence) * (inputs.on_costs_percent or Decimal(0)) / 100


def yearly_full_cost(inputs: RateInputs) -> Decimal:
    """F3: salary + on-costs + the overhead share (a percentage of salary plus on-costs), exact."""
    direct = Decimal(inputs.salary_pence) + yearly_on_costs(inputs)
    return direct + direct * inputs.overhead_percent / 100


def full_cost_rate_pence(inputs: RateInputs) -> int:
    """F3: the hourly full-cost rate in pence, rounded once (half up) from the exact yearly full cost."""
    if inputs.productive_hours <= 0:
        raise RuleViolation("Productive hours a year must be more than zero.", rule="F3")
    if (inputs.on_costs_percent is None) == (inputs.on_costs_pence is None):
        raise RuleViolation("Give the employer's on-costs either as a percentage or in pence, not both.", rule="F3")
    return to_pence(yearly_full_cost(inputs) / inputs.productive_hours)


def cost_pence(minutes: int, rate_pence: int) -> int:
    """The cost of some minutes at an hourly rate, rounded once (half up): one invoice line's amount."""
    return to_pence(Decimal(minutes) * Decimal(rate_pence) / 60)


def rate_on(history: list, day: dt.date):
    """The rate in effect on a day from a history of rates with `effective_from` (latest that has begun)."""
    current = None
    for rate in sorted(history, key=lambda r: (r.effective_from, r.created_at)):
        if rate.effective_from <= day:
            current = rate
    return current
