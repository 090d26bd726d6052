"""The month-end run (H4, issue 16): every employer's draft recharge for a month in one request and one transaction,
each draft exactly the one POST /invoices makes for that employer (lines, amounts, the entries behind each line, the
audit rows naming them), employers the hub model does not let recharge named with the reason, and a failure midway
leaving nothing written. On SQLite and PostgreSQL (`--db`)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from hubkit.db import Tenant

from finance.adapters.time_tables import RechargeInvoice, TimeEntry
from finance.service_layer import invoices

from test_subsidy_tally import _check
from time_fixtures import MONDAY, th  # noqa: F401

OCTOBER = "2026-10"


def _shared_staff(th):
    """Two employers' staff with approved October time, one of them also with November time; the consortium's own."""
    host, member = th.staff("Priya Shah", kind="host"), th.staff("Tom Reed", kind="member")
    other = th.staff("Ann Lee", kind="member")
    core = th.staff("Core Team", kind="consortium")
    for person, salary in ((host, 3_000_000), (member, 4_000_000), (other, 3_300_000), (core, 3_000_000)):
        th.rate(person["id"], salary_pence=salary)
    th.approved_week(host)
    second = th.approved_week(host, MONDAY + dt.timedelta(days=7), {(0, "hub-bidding"): 120, (1, "hub-finance"): 135})
    # an entry reversed in full: its line would be of nothing, so neither it nor its reversal is invoiced
    entry = next(e for e in th.call("GET", f"/timesheets/{second['id']}")["entries"] if e["minutes"] == 135)
    th.call("POST", f"/timesheets/{second['id']}/corrections", {"entry_id": entry["id"], "reason": "Not hub work"}, 201)
    th.approved_week(member, MONDAY, {(d, "hub-finance"): 435 for d in range(5)})
    th.approved_week(other, MONDAY + dt.timedelta(days=14), {(2, "hub-bidding"): 90})
    th.approved_week(core)
    th.approved_week(host, dt.date(2026, 11, 2))
    return host, member


def _lines(th, invoice_id) -> list[tuple]:
    invoice = th.call("GET", f"/invoices/{invoice_id}")
    return [(line["position"], line["description"], line["minutes"], line["rate_pence"], line["net_pence"],
             line["vat_pence"], tuple(line["entry_ids"])) for line in invoice["lines"]]


def _audited_lines(th, invoice_id) -> set[str]:
    db = th.app.extensions["hubkit.db"]
    with db.session(None) as session:
        rows = session.execute(select(db.kit.audit_entry.c.entity_id, db.kit.audit_entry.c.after).where(
            db.kit.audit_entry.c.entity == "InvoiceLine", db.kit.audit_entry.c.action == "create")).all()
    return {entity_id for entity_id, after in rows if after and after.get("invoice_id") == str(invoice_id)}


def test_h4_the_month_end_run_drafts_each_employer_as_one_draft_would(th):
    th.hub_model("virtual_hub")
    host, member = _shared_staff(th)
    run = th.call("POST", "/invoices/month-end", {"month": OCTOBER}, 201)
    assert run["month"] == "2026-10-01" and run["left_out"] == []
    drafts = {d["organisation_id"]: d for d in run["drafts"]}
    assert set(drafts) == {host["organisation_id"], member["organisation_id"]}
    assert all(d["status"] == "draft" and d["month"] == "2026-10-01" for d in drafts.values())
    from_run = {org: (_lines(th, d["id"]), d["net_pence"], d["vat_pence"], len(_audited_lines(th, d["id"])))
                for org, d in drafts.items()}
    _check(th)  # the subsidy's tally moved with the run
    th.call("POST", "/invoices/month-end", {"month": OCTOBER}, 409)  # nothing left to recharge
    for draft in drafts.values():
        th.call("DELETE", f"/invoices/{draft['id']}", status=204)
    for org, (lines, net, vat, audited) in from_run.items():
        one = th.call("POST", "/invoices", {"organisation_id": org, "month": OCTOBER}, 201)
        assert (_lines(th, one["id"]), one["net_pence"], one["vat_pence"]) == (lines, net, vat)
        assert audited == len(lines) == len(_audited_lines(th, one["id"]))  # one audit row per line, as one draft
    assert sum(len(lines) for lines, *_ in from_run.values()) == 3  # host 1 code (the other nets to 0), members 1 each


def test_h4_the_run_names_the_employers_the_hub_model_does_not_let_recharge(th):
    th.hub_model("outsourced_to_member")
    th.organisation(th.member_org, "Leeds Mind")
    host, member = _shared_staff(th)
    run = th.call("POST", "/invoices/month-end", {"month": OCTOBER}, 201)
    assert [d["organisation_id"] for d in run["drafts"]] == [host["organisation_id"]]
    [left_out] = run["left_out"]
    assert left_out["organisation_id"] == member["organisation_id"] and left_out["issuer_name"] == "Leeds Mind"
    assert "the host recharges" in left_out["reason"]


def test_h4_a_run_with_nothing_to_draft_is_refused_and_only_the_finance_officer_runs_it(th):
    th.hub_model("central_staff_team")
    _shared_staff(th)
    problem = th.call("POST", "/invoices/month-end", {"month": OCTOBER}, 409)
    assert "central staff team" in problem["detail"]
    th.call("POST", "/invoices/month-end", {"month": "2026-09"}, 409)
    th.call("POST", "/invoices/month-end", {"month": OCTOBER}, 403, th.manager)
    th.call("POST", "/invoices/month-end", {"month": "October"}, 422)


def test_a_run_failing_midway_leaves_nothing_written(th, monkeypatch):
    th.hub_model("virtual_hub")
    _shared_staff(th)
    real, calls = invoices._draft, []

    def second_fails(uow, organisation_id, month):
        calls.append(organisation_id)
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        return real(uow, organisation_id, month)

    monkeypatch.setattr(invoices, "_draft", second_fails)
    th.call("POST", "/invoices/month-end", {"month": OCTOBER}, 500)
    assert len(calls) == 2
    db = th.app.extensions["hubkit.db"]
    with db.session(Tenant(th.consortium)) as session:
        assert session.execute(select(RechargeInvoice.id)).all() == []
        assert session.execute(select(TimeEntry.id).where(TimeEntry.invoice_line_id.is_not(None))).all() == []
    monkeypatch.setattr(invoices, "_draft", real)
    _check(th)
