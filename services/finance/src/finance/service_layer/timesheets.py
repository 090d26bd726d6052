"""Use cases for weekly timesheets: save the grid, submit, approve or reject, correct by reversal, close months."""
from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import and_, case, func, literal, select

from hubkit.db import UtcDateTime, utcnow
from hubkit.domain import InvalidField, NotAllowed, RuleViolation
from hubkit.paging import Order, Page, asc, desc
from hubkit.tokens import Principal
from hubkit.unit_of_work import UnitOfWork

from ..adapters.time_tables import ClosedPeriod, CostCode, StaffMember, StaffRate, Timesheet, TimeEntry
from ..domain import rates as rate_rules
from ..domain import time as rules
from ..domain.subsidy import NOT_APPROVED, OPEN, sum_changes, tally_moves
from . import cost_codes, tally


def closed_months(session) -> set[dt.date]:
    return set(session.execute(select(ClosedPeriod.month)).scalars())


def check_open(session, days, field: str) -> None:
    """Anything dated in a closed month is refused, naming the date (422)."""
    closed = rules.closed_days(days, closed_months(session))
    if closed:
        raise InvalidField({field: [f"{closed[0].isoformat()} is in a closed month ({closed[0]:%B %Y})."]})


def find_sheet(session, staff_id, week: dt.date) -> Timesheet | None:
    return session.execute(select(Timesheet).where(Timesheet.staff_id == staff_id,
                                                   Timesheet.week_starting == week)).scalar_one_or_none()


def entries_of(session, sheet_id) -> list[TimeEntry]:
    return list(session.execute(select(TimeEntry).where(TimeEntry.timesheet_id == sheet_id)
                                .order_by(TimeEntry.day, TimeEntry.created_at)).scalars())


def check_can_log_for(principal: Principal, staff: StaffMember) -> None:
    """The person logs their own time; the finance officer may keep anyone's sheet."""
    if staff.user_id == principal.user_id or "finance_officer" in principal.roles:
        return
    raise NotAllowed("You may only keep your own timesheet.")


def _codes(session, ids) -> dict:
    return {c.id: c for c in session.execute(select(CostCode).where(CostCode.id.in_(list(ids)))).scalars()}


def save_week(uow: UnitOfWork, staff: StaffMember, week: dt.date, entries: list[dict]) -> Timesheet:
    """Replace a draft or rejected week's entries with the grid; empty cells are dropped."""
    if week.weekday() != 0:
        raise InvalidField({"week_starting": ["A week starts on a Monday."]})
    entries = [e for e in entries if e["minutes"] != 0]
    rules.check_entries(week, entries)
    codes = _codes(uow.session, {e["cost_code_id"] for e in entries})
    errors = {}
    for index, entry in enumerate(entries):
        code = codes.get(entry["cost_code_id"])
        if code is None:
            errors[str(index)] = {"cost_code_id": ["No such cost code in this consortium."]}
        elif not code.active:
            errors[str(index)] = {"cost_code_id": [f"{code.code} is closed to new time."]}
    if errors:
        raise InvalidField({"entries": errors})
    sheet = find_sheet(uow.session, staff.id, week)
    old_entries = entries_of(uow.session, sheet.id) if sheet else []
    leaving = tally_moves(old_entries, NOT_APPROVED, None)  # an editable week is never approved
    # Time on a day of a closed month must stay exactly as it is (a re-saved grid may repeat it unchanged).
    closed = closed_months(uow.session)
    kept = {(e.day, e.cost_code_id, e.minutes) for e in old_entries if rules.month_start(e.day) in closed}
    wanted = {(e["day"], e["cost_code_id"], e["minutes"]) for e in entries if rules.month_start(e["day"]) in closed}
    if kept != wanted:
        day = min(d for d, _, _ in kept ^ wanted)
        raise InvalidField({"day": [f"{day.isoformat()} is in a closed month ({day:%B %Y})."]})
    if sheet is None:
        sheet = Timesheet(id=uuid.uuid4(), staff_id=staff.id, organisation_id=staff.organisation_id,
                          week_starting=week, status=rules.DRAFT)
        uow.session.add(sheet)
        uow.session.flush()
    else:
        rules.check_can_edit(sheet.status)
        for old in old_entries:
            uow.session.delete(old)
        uow.session.flush()
        sheet.status = rules.DRAFT
    made = [TimeEntry(timesheet_id=sheet.id, staff_id=staff.id, organisation_id=staff.organisation_id,
                      day=entry["day"], cost_code_id=entry["cost_code_id"], minutes=entry["minutes"],
                      chargeable=codes[entry["cost_code_id"]].chargeable, created_at=utcnow()) for entry in entries]
    uow.session.add_all(made)
    # the subsidy's time not yet approved: the week's entries before leave it, the new ones come
    tally.apply(uow.session, sum_changes(leaving, tally_moves(made, None, NOT_APPROVED)))
    uow.commit()
    return sheet


