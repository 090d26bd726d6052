"""Use cases for bringing existing members in from a file (issue 12, item 6): every row checked first (the dry run
answers with every problem and writes nothing), then every row written in one transaction, or none, with an audit
row naming the file."""
from __future__ import annotations

import dataclasses
import uuid
from typing import Callable

from sqlalchemy import func, select

from hubkit import clock
from hubkit.db import audit_event
from hubkit.domain import InvalidField
from hubkit.tables import ROW, messages_of
from hubkit.unit_of_work import UnitOfWork

from ..adapters.orm import DueDiligenceEvidence, Organisation
from ..domain import imports as rules
from ..domain.organisations import ACTIVE
from .due_diligence import checklist
from .eligibility import review_eligibility
from .organisations import activate_existing_member, register

# The registration schema's check of a profile: (the profile as loaded, {} ) or ({}, {field: messages}).
ProfileCheck = Callable[[dict], tuple[dict, dict]]


@dataclasses.dataclass
class MembersFile:
    """A members file, checked: its rows read and every problem found (none: it can be imported)."""

    filename: str
    sha256: str
    members: list[rules.MemberRow]
    problems: list[rules.Problem]


def check_members(session, filename: str, sha256: str, rows: list[dict], check_profile: ProfileCheck
                  ) -> MembersFile:
    """Read and check every row of a members file against the consortium's checklist and register."""
    requirements = checklist(session)
    headings = {name for values in rows for name in values if name != ROW}
    problems = rules.heading_problems(headings, requirements) if rows else [
        rules.Problem(1, "file", "The file has no rows under its headings.")]
    members, today = [], clock.today()
    for values in rows:
        member, found = rules.read_member(values, requirements, today)
        profile, errors = check_profile(member.profile)
        found += [rules.Problem(member.row, field, " ".join(messages_of(messages)))
                  for field, messages in errors.items()]
        member.profile = profile or member.profile
        members.append(member)
        problems += found
    names = session.execute(select(func.lower(Organisation.name))).scalars()
    problems += rules.duplicate_problems(members, names)
    problems.sort(key=lambda p: (p.row, p.column))
    return MembersFile(filename, sha256, members, problems)


def import_members(uow: UnitOfWork, checked: MembersFile) -> list[tuple[rules.MemberRow, Organisation]]:
    """Write every member of a checked file, with its history and evidence, in one transaction; refused whole
    (InvalidField naming the rows) if the file has any problem."""
    if checked.problems:
        raise InvalidField({"file": [f"Row {p.row}, {p.column}: {p.message}" for p in checked.problems]})
    source = f"Imported from {checked.filename}"
    created, today = [], clock.today()
    for member in checked.members:
        org = register(uow, member.profile, reason=source, on=member.member_since)
        uow.session.flush()
        if member.status == ACTIVE:
            activate_existing_member(uow, org, member.member_since, f"{source}: a member since "
                                                                    f"{member.member_since:%d %B %Y}")
        for kind, evidence in member.evidence.items():
            uow.session.add(DueDiligenceEvidence(id=uuid.uuid4(), organisation_id=org.id, kind=kind,
                                                 note=source, **evidence))
        uow.session.flush()
        if member.status == ACTIVE:
            review_eligibility(uow, org, today)
        created.append((member, org))
    audit_event(uow.session, uow.tenant.consortium_id, "import", "MembersFile", checked.sha256, {
        "filename": checked.filename, "sha256": checked.sha256, "rows": len(checked.members),
        "organisations": [str(org.id) for _, org in created]})
    uow.commit()
    return created
