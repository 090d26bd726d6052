"""The month-end run set-wise (issue 16): a recharge draft made by bulk statements is exactly the draft the ORM path
made, entry by entry: the same lines (positions, descriptions, minutes, rates, amounts in pence rounded once), the
same links to entries, the same entries marked invoiced, the same totals; and the audit trail still traces each
entry to its line. On SQLite and PostgreSQL (`--db`)."""
from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import select

from hubkit.db import Tenant, utcnow
from hubkit.unit_of_work import UnitOfWork

from finance.adapters.time_tables import (CostCode, InvoiceLine, InvoiceLineEntry, RechargeInvoice, StaffMember,
                                          TimeEntry, Timesheet)
from finance.domain import invoices as rules
from finance.domain.time import APPROVED, next_month
from finance.service_layer import invoices

from time_fixtures import MONDAY, th  # noqa: F401


# --- the ORM path as it was before issue 16 (one object per line, link and entry marked) -----------------------------

def _orm_draft(uow: UnitOfWork, organisation_id, month: dt.date) -> uuid.UUID:
    session = uow.session
    settings = invoices.lock_issuer(uow, organisation_id)
    entries = list(session.execute(
        select(TimeEntry).join(Timesheet, Timesheet.id == TimeEntry.timesheet_id)
        .join(StaffMember, StaffMember.id == TimeEntry.staff_id)
        .where(StaffMember.organisation_id == organisation_id, StaffMember.employer_kind.in_(("host", "member")),
               TimeEntry.organisation_id == organisation_id, Timesheet.status == APPROVED,
               TimeEntry.chargeable.is_(True), TimeEntry.day >= month, TimeEntry.day < next_month(month),
               TimeEntry.invoice_line_id.is_(None), TimeEntry.written_off_id.is_(None))
        .order_by(TimeEntry.day)).scalars())
    lines = rules.group_lines(entries)
    invoice = RechargeInvoice(id=uuid.uuid4(), organisation_id=organisation_id, kind=rules.INVOICE, month=month,
                              status=rules.DRAFT, vat_treatment=settings.vat_treatment, net_pence=0, vat_pence=0,
                              total_pence=0, created_by=uow.actor, created_at=utcnow())
    session.add(invoice)
    session.flush()
    codes = {c.id: c for c in session.execute(select(CostCode)).scalars()}
    descriptions = {(d.cost_code_id, d.staff_id): rules.line_description(
        codes[d.cost_code_id].code, codes[d.cost_code_id].title, session.get(StaffMember, d.staff_id).name, month)
        for d in lines}
    made = []
    for position, draft in enumerate(sorted(lines, key=lambda d: descriptions[(d.cost_code_id, d.staff_id)]), 1):
        line = InvoiceLine(id=uuid.uuid4(), invoice_id=invoice.id, organisation_id=organisation_id,
                           position=position, cost_code_id=draft.cost_code_id, staff_id=draft.staff_id,
                           description=descriptions[(draft.cost_code_id, draft.staff_id)], minutes=draft.minutes,
                           rate_pence=draft.rate_pence, net_pence=draft.net_pence,
                           vat_pence=rules.vat_pence(draft.net_pence, settings.vat_treatment))
        session.add(line)
        made.append((line, draft))
    session.flush()
    for line, draft in made:
        for entry_id in draft.entry_ids:
            session.add(InvoiceLineEntry(line_id=line.id, entry_id=entry_id, organisation_id=organisation_id))
            session.get(TimeEntry, entry_id).invoice_line_id = line.id
    session.flush()
    invoice.net_pence = sum(line.net_pence for line, _ in made)
    invoice.vat_pence = sum(line.vat_pence for line, _ in made)
    invoice.total_pence = invoice.net_pence + invoice.vat_pence
    uow.commit()
    return invoice.id


# --- what a draft is, without its ids ------------------------------------------------------------------------------

def _state(app, consortium_id, invoice_id) -> dict:
    """The invoice's totals, its lines by position, each line's entries, and the entries marked by each line."""
    db = app.extensions["hubkit.db"]
    with db.session(Tenant(consortium_id)) as session:
        invoice = session.get(RechargeInvoice, invoice_id)
        lines = list(session.execute(select(InvoiceLine).where(InvoiceLine.invoice_id == invoice_id)
                                     .order_by(InvoiceLine.position)).scalars())
        position = {line.id: line.position for line in lines}
        links, marked = {}, {}
        for line_id, entry_id in session.execute(select(InvoiceLineEntry.line_id, InvoiceLineEntry.entry_id).where(
                InvoiceLineEntry.line_id.in_(list(position)))):
            links.setdefault(position[line_id], set()).add(entry_id)
        for entry_id, line_id in session.execute(select(TimeEntry.id, TimeEntry.invoice_line_id).where(
                TimeEntry.invoice_line_id.in_(list(position)))):
            marked.setdefault(position[line_id], set()).add(entry_id)
        return {"totals": (invoice.kind, invoice.status, invoice.month, invoice.vat_treatment, invoice.net_pence,
                           invoice.vat_pence, invoice.total_pence),
                "lines": [(line.position, line.cost_code_id, line.staff_id, line.description, line.minutes,
                           line.rate_pence, line.net_pence, line.vat_pence) for line in lines],
                "links": links, "marked": marked}


def _uninvoiced(app, consortium_id) -> set:
    db = app.extensions["hubkit.db"]
    with db.session(Tenant(consortium_id)) as session:
        return set(session.execute(select(TimeEntry.id).where(TimeEntry.invoice_line_id.is_(None))).scalars())