def copy_previous_week(uow: UnitOfWork, staff: StaffMember, week: dt.date) -> Timesheet:
    """Start a week from the one before: the same codes and hours on the same weekdays."""
    previous = find_sheet(uow.session, staff.id, week - dt.timedelta(days=7))
    if previous is None:
        raise RuleViolation("There is no timesheet for the week before to copy.")
    net: dict[tuple, int] = {}
    for entry in entries_of(uow.session, previous.id):
        key = ((entry.day - previous.week_starting).days, entry.cost_code_id)
        net[key] = net.get(key, 0) + entry.minutes
    grid = [{"day": week + dt.timedelta(days=offset), "cost_code_id": code, "minutes": minutes}
            for (offset, code), minutes in sorted(net.items(), key=lambda kv: (kv[0][0], str(kv[0][1])))
            if minutes > 0]
    return save_week(uow, staff, week, grid)


def submit(uow: UnitOfWork, sheet: Timesheet) -> Timesheet:
    entries = entries_of(uow.session, sheet.id)
    rules.check_submit(sheet.status, len(entries))
    check_open(uow.session, [e.day for e in entries], "day")
    sheet.status, sheet.submitted_at = rules.SUBMITTED, utcnow()
    sheet.rejection_reason = None
    staff = uow.session.get(StaffMember, sheet.staff_id)
    # the line manager may work for another employer than the person submitting, outside their organisation's view:
    # only their gateway user is read, within the consortium, to tell them the week waits
    manager_user_id = uow.session.execute(select(StaffMember.user_id).where(
        StaffMember.id == staff.line_manager_id, StaffMember.consortium_id == staff.consortium_id)
        .execution_options(hubkit_all_tenants=True)).scalar() if staff and staff.line_manager_id else None
    uow.publish("finance.timesheet.submitted", subject=f"timesheet/{sheet.id}", data={
        "timesheet_id": sheet.id, "staff_id": sheet.staff_id, "organisation_id": sheet.organisation_id,
        "week_starting": sheet.week_starting, "minutes": sum(e.minutes for e in entries),
        "staff_user_id": staff.user_id if staff else None, "line_manager_user_id": manager_user_id})
    uow.commit()
    return sheet


def _approver_check(session, principal: Principal, sheet: Timesheet) -> StaffMember:
    staff = session.get(StaffMember, sheet.staff_id)
    manager = session.get(StaffMember, staff.line_manager_id) if staff.line_manager_id else None
    rules.check_approver(principal.user_id, principal.roles, staff.user_id, manager.user_id if manager else None)
    return staff


def _cost(session, staff: StaffMember, entry: TimeEntry, history: list[StaffRate]) -> None:
    """Cost an entry at the rate in effect on its day; it keeps that rate whatever changes later (F3)."""
    rate = rate_rules.rate_on(history, entry.day)
    if rate is None:
        if entry.chargeable:
            raise RuleViolation(f"{staff.name} has no full-cost rate on {entry.day.isoformat()}: the finance "
                                "officer sets one first (F3).", rule="F3")
        return
    entry.rate_id, entry.rate_pence = rate.id, rate.hourly_rate_pence


def approve(uow: UnitOfWork, sheet: Timesheet, principal: Principal) -> Timesheet:
    """Approve a submitted week: the entries are costed and the week is locked."""
    staff = _approver_check(uow.session, principal, sheet)
    rules.check_decide(sheet.status)
    entries = entries_of(uow.session, sheet.id)
    check_open(uow.session, [e.day for e in entries], "day")
    history = list(uow.session.execute(select(StaffRate).where(StaffRate.staff_id == staff.id)).scalars())
    for entry in entries:
        _cost(uow.session, staff, entry, history)
    sheet.status, sheet.decided_by, sheet.decided_at = rules.APPROVED, principal.user_id, utcnow()
    tally.move(uow.session, entries, NOT_APPROVED, OPEN)  # the subsidy's: approved, open until invoiced
    uow.publish("finance.timesheet.approved", subject=f"timesheet/{sheet.id}", data={
        "timesheet_id": sheet.id, "staff_id": sheet.staff_id, "organisation_id": sheet.organisation_id,
        "week_starting": sheet.week_starting, "approved_by": principal.user_id,
        "minutes": sum(e.minutes for e in entries),
        "chargeable_minutes": sum(e.minutes for e in entries if e.chargeable)})
    uow.commit()
    return sheet


