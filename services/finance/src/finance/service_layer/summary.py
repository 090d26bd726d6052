"""What needs the caller in finance (issue 14 item 1), each section a count and the first few, from bounded
queries on indexed columns:

- timesheets awaiting my approval (the finance officer: everyone's but their own; a consortium manager: the people
  they line-manage), the approval queue's own filter;
- invoices to raise for last month (the finance officer): employers with approved chargeable time of the month not
  yet invoiced (the month-end run's own query), and drafts waiting to be issued;
- budget variations waiting for the finance officer's approval or ratification (F1);
- payments due (the finance officer): instalments released, or due by date within 14 days;
- my week (anyone who logs time): this week and last, while not submitted.

hubkit scopes a query by the entities its columns name, so every count names the entity it counts."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, func, or_, select

from hubkit.auth import current_principal
from hubkit.summaries import TOP, counted, in_all, item, section

from ..adapters.money_tables import BudgetLine, BudgetVariation, PaymentInstalment, SubcontractCopy
from ..adapters.time_tables import RechargeInvoice, StaffMember, Timesheet
from ..domain import money
from ..domain import summary as rules
from ..domain import time as time_rules
from .invoices import employers_to_recharge, organisation_names
from .timesheets import awaiting_decision_by

FINANCE, MANAGER = "finance_officer", "consortium_manager"


def timesheets_to_approve(session, principal) -> dict:
    """Submitted weeks the caller may decide, the earliest week first; never the caller's own."""
    waiting = and_(awaiting_decision_by(principal, time_rules.SUBMITTED),
                   or_(StaffMember.user_id.is_(None), StaffMember.user_id != principal.user_id))
    rows = session.execute(select(Timesheet.id, Timesheet.week_starting, StaffMember.name, in_all())
                           .join(StaffMember, StaffMember.id == Timesheet.staff_id).where(waiting)
                           .order_by(Timesheet.week_starting, StaffMember.name, Timesheet.id).limit(TOP)).all()
    return section(counted(rows), [item(r.id, r.name, r.week_starting) for r in rows])


def invoices_to_raise(session, today: dt.date) -> dict:
    """Employers whose approved chargeable time of last month is not invoiced yet, by name; and how many recharge
    drafts wait to be issued."""
    month = rules.last_month(today)
    ids = list(session.execute(employers_to_recharge(month)).scalars())  # one a recharging employer
    names = organisation_names(session, ids)
    listed = sorted(ids, key=lambda i: (names.get(i) or "", str(i)))
    drafts = session.execute(select(func.count(RechargeInvoice.id)).where(
        RechargeInvoice.status == "draft")).scalar_one()
    return section(len(ids), [item(i, names.get(i) or "An organisation not yet on the register")
                              for i in listed]) | {"month": month, "drafts": drafts}


def variations_waiting(session) -> dict:
    """Variations and virements waiting for the finance officer: approval at or under the threshold, or
    ratification once the board agreed (F1); the oldest request first."""
    waiting = BudgetVariation.status.in_(tuple(rules.VARIATIONS_WAITING))
    rows = session.execute(select(BudgetVariation.id, BudgetVariation.status, BudgetVariation.change_pence,
                                  BudgetVariation.requested_at, BudgetLine.title, in_all())
                           .join(BudgetLine, BudgetLine.id == BudgetVariation.line_id).where(waiting)
                           .order_by(BudgetVariation.requested_at, BudgetVariation.id).limit(TOP)).all()
    return section(counted(rows), [item(r.id, r.title, None, about=rules.VARIATIONS_WAITING[r.status],
                                amount_pence=r.change_pence) for r in rows])


def payments_due(session, today: dt.date) -> dict:
    """Instalments released and not yet in a payment run, and those due by date within 14 days; the earliest
    first, each with its payee and amount (on the instalments' due index: consortium, status, due day)."""
    due = or_(PaymentInstalment.status == money.RELEASED,
              and_(PaymentInstalment.status == money.SCHEDULED, PaymentInstalment.release == money.ON_DATE,
                   PaymentInstalment.due_on <= rules.payments_horizon(today)))
    rows = session.execute(select(PaymentInstalment.id, PaymentInstalment.due_on, PaymentInstalment.amount_pence,
                                  PaymentInstalment.status, SubcontractCopy.organisation_name, in_all(),
                                  func.sum(PaymentInstalment.amount_pence).over().label("total"))
                           .outerjoin(SubcontractCopy,
                                      SubcontractCopy.subcontract_id == PaymentInstalment.subcontract_id)
                           .where(due).order_by(PaymentInstalment.due_on, PaymentInstalment.id).limit(TOP)).all()
    return section(counted(rows), [item(r.id, r.organisation_name or "A subcontractor", r.due_on,
                                        about="Released" if r.status == money.RELEASED else "Due",
                                        amount_pence=r.amount_pence) for r in rows]) | {
        "amount_pence": int(rows[0].total) if rows else 0}


def my_weeks(session, principal, today: dt.date) -> dict | None:
    """This week and last, for each staff record that is the caller's, while not submitted; None for a caller
    who logs no time."""
    staff = session.execute(select(StaffMember.id, StaffMember.name).where(
        StaffMember.user_id == principal.user_id)).all()
    if not staff:
        return None
    weeks = rules.owed_weeks(today)
    status = {(row.staff_id, row.week_starting): row.status for row in session.execute(
        select(Timesheet.staff_id, Timesheet.week_starting, Timesheet.status).where(
            Timesheet.staff_id.in_([s.id for s in staff]), Timesheet.week_starting.in_(weeks)))}
    owed = [item(week.isoformat(), person.name, week, parent_id=person.id)
            for week in weeks for person in staff if rules.week_owed(status.get((person.id, week)))]
    return section(len(owed), owed)


def summary(session, today: dt.date) -> dict:
    principal = current_principal()
    found: dict = {"today": today}
    if principal.has_any((FINANCE, MANAGER)):
        found["timesheets_to_approve"] = timesheets_to_approve(session, principal)
    if FINANCE in principal.roles:
        found |= {"invoices_to_raise": invoices_to_raise(session, today),
                  "variations_waiting": variations_waiting(session), "payments_due": payments_due(session, today)}
    weeks = my_weeks(session, principal, today)
    if weeks is not None:
        found["my_week"] = weeks
    return found
