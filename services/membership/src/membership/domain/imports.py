"""Bringing a consortium's existing members in from a file (issue 12, item 6): what each row must say.

A row is one organisation: its profile (checked by the same schema as registering one), whether it is already an
active member (and since when: M1's approval happened before the hub) or still an applicant, and, for each
due-diligence item, the evidence already held: when it was provided, when it expires and its cover (M1), and who
verified it on what day. Every row's problems are found before anything is written; a file with any is refused
whole. Plain rules, no Flask or SQLAlchemy.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Iterable, Sequence

from hubkit.domain import RuleViolation
from hubkit.tables import Problem, parse_day, parse_pence
from hubkit.tables import heading_problems as table_heading_problems

from .due_diligence import Requirement, check_verification, missing_details
from .organisations import ACTIVE, APPLICANT

STATUSES = (ACTIVE, APPLICANT)
PROFILE_COLUMNS = ("name", "legal_form", "charity_number", "company_number", "address_line_1", "address_line_2",
                   "town", "postcode", "areas_served", "service_categories", "client_groups", "income_band",
                   "staff_count", "volunteer_count", "diversity")
LIST_COLUMNS = {"areas_served", "service_categories", "client_groups", "diversity"}  # values split by ";"
MEMBERSHIP_COLUMNS = ("status", "member_since")
REQUIRED_COLUMNS = ("name", "legal_form", "status")
EVIDENCE_PARTS = ("provided_on", "expires_on", "cover", "verified_by", "verified_on")


@dataclasses.dataclass
class MemberRow:
    """One row, read: the profile as text for the schema, the membership, and the evidence by checklist kind."""

    row: int
    profile: dict
    status: str | None = None
    member_since: dt.date | None = None
    evidence: dict[str, dict] = dataclasses.field(default_factory=dict)


def evidence_column(kind: str, part: str) -> str:
    return f"{kind}_{part}"


def columns(checklist: Sequence[Requirement]) -> tuple[str, ...]:
    """Every column a members file may have, in the order of a blank template."""
    return PROFILE_COLUMNS + MEMBERSHIP_COLUMNS + tuple(
        evidence_column(r.kind, part) for r in checklist for part in EVIDENCE_PARTS
        if (part != "expires_on" or r.needs_expiry) and (part != "cover" or r.needs_cover))


def heading_problems(headings: Iterable[str], checklist: Sequence[Requirement]) -> list[Problem]:
    """The file's headings: the required ones there, none that is not a column of a members file."""
    return table_heading_problems(headings, columns(checklist), REQUIRED_COLUMNS)


def _profile(values: dict) -> dict:
    """The profile columns given, as the registration schema takes them (lists split on ";")."""
    profile = {}
    for name in PROFILE_COLUMNS:
        text = values.get(name, "")
        if not text:
            continue
        if name in LIST_COLUMNS:
            profile[name] = [part.strip() for part in text.split(";") if part.strip()]
        else:
            profile[name] = text
    return profile


def _day(values: dict, column: str, row: int, problems: list[Problem]) -> dt.date | None:
    text = values.get(column, "")
    if not text:
        return None
    try:
        day = parse_day(text)
    except ValueError as exc:
        problems.append(Problem(row, column, str(exc)))
        return None
    return day


def _evidence(values: dict, requirement: Requirement, row: int, problems: list[Problem], today: dt.date
              ) -> dict | None:
    """M1: the evidence held for one checklist item, or None when the row gives none."""
    column = {part: evidence_column(requirement.kind, part) for part in EVIDENCE_PARTS}
    if not any(values.get(name, "") for name in column.values()):
        return None
    provided_on = _day(values, column["provided_on"], row, problems)
    expires_on = _day(values, column["expires_on"], row, problems)
    verified_on = _day(values, column["verified_on"], row, problems)
    verified_by = values.get(column["verified_by"], "")
    cover_pence = None
    if values.get(column["cover"], ""):
        try:
            cover_pence = parse_pence(values[column["cover"]])
        except ValueError as exc:
            problems.append(Problem(row, column["cover"], str(exc)))
    before = len(problems)
    if provided_on is None and not values.get(column["provided_on"], ""):
        problems.append(Problem(row, column["provided_on"], f"{requirement.label}: give the day it was provided."))
    if provided_on and provided_on > today:
        problems.append(Problem(row, column["provided_on"], f"{requirement.label} cannot be provided in the future."))
    for field, message in missing_details(requirement, expires_on or values.get(column["expires_on"], ""),
                                          cover_pence or values.get(column["cover"], "")).items():
        problems.append(Problem(row, column["cover" if field == "cover_pence" else field], message))
    if provided_on and expires_on and expires_on < provided_on:
        problems.append(Problem(row, column["expires_on"], f"{requirement.label} cannot expire before it was "
                                                           "provided."))
    if bool(verified_by) != bool(values.get(column["verified_on"], "")):
        problems.append(Problem(row, column["verified_by"] if not verified_by else column["verified_on"],
                                f"{requirement.label}: give both who verified it and the day (M1: a named person "
                                "on a date), or neither."))
    if verified_on and verified_on > today:
        problems.append(Problem(row, column["verified_on"], f"{requirement.label} cannot be verified in the future."))
    elif verified_on and provided_on:
        try:  # M1's own rule: after it was provided, and while it was current
            check_verification(requirement.label, provided_on, expires_on, verified_on)
        except RuleViolation as exc:
            problems.append(Problem(row, column["verified_on"], exc.message))
    if len(problems) > before:
        return None
    return {"provided_on": provided_on, "expires_on": expires_on, "cover_pence": cover_pence,
            "verified_by": verified_by or None, "verified_on": verified_on}


def read_member(values: dict, checklist: Sequence[Requirement], today: dt.date) -> tuple[MemberRow, list[Problem]]:
    """One row of a members file, with its problems (the profile's own are the registration schema's)."""
    row, problems = int(values["_row"]), []
    member = MemberRow(row, _profile(values))
    status = values.get("status", "").strip().lower()
    if status not in STATUSES:
        problems.append(Problem(row, "status", "Say whether the organisation is an active member or an applicant "
                                               "(active or applicant)."))
    else:
        member.status = status
    member.member_since = _day(values, "member_since", row, problems)
    if status == ACTIVE and not values.get("member_since", ""):
        problems.append(Problem(row, "member_since", "Give the day an active member joined."))
    if status == APPLICANT and member.member_since:
        problems.append(Problem(row, "member_since", "An applicant is not a member yet: leave member_since empty."))
    if member.member_since and member.member_since > today:
        problems.append(Problem(row, "member_since", "A member cannot have joined in the future."))
    for requirement in checklist:
        evidence = _evidence(values, requirement, row, problems, today)
        if evidence is not None:
            member.evidence[requirement.kind] = evidence
    return member, problems


def duplicate_problems(members: Sequence[MemberRow], on_register: Iterable[str]) -> list[Problem]:
    """An organisation named twice in the file, or already on the register (names compared without case)."""
    known = {name.strip().casefold() for name in on_register}
    seen: dict[str, int] = {}
    problems = []
    for member in members:
        name = str(member.profile.get("name", "")).strip()
        key = name.casefold()
        if not key:
            continue
        if key in known:
            problems.append(Problem(member.row, "name", f"{name} is already on the register."))
        elif key in seen:
            problems.append(Problem(member.row, "name", f"{name} is also in row {seen[key]}."))
        else:
            seen[key] = member.row
    return problems
