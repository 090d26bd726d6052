"""Use cases for bringing a contract's history in from a file (issue 12, item 6): its subcontracts' targets and past
returns (P1). Every row is checked first (the dry run answers with every problem and writes nothing); then every
row is written in one transaction, or none, with an audit row naming the file.

Imported past returns are history: recorded with their real submission (and acceptance) days, marked as imported
in their history, and counted in the RAG dashboard, trends and the commissioner's report; they publish no event, so
no payment by results is released (that money was settled before the hub) and nobody is notified. One imported
without an acceptance day waits for the hub's review like any return: accepting it then is the hub's own decision,
and publishes contracts.return.accepted as any acceptance does.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import select

from hubkit import clock
from hubkit.db import audit_event, utcnow
from hubkit.domain import InvalidField
from hubkit.tables import ROW, Problem
from hubkit.unit_of_work import UnitOfWork

from ..adapters.contract_tables import (Contract, PerformanceReturn, ReturnEvent, Subcontract, SubcontractTarget,
                                        Variation)
from ..domain import imports as rules
from ..domain import performance as p
from .contracts import _snapshot, indicators_of, periods_of, subcontracts_of


@dataclasses.dataclass
class ContractFile:
    kind: str  # "targets" or "returns"
    filename: str
    sha256: str
    rows: list[rules.FigureRow]
    problems: list[Problem]
    returns: dict = dataclasses.field(default_factory=dict)  # (subcontract id, period id) -> rows (returns files)


def _refs(session, contract: Contract) -> rules.ContractRefs:
    return rules.ContractRefs(
        tuple(rules.SubcontractRef(s.id, s.organisation_name, s.starts_on, s.ends_on)
              for s in subcontracts_of(session, contract.id)),
        {i.code: i.id for i in indicators_of(session, contract.id)},
        tuple(rules.PeriodRef(per.id, per.number, per.label, per.starts_on, per.ends_on, per.return_due_on)
              for per in periods_of(session, contract.id)))


def _read(session, contract: Contract, rows: list[dict], heading_problems, figure: str
          ) -> tuple[rules.ContractRefs, list[rules.FigureRow], list[Problem]]:
    headings = {name for values in rows for name in values if name != ROW}
    problems = heading_problems(headings) if rows else [Problem(1, "file", "The file has no rows under its headings.")]
    refs = _refs(session, contract)
    read = []
    for values in rows:
        row, found = rules.read_row(values, refs, figure)
        read.append(row)
        problems += found
    return refs, read, problems + rules.duplicate_problems(read)


def _sorted(problems: list[Problem]) -> list[Problem]:
    return sorted(set(problems), key=lambda problem: (problem.row, problem.column, problem.message))


def check_targets(session, contract: Contract, filename: str, sha256: str, rows: list[dict]) -> ContractFile:
    """Read and check every row of a targets file against the contract's subcontracts, indicators and periods."""
    _, read, problems = _read(session, contract, rows, rules.target_heading_problems, "target")
    return ContractFile("targets", filename, sha256, read, _sorted(problems))


def check_returns(session, contract: Contract, filename: str, sha256: str, rows: list[dict]) -> ContractFile:
    """Read and check every row of a past returns file: as a targets file, and each return's days, its period over
    (P1), every indicator given once, and no return for that subcontract and period in the hub already."""
    refs, read, problems = _read(session, contract, rows, rules.return_heading_problems, "actual")
    today = clock.today()
    for row in read:
        problems += rules.read_return_days(row, today) + rules.return_text_problems(row)
    existing = {(sub_id, period_id) for sub_id, period_id in session.execute(
        select(PerformanceReturn.subcontract_id, PerformanceReturn.period_id)
        .where(PerformanceReturn.contract_id == contract.id))}
    returns, found = rules.group_returns(read, set(refs.indicators.values()), existing)
    return ContractFile("returns", filename, sha256, read, _sorted(problems + found), returns)


def _refuse_with_problems(checked: ContractFile) -> None:
    if checked.problems:
        raise InvalidField({"file": [f"Row {p.row}, {p.column}: {p.message}" for p in checked.problems]})


def _audit(uow: UnitOfWork, checked: ContractFile, contract: Contract, made: list) -> None:
    audit_event(uow.session, uow.tenant.consortium_id, "import", f"Contract{checked.kind.title()}File",
                checked.sha256, {"filename": checked.filename, "sha256": checked.sha256, "rows": len(checked.rows),
                                 "contract_id": str(contract.id), checked.kind: [str(i) for i in made]})


