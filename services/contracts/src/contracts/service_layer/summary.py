"""What needs the caller in contracts (issue 14 item 1), each section a count and the first few, from bounded
queries on indexed columns (the counts in SQL, never by reading lists):

- returns to review (the consortium manager): returns submitted and not yet accepted or queried (P1);
- returns due and overdue (member staff: their organisation's subcontracts): periods whose return is due within
  14 days or overdue, with no return sent; and returns queried, to send again;
- pipeline deadlines in the next 14 days (the manager): each open opportunity's next deadline;
- allocation rounds waiting on a step (the manager), with the step and its date;
- invitations (member staff): rounds open for expressions of interest their organisation is invited to and has
  not answered, with the closing date.

Member staff see their own organisation's rows only (the session's tenant scoping). hubkit scopes a query by the
entities its columns name, so every count names the scoped entity it counts (`count(Subcontract.id)`, never a bare
`count()`, which would count every consortium's rows)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, exists, func, or_, select

from hubkit.auth import current_principal
from hubkit.summaries import TOP, counted, in_all, item, section

from ..adapters.allocation_tables import AllocationRound, ExpressionOfInterest, Invitation
from ..adapters.contract_tables import Contract, PerformanceReturn, ReportingPeriod, Subcontract
from ..adapters.orm import Opportunity
from ..domain import allocation as round_rules
from ..domain import performance as p
from ..domain import pipeline as pipeline_rules
from ..domain import summary as rules
from .returns_due import due_between

MANAGER = "consortium_manager"
MEMBER = "member_user"
OLDEST = dt.date(1900, 1, 1)  # overdue returns are counted however old


def returns_to_review(session) -> dict:
    """Submitted returns, oldest submission first (the review queue's index: consortium, status, submitted)."""
    waiting = PerformanceReturn.status == p.SUBMITTED
    rows = session.execute(
        select(PerformanceReturn.id, ReportingPeriod.label, ReportingPeriod.return_due_on,
               Subcontract.organisation_name, Contract.title, in_all())
        .join(ReportingPeriod, ReportingPeriod.id == PerformanceReturn.period_id)
        .join(Subcontract, Subcontract.id == PerformanceReturn.subcontract_id)
        .join(Contract, Contract.id == PerformanceReturn.contract_id)
        .where(waiting).order_by(PerformanceReturn.submitted_at, PerformanceReturn.id).limit(TOP)).all()
    return section(counted(rows), [item(r.id, f"{r.organisation_name}: {r.label}", r.return_due_on, about=r.title)
                                   for r in rows])


def returns_due(session, today: dt.date) -> dict:
    """Returns owed and not sent (P1, `returns_due.due_between`, the query the reminders and the calendar use),
    due within 14 days or overdue: how many of each, and the earliest few."""
    owed = due_between(OLDEST, rules.horizon(today))
    owing, overdue = session.execute(owed.with_only_columns(
        func.count(Subcontract.id), func.count(ReportingPeriod.id).filter(ReportingPeriod.return_due_on < today))).one()
    due = owing - overdue
    rows = session.execute(owed.order_by(ReportingPeriod.return_due_on, Subcontract.organisation_name,
                                         ReportingPeriod.id).limit(TOP)).all()
    items = [item(r.period_id, f"{r.contract_title}: {r.period_label}", r.return_due_on, about=r.organisation_name,
                  parent_id=r.subcontract_id) for r in rows]
    return section(overdue + due, items) | {"overdue": overdue, "due": due}


def returns_queried(session) -> dict:
    """Returns the hub queried, waiting to be sent again."""
    queried = PerformanceReturn.status == p.QUERIED
    count = session.execute(select(func.count(PerformanceReturn.id)).where(queried)).scalar_one()
    rows = session.execute(
        select(PerformanceReturn.id, ReportingPeriod.label, ReportingPeriod.return_due_on, Contract.title,
               PerformanceReturn.subcontract_id)
        .join(ReportingPeriod, ReportingPeriod.id == PerformanceReturn.period_id)
        .join(Contract, Contract.id == PerformanceReturn.contract_id)
        .where(queried).order_by(ReportingPeriod.return_due_on, PerformanceReturn.id).limit(TOP)).all()
    return section(count, [item(r.id, f"{r.title}: {r.label}", r.return_due_on, parent_id=r.subcontract_id)
                           for r in rows])


_DATES = ("clarification_deadline", "submission_deadline", "award_expected_on", "start_expected_on")


def pipeline_deadlines(session, today: dt.date) -> dict:
    """Open opportunities whose next deadline falls in the next 14 days, soonest first. The candidates are those
    with a key date in the window (on the pipeline index's stage, then the dates); each one's next deadline is
    the domain's (`pipeline.next_deadline`)."""
    until = rules.horizon(today)
    in_window = or_(*(and_(getattr(Opportunity, name) >= today, getattr(Opportunity, name) <= until)
                      for name in _DATES))
    candidates = session.execute(
        select(Opportunity.id, Opportunity.title, Opportunity.stage, *(getattr(Opportunity, n) for n in _DATES))
        .where(Opportunity.stage.not_in((pipeline_rules.LOST, pipeline_rules.WITHDRAWN)), in_window)).all()
    soon = []
    for row in candidates:
        deadline = rules.pipeline_deadline_soon(row.stage, {n: getattr(row, n) for n in _DATES}, today)
        if deadline is not None:
            soon.append((deadline.on, row.title, row.id, deadline.what))
    soon.sort(key=lambda found: (found[0], found[1], str(found[2])))
    return section(len(soon), [item(id_, title, on, about=what) for on, title, id_, what in soon])


def rounds_waiting(session) -> dict:
    """Undecided allocation rounds, each with the step it waits on and that step's date, the earliest first (a
    round without a date last)."""
    undecided = AllocationRound.status.in_(tuple(rules.ROUND_STEPS))
    rows = session.execute(select(AllocationRound.id, AllocationRound.title, AllocationRound.status,
                                  AllocationRound.declarations_close_on, AllocationRound.eois_close_on,
                                  AllocationRound.decision_by).where(undecided)).all()
    items = []
    for row in rows:
        step, on = rules.round_step(row.status, {"declarations_close_on": row.declarations_close_on,
                                                 "eois_close_on": row.eois_close_on, "decision_by": row.decision_by})
        items.append(item(row.id, row.title, on, about=step))
    items.sort(key=lambda found: (found["due_on"] is None, found["due_on"] or dt.date.min, found["title"]))
    return section(len(items), items)


def invitations(session, today: dt.date) -> dict:
    """Rounds open for expressions of interest that the caller's organisation is invited to and has not answered,
    closing soonest first (one closing today is still open)."""
    answered = exists().where(ExpressionOfInterest.round_id == Invitation.round_id,
                              ExpressionOfInterest.organisation_id == Invitation.organisation_id)
    open_ = (select().select_from(Invitation).join(AllocationRound, AllocationRound.id == Invitation.round_id)
             .where(AllocationRound.status == round_rules.EOIS_OPEN, ~answered,
                    or_(AllocationRound.eois_close_on.is_(None), AllocationRound.eois_close_on >= today)))
    count = session.execute(open_.add_columns(func.count(Invitation.id))).scalar_one()
    rows = session.execute(open_.add_columns(AllocationRound.id, AllocationRound.title, AllocationRound.eois_close_on,
                                             Invitation.organisation_name)
                           .order_by(AllocationRound.eois_close_on.is_(None), AllocationRound.eois_close_on,
                                     AllocationRound.title, AllocationRound.id).limit(TOP)).all()
    return section(count, [item(r.id, r.title, r.eois_close_on, about=r.organisation_name) for r in rows])


def summary(session, today: dt.date) -> dict:
    """The sections for the caller's roles: the manager's, member staff's, or both for one holding both."""
    roles = current_principal().roles
    found: dict = {"today": today}
    if MANAGER in roles:
        found |= {"returns_to_review": returns_to_review(session),
                  "pipeline_deadlines": pipeline_deadlines(session, today),
                  "rounds_waiting": rounds_waiting(session)}
    if MEMBER in roles:
        found |= {"returns_due": returns_due(session, today), "returns_queried": returns_queried(session),
                  "invitations": invitations(session, today)}
    return found
