"""Use cases for bringing staff and their rates (F3) in from a file (issue 12, item 6): every row checked first (the
dry run answers with every problem and writes nothing), then every person and rate written in one transaction, or
none, with an audit row naming the file."""
from __future__ import annotations

import dataclasses
from typing import Callable

from sqlalchemy import func, select

from hubkit.db import audit_event
from hubkit.domain import InvalidField
from hubkit.tables import ROW, Problem, messages_of
from hubkit.unit_of_work import UnitOfWork

from ..adapters.orm import MemberOrganisation
from ..adapters.time_tables import StaffMember
from ..domain import staff_imports as rules
from . import staff as staff_cases

# A schema's check: (the data as loaded, {}) or ({}, {field: messages}).
Check = Callable[[dict], tuple[dict, dict]]


@dataclasses.dataclass
class StaffFile:
    filename: str
    sha256: str
    rows: list[rules.StaffRow]
    people: dict  # name (casefolded) -> {"name", "employer_kind", "organisation_id", "line_manager", "user_id"}
    rates: list[tuple[str, dict]]  # (person key, the rate as loaded)
    problems: list[Problem]


def check_staff(session, filename: str, sha256: str, rows: list[dict], check_person: Check, check_rate: Check,
                logins: dict | None = None) -> StaffFile:
    """Read and check every row of a staff file against finance's staff and its copy of the member organisations;
    a row's login (username or email) is found among `logins` (the consortium's, sent by the gateway with the file:
    id by username and by email, as `rules.login_key` writes them)."""
    logins = {rules.login_key(key): str(value) for key, value in (logins or {}).items()}
    headings = {name for values in rows for name in values if name != ROW}
    problems = rules.columns_problems(headings) if rows else [
        Problem(1, "file", "The file has no rows under its headings.")]
    organisations = {name.casefold(): org_id for org_id, name in session.execute(
        select(MemberOrganisation.id, MemberOrganisation.name))}
    read, people, rates = [], {}, []
    for values in rows:
        staff, found = rules.read_row(values)
        found += rules.resolve_login(staff, logins)
        read.append(staff)
        person = staff.person
        organisation_id = None
        if person["employer_kind"] in ("host", "member"):
            if not person["employer"]:
                found.append(Problem(staff.row, "employer", "Name the organisation that employs this person."))
            elif person["employer"].casefold() not in organisations:
                found.append(Problem(staff.row, "employer", f"{person['employer']} is not a member organisation "
                                                            "finance knows of."))
            else:
                organisation_id = organisations[person["employer"].casefold()]
        elif person["employer_kind"] == "consortium" and person["employer"]:
            found.append(Problem(staff.row, "employer", "Staff employed by the consortium have no employing "
                                                        "organisation."))
        loaded, errors = check_person({"name": staff.name, "employer_kind": person["employer_kind"],
                                       "organisation_id": str(organisation_id) if organisation_id else None,
                                       "user_id": staff.user_id})
        found += [Problem(staff.row, field, " ".join(messages_of(m))) for field, m in errors.items()
                  if field != "organisation_id" or not any(p.column == "employer" for p in found)]
        rate, errors = check_rate(staff.rate)
        found += [Problem(staff.row, rules.RATE_FIELDS.get(field, field), " ".join(messages_of(m)))
                  for field, m in errors.items()]
        if loaded:
            people.setdefault(staff.name.casefold(), loaded | {"line_manager": person["line_manager"]})
        if rate:
            rates.append((staff.name.casefold(), rate))
        problems += found
    existing = session.execute(select(func.lower(StaffMember.name), StaffMember.user_id)).all()
    problems += rules.people_problems(read, [name for name, _ in existing], [u for _, u in existing if u])
    problems.sort(key=lambda p: (p.row, p.column))
    return StaffFile(filename, sha256, read, people, rates, problems)


def import_staff(uow: UnitOfWork, checked: StaffFile) -> dict:
    """Write every person and rate of a checked file in one transaction; refused whole (InvalidField naming the
    rows) if the file has any problem. Returns the people made, by name (casefolded)."""
    if checked.problems:
        raise InvalidField({"file": [f"Row {p.row}, {p.column}: {p.message}" for p in checked.problems]})
    made = {}
    for key, person in checked.people.items():
        made[key] = staff_cases.new_staff(uow, person["name"], person["employer_kind"],
                                          person.get("organisation_id"), None, person.get("user_id"))
    uow.session.flush()
    managers = {name.casefold(): row for name, row in (
        (s.name, s) for s in uow.session.execute(select(StaffMember)).scalars())}
    for key, person in checked.people.items():
        if person["line_manager"]:
            made[key].line_manager_id = managers[person["line_manager"].casefold()].id
    for key, rate in sorted(checked.rates, key=lambda pair: (pair[0], pair[1]["effective_from"])):
        staff_cases.new_rate(uow, made[key], **rate)
    audit_event(uow.session, uow.tenant.consortium_id, "import", "StaffFile", checked.sha256, {
        "filename": checked.filename, "sha256": checked.sha256, "rows": len(checked.rows),
        "staff": [str(s.id) for s in made.values()]})
    uow.commit()
    return made
