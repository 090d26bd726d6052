"""The subsidy report (H4): for each employer of shared staff and month, the consortium's time logged,
approved and recharged, and the difference with its reasons, in pence and hours.

Valuing: approved time at the rate it was costed at; unapproved time at the rate in effect on its day (what
it would cost if approved; no rate yet counts as 0p, and the report says how many minutes lack a rate).
Each figure is summed exactly and rounded once, half up. Recharged is the net of issued invoices less credit
notes (their lines were rounded once each), so `rounding` shows any penny between the two.
"""
from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import and_, case, func, or_, select, true

from hubkit.db import utcnow
from hubkit.domain import InvalidField, RuleViolation
from hubkit.paging import Order, desc
from hubkit.unit_of_work import UnitOfWork

from ..adapters.time_tables import (ChargeableTimeTally, InvoiceLine, RechargeInvoice, StaffMember, StaffRate,
                                    SubsidyWriteOff, Timesheet, TimeEntry)
from ..domain import invoices as invoice_rules
from ..domain.subsidy import OPEN, Place
from ..domain.rates import to_pence
from ..domain.time import APPROVED, next_month
from . import tally
from .invoices import lock_issuer, organisation_names


def _value(minutes_times_rate: Decimal) -> Decimal:
    return minutes_times_rate / 60


def _in_months(column, months: list[dt.date] | None):
    """A condition: the date column falls in one of the months (None: no condition, every month)."""
    if not months:
        return true()
    return or_(*(and_(column >= month, column < next_month(month)) for month in months))


def _tenant_scope(tenant, *models) -> list:
    """The tenant's conditions on these tables, written out (for subqueries, which the session does not scope)."""
    conditions = []
    for model in models:
        conditions.append(model.consortium_id == tenant.consortium_id)
        if tenant.organisation_id is not None:
            conditions.append(model.owning_organisation() == tenant.organisation_id)
    return conditions


