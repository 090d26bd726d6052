"""The subsidy report reads chargeable time from a tally kept in step with the entries (issue 16): its answer must be
the answer of the report's rules applied straightforwardly to every entry, week, rate, invoice and write-off. Checked
after each kind of change that moves time (saving a week, approval, correction, a reversal netting to nothing, draft,
discard, issue, payment, credit note, a draft again, write-off, rejection and approval after an edit, a rate set
after the time was logged), for the whole report and each month; the employers to recharge for each month (the
month-end run's and the finance summary's, from the tally) are those the entries name; and the tally itself equals the entries counted
afresh (adapters.tally.rebuild_statement, which migration 0011 and the bench's loader use). On SQLite and PostgreSQL
(`--db`)."""
from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from decimal import Decimal

from sqlalchemy import delete, select, text

from hubkit.db import Tenant

from finance.adapters.tally import rebuild_statement
from finance.adapters.time_tables import (ChargeableTimeTally, InvoiceLine, RechargeInvoice, StaffMember, StaffRate,
                                          SubsidyWriteOff, Timesheet, TimeEntry)
from finance.domain.rates import to_pence
from finance.service_layer import subsidy
from finance.service_layer.invoices import employers_to_recharge

from time_fixtures import th  # noqa: F401

SEPTEMBER_END = dt.date(2026, 9, 28)  # a Monday whose week ends in October


def _straightforward(session) -> dict:
    """H4's subsidy report computed entry by entry in Python from whole rows, with none of the report's shortcuts:
    {(employer, month): figures}."""
    staff = {s.id: s for s in session.execute(select(StaffMember)).scalars()}
    sheets = {s.id: s for s in session.execute(select(Timesheet)).scalars()}
    rates = defaultdict(list)
    for rate in session.execute(select(StaffRate)).scalars():
        rates[rate.staff_id].append(rate)
    lines = {line.id: line for line in session.execute(select(InvoiceLine)).scalars()}
    invoices = {i.id: i for i in session.execute(select(RechargeInvoice)).scalars()}
    rows: dict = defaultdict(lambda: defaultdict(Decimal))
    for entry in session.execute(select(TimeEntry)).scalars():
        person = staff[entry.staff_id]
        if not entry.chargeable or person.employer_kind not in ("host", "member"):
            continue
        r = rows[(person.organisation_id, entry.day.replace(day=1))]
        r["logged_minutes"] += entry.minutes
        if sheets[entry.timesheet_id].status == "approved":
            worth = entry.minutes * (entry.rate_pence or 0)
            r["approved_minutes"] += entry.minutes
            r["approved"] += worth
            line = lines.get(entry.invoice_line_id)
            invoice = invoices.get(line.invoice_id) if line else None
            if entry.written_off_id is None and (invoice is None or invoice.status not in ("issued", "paid")):
                r["open_minutes"] += entry.minutes
                r["open"] += worth
        else:
            begun = [rate for rate in rates[entry.staff_id] if rate.effective_from <= entry.day]
            rate = max(begun, key=lambda rate: (rate.effective_from, rate.created_at)) if begun else None
            worth = entry.minutes * (rate.hourly_rate_pence if rate else 0)
            r["unapproved_minutes"] += entry.minutes
            r["unapproved"] += worth
            r["unrated_minutes"] += 0 if rate else entry.minutes
        r["logged"] += worth
    for invoice in invoices.values():
        if invoice.status in ("issued", "paid", "credited"):
            r = rows[(invoice.organisation_id, invoice.month)]
            r["recharged_pence"] += invoice.net_pence
            r["recharged_minutes"] += sum(line.minutes for line in lines.values() if line.invoice_id == invoice.id)
    for write_off in session.execute(select(SubsidyWriteOff)).scalars():
        r = rows[(write_off.organisation_id, write_off.month)]
        r["written_off_minutes"] += write_off.minutes
        r["written_off_pence"] += write_off.amount_pence
    answer = {}
    for key, r in rows.items():
        logged = to_pence(r["logged"] / 60)
        unapproved, not_invoiced = to_pence(r["unapproved"] / 60), to_pence(r["open"] / 60)
        subsidy_pence = logged - int(r["recharged_pence"])
        answer[key] = {
            "logged_minutes": int(r["logged_minutes"]), "logged_pence": logged,
            "approved_minutes": int(r["approved_minutes"]), "approved_pence": to_pence(r["approved"] / 60),
            "recharged_minutes": int(r["recharged_minutes"]), "recharged_pence": int(r["recharged_pence"]),
            "subsidy_minutes": int(r["logged_minutes"] - r["recharged_minutes"]), "subsidy_pence": subsidy_pence,
            "reasons": {
                "unapproved": {"minutes": int(r["unapproved_minutes"]), "pence": unapproved},
                "not_yet_invoiced": {"minutes": int(r["open_minutes"]), "pence": not_invoiced},
                "written_off": {"minutes": int(r["written_off_minutes"]), "pence": int(r["written_off_pence"])},
                "rounding": {"minutes": 0, "pence": subsidy_pence - unapproved - not_invoiced
                             - int(r["written_off_pence"])},
            },
            "unrated_minutes": int(r["unrated_minutes"])}
    return answer


