"""Bringing staff who log time for the hub, and their full-cost rates (F3), in from a file (issue 12, item 6).

One row is one rate of one person: their name, employer (the consortium, the host or a member, named as finance
knows it), line manager (named: someone in the file or already in finance), their hub login (optional: its username
or email, as the people who import know it; resolved to the login's id through the logins the gateway sends with
the file, as the add-a-person page offers the consortium's logins), and a rate from a day, worked out from salary,
on-costs (a percentage or an amount), overheads and productive hours, as a rate set by hand is. A person with
several rows has a rate history; the rows must agree about the person. Scripts may still give the login's id in a
`user_id` column instead. Plain rules, no Flask or SQLAlchemy.
"""
from __future__ import annotations

import dataclasses
from typing import Iterable

from hubkit.tables import Problem, heading_problems, parse_day, parse_pence

COLUMNS = ("name", "employer_kind", "employer", "line_manager", "login", "effective_from", "salary",
           "on_costs_percent", "on_costs", "overhead_percent", "productive_hours")
REQUIRED = ("name", "employer_kind", "effective_from", "salary", "overhead_percent", "productive_hours")
ALSO_ACCEPTED = ("user_id",)  # the login's internal id, as files made by scripts before `login` gave it
PERSON = ("employer_kind", "employer", "line_manager", "login", "user_id")  # what a person's rows must agree on
RATE_FIELDS = {"salary_pence": "salary", "on_costs_pence": "on_costs"}  # the rate schema's names -> columns


@dataclasses.dataclass
class StaffRow:
    row: int
    name: str
    person: dict  # employer_kind, employer, line_manager, login, user_id: as written
    rate: dict  # as the rate schema takes it
    user_id: str | None = None  # the login's id, once `resolve_login` has found it


def columns_problems(headings: Iterable[str]) -> list[Problem]:
    return heading_problems(headings, COLUMNS + ALSO_ACCEPTED, REQUIRED)


def login_key(text: str) -> str:
    """How a username or email is looked up: as typed, but for spaces around it and letter case."""
    return text.strip().casefold()


def resolve_login(staff: StaffRow, logins: dict) -> list[Problem]:
    """The row's login (username or email, any case) as the id of one of the consortium's logins (`logins`: by
    `login_key`), set on `staff.user_id`; or the `user_id` column's id as written. A clear problem when the login
    matches nobody, or when both columns are given and name different logins."""
    login, written = staff.person["login"], staff.person["user_id"]
    if not login:
        staff.user_id = written or None
        return []
    found = logins.get(login_key(login))
    if found is None:
        return [Problem(staff.row, "login", f"No hub login has the username or email {login}: check it on the "
                                            "people page, or leave login empty and link their login later.")]
    if written and written != found:
        return [Problem(staff.row, "user_id", f"user_id and login ({login}) name different logins: give one.")]
    staff.user_id = found
    return []


def _percent(text: str) -> str:
    return text.strip().removesuffix("%").strip()


def read_row(values: dict) -> tuple[StaffRow, list[Problem]]:
    """One row of a staff file, with the problems of its days and amounts (the rate's rules are the schema's)."""
    row, problems = int(values["_row"]), []
    rate: dict = {}
    if values.get("effective_from", ""):
        try:
            rate["effective_from"] = parse_day(values["effective_from"]).isoformat()
        except ValueError as exc:
            problems.append(Problem(row, "effective_from", str(exc)))
    for column, field in (("salary", "salary_pence"), ("on_costs", "on_costs_pence")):
        if values.get(column, ""):
            try:
                rate[field] = parse_pence(values[column], allow_zero=True)
            except ValueError as exc:
                problems.append(Problem(row, column, str(exc)))
    for column in ("on_costs_percent", "overhead_percent", "productive_hours"):
        if values.get(column, ""):
            rate[column] = _percent(values[column])
    person = {key: values.get(key, "").strip() for key in PERSON}
    person["employer_kind"] = person["employer_kind"].lower()
    return StaffRow(row, values.get("name", "").strip(), person, rate), problems


def people_problems(rows: list[StaffRow], existing_names: Iterable[str], existing_users: Iterable[str]
                    ) -> list[Problem]:
    """A person's rows agree about them and give each rate from a different day; nobody already in finance; a
    line manager is someone in the file or in finance; a login is linked to one person only."""
    problems = []
    known = {name.casefold() for name in existing_names}
    first: dict[str, StaffRow] = {}
    days: dict[tuple[str, str], int] = {}
    users: dict[str, str] = {}
    taken_users = set(existing_users)
    for staff in rows:
        key = staff.name.casefold()
        if not key:
            continue
        if key in known:
            problems.append(Problem(staff.row, "name", f"{staff.name} is already in finance: set their rates there."))
            continue
        earlier = first.setdefault(key, staff)
        for column in PERSON:
            if staff.person[column] != earlier.person[column]:
                problems.append(Problem(staff.row, column, f"{staff.name}'s rows disagree about {column} (row "
                                                           f"{earlier.row} says {earlier.person[column] or 'nothing'})."))
        day = staff.rate.get("effective_from")
        if day and (key, day) in days:
            problems.append(Problem(staff.row, "effective_from", f"{staff.name} already has a rate from that day "
                                                                 f"(row {days[(key, day)]})."))
        elif day:
            days[(key, day)] = staff.row
        user = staff.user_id
        if user and (user in taken_users or users.setdefault(user, key) != key):
            problems.append(Problem(staff.row, "login" if staff.person["login"] else "user_id",
                                    "That login is already linked to someone else."))
    in_file = set(first)
    for staff in first.values():
        manager = staff.person["line_manager"]
        if manager and manager.casefold() not in in_file | known:
            problems.append(Problem(staff.row, "line_manager", f"{manager} is neither in the file nor in finance."))
        if manager and manager.casefold() == staff.name.casefold():
            problems.append(Problem(staff.row, "line_manager", "Nobody is their own line manager."))
    return problems
