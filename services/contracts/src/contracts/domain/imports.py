"""Bringing a contract's history in from a file (issue 12, item 6): its subcontracts' targets, and past returns (P1).

Both files are long: one row is one figure of one subcontract for one indicator in one period. A targets file gives
the subcontract's share of the target (`subcontract, indicator, period, target`); a returns file gives a past
return's actual, with the day it was really submitted and, if the hub accepted it, the day it was accepted
(`subcontract, period, indicator, actual, submitted_on, accepted_on, narrative, review_comment`): a return's several
rows (one per indicator) must agree about those days and words. A subcontract is named by its organisation's name
(or its id, when the contract has two for one organisation), an indicator by its code, a period by its number.

Imported past returns are history: they keep their real days and are marked as imported, and count in the RAG
dashboard, trends and the commissioner's report like any other; they publish no event (the money paid by results
for them was settled before the hub, and nobody is to be told of them now). A return for a period that has not
ended cannot be imported: what has not happened is not history (P1).

Plain rules, no Flask or SQLAlchemy: the lookups are given as dicts.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from decimal import Decimal, InvalidOperation
from typing import Iterable

from hubkit.safe_input import unsafe_text
from hubkit.tables import Problem, heading_problems, parse_day

from . import performance as p

TARGET_COLUMNS = ("subcontract", "indicator", "period", "target")
TARGET_REQUIRED = TARGET_COLUMNS
RETURN_COLUMNS = ("subcontract", "period", "indicator", "actual", "submitted_on", "accepted_on", "narrative",
                  "review_comment")
RETURN_REQUIRED = ("subcontract", "period", "indicator", "actual", "submitted_on")
RETURN_AGREES = ("submitted_on", "accepted_on", "narrative", "review_comment")  # what a return's rows agree on
MAX_FIGURE = Decimal(10**9)  # as the API's figures
RETURN_TEXTS = {"narrative": 10000, "review_comment": 5000}  # as long as the API takes them


@dataclasses.dataclass(frozen=True)
class SubcontractRef:
    id: object
    name: str
    starts_on: dt.date
    ends_on: dt.date


@dataclasses.dataclass(frozen=True)
class PeriodRef:
    id: object
    number: int
    label: str
    starts_on: dt.date
    ends_on: dt.date
    return_due_on: dt.date


@dataclasses.dataclass(frozen=True)
class ContractRefs:
    """What a file's names are looked up in: the contract's subcontracts, indicators (by code) and periods."""

    subcontracts: tuple[SubcontractRef, ...]
    indicators: dict  # code -> id
    periods: tuple[PeriodRef, ...]

    @functools.cached_property
    def period_keys(self) -> dict:
        """Each period by its number and by its id (as text), looked up once per row of a long file."""
        return {str(period.id): period for period in self.periods} | {str(p.number): p for p in self.periods}

    @functools.cached_property
    def subcontract_keys(self) -> tuple[dict, dict]:
        """The subcontracts by id (as text), and by their organisation's name (casefolded) as lists."""
        named: dict[str, list] = {}
        for subcontract in self.subcontracts:
            named.setdefault(subcontract.name.casefold(), []).append(subcontract)
        return {str(s.id): s for s in self.subcontracts}, named


@dataclasses.dataclass
class FigureRow:
    """One row of either file, its names resolved where they could be."""

    row: int
    values: dict  # as written
    figure: Decimal | None = None
    subcontract: SubcontractRef | None = None
    indicator_id: object = None
    period: PeriodRef | None = None
    days: dict = dataclasses.field(default_factory=dict)  # submitted_on, accepted_on as dates (returns)


def target_heading_problems(headings: Iterable[str]) -> list[Problem]:
    return heading_problems(headings, TARGET_COLUMNS, TARGET_REQUIRED)


def return_heading_problems(headings: Iterable[str]) -> list[Problem]:
    return heading_problems(headings, RETURN_COLUMNS, RETURN_REQUIRED)


def parse_figure(text: str) -> Decimal:
    """A count or measure of an indicator (people, sessions, days): a number from 0 to a thousand million."""
    cleaned = text.replace(",", "").strip()
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"{text} is not a number.") from None
    if not number.is_finite():
        raise ValueError(f"{text} is not a number.")
    if number < 0:
        raise ValueError("It cannot be negative.")
    if number > MAX_FIGURE:
        raise ValueError("It is more than a thousand million.")
    return number


def _subcontract(refs: ContractRefs, text: str) -> tuple[SubcontractRef | None, str | None]:
    by_id, by_name = refs.subcontract_keys
    if text.lower() in by_id:
        return by_id[text.lower()], None
    named = by_name.get(text.casefold(), [])
    if len(named) > 1:
        return None, f"{text} holds {len(named)} subcontracts of this contract: give the subcontract's id."
    if not named:
        return None, f"{text} holds no subcontract of this contract."
    return named[0], None


def _period(refs: ContractRefs, text: str) -> PeriodRef | None:
    return refs.period_keys.get(text) or refs.period_keys.get(text.lower())


