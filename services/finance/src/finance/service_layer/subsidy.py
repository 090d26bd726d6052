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

from sqlalchemy import select

from hubkit.db import utcnow
from hubkit.domain import InvalidField, RuleViolation
from hubkit.unit_of_work import UnitOfWork

from ..adapters.time_tables import (InvoiceLine, RechargeInvoice, StaffMember, StaffRate, SubsidyWriteOff,
                                    Timesheet, TimeEntry)
from ..domain import invoices as invoice_rules
from ..domain.rates import rate_on, to_pence
from ..domain.time import APPROVED, month_start, next_month
from .invoices import lock_issuer, organisation_names


def _value(minutes_times_rate: Decimal) -> Decimal:
    return minutes_times_rate / 60


def report(session, months: list[dt.date] | None = None) -> list[dict]:
    """One row per (employer organisation, month) that has chargeable time or recharges."""
    staff = {s.id: s for s in session.execute(select(StaffMember).where(
        StaffMember.employer_kind.in_(("host", "member")))).scalars()}
    rates: dict = {}
    for rate in session.execute(select(StaffRate)).scalars():
        rates.setdefault(rate.staff_id, []).append(rate)
    rows: dict = {}

    def row(org, month):
        return rows.setdefault((org, month), {
            "logged_minutes": 0, "logged": Decimal(0), "approved_minutes": 0, "approved": Decimal(0),
            "unapproved_minutes": 0, "unapproved": Decimal(0), "not_invoiced_minutes": 0, "not_invoiced": Decimal(0),
            "written_off_minutes": 0, "written_off_pence": 0, "recharged_minutes": 0, "recharged_pence": 0,
            "unrated_minutes": 0})

    entries = session.execute(select(TimeEntry, Timesheet.status).join(
        Timesheet, Timesheet.id == TimeEntry.timesheet_id).where(TimeEntry.chargeable.is_(True))).all()
    live_lines = {line.id for line in session.execute(select(InvoiceLine).join(
        RechargeInvoice, RechargeInvoice.id == InvoiceLine.invoice_id).where(
        RechargeInvoice.status.in_((invoice_rules.ISSUED, invoice_rules.PAID)))).scalars()}
    for entry, status in entries:
        person = staff.get(entry.staff_id)
        if person is None:
            continue
        r = row(person.organisation_id, month_start(entry.day))
        if status == APPROVED:
            value = Decimal(entry.minutes * (entry.rate_pence or 0))
            r["approved_minutes"] += entry.minutes
            r["approved"] += value
            if entry.written_off_id is None and entry.invoice_line_id not in live_lines:
                r["not_invoiced_minutes"] += entry.minutes
                r["not_invoiced"] += value
        else:
            rate = rate_on(rates.get(entry.staff_id, []), entry.day)
            if rate is None:
                r["unrated_minutes"] += entry.minutes
            value = Decimal(entry.minutes * (rate.hourly_rate_pence if rate else 0))
            r["unapproved_minutes"] += entry.minutes
            r["unapproved"] += value
        r["logged_minutes"] += entry.minutes
        r["logged"] += value
    for invoice in session.execute(select(RechargeInvoice).where(RechargeInvoice.status.in_(
            (invoice_rules.ISSUED, invoice_rules.PAID, invoice_rules.CREDITED)))).scalars():
        r = row(invoice.organisation_id, invoice.month)
        r["recharged_pence"] += invoice.net_pence
        r["recharged_minutes"] += sum(line.minutes for line in session.execute(
            select(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id)).scalars())
    for write_off in session.execute(select(SubsidyWriteOff)).scalars():
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
    uow.commit()
    return row


def write_offs(session) -> list[SubsidyWriteOff]:
    return list(session.execute(select(SubsidyWriteOff).order_by(SubsidyWriteOff.written_off_at.desc())).scalars())
