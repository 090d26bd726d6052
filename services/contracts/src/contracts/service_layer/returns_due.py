"""P1: the returns owed and not sent, found by their due dates (GET /returns/due, which the gateway's calendar of
what is due reads), and the daily review that announces each once as due soon and once as overdue
(contracts.return.due, contracts.return.overdue; the gateway's notifications tell the organisation's staff and the
consortium managers)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, select

from hubkit import clock
from hubkit.paging import Order, asc
from hubkit.unit_of_work import UnitOfWork, in_every_consortium

from ..adapters.contract_tables import Contract, PerformanceReturn, ReportingPeriod, ReturnReminder, Subcontract
from ..domain import returns_due as rules

EVENT_OF = {rules.DUE_SOON: "contracts.return.due", rules.OVERDUE: "contracts.return.overdue"}

# The list's order, by due date: the keys are the labels due_between's rows carry.
ORDER = Order(asc(ReportingPeriod.return_due_on, "return_due_on"), asc(Subcontract.id, "subcontract_id"),
              asc(ReportingPeriod.id, "period_id"))


def due_between(due_from: dt.date, due_until: dt.date):
    """The returns owed and not sent whose due date is between the two dates (both included): one row per
    subcontract and period its term overlaps (P1, rules.owes_return), none once a return for it is sent. Walks the
    periods by (consortium_id, return_due_on) (ix_reporting_period_return_due) and each period's subcontracts and
    return by their keys; the session's tenant narrows it (member staff: their own organisation's)."""
    return (select(ReportingPeriod.return_due_on, Subcontract.id.label("subcontract_id"),
                   ReportingPeriod.id.label("period_id"), ReportingPeriod.label.label("period_label"),
                   ReportingPeriod.starts_on.label("period_starts_on"), ReportingPeriod.ends_on.label("period_ends_on"),
                   Subcontract.organisation_id, Subcontract.organisation_name, Subcontract.purpose,
                   Subcontract.contract_id, Contract.title.label("contract_title"))
            .select_from(ReportingPeriod)
            .join(Subcontract, Subcontract.contract_id == ReportingPeriod.contract_id)
            .join(Contract, Contract.id == ReportingPeriod.contract_id)
            .outerjoin(PerformanceReturn, and_(PerformanceReturn.subcontract_id == Subcontract.id,
                                               PerformanceReturn.period_id == ReportingPeriod.id))
            .where(ReportingPeriod.return_due_on >= due_from, ReportingPeriod.return_due_on <= due_until,
                   # rules.owes_return: a period with any day in the subcontract's term
                   ReportingPeriod.starts_on <= Subcontract.ends_on, ReportingPeriod.ends_on >= Subcontract.starts_on,
                   PerformanceReturn.id.is_(None)))


def as_owed(row, today: dt.date) -> dict:
    return dict(row._mapping) | {"overdue": row.return_due_on < today}


def _data(row) -> dict:
    return {"subcontract_id": row.subcontract_id, "contract_id": row.contract_id, "contract_title": row.contract_title,
            "organisation_id": row.organisation_id, "organisation_name": row.organisation_name,
            "purpose": row.purpose, "period_id": row.period_id, "period_label": row.period_label,
            "return_due_on": row.return_due_on}


def review_returns(uow: UnitOfWork, today: dt.date) -> int:
    """The daily review for one consortium: each return owed and not sent is announced once when it falls due
    within a week and once when overdue (rules.reminder_due); how many were announced. Safe to repeat."""
    session = uow.session
    due_from, due_until = rules.review_window(today)
    rows = session.execute(due_between(due_from, due_until).order_by(ReportingPeriod.return_due_on)).all()
    announced = {tuple(row) for row in session.execute(
        select(ReturnReminder.subcontract_id, ReturnReminder.period_id, ReturnReminder.reminder)
        .join(ReportingPeriod, ReportingPeriod.id == ReturnReminder.period_id)
        .where(ReportingPeriod.return_due_on >= due_from, ReportingPeriod.return_due_on <= due_until))}
    count = 0
    for row in rows:
        reminder = rules.reminder_due(row.return_due_on, today)
        if reminder is None or (row.subcontract_id, row.period_id, reminder) in announced:
            continue
        session.add(ReturnReminder(subcontract_id=row.subcontract_id, period_id=row.period_id, reminder=reminder))
        uow.publish(EVENT_OF[reminder], subject=f"subcontract/{row.subcontract_id}", data=_data(row))
        count += 1
    uow.commit()
    return count


def review_returns_everywhere(db, settings) -> int:
    """The worker's periodic task: the review for each consortium with subcontracts, on the hub's today."""
    return in_every_consortium(db, Subcontract, lambda uow: review_returns(uow, clock.today()),
                               actor="system:returns-review", service=settings.service,
                               first_claim_wins=True)  # each reminder's unique row