def _awkward_month(th) -> None:
    """Rates whose minutes x rate / 60 fall on half pennies and odd fifths, a rate changed mid-month (two lines for
    one code and person), a correction that cancels an entry out (a line of zero minutes: none), a week not
    approved and time that is not chargeable (neither invoiced)."""
    th.hub_model("outsourced_to_member")
    priya, sam, ana = th.staff("Priya Shah"), th.staff("Sam Patel"), th.staff("Ana Lopez")
    th.rate(priya["id"], salary_pence=2_345_678, on_costs_percent="13.8", overhead_percent="17.5",
            productive_hours="1642.5")                                                  # 1,910p an hour
    th.rate(sam["id"], salary_pence=2_400_000, on_costs_pence=480_000, on_costs_percent=None)   # 2,400p
    th.rate(sam["id"], effective_from="2026-10-26", salary_pence=2_567_890, on_costs_percent="11.1")
    th.rate(ana["id"], salary_pence=1_999_999, on_costs_percent="7.7", overhead_percent="33.3",
            productive_hours="1493.7")
    odd = {(d, code): m for d, (code, m) in enumerate([("hub-bidding", 15), ("hub-finance", 45), ("hub-bidding", 75),
                                                        ("hub-governance", 105), ("employer-own-work", 135)])}
    for week in range(4):
        monday = MONDAY + dt.timedelta(days=7 * week)
        for person in (priya, sam):
            sheet = th.approved_week(person, monday, {k: v + 15 * week for k, v in odd.items()})
        th.approved_week(ana, monday, {(d, "hub-bidding"): 15 * (1 + d * 2 + week) for d in range(5)})
    # Sam's last week, the only one at his new rate: its governance entry reversed and replaced by nothing (the
    # line of governance at that rate nets to zero: no line)
    entry = next(e for e in sheet["entries"] if e["minutes"] == 105 + 45)
    th.call("POST", f"/timesheets/{sheet['id']}/corrections", {"entry_id": entry["id"], "reason": "Not hub work",
                                                                 "minutes": 0}, 201)
    th.week(ana, MONDAY + dt.timedelta(days=28), {(0, "hub-bidding"): 45})            # saved, not approved


def test_the_set_wise_draft_is_exactly_the_orm_draft_lines_pence_links_and_entries(th, app):
    _awkward_month(th)
    th.organisation(th.host, "Leeds CVS")  # an issuer is an organisation finance knows (issue 12 item 3)
    th.call("PUT", f"/invoices/issuers/{th.host}", {"vat_treatment": "standard"})
    before = _uninvoiced(app, th.consortium)
    with UnitOfWork(app.extensions["hubkit.db"], Tenant(th.consortium), actor="user:test", service="finance") as uow:
        old_id = _orm_draft(uow, th.host, dt.date(2026, 10, 1))
    old = _state(app, th.consortium, old_id)
    th.call("DELETE", f"/invoices/{old_id}", status=204)             # set-wise too: every entry is free again
    assert _uninvoiced(app, th.consortium) == before

    new = th.call("POST", "/invoices", {"organisation_id": str(th.host), "month": "2026-10"}, 201)
    assert _state(app, th.consortium, uuid.UUID(new["id"])) == old
    assert th.call("GET", f"/invoices/{new['id']}") == new     # the draft's answer is what is read back
    assert len(old["lines"]) == 3 + 3 + 2 + 1  # Priya 3 codes, Sam 3 at one rate and 2 at the next, Ana 1
    assert old["links"] == old["marked"]
    assert any(line[7] * 5 != line[6] for line in old["lines"])  # some VAT was rounded
    assert any(line[4] * line[5] % 60 for line in old["lines"])  # and some lines' minutes x rate / 60
    assert new["net_pence"] == sum(line["net_pence"] for line in new["lines"])
    assert [line["entry_ids"] for line in new["lines"]] == [sorted((str(e) for e in old["links"][p]))
                                                            for p in range(1, len(old["lines"]) + 1)]


def test_the_set_wise_draft_audits_each_line_with_the_entries_it_marked(th, app):
    _awkward_month(th)
    draft = th.call("POST", "/invoices", {"organisation_id": str(th.host), "month": "2026-10"}, 201)
    db = app.extensions["hubkit.db"]
    audit = db.kit.audit_entry
    with db.session(None) as session:
        rows = session.execute(select(audit.c.action, audit.c.entity, audit.c.entity_id, audit.c.after, audit.c.actor)
                               .where(audit.c.consortium_id == th.consortium,
                                      audit.c.entity.in_(("RechargeInvoice", "InvoiceLine")))).all()
    lines = {row.entity_id: row for row in rows if row.entity == "InvoiceLine" and row.action == "create"}
    assert set(lines) == {line["id"] for line in draft["lines"]}
    for line in draft["lines"]:
        after = lines[line["id"]].after
        assert after["entry_ids"] == line["entry_ids"] and after["entries_invoiced"] is True
        assert after["invoice_id"] == draft["id"] and after["net_pence"] == line["net_pence"]
    assert [row.action for row in rows if row.entity == "RechargeInvoice" and row.entity_id == draft["id"]] == ["create"]
    th.call("DELETE", f"/invoices/{draft['id']}", status=204)
    with db.session(None) as session:
        deleted = session.execute(select(audit.c.entity_id, audit.c.before).where(
            audit.c.consortium_id == th.consortium, audit.c.entity == "InvoiceLine",
            audit.c.action == "delete")).all()
    assert {row.entity_id: row.before["entry_ids"] for row in deleted} == {
        line["id"]: line["entry_ids"] for line in draft["lines"]}