def reject(uow: UnitOfWork, sheet: Timesheet, principal: Principal, reason: str) -> Timesheet:
    _approver_check(uow.session, principal, sheet)
    rules.check_decide(sheet.status)
    sheet.status, sheet.decided_by, sheet.decided_at = rules.REJECTED, principal.user_id, utcnow()
    sheet.rejection_reason = reason
    uow.publish("finance.timesheet.rejected", subject=f"timesheet/{sheet.id}", data={
        "timesheet_id": sheet.id, "staff_id": sheet.staff_id, "organisation_id": sheet.organisation_id,
        "week_starting": sheet.week_starting, "reason": reason, "rejected_by": principal.user_id})
    uow.commit()
    return sheet


def correct(uow: UnitOfWork, sheet: Timesheet, principal: Principal, entry_id: uuid.UUID, reason: str,
            minutes: int, cost_code_id: uuid.UUID | None) -> list[TimeEntry]:
    """After approval: reverse an entry (a negative copy linked to it, with who and why) and, if minutes are
    given, add the right entry. Made by an approver, so the correction is approved as it is made."""
    staff = _approver_check(uow.session, principal, sheet)
    if sheet.status != rules.APPROVED:
        raise RuleViolation("Only an approved week is corrected by reversal; edit this one directly.")
    original = uow.session.execute(select(TimeEntry).where(TimeEntry.id == entry_id,
                                                           TimeEntry.timesheet_id == sheet.id)).scalar_one_or_none()
    if original is None:
        raise InvalidField({"entry_id": ["No such entry on this timesheet."]})
    if original.reverses_entry_id is not None or original.reversed_by_entry_id is not None:
        raise RuleViolation("This entry is a reversal or has already been reversed.", rule="H4")
    check_open(uow.session, [original.day], "day")
    why = rules.minutes_problem(minutes)
    if why:
        raise InvalidField({"minutes": [why]})
    code_id = cost_code_id or original.cost_code_id
    code = _codes(uow.session, [code_id]).get(code_id)
    if code is None:
        raise InvalidField({"cost_code_id": ["No such cost code in this consortium."]})
    day_total = sum(e.minutes for e in entries_of(uow.session, sheet.id) if e.day == original.day)
    if day_total - original.minutes + minutes > rules.DAY_MINUTES:
        raise InvalidField({"minutes": [f"More than 24 hours logged on {original.day.isoformat()}."]})
    now = utcnow()
    reversal = TimeEntry(id=uuid.uuid4(), timesheet_id=sheet.id, staff_id=staff.id,
                         organisation_id=staff.organisation_id, day=original.day,
                         cost_code_id=original.cost_code_id, minutes=-original.minutes,
                         chargeable=original.chargeable, rate_id=original.rate_id, rate_pence=original.rate_pence,
                         reverses_entry_id=original.id, correction_reason=reason, corrected_by=principal.user_id,
                         created_at=now)
    original.reversed_by_entry_id = reversal.id
    made = [reversal]
    if minutes:
        replacement = TimeEntry(timesheet_id=sheet.id, staff_id=staff.id, organisation_id=staff.organisation_id,
                                day=original.day, cost_code_id=code.id, minutes=minutes, chargeable=code.chargeable,
                                correction_reason=reason, corrected_by=principal.user_id, created_at=now)
        history = list(uow.session.execute(select(StaffRate).where(StaffRate.staff_id == staff.id)).scalars())
        _cost(uow.session, staff, replacement, history)
        made.append(replacement)
    uow.session.add_all(made)
    tally.move(uow.session, made, None, OPEN)  # approved as made: the reversal and the right entry, open
    uow.commit()
    return made


def close_month(uow: UnitOfWork, month: dt.date, closed_by: str) -> ClosedPeriod:
    """Close a month: nothing dated in it can be logged, edited, submitted, approved or corrected."""
    if month in closed_months(uow.session):
        raise RuleViolation(f"{month:%B %Y} is already closed.")
    period = ClosedPeriod(month=month, closed_by=closed_by, closed_at=utcnow())
    uow.session.add(period)
    uow.publish("finance.period.closed", subject=f"period/{uow.tenant.consortium_id}/{month:%Y-%m}",
                data={"month": month, "closed_by": closed_by})
    uow.commit()
    return period


def awaiting_decision_by(principal: Principal, status: str):
    """The weeks this approver may decide: all for the finance officer, their reports' for a manager (in SQL, so
    the answer costs what it holds, not every week ever submitted). The approval queue's filter, and the home
    summary's."""
    if "finance_officer" in principal.roles:
        return Timesheet.status == status
    mine = select(StaffMember.id).where(StaffMember.user_id == principal.user_id).scalar_subquery()
    return and_(Timesheet.status == status,
                Timesheet.staff_id.in_(select(StaffMember.id).where(StaffMember.line_manager_id == mine)))