def import_targets(uow: UnitOfWork, contract: Contract, checked: ContractFile) -> list[uuid.UUID]:
    """Set every subcontract's targets a checked file gives (others are kept), each subcontract's change kept as a
    variation naming the file (before and after), in one transaction; refused whole (InvalidField naming the rows)
    if the file has any problem. No event: a subcontract's issued and varied events carry no targets. Returns the
    subcontracts changed."""
    _refuse_with_problems(checked)
    session = uow.session
    by_subcontract: dict = {}
    for row in checked.rows:
        by_subcontract.setdefault(row.subcontract.id, []).append(row)
    changed = []
    for subcontract_id, rows in by_subcontract.items():
        subcontract = session.execute(select(Subcontract).where(Subcontract.id == subcontract_id)).scalar_one()
        before = _snapshot(session, subcontract)
        shares = {(t.indicator_id, t.period_id): t for t in session.execute(
            select(SubcontractTarget).where(SubcontractTarget.subcontract_id == subcontract_id)).scalars()}
        for row in rows:
            share = shares.get((row.indicator_id, row.period.id))
            if share is None:
                session.add(SubcontractTarget(id=uuid.uuid4(), subcontract_id=subcontract_id,
                                              indicator_id=row.indicator_id, period_id=row.period.id,
                                              target=row.figure))
            else:
                share.target = row.figure
        session.flush()
        after = _snapshot(session, subcontract)
        if after != before:
            session.add(Variation(id=uuid.uuid4(), subcontract_id=subcontract_id,
                                  reason=f"Targets imported from {checked.filename}.", before=before, after=after,
                                  varied_by=uow.actor, varied_at=utcnow()))
            changed.append(subcontract_id)
    _audit(uow, checked, contract, changed)
    uow.commit()
    return changed


def _moment(day: dt.date) -> dt.datetime:
    """A day written in a file as an instant: midday in the hub's time zone (the day itself wherever it is read)."""
    return clock.start_of_day(day) + dt.timedelta(hours=12)


def import_returns(uow: UnitOfWork, contract: Contract, checked: ContractFile) -> list[uuid.UUID]:
    """Write every past return of a checked file in one transaction, or none (InvalidField naming the rows): each
    with its real submission day (late if after its due day), accepted on its day where the file says so (else
    waiting for the hub's review), its history saying it was imported and from which file. No event is published
    (imported returns are history: no payment by results, nobody notified); a subcontract's overall RAG becomes
    that of its latest accepted period, as a review makes it, without contracts.rag.changed. Returns the returns
    made."""
    _refuse_with_problems(checked)
    session = uow.session
    by = uow.actor
    made, touched = [], set()
    subcontracts = {s.id: s for s in subcontracts_of(session, contract.id)}
    for (subcontract_id, _), rows in checked.returns.items():
        first = rows[0]
        subcontract = subcontracts[subcontract_id]
        period, submitted, accepted = first.period, first.days["submitted_on"], first.days.get("accepted_on")
        ret = PerformanceReturn(
            id=uuid.uuid4(), subcontract_id=subcontract_id, organisation_id=subcontract.organisation_id,
            contract_id=contract.id, period_id=period.id,
            actuals={str(row.indicator_id): str(Decimal(row.figure)) for row in rows},
            narrative=first.values.get("narrative", "").strip(), status=p.ACCEPTED if accepted else p.SUBMITTED,
            late=p.is_late(submitted, period.return_due_on), submitted_at=_moment(submitted), submitted_by=by)
        if accepted:
            ret.reviewed_at, ret.reviewed_by = _moment(accepted), by
            ret.review_comment = first.values.get("review_comment", "").strip()
        session.add(ret)
        session.add(ReturnEvent(id=uuid.uuid4(), return_id=ret.id, action="submitted", by=by, at=ret.submitted_at,
                                comment=f"Submitted on {submitted:%d %B %Y}, before the hub."))
        if accepted:
            session.add(ReturnEvent(id=uuid.uuid4(), return_id=ret.id, action="accepted", by=by, at=ret.reviewed_at,
                                    comment=ret.review_comment or f"Accepted on {accepted:%d %B %Y}, before the hub."))
        session.add(ReturnEvent(id=uuid.uuid4(), return_id=ret.id, action="imported", by=by, at=utcnow(),
                                comment=f"Imported from {checked.filename}: history, no payment or notice follows."))
        made.append(ret.id)
        touched.add(subcontract_id)
    session.flush()
    for subcontract_id in touched:
        _settle_rag(session, subcontract_id)
    _audit(uow, checked, contract, made)
    uow.commit()
    return made


def _settle_rag(session, subcontract_id) -> None:
    """The subcontract's overall RAG as a review makes it (that of its latest accepted period), told to nobody."""
    from .performance import scorecard

    subcontract = session.execute(select(Subcontract).where(Subcontract.id == subcontract_id)).scalar_one()
    accepted = [row for row in scorecard(session, subcontract)["periods"]
                if row["status"] == p.ACCEPTED and row["overall"]]
    if accepted:
        subcontract.overall_rag = accepted[-1]["overall"]
