"""P1: performance against targets: RAG per indicator and overall, trend over periods, returns' rules.

Pure functions of numbers; the thresholds are each contract's configuration (defaults: green at 95% or more of
profile, amber from 80%, red below).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Iterable, Sequence

from hubkit.domain import RuleViolation

GREEN, AMBER, RED = "green", "amber", "red"
RAG_ORDER = {GREEN: 0, AMBER: 1, RED: 2}
RAG_TEXT = {GREEN: "Green", AMBER: "Amber", RED: "Red", None: "Not rated"}
SUBMITTED, QUERIED, ACCEPTED = "submitted", "queried", "accepted"


@dataclasses.dataclass(frozen=True)
class Thresholds:
    """Percentages of profile (the target) at or above which a result is green, and amber."""

    green_percent: int = 95
    amber_percent: int = 80

    def __post_init__(self):
        if not 0 < self.amber_percent <= self.green_percent:
            raise ValueError("amber must be above 0 and no higher than green")


def achievement(actual: Decimal | float, target: Decimal | float, higher_is_better: bool = True) -> Decimal | None:
    """How far the result meets the profile, as a percentage (100 = on profile); None with nothing to measure.

    Higher is better: actual / target. Lower is better (e.g. waiting days): target / actual, so doing better
    than the target counts above 100. A zero target is met by any result when higher is better, and only by
    zero when lower is better."""
    actual, target = Decimal(str(actual)), Decimal(str(target))
    if higher_is_better:
        if target <= 0:
            return Decimal(100)
        return actual * 100 / target
    if actual <= 0:
        return Decimal(100)
    if target <= 0:
        return Decimal(0)
    return target * 100 / actual


def rag(actual, target, higher_is_better: bool = True, thresholds: Thresholds = Thresholds()) -> str | None:
    """P1: the RAG rating of one indicator for one period; None when there is no actual or no target."""
    if actual is None or target is None:
        return None
    percent = achievement(actual, target, higher_is_better)
    if percent >= thresholds.green_percent:
        return GREEN
    if percent >= thresholds.amber_percent:
        return AMBER
    return RED


def overall(ratings: Iterable[str | None]) -> str | None:
    """The overall RAG is the worst of the indicators' ratings (None if none is rated)."""
    rated = [r for r in ratings if r is not None]
    return max(rated, key=RAG_ORDER.__getitem__) if rated else None


def trend(percentages: Sequence[Decimal | float | None]) -> str:
    """Improving, worsening or steady, from the last two rated periods; 'not enough data' before that."""
    known = [Decimal(str(p)) for p in percentages if p is not None]
    if len(known) < 2:
        return "not enough data"
    before, now = known[-2], known[-1]
    if now > before + Decimal("0.5"):
        return "improving"
    if now < before - Decimal("0.5"):
        return "worsening"
    return "steady"


def is_late(submitted_on: dt.date, due_on: dt.date) -> bool:
    return submitted_on > due_on


def check_actuals(actuals: dict, indicator_ids: set) -> None:
    """P1: a return gives an actual (zero or more) for every indicator of the contract, and no others."""
    unknown = set(actuals) - indicator_ids
    if unknown:
        raise ValueError(f"not indicators of this contract: {', '.join(sorted(map(str, unknown)))}")
    missing = indicator_ids - set(actuals)
    if missing:
        raise ValueError("give an actual for every indicator")
    if any(Decimal(str(v)) < 0 for v in actuals.values()):
        raise ValueError("an actual cannot be negative")


def check_can_review(status: str) -> None:
    if status != SUBMITTED:
        raise RuleViolation(f"Only a submitted return can be reviewed; this one is {status}.", rule="P1")


def check_can_resubmit(status: str) -> None:
    if status != QUERIED:
        raise RuleViolation(f"Only a queried return can be submitted again; this one is {status}.", rule="P1")


def needs_improvement_plan(overall_rag: str | None) -> bool:
    """A red subcontract gets an improvement plan."""
    return overall_rag == RED
