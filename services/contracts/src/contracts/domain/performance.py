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
    # Decimals are taken as they are (str and back gives the same Decimal); other numbers through their text.
    actual = actual if isinstance(actual, Decimal) else Decimal(str(actual))
    target = target if isinstance(target, Decimal) else Decimal(str(target))
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
    return rating(achievement(actual, target, higher_is_better), thresholds)


def rating(percent: Decimal | None, thresholds: Thresholds = Thresholds()) -> str | None:
    """The RAG of a percentage of profile (None: not rated)."""
    if percent is None:
        return None
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


def check_period_over(label: str, ends_on: dt.date, today: dt.date, confirmed: bool) -> None:
    """P1: a return reports a period that has happened; one for a period still running is early, and is only
    taken when the subcontractor confirms the figures are those so far (what has not happened is not reported)."""
    if today <= ends_on and not confirmed:
        raise RuleViolation(f"{label} runs until {ends_on:%d %B %Y}: it has not ended, so these are not its "
                            f"final figures. Submit the return after it ends, or confirm (confirm_early) that you "
                            f"are reporting the figures so far.", rule="P1")


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


# --- scorecards and the roll-up, from rows already read ----------------------------------------------------------

def _percent(actual, target, higher_is_better: bool) -> Decimal | None:
    return achievement(actual, target, higher_is_better) if actual is not None and target is not None else None


def scorecard(indicators: Sequence, periods: Sequence, shares: dict, returns: dict, today: dt.date,
              thresholds: Thresholds) -> dict:
    """P1: one subcontract's card: for each period, each indicator's share of the target (`shares`, by
    (indicator id, period id)), actual (from `returns`, by period id), % of profile and RAG, the period's overall
    RAG and its return's state (overdue or not yet due without one); and each indicator's trend over the periods."""
    keyed = [(indicator, indicator.id, str(indicator.id), indicator.higher_is_better) for indicator in indicators]
    rows, history = [], {i.id: [] for i in indicators}
    for period in periods:
        period_id = period.id
        ret = returns.get(period_id)
        actuals = ret.actuals if ret else {}
        cells = []
        for indicator, indicator_id, key, higher_is_better in keyed:
            target = shares.get((indicator_id, period_id))
            actual = Decimal(actuals[key]) if key in actuals else None
            percent = _percent(actual, target, higher_is_better)
            history[indicator_id].append(percent)
            cells.append({"indicator": indicator, "target": target, "actual": actual,
                          "percent": round(percent, 1) if percent is not None else None,
                          "rag": rating(percent, thresholds)})
        rows.append({"period": period, "return": ret, "status": ret.status if ret else
                     ("overdue" if period.return_due_on < today else "not_due"),
                     "late": bool(ret and ret.late), "cells": cells, "overall": overall(c["rag"] for c in cells)})
    return {"periods": rows, "trends": [{"indicator": i, "trend": trend(history[i.id])} for i in indicators]}


@dataclasses.dataclass(frozen=True)
class AcceptedReturn:
    """What the roll-up reads of an accepted return: whose it is, its actual of each indicator and the subcontract's
    share of the target of each for the return's period, in the order of the roll-up's indicators (None: none
    given, or no share). Tuples, not dicts by id: a big contract's report looks up thousands (issue 16)."""

    subcontract_id: object
    organisation_name: str
    actuals: tuple
    shares: tuple


def accepted_by_period(indicators: Sequence, returns: Iterable, each_share: dict, names: dict) -> dict:
    """The accepted ones of `returns` (rows with subcontract_id, period_id, status and actuals by indicator id as
    text) as AcceptedReturns by period id, their shares from `each_share` (by subcontract id, then (indicator id,
    period id)) and their names from `names` (by subcontract id)."""
    found: dict = {}
    keys = [str(i.id) for i in indicators]
    for ret in returns:
        if ret.status != ACCEPTED:
            continue
        theirs = each_share.get(ret.subcontract_id, {})
        found.setdefault(ret.period_id, []).append(AcceptedReturn(
            ret.subcontract_id, names.get(ret.subcontract_id, ""),
            tuple(Decimal(ret.actuals[key]) if key in ret.actuals else None for key in keys),
            tuple(theirs.get((i.id, ret.period_id)) for i in indicators)))
    return found