def _to_recharge_from_entries(session) -> dict:
    """H4: per month, the employers with approved chargeable time on no invoice line and not written off, entry by
    entry (the employer the entry names, still the person's)."""
    staff = {s.id: s for s in session.execute(select(StaffMember)).scalars()}
    sheets = {s.id: s for s in session.execute(select(Timesheet)).scalars()}
    found: dict = defaultdict(set)
    for entry in session.execute(select(TimeEntry)).scalars():
        if (entry.chargeable and sheets[entry.timesheet_id].status == "approved" and entry.invoice_line_id is None
                and entry.written_off_id is None and entry.organisation_id is not None
                and staff[entry.staff_id].organisation_id == entry.organisation_id):
            found[entry.day.replace(day=1)].add(entry.organisation_id)
    return found


def _tally(session) -> dict:
    found: dict = defaultdict(lambda: [0, 0, 0])
    for row in session.execute(select(ChargeableTimeTally)).scalars():
        key = (row.staff_id, row.organisation_id, row.month, row.day, row.approved, row.invoice_id,
               row.written_off_id)
        found[key] = [found[key][0] + row.entries, found[key][1] + row.minutes, found[key][2] + row.worth]
    return {key: tuple(value) for key, value in found.items() if value[0]}


def _check(th) -> dict:
    """The report (whole and month by month) is the straightforward answer; the tally is the entries counted afresh."""
    db = th.app.extensions["hubkit.db"]
    with db.session(Tenant(th.consortium)) as session:
        expected = _straightforward(session)
        whole = subsidy.report(session)
        got = {(row["organisation_id"], row["month"]): {k: v for k, v in row.items()
                                                        if k not in ("organisation_id", "organisation_name", "month")}
               for row in whole}
        assert got == expected
        for month in {month for _org, month in expected}:
            assert subsidy.report(session, [month]) == [row for row in whole if row["month"] == month]
        to_recharge = _to_recharge_from_entries(session)
        for month in {month for _org, month in expected} | set(to_recharge):  # the month-end run's and the summary's
            assert set(session.execute(employers_to_recharge(month)).scalars()) == to_recharge[month], month
        kept = _tally(session)
        session.rollback()
    with db.engine.begin() as conn:  # counted afresh inside a transaction that is rolled back
        saved = conn.execute(select(ChargeableTimeTally.__table__)).all()
        conn.execute(delete(ChargeableTimeTally.__table__))
        conn.execute(text(rebuild_statement(conn.dialect.name)))
        with db.session(Tenant(th.consortium), connection=conn) as session:
            assert _tally(session) == kept
        conn.execute(delete(ChargeableTimeTally.__table__))
        if saved:
            conn.execute(ChargeableTimeTally.__table__.insert(), [row._asdict() for row in saved])
    return expected