# The queue's order: week, then when submitted (a week never submitted last, as the lists in memory had it), then id.
# coalesce: a page's keys are never NULL (paging compares them in SQL), and NULLs sort alike on both databases.
_NEVER = dt.datetime(9999, 12, 31, tzinfo=dt.timezone.utc)
_QUEUED_AT = func.coalesce(Timesheet.submitted_at, literal(_NEVER, UtcDateTime()))
QUEUE_ORDER = Order(asc(Timesheet.week_starting), asc(_QUEUED_AT, "queued_at"), asc(Timesheet.id))
# The queue's orders (hubkit.paging `sort`): oldest week first (the default), or newest; on ix_timesheet_queue
# (consortium, status, week starting, submitted at), read either way.
QUEUE_ORDERS = {"oldest": QUEUE_ORDER,
                "newest": Order(desc(Timesheet.week_starting), desc(_QUEUED_AT, "queued_at"), desc(Timesheet.id))}


def queue_page(session, principal: Principal, status: str, page: Page) -> list[dict]:
    """One page of the queue with each week's person and total and chargeable minutes: paged in SQL, then the
    totals of that page's weeks only (two queries, whatever the queue's length)."""
    sheets = page.select(session, select(
        Timesheet.id, Timesheet.staff_id, StaffMember.name.label("staff_name"), Timesheet.week_starting,
        Timesheet.status, Timesheet.submitted_at, _QUEUED_AT.label("queued_at"))
        .select_from(Timesheet).outerjoin(StaffMember, StaffMember.id == Timesheet.staff_id)
        .where(awaiting_decision_by(principal, status)), page.order(QUEUE_ORDERS))
    totals = {}
    if sheets:
        totals = {row.timesheet_id: (row.total, row.chargeable) for row in session.execute(
            select(TimeEntry.timesheet_id, func.sum(TimeEntry.minutes).label("total"),
                   func.sum(case((TimeEntry.chargeable.is_(True), TimeEntry.minutes), else_=0)).label("chargeable"))
            .where(TimeEntry.timesheet_id.in_([sheet.id for sheet in sheets]))
            .group_by(TimeEntry.timesheet_id))}
    return [{"id": sheet.id, "staff_id": sheet.staff_id, "staff_name": sheet.staff_name,
             "week_starting": sheet.week_starting, "status": sheet.status, "submitted_at": sheet.submitted_at,
             "total_minutes": int(totals.get(sheet.id, (0, 0))[0] or 0),
             "chargeable_minutes": int(totals.get(sheet.id, (0, 0))[1] or 0)} for sheet in sheets]


def sheet_view(session, staff: StaffMember, week: dt.date, sheet: Timesheet | None) -> dict:
    """The week as a grid: rows per cost code, a column per day, totals per row and per day (server-side)."""
    entries = entries_of(session, sheet.id) if sheet else []
    days = [week + dt.timedelta(days=i) for i in range(7)]
    codes = {c.id: c for c in cost_codes.all_codes(session)}
    rows: dict = {}
    for entry in entries:
        row = rows.setdefault(entry.cost_code_id, [0] * 7)
        row[(entry.day - week).days] += entry.minutes
    closed = closed_months(session)
    return {
        "id": sheet.id if sheet else None, "staff_id": staff.id, "staff_name": staff.name,
        "organisation_id": staff.organisation_id, "employer_kind": staff.employer_kind,
        "week_starting": week, "status": sheet.status if sheet else rules.DRAFT,
        "submitted_at": sheet.submitted_at if sheet else None, "decided_by": sheet.decided_by if sheet else None,
        "decided_at": sheet.decided_at if sheet else None,
        "rejection_reason": sheet.rejection_reason if sheet else None,
        "days": days, "closed_days": [d for d in days if rules.month_start(d) in closed],
        "rows": [{"cost_code_id": code_id, "code": codes[code_id].code, "title": codes[code_id].title,
                  "chargeable": codes[code_id].chargeable, "minutes": minutes, "total_minutes": sum(minutes)}
                 for code_id, minutes in sorted(rows.items(), key=lambda kv: codes[kv[0]].code)],
        "day_totals": [sum(e.minutes for e in entries if e.day == d) for d in days],
        "total_minutes": sum(e.minutes for e in entries),
        "chargeable_minutes": sum(e.minutes for e in entries if e.chargeable),
        "entries": entries,
    }