def rollup(indicators: Sequence, periods: Sequence, targets: dict, shares: dict, accepted: dict,
           thresholds: Thresholds) -> list[dict]:
    """Every subcontract's accepted actuals (`accepted`: AcceptedReturns by period id) added up to the head contract
    per indicator and period, against the commissioner's `targets` and beside the subcontracted `shares` (both by
    (indicator id, period id)), with the RAG of the total; no actual for a period with no accepted return.

    P1: a total can hide a subcontractor far off its share (one red, another well over), so each line also has
    the worst of the subcontractors' own RAGs (`worst_rag`, each accepted actual against its own share) and who is
    at it (`worst`, lowest percentage of its share first, then by name).

    The total's RAG is `total_rating`'s: what it was measured against is `rated_against` (the commissioner's target
    when higher is better; the reporting subcontractors' summed shares when lower is better)."""
    zero = Decimal(0)
    rows = []
    for n, indicator in enumerate(indicators):
        indicator_id, higher_is_better = indicator.id, indicator.higher_is_better
        for period in periods:
            cell = (indicator_id, period.id)
            in_period = accepted.get(period.id, ())
            theirs = []  # (rag, percent, accepted return, actual, share) of each subcontractor
            actual = zero if in_period else None
            for ret in in_period:
                own, share = ret.actuals[n], ret.shares[n]
                if own is not None:
                    actual += own
                own_percent = _percent(own, share, higher_is_better)
                theirs.append((rating(own_percent, thresholds), own_percent, ret, own, share))
            target = targets.get(cell)
            rated_against, percent = total_rating(actual, target, [(t[3], t[4]) for t in theirs], higher_is_better)
            worst_rag = overall([t[0] for t in theirs])
            worst = sorted(({"subcontract_id": ret.subcontract_id, "organisation_name": ret.organisation_name,
                             "target": share, "actual": own, "percent": round(own_percent, 1), "rag": rag_}
                            for rag_, own_percent, ret, own, share in theirs
                            if worst_rag is not None and rag_ == worst_rag),
                           key=lambda t: (t["percent"], t["organisation_name"]))
            rows.append({"indicator": indicator, "period": period, "target": target,
                         "subcontracted": shares.get(cell), "actual": actual,
                         "returns_accepted": len(in_period),
                         "percent": round(percent, 1) if percent is not None else None,
                         "rated_against": rated_against,
                         "rag": rating(percent, thresholds), "worst_rag": worst_rag, "worst": worst})
    return rows


def total_rating(actual, target, theirs: Sequence[tuple], higher_is_better: bool) -> tuple:
    """P1: what a roll-up total is measured against and its percentage of that profile (None: not rated), from the
    summed `actual`, the commissioner's `target` and each reporting subcontractor's (actual, share).

    Higher is better: the total against the commissioner's target, whoever has reported (a subcontractor yet to
    report is a shortfall so far). Lower is better (e.g. days waited, complaints): a sum of lower-is-better actuals
    grows with every return added, so against the whole target it turns red as returns come in however well each
    did. It is measured like for like instead: the actuals of the subcontractors with a share, summed, against
    their shares, summed (target / actual, the right way round for lower is better). So the total is never worse
    than the worst subcontractor (all green is a green total); without any share, against the commissioner's
    target."""
    if higher_is_better:
        return target, _percent(actual, target, True)
    paired = [(own, share) for own, share in theirs if own is not None and share is not None]
    if not paired:
        return target, _percent(actual, target, False)
    shares = sum((share for _, share in paired), Decimal(0))
    return shares, achievement(sum((own for own, _ in paired), Decimal(0)), shares, higher_is_better=False)


def worst_of_lines(lines: Iterable[dict]) -> str | None:
    """P1: the worst RAG any subcontractor has on any of these roll-up lines (None if none is rated)."""
    return overall(line["worst_rag"] for line in lines)
