"""Shared-staff time (H4): timesheet rules, in plain Python.

Time is stored as integer minutes in quarter hours. A week starts on Monday. A person's day holds at
most 24 hours across every cost code. Approved weeks are locked: a correction is a reversal (a negative
copy of the approved entry, linked to it, with who and why) plus a new entry, never an edit.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from hubkit.domain import InvalidField, NotAllowed, RuleViolation

QUARTER = 15
DAY_MINUTES = 24 * 60

DRAFT, SUBMITTED, APPROVED, REJECTED = "draft", "submitted", "approved", "rejected"
STATUSES = (DRAFT, SUBMITTED, APPROVED, REJECTED)
EDITABLE = (DRAFT, REJECTED)

# The ten hub functions of H2 (the same keys as governance's); each is consortium work, so chargeable.
HUB_FUNCTIONS = {
    "strategic_planning": "Lead strategic and business planning",
    "influencing_commissioners": "Influence commissioners and develop strategic relationships",
    "policies_and_procedures": "Develop policies and procedures",
    "membership_and_supply_chain": "Recruit and manage the membership and develop the supply chain",
    "bidding": "Scope for and bid for contracts",
    "contract_management": "Manage contracts and the performance of subcontractors",
    "fundraising": "Explore and raise funding",
    "governance": "Ensure good governance",
    "finance": "Finance management",
    "performance": "Manage performance",
}
CODE_KINDS = ("hub_function", "bid", "contract", "employer_own", "other")


def check_approver(approver_user_id: str, approver_roles, person_user_id: str | None,
                   line_manager_user_id: str | None) -> None:
    """An approver is never the person; a finance officer approves anyone else's week, a consortium manager
    only the weeks of people they line-manage."""
    if person_user_id is not None and approver_user_id == person_user_id:
        raise NotAllowed("Nobody approves their own timesheet: ask your line manager or the finance officer.")
    if "finance_officer" in approver_roles:
        return
    if "consortium_manager" in approver_roles and line_manager_user_id == approver_user_id:
        return
    raise NotAllowed("Only the finance officer or the person's line manager approves their timesheet.")


def week_start(day: dt.date) -> dt.date:
    """The Monday of the week holding `day`."""
    return day - dt.timedelta(days=day.weekday())


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def parse_month(text: str) -> dt.date:
    """'2026-11' -> date(2026, 11, 1); ValueError if malformed."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", (text or "").strip())
    if not match:
        raise ValueError("Give the month as YYYY-MM.")
    return dt.date(int(match[1]), int(match[2]), 1)


def minutes_problem(minutes: int) -> str | None:
    """Why an amount of time in minutes cannot be logged, or None."""
    if minutes < 0:
        return "Time cannot be negative: corrections to approved time are made by reversal."
    if minutes % QUARTER:
        return "Log time in quarter hours (15 minutes)."
    if minutes > DAY_MINUTES:
        return "No more than 24 hours in a day."
    return None


def hours_text(minutes: int) -> str:
    """Minutes as hours for a form cell: 450 -> '7.5', 0 -> ''."""
    if not minutes:
        return ""
    value = Decimal(minutes) / 60
    return format(value.normalize(), "f")


def check_entries(week: dt.date, entries: list[dict]) -> None:
    """Each entry in the week, quarter hours, at most 24 hours a day in total; InvalidField naming the field."""
    errors: dict = {}
    per_day: dict[dt.date, int] = {}
    seen: set = set()
    for index, entry in enumerate(entries):
        problems: dict = {}
        day, minutes = entry["day"], entry["minutes"]
        if not week <= day < week + dt.timedelta(days=7):
            problems["day"] = [f"{day.isoformat()} is not in the week starting {week.isoformat()}."]
        why = minutes_problem(minutes)
        if why:
            problems["minutes"] = [why]
        key = (day, entry["cost_code_id"])
        if key in seen:
            problems["cost_code_id"] = ["This cost code appears twice on one day."]
        seen.add(key)
        per_day[day] = per_day.get(day, 0) + max(minutes, 0)
        if problems:
            errors[str(index)] = problems
    for index, entry in enumerate(entries):
        if per_day.get(entry["day"], 0) > DAY_MINUTES:
            errors.setdefault(str(index), {})["minutes"] = [
                f"More than 24 hours logged on {entry['day'].isoformat()}."]
    if errors:
        raise InvalidField({"entries": errors})


def check_can_edit(status: str) -> None:
    """Only a draft or rejected week can be edited; an approved week is locked."""
    if status == APPROVED:
        raise RuleViolation("This week is approved and locked: correct it with a reversal, never an edit.", rule="H4")
    if status == SUBMITTED:
        raise RuleViolation("This week is waiting for approval: ask the approver to reject it to change it.")


def check_submit(status: str, entry_count: int) -> None:
    if status not in EDITABLE:
        raise RuleViolation(f"A {status} week cannot be submitted.")
    if entry_count == 0:
        raise RuleViolation("Log some time before submitting the week.")


def check_decide(status: str) -> None:
    if status != SUBMITTED:
        raise RuleViolation(f"Only a submitted week can be approved or rejected; this one is {status}.")


def closed_days(days, closed_months: set[dt.date]) -> list[dt.date]:
    """The days that fall in a closed month."""
    return sorted({d for d in days if month_start(d) in closed_months})