def report(session, months: list[dt.date] | None = None) -> list[dict]:
    """One row per (employer organisation, month) that has chargeable time or recharges.

    Summed in SQL, reading only the months asked for: approved time from its tally per employer and month (exact
    minutes x rate, valued once per row below); unapproved time per employer, person and day, valued at the rate of
    that day.
    """
    rows: dict = {}

    def row(org, month):
        return rows.setdefault((org, month), {
            "logged_minutes": 0, "logged": Decimal(0), "approved_minutes": 0, "approved": Decimal(0),
            "unapproved_minutes": 0, "unapproved": Decimal(0), "not_invoiced_minutes": 0, "not_invoiced": Decimal(0),
            "written_off_minutes": 0, "written_off_pence": 0, "recharged_minutes": 0, "recharged_pence": 0,
            "unrated_minutes": 0})

    tenant = session.info["tenant"]
    # Approved time (issue 16): read from the tally (domain/subsidy.py), kept in step with the entries it sums, a
    # few rows per person and month rather than every entry of the months; each row's place says whether its time is
    # still open: not written off, and on no invoice or on one neither issued nor paid (a draft recharges nothing
    # yet, a credited invoice's time is freed). The employer and whether the time is the subsidy's are the person's
    # as they are now, as before. Summed per employer, month and place before each place's invoice is looked up by
    # its primary key (the subqueries scoped to the tenant here: the session's criteria do not reach into them).
    places = (select(StaffMember.organisation_id.label("organisation_id"), ChargeableTimeTally.month.label("month"),
                     ChargeableTimeTally.invoice_id.label("invoice_id"),
                     ChargeableTimeTally.written_off_id.label("written_off_id"),
                     func.sum(ChargeableTimeTally.minutes).label("minutes"),
                     func.sum(ChargeableTimeTally.worth).label("worth"))
              .join(StaffMember, StaffMember.id == ChargeableTimeTally.staff_id)
              .where(*_tenant_scope(tenant, ChargeableTimeTally, StaffMember), ChargeableTimeTally.approved.is_(True),
                     StaffMember.employer_kind.in_(("host", "member")),
                     ChargeableTimeTally.month.in_(months) if months else true())
              .group_by(StaffMember.organisation_id, ChargeableTimeTally.month, ChargeableTimeTally.invoice_id,
                        ChargeableTimeTally.written_off_id)).subquery()
    status = (select(RechargeInvoice.status).where(RechargeInvoice.id == places.c.invoice_id,
                                                   *_tenant_scope(tenant, RechargeInvoice)).scalar_subquery())
    live = and_(places.c.written_off_id.is_(None), or_(
        places.c.invoice_id.is_(None),  # no invoice, or none found: open
        func.coalesce(status, "").not_in((invoice_rules.ISSUED, invoice_rules.PAID))))
    approved = session.execute(
        select(places.c.organisation_id, places.c.month, func.sum(places.c.minutes), func.sum(places.c.worth),
               func.sum(case((live, places.c.minutes), else_=0)), func.sum(case((live, places.c.worth), else_=0)))
        .group_by(places.c.organisation_id, places.c.month)).all()
    for org, month, minutes, worth, open_minutes, open_worth in approved:
        r = row(org, month)
        r["approved_minutes"] += int(minutes)
        r["approved"] += Decimal(int(worth))
        r["not_invoiced_minutes"] += int(open_minutes)
        r["not_invoiced"] += Decimal(int(open_worth))
        r["logged_minutes"] += int(minutes)
        r["logged"] += Decimal(int(worth))
    # Time not yet approved: from the tally too, per person and day (a few thousand rows at the start of a month,
    # not the entries of every week waiting), each valued at the person's rate in effect on the day: the latest begun
    # (of two from one day, the later set), found by joining the rate history as periods (each rate until the next
    # begins, by a window over the history) rather than by a lookup per person and day; then summed per employer
    # (the person's, as now, if their time is the subsidy's) and month (minutes x rate is exact).
    per_day = (select(ChargeableTimeTally.staff_id.label("staff_id"), ChargeableTimeTally.month.label("month"),
                      ChargeableTimeTally.day.label("day"), func.sum(ChargeableTimeTally.minutes).label("minutes"))
               .where(*_tenant_scope(tenant, ChargeableTimeTally), ChargeableTimeTally.approved.is_(False),
                      ChargeableTimeTally.month.in_(months) if months else true())
               .group_by(ChargeableTimeTally.staff_id, ChargeableTimeTally.month, ChargeableTimeTally.day)).subquery()
    periods = select(StaffRate.staff_id.label("staff_id"), StaffRate.hourly_rate_pence.label("rate"),
                     StaffRate.effective_from.label("since"),
                     func.lead(StaffRate.effective_from).over(
                         partition_by=StaffRate.staff_id,
                         order_by=(StaffRate.effective_from, StaffRate.created_at)).label("until")
                     ).where(*_tenant_scope(tenant, StaffRate)).subquery()
    for org, month, minutes, worth, unrated in session.execute(
            select(StaffMember.organisation_id, per_day.c.month, func.sum(per_day.c.minutes),
                   func.sum(per_day.c.minutes * func.coalesce(periods.c.rate, 0)),
                   func.sum(case((periods.c.rate.is_(None), per_day.c.minutes), else_=0)))
            .join(StaffMember, StaffMember.id == per_day.c.staff_id)
            .outerjoin(periods, and_(periods.c.staff_id == per_day.c.staff_id, periods.c.since <= per_day.c.day,
                                     or_(periods.c.until.is_(None), per_day.c.day < periods.c.until)))
            .where(StaffMember.employer_kind.in_(("host", "member")))
            .group_by(StaffMember.organisation_id, per_day.c.month)):
        r = row(org, month)
        r["unrated_minutes"] += int(unrated)
        r["unapproved_minutes"] += int(minutes)
        r["unapproved"] += Decimal(int(worth))
        r["logged_minutes"] += int(minutes)
        r["logged"] += Decimal(int(worth))
    recharged = (invoice_rules.ISSUED, invoice_rules.PAID, invoice_rules.CREDITED)
    for org, month, net in session.execute(
            select(RechargeInvoice.organisation_id, RechargeInvoice.month, func.sum(RechargeInvoice.net_pence))
            .where(RechargeInvoice.status.in_(recharged), _in_months(RechargeInvoice.month, months))
            .group_by(RechargeInvoice.organisation_id, RechargeInvoice.month)):
        row(org, month)["recharged_pence"] += int(net)
    for org, month, minutes in session.execute(
            select(RechargeInvoice.organisation_id, RechargeInvoice.month, func.sum(InvoiceLine.minutes))
            .join(InvoiceLine, InvoiceLine.invoice_id == RechargeInvoice.id)
            .where(RechargeInvoice.status.in_(recharged), _in_months(RechargeInvoice.month, months))
            .group_by(RechargeInvoice.organisation_id, RechargeInvoice.month)):
        row(org, month)["recharged_minutes"] += int(minutes)
    for write_off in session.execute(select(SubsidyWriteOff).where(
            _in_months(SubsidyWriteOff.month, months))).scalars():
        r = row(write_off.organisation_id, write_off.month)
        r["written_off_minutes"] += write_off.minutes
        r["written_off_pence"] += write_off.amount_pence
    names = organisation_names(session)
    out = []
    for (org, month), r in sorted(rows.items(), key=lambda kv: (kv[0][1], names.get(kv[0][0], ""))):
        if months and month not in months:
            continue
        logged = to_pence(_value(r["logged"]))
        unapproved = to_pence(_value(r["unapproved"]))
        not_invoiced = to_pence(_value(r["not_invoiced"]))
        subsidy = logged - r["recharged_pence"]
        rounding = subsidy - unapproved - not_invoiced - r["written_off_pence"]
        out.append({
            "organisation_id": org, "organisation_name": names.get(org, str(org)), "month": month,
            "logged_minutes": r["logged_minutes"], "logged_pence": logged,
            "approved_minutes": r["approved_minutes"], "approved_pence": to_pence(_value(r["approved"])),
            "recharged_minutes": r["recharged_minutes"], "recharged_pence": r["recharged_pence"],
            "subsidy_minutes": r["logged_minutes"] - r["recharged_minutes"], "subsidy_pence": subsidy,
            "reasons": {
                "unapproved": {"minutes": r["unapproved_minutes"], "pence": unapproved},
                "not_yet_invoiced": {"minutes": r["not_invoiced_minutes"], "pence": not_invoiced},
                "written_off": {"minutes": r["written_off_minutes"], "pence": r["written_off_pence"]},
                "rounding": {"minutes": 0, "pence": rounding},
            },
            "unrated_minutes": r["unrated_minutes"],
        })
    return out