def test_h4_the_subsidy_from_its_tally_is_the_straightforward_answer_after_every_kind_of_change(th):
    th.hub_model("virtual_hub")
    host, member = th.staff("Priya Shah", kind="host"), th.staff("Tom Reed", kind="member")
    core = th.staff("Core Team", kind="consortium")
    th.rate(host["id"])
    th.rate(member["id"], salary_pence=4_000_000)
    th.rate(core["id"])
    th.rate(host["id"], effective_from="2026-10-14", salary_pence=3_600_000)  # a raise mid-October
    october = "2026-10"

    def week(staff, monday, grid=None):
        return th.approved_week(staff, monday, grid)

    # approvals: a week across September and October, whole weeks, one not chargeable, consortium staff's time
    split = week(host, SEPTEMBER_END, {(0, "hub-bidding"): 450, (3, "hub-bidding"): 420,
                                       (4, "employer-own-work"): 120, (6, "hub-finance"): 60})
    week(host, dt.date(2026, 10, 12))
    week(member, dt.date(2026, 10, 5), {(d, "hub-finance"): 435 for d in range(5)})
    week(core, dt.date(2026, 10, 5))
    waiting = th.week(member, dt.date(2026, 10, 19), {(0, "hub-bidding"): 300})
    th.call("POST", f"/timesheets/{waiting['id']}/submit", headers=th.person(member))
    th.week(host, dt.date(2026, 10, 19), {(2, "hub-bidding"): 240})  # a draft, at the raised rate
    first = _check(th)
    assert first[(uuid.UUID(host["organisation_id"]), dt.date(2026, 10, 1))]["approved_minutes"] == 420 + 60 + 2250

    # a correction of an approved entry: its reversal and the right entry
    entry = next(e for e in th.call("GET", f"/timesheets/{split['id']}")["entries"] if e["minutes"] == 420)
    th.call("POST", f"/timesheets/{split['id']}/corrections", {"entry_id": entry["id"], "reason": "Was 6 h",
                                                                 "minutes": 360}, 201)
    _check(th)

    # a draft, thrown away, drafted again, issued, paid; the member's drafted and credited, then drafted again
    draft = th.call("POST", "/invoices", {"organisation_id": host["organisation_id"], "month": october}, 201)
    _check(th)
    th.call("DELETE", f"/invoices/{draft['id']}", status=204)
    _check(th)
    draft = th.call("POST", "/invoices", {"organisation_id": host["organisation_id"], "month": october}, 201)
    th.call("POST", f"/invoices/{draft['id']}/issue")
    _check(th)
    th.call("POST", f"/invoices/{draft['id']}/paid", {"paid_on": "2026-11-20"})
    _check(th)
    theirs = th.call("POST", "/invoices", {"organisation_id": member["organisation_id"], "month": october}, 201)
    th.call("POST", f"/invoices/{theirs['id']}/issue")
    th.call("POST", f"/invoices/{theirs['id']}/credit-note", {"reason": "Wrong rate"}, 201)
    credited = _check(th)
    assert credited[(uuid.UUID(member["organisation_id"]), dt.date(2026, 10, 1))]["reasons"]["not_yet_invoiced"][
        "minutes"] == 5 * 435
    th.call("POST", "/invoices", {"organisation_id": member["organisation_id"], "month": october}, 201)
    _check(th)

    # time approved after the host's invoice, then written off; a rejected week edited and approved
    th.call("POST", f"/timesheets/{waiting['id']}/reject", {"reason": "Wrong code"})
    _check(th)
    th.week(member, dt.date(2026, 10, 19), {(0, "hub-bidding"): 300, (1, "hub-bidding"): 90})
    th.call("POST", f"/timesheets/{waiting['id']}/submit", headers=th.person(member))
    th.call("POST", f"/timesheets/{waiting['id']}/approve")
    week(host, dt.date(2026, 10, 26), {(0, "hub-bidding"): 450, (5, "hub-bidding"): 60})
    _check(th)
    th.call("POST", "/subsidy/write-offs", {"organisation_id": host["organisation_id"], "month": october,
                                            "reason": "Given in kind"}, 201, th.manager)
    last = _check(th)
    host_october = last[(uuid.UUID(host["organisation_id"]), dt.date(2026, 10, 1))]
    assert host_october["reasons"]["written_off"]["minutes"] == 510
    assert host_october["reasons"]["unapproved"]["minutes"] == 240

    # the draft week saved again, then emptied; a rate set afterwards from before its days values it anew
    th.week(host, dt.date(2026, 10, 19), {(2, "hub-bidding"): 120, (3, "hub-bidding"): 60})
    _check(th)
    th.rate(host["id"], effective_from="2026-10-20", salary_pence=6_000_000)
    assert _check(th)[(uuid.UUID(host["organisation_id"]), dt.date(2026, 10, 1))]["reasons"]["unapproved"] == {
        "minutes": 180, "pence": 180 * 6000 // 60}
    th.week(host, dt.date(2026, 10, 19), {})
    _check(th)

    # a month whose only time is approved and then reversed: still a row, of nothing
    november = week(member, dt.date(2026, 11, 16), {(0, "hub-bidding"): 60})
    entry = th.call("GET", f"/timesheets/{november['id']}")["entries"][0]
    th.call("POST", f"/timesheets/{november['id']}/corrections", {"entry_id": entry["id"], "reason": "Not ours"}, 201)
    nothing = _check(th)[(uuid.UUID(member["organisation_id"]), dt.date(2026, 11, 1))]
    assert nothing["logged_minutes"] == nothing["approved_minutes"] == nothing["logged_pence"] == 0
