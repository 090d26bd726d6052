"""F4: exports of recharge invoices for Xero's sales invoice import, bounded and repeatable: an export takes the
issued invoices and credit notes not exported yet (of a month of issue, of one issuer, if chosen) and marks each,
so the next export leaves them out; its files hold at most 500 lines (Xero refuses more); an earlier export can be
downloaded again on purpose, recorded and audited. The rows are checked against Xero's columns as the gateway
writes them (test_xero_import_columns)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from hubkit import clock

from gateway.pages.time.views import XERO_HEADER, xero_rows
from test_xero_import_columns import check_against_xero
from time_fixtures import MONDAY, th  # noqa: F401

OCTOBER = "2026-10"


def _recharge(th, staff, organisation_id, issue=True) -> dict:
    th.rate(staff["id"])
    th.approved_week(staff, MONDAY)
    draft = th.call("POST", "/invoices", {"organisation_id": str(organisation_id), "month": OCTOBER}, 201)
    return th.call("POST", f"/invoices/{draft['id']}/issue") if issue else draft


def _numbers(export) -> list[list[str]]:
    return [[i["number"] for i in file["invoices"]] for file in export["files"]]


def _rows(export) -> list[list]:
    return [row for file in export["files"] for i in file["invoices"] for row in xero_rows(i, i["bill_to_name"])]


def _audited(th, entity: str) -> list[tuple]:
    db = th.app.extensions["hubkit.db"]
    audit = db.kit.audit_entry.c
    with db.session(None) as session:
        return session.execute(select(audit.action, audit.entity_id, audit.actor, audit.after)
                               .where(audit.entity == entity).order_by(audit.at)).all()


def _two_issuers(th):
    th.hub_model("virtual_hub")
    th.organisation(th.host, "Leeds CVS")
    th.organisation(th.member_org, "Bradford Voice")
    host = _recharge(th, th.staff("Priya Shah"), th.host)
    member = _recharge(th, th.staff("Sam Patel", kind="member"), th.member_org, issue=False)
    return host, member


def test_f4_an_export_takes_what_is_not_exported_yet_and_the_next_leaves_it_out(th):
    host, member_draft = _two_issuers(th)
    first = th.call("POST", "/invoices/xero-exports", {}, 201)
    assert _numbers(first) == [["INV-00001"]]  # a draft has no number: never exported
    assert first["invoice_count"] == 1 and first["line_count"] == len(host["lines"]) and first["issued_in"] is None
    read = check_against_xero(XERO_HEADER, _rows(first))  # Xero's columns, exactly as before
    assert {r["*InvoiceNumber"] for r in read} == {"INV-00001"} and len(read) == len(host["lines"])
    # again straight away: nothing new, refused (not an empty file, not the same numbers again)
    refused = th.call("POST", "/invoices/xero-exports", {}, 409)
    assert refused["type"].endswith(":F4") and "already" in refused["detail"]
    # the member's invoice issued and the host's credited: the next export takes the two new numbers only
    th.call("POST", f"/invoices/{member_draft['id']}/issue")
    note = th.call("POST", f"/invoices/{host['id']}/credit-note", {"reason": "Wrong month"}, 201)
    second = th.call("POST", "/invoices/xero-exports", {}, 201)
    assert sorted(n for file in _numbers(second) for n in file) == ["INV-00001", "INV-00002"]
    assert {i["id"] for file in second["files"] for i in file["invoices"]} == {member_draft["id"], note["id"]}
    check_against_xero(XERO_HEADER, _rows(second))
    listed = th.call("GET", "/invoices/xero-exports")
    assert [e["id"] for e in listed] == [second["id"], first["id"]]  # newest first
    # each invoice's audit row names the export that took it
    marked = {(entity_id, after["xero_export_id"]) for action, entity_id, _, after in _audited(th, "RechargeInvoice")
              if action == "update" and after and after.get("xero_export_id")}
    assert (host["id"], first["id"]) in marked and (note["id"], second["id"]) in marked


def test_f4_an_earlier_export_is_downloaded_again_on_purpose_recorded_and_audited(th):
    _two_issuers(th)
    first = th.call("POST", "/invoices/xero-exports", {}, 201)
    assert th.call("GET", f"/invoices/xero-exports/{first['id']}")["times_exported_again"] == 0  # reading: nothing
    again = th.call("POST", f"/invoices/xero-exports/{first['id']}/again")
    assert _numbers(again) == _numbers(first) and _rows(again) == _rows(first)
    assert again["times_exported_again"] == 1 and again["last_exported_again_by"] == f"user:{th.finance_user}"
    trail = [(action, after["times_exported_again"]) for action, entity_id, _, after in _audited(th, "XeroExport")
             if entity_id == first["id"]]
    assert trail == [("create", 0), ("update", 1)]
    th.call("POST", f"/invoices/xero-exports/{first['id']}/again", headers=th.manager, status=403)
    th.call("POST", "/invoices/xero-exports/not-an-export/again", status=404)


def test_f4_an_export_by_month_of_issue_and_by_issuer(th):
    host, member_draft = _two_issuers(th)
    th.call("POST", f"/invoices/{member_draft['id']}/issue")
    this_month = clock.today().strftime("%Y-%m")
    next_month = (clock.today().replace(day=28) + dt.timedelta(days=7)).strftime("%Y-%m")
    nothing = th.call("POST", "/invoices/xero-exports", {"issued_in": next_month}, 409)
    assert "issued in" in nothing["detail"]
    th.call("POST", "/invoices/xero-exports", {"issued_in": "2026-13"}, 422)
    th.call("POST", "/invoices/xero-exports", {"issued_in": this_month, "unknown": 1}, 422)
    th.call("POST", "/invoices/xero-exports", {"organisation_id": "0" * 32}, 422)  # an issuer finance knows
    only_host = th.call("POST", "/invoices/xero-exports", {"issued_in": this_month,
                                                           "organisation_id": str(th.host)}, 201)
    assert only_host["issued_in"].startswith(this_month) and only_host["issuer_name"] == "Leeds CVS"
    assert [[i["issuer_name"] for i in f["invoices"]] for f in only_host["files"]] == [["Leeds CVS"]]
    rest = th.call("POST", "/invoices/xero-exports", {"issued_in": this_month}, 201)
    assert [[i["id"] for i in f["invoices"]] for f in rest["files"]] == [[member_draft["id"]]]


def test_f4_member_staff_export_their_own_organisations_invoices_only(th):
    host, member_draft = _two_issuers(th)
    th.call("POST", f"/invoices/{member_draft['id']}/issue")
    member = th.as_(("member_user",), organisation_id=th.member_org)
    theirs = th.call("POST", "/invoices/xero-exports", {"organisation_id": str(th.host)}, 201, member)
    assert theirs["organisation_id"] == str(th.member_org)  # always their own, whatever they ask
    assert [[i["id"] for i in f["invoices"]] for f in theirs["files"]] == [[member_draft["id"]]]
    everyone = th.call("POST", "/invoices/xero-exports", {}, 201)  # the finance officer's: the host's is left
    assert [[i["id"] for i in f["invoices"]] for f in everyone["files"]] == [[host["id"]]]
    assert [e["id"] for e in th.call("GET", "/invoices/xero-exports", headers=member)] == [theirs["id"]]
    th.call("GET", f"/invoices/xero-exports/{everyone['id']}", headers=member, status=404)