def read_row(values: dict, refs: ContractRefs, figure_column: str) -> tuple[FigureRow, list[Problem]]:
    """A row's subcontract, indicator and period looked up in the contract, and its figure read; every problem
    named by column. A period must fall (at least partly) within the subcontract's dates."""
    row = FigureRow(int(values["_row"]), values)
    problems: list[Problem] = []
    named = {column: values.get(column, "").strip() for column in ("subcontract", "indicator", "period")}
    if named["subcontract"]:
        row.subcontract, problem = _subcontract(refs, named["subcontract"])
        if problem:
            problems.append(Problem(row.row, "subcontract", problem))
    if named["indicator"]:
        row.indicator_id = refs.indicators.get(named["indicator"])
        if row.indicator_id is None:
            problems.append(Problem(row.row, "indicator", f"{named['indicator']} is not an indicator of this "
                                                          "contract (give its code)."))
    if named["period"]:
        row.period = _period(refs, named["period"])
        if row.period is None:
            problems.append(Problem(row.row, "period", f"{named['period']} is not a reporting period of this "
                                                       "contract (give its number)."))
    for column, text in named.items():
        if not text:
            problems.append(Problem(row.row, column, f"Give the {column}."))
    sub, period = row.subcontract, row.period
    if sub and period and (period.ends_on < sub.starts_on or period.starts_on > sub.ends_on):
        problems.append(Problem(row.row, "period", f"{period.label} is outside {sub.name}'s subcontract "
                                                   f"({sub.starts_on:%d/%m/%Y} to {sub.ends_on:%d/%m/%Y})."))
    text = values.get(figure_column, "").strip()
    if not text:
        problems.append(Problem(row.row, figure_column, f"Give the {figure_column}."))
    else:
        try:
            row.figure = parse_figure(text)
        except ValueError as exc:
            problems.append(Problem(row.row, figure_column, str(exc)))
    return row, problems


def duplicate_problems(rows: list[FigureRow]) -> list[Problem]:
    """A subcontract's figure for one indicator in one period is given once in a file."""
    seen: dict[tuple, int] = {}
    problems = []
    for row in rows:
        if row.subcontract is None or row.indicator_id is None or row.period is None:
            continue
        key = (row.subcontract.id, row.indicator_id, row.period.id)
        if key in seen:
            problems.append(Problem(row.row, "indicator", f"Row {seen[key]} already gives {row.subcontract.name}'s "
                                                          f"{row.values['indicator'].strip()} for "
                                                          f"{row.period.label}."))
        else:
            seen[key] = row.row
    return problems


def read_return_days(row: FigureRow, today: dt.date) -> list[Problem]:
    """A past return's days: submitted (not before its period started, not after today), accepted (not before it
    was submitted, not after today); and P1: its period has ended, or it is not history yet."""
    problems = []
    for column in ("submitted_on", "accepted_on"):
        text = row.values.get(column, "").strip()
        if text:
            try:
                row.days[column] = parse_day(text)
            except ValueError as exc:
                problems.append(Problem(row.row, column, str(exc)))
        elif column == "submitted_on":
            problems.append(Problem(row.row, column, "Give the day the return was submitted."))
    submitted, accepted, period = row.days.get("submitted_on"), row.days.get("accepted_on"), row.period
    if period and today <= period.ends_on:
        problems.append(Problem(row.row, "period", f"{period.label} runs until {period.ends_on:%d/%m/%Y}: it has "
                                                   "not ended, so its return is not history to import (P1)."))
    if submitted and submitted > today:
        problems.append(Problem(row.row, "submitted_on", "That day has not come yet."))
    if submitted and period and submitted < period.starts_on:
        problems.append(Problem(row.row, "submitted_on", f"That is before {period.label} started."))
    if accepted and accepted > today:
        problems.append(Problem(row.row, "accepted_on", "That day has not come yet."))
    if accepted and submitted and accepted < submitted:
        problems.append(Problem(row.row, "accepted_on", "A return is accepted after it is submitted."))
    return problems


def return_text_problems(row: FigureRow) -> list[Problem]:
    """A return's words are kept: as long as the API takes them, and text a database can store."""
    problems = []
    for column, longest in RETURN_TEXTS.items():
        text = row.values.get(column, "").strip()
        if len(text) > longest:
            problems.append(Problem(row.row, column, f"It is longer than {longest} characters."))
        elif unsafe_text(text):
            problems.append(Problem(row.row, column, unsafe_text(text)))
    return problems


def group_returns(rows: list[FigureRow], indicator_ids: set, existing: set) -> tuple[dict, list[Problem]]:
    """The file's returns by (subcontract id, period id), each a list of its rows: a return's rows agree about its
    days and words; it gives an actual for every indicator (P1, as a return submitted in the hub); and the
    subcontract has no return for that period in the hub already (`existing`: (subcontract id, period id))."""
    returns: dict[tuple, list[FigureRow]] = {}
    problems = []
    for row in rows:
        if row.subcontract is None or row.period is None:
            continue
        returns.setdefault((row.subcontract.id, row.period.id), []).append(row)
    for key, group in returns.items():
        first = group[0]
        for row in group[1:]:
            for column in RETURN_AGREES:
                if row.values.get(column, "").strip() != first.values.get(column, "").strip():
                    problems.append(Problem(row.row, column, f"The rows of {first.subcontract.name}'s return for "
                                                             f"{first.period.label} disagree about {column} (row "
                                                             f"{first.row} says "
                                                             f"{first.values.get(column, '').strip() or 'nothing'})."))
        if key in existing:
            problems.append(Problem(first.row, "period", f"{first.subcontract.name} already has a return for "
                                                         f"{first.period.label} in the hub."))
        given = {row.indicator_id for row in group if row.indicator_id is not None}
        try:
            p.check_actuals({i: 0 for i in given}, indicator_ids)
        except ValueError as exc:
            problems.append(Problem(first.row, "indicator", f"{first.subcontract.name}'s return for "
                                                            f"{first.period.label}: {exc}."))
    return returns, problems