def write_off(uow: UnitOfWork, organisation_id: uuid.UUID, month: dt.date, reason: str) -> SubsidyWriteOff:
    """H4: the consortium will not be charged for this employer's approved, uninvoiced time of the month:
    the entries are marked and the subsidy shows it as written off, with the reason."""
    if uow.session.execute(select(StaffMember.id).where(StaffMember.organisation_id == organisation_id)).first():
        lock_issuer(uow, organisation_id)  # never at the same moment as a draft taking the same entries
    entries = list(uow.session.execute(
        select(TimeEntry).join(Timesheet, Timesheet.id == TimeEntry.timesheet_id)
        .join(StaffMember, StaffMember.id == TimeEntry.staff_id)
        .where(StaffMember.organisation_id == organisation_id, Timesheet.status == APPROVED,
               TimeEntry.chargeable.is_(True), TimeEntry.day >= month, TimeEntry.day < next_month(month),
               TimeEntry.invoice_line_id.is_(None), TimeEntry.written_off_id.is_(None))).scalars())
    if not entries:
        if not uow.session.execute(select(StaffMember.id).where(
                StaffMember.organisation_id == organisation_id)).first():
            raise InvalidField({"organisation_id": ["No staff of this organisation log time for the hub."]})
        raise RuleViolation(f"Nothing approved and uninvoiced to write off for {month:%B %Y}.", rule="H4")
    minutes = sum(e.minutes for e in entries)
    amount = to_pence(_value(sum((Decimal(e.minutes * (e.rate_pence or 0)) for e in entries), Decimal(0))))
    row = SubsidyWriteOff(id=uuid.uuid4(), organisation_id=organisation_id, month=month, minutes=minutes,
                          amount_pence=amount, reason=reason, written_off_by=uow.actor, written_off_at=utcnow())
    uow.session.add(row)
    for entry in entries:
        entry.written_off_id = row.id
    tally.move(uow.session, entries, OPEN, Place(written_off_id=row.id))
    uow.commit()
    return row


# GET /subsidy/write-offs: newest first (ix_subsidy_write_off_newest), paged in SQL.
WRITE_OFF_ORDER = Order(desc(SubsidyWriteOff.written_off_at), desc(SubsidyWriteOff.id))


def write_offs_query():
    """The write-offs (member staff: their own organisation's) for the caller to page in WRITE_OFF_ORDER."""
    return select(SubsidyWriteOff)
