"""A contract's history brought in from a file (issue 12, item 6; P1): its subcontracts' targets and past returns.
A dry run lists every row's problems and writes nothing; the import writes every row in one transaction or none,
with an audit row naming the file. Imported past returns keep their real days, are marked as imported, count in
the dashboard and the commissioner's report, and publish no event (no payment by results, nobody notified)."""
from __future__ import annotations

import csv
import datetime as dt
import io
import uuid

import time_machine
from openpyxl import Workbook
from sqlalchemy import select

from hubkit import clock

from delivery_fixtures import Delivery, delivery  # noqa: F401

TARGETS = ["subcontract", "indicator", "period", "target"]
RETURNS = ["subcontract", "period", "indicator", "actual", "submitted_on", "accepted_on", "narrative",
           "review_comment"]


def as_csv(rows, columns):
    out = io.StringIO()
    writer = csv.DictWriter(out, columns)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def as_xlsx(rows, columns):
    book = Workbook()
    sheet = book.active
    sheet.append(columns)
    for row in rows:
        sheet.append([row.get(c) for c in columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def send(delivery, contract_id, kind, content, filename=None, dry_run=True, headers=None):
    return delivery.raw("POST", f"/contracts/{contract_id}/imports/{kind}", headers=headers,
                        data={"dry_run": "true" if dry_run else "false",
                              "file": (io.BytesIO(content), filename or f"{kind}.csv")},
                        content_type="multipart/form-data")


def _setup(delivery):
    northfield, wharfedale = delivery.member("Northfield Advice Centre"), delivery.member("Wharfedale Carers")
    contract = delivery.contract()  # four quarters of 2025-26
    north = delivery.subcontract(contract, northfield, o1=50, w1=10)
    wharf = delivery.subcontract(contract, wharfedale, o1=50, w1=10, starts_on="2025-07-01")  # from Q2
    return contract["contract"]["id"], north, wharf


def _shares(delivery, subcontract):
    detail = delivery.call("GET", f"/subcontracts/{subcontract['subcontract']['id']}")
    codes = {i["id"]: i["code"] for i in detail["indicators"]}
    numbers = {p["id"]: p["number"] for p in detail["periods"]}
    return {(codes[t["indicator_id"]], numbers[t["period_id"]]): t["target"] for t in detail["targets"]}, detail


def _audit_rows(delivery, entity):
    db = delivery.app.extensions["hubkit.db"]
    with db.session(None) as session:
        audit = db.kit.audit_entry
        return session.execute(select(audit).where(audit.c.consortium_id == delivery.consortium,
                                                   audit.c.entity == entity)).all()


def test_p1_a_targets_file_is_checked_row_by_row_and_nothing_is_written_while_any_row_has_a_problem(delivery):
    cid, north, wharf = _setup(delivery)
    rows = [{"subcontract": "Northfield Advice Centre", "indicator": "O1", "period": "1", "target": "60"},
            {"subcontract": "northfield advice centre", "indicator": "O1", "period": "1", "target": "61"},  # twice
            {"subcontract": "Nowhere Trust", "indicator": "O1", "period": "2", "target": "5"},
            {"subcontract": "Northfield Advice Centre", "indicator": "X9", "period": "2", "target": "5"},
            {"subcontract": "Northfield Advice Centre", "indicator": "W1", "period": "9", "target": "5"},
            {"subcontract": "Northfield Advice Centre", "indicator": "W1", "period": "2", "target": "ten"},
            {"subcontract": "Northfield Advice Centre", "indicator": "W1", "period": "3", "target": "-4"},
            {"subcontract": "Wharfedale Carers", "indicator": "O1", "period": "1", "target": "5"},  # before it starts
            {"subcontract": "Wharfedale Carers", "indicator": "O1", "period": "2", "target": ""}]
    report = send(delivery, cid, "targets", as_csv(rows, TARGETS)).get_json()
    assert report["dry_run"] is True and report["rows"] == 9
    assert {(p["row"], p["column"]) for p in report["problems"]} == {
        (3, "indicator"), (4, "subcontract"), (5, "indicator"), (6, "period"), (7, "target"), (8, "target"),
        (9, "period"), (10, "target")}, report["problems"]
    before, _ = _shares(delivery, north)
    refused = send(delivery, cid, "targets", as_csv(rows, TARGETS), dry_run=False)
    assert refused.status_code == 422 and refused.mimetype == "application/problem+json"
    assert "Row 3, indicator" in refused.get_json()["errors"]["file"][0]
    assert _shares(delivery, north)[0] == before and _audit_rows(delivery, "ContractTargetsFile") == []


def test_p1_a_clean_targets_file_sets_the_shares_with_a_variation_naming_the_file_and_an_audit_row(delivery):
    cid, north, wharf = _setup(delivery)
    rows = [{"subcontract": "Northfield Advice Centre", "indicator": "O1", "period": str(n), "target": str(40 + n)}
            for n in range(1, 5)] + [{"subcontract": "Wharfedale Carers", "indicator": "W1", "period": "2",
                                      "target": "8.5"}]
    content = as_xlsx(rows, TARGETS)
    keyed = delivery.headers | {"Idempotency-Key": uuid.uuid4().hex}
    imported = send(delivery, cid, "targets", content, filename="Targets 2025.xlsx", dry_run=False, headers=keyed)
    assert imported.status_code == 201, imported.get_json()
    assert set(imported.get_json()["made"]) == {north["subcontract"]["id"], wharf["subcontract"]["id"]}
    shares, detail = _shares(delivery, north)
    assert [shares[("O1", n)] for n in range(1, 5)] == [41, 42, 43, 44] and shares[("W1", 1)] == 10  # others kept
    assert _shares(delivery, wharf)[0][("W1", 2)] == 8.5
    [variation] = detail["variations"]
    assert variation["reason"] == "Targets imported from Targets 2025.xlsx."
    assert delivery.outbox("contracts.subcontract.varied") == []
    [row] = _audit_rows(delivery, "ContractTargetsFile")
    assert row.action == "import" and row.after["filename"] == "Targets 2025.xlsx" and row.after["rows"] == 5
    # the same file sent again with the same key: the first answer, nothing done twice
    again = send(delivery, cid, "targets", content, filename="Targets 2025.xlsx", dry_run=False, headers=keyed)
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert len(_shares(delivery, north)[1]["variations"]) == 1
    assert len(_audit_rows(delivery, "ContractTargetsFile")) == 1


def _return_rows(subcontract, period, o1, w1, submitted_on, accepted_on="", narrative="", comment=""):
    common = {"subcontract": subcontract, "period": str(period), "submitted_on": submitted_on,
              "accepted_on": accepted_on, "narrative": narrative, "review_comment": comment}
    return [common | {"indicator": "O1", "actual": str(o1)}, common | {"indicator": "W1", "actual": str(w1)}]


def test_p1_past_returns_are_imported_with_their_real_dates_as_history_publishing_nothing(delivery):
    cid, north, wharf = _setup(delivery)
    rows = (_return_rows("Northfield Advice Centre", 1, 50, 10, "10/07/2025", "25/07/2025", "Outreach began.",
                         "Thanks")
            + _return_rows("Northfield Advice Centre", 2, 30, 10, "2025-11-02", "2025-11-20")  # red, and late
            + _return_rows("Wharfedale Carers", 2, 42, 11, "2025-10-15"))  # waiting for review
    keyed = delivery.headers | {"Idempotency-Key": uuid.uuid4().hex}
    checked = send(delivery, cid, "returns", as_csv(rows, RETURNS), filename="returns-2025.csv").get_json()
    assert checked["problems"] == [] and checked["rows"] == 6
    imported = send(delivery, cid, "returns", as_csv(rows, RETURNS), filename="returns-2025.csv", dry_run=False,
                    headers=keyed)
    assert imported.status_code == 201, imported.get_json()
    assert len(imported.get_json()["made"]) == 3
    again = send(delivery, cid, "returns", as_csv(rows, RETURNS), filename="returns-2025.csv", dry_run=False,
                 headers=keyed)
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"

    returns = {(r["organisation_name"], r["period"]["number"]): r for r in delivery.call("GET", "/returns?limit=50")}
    assert len(returns) == 3
    q1 = returns[("Northfield Advice Centre", 1)]
    assert q1["performance_return"]["status"] == "accepted" and q1["performance_return"]["late"] is False
    assert q1["performance_return"]["submitted_at"].startswith("2025-07-10")
    assert [h["action"] for h in q1["history"]] == ["submitted", "accepted", "imported"]
    assert q1["imported"] is True
    assert "returns-2025.csv" in q1["history"][-1]["comment"] and q1["history"][1]["at"].startswith("2025-07-25")
    assert returns[("Northfield Advice Centre", 2)]["performance_return"]["late"] is True  # due 20 October
    assert returns[("Wharfedale Carers", 2)]["performance_return"]["status"] == "submitted"
    for event in ("contracts.return.submitted", "contracts.return.accepted", "contracts.rag.changed"):
        assert delivery.outbox(event) == [], event  # history: no payment by results released, nobody notified

    board = delivery.call("GET", f"/contracts/{cid}/dashboard", headers=delivery.as_(("board_member",)))
    north_row = next(r for r in board["subcontracts"] if r["subcontract"]["id"] == north["subcontract"]["id"])
    assert north_row["overall"] == "red" and [p["overall"] for p in north_row["periods"]][:2] == ["green", "red"]
    assert {t["indicator_code"]: t["trend"] for t in north_row["trends"]}["O1"] == "worsening"
    report = delivery.call("GET", f"/contracts/{cid}/report")
    q1_o1 = next(line for line in report["lines"] if line["indicator"]["code"] == "O1"
                 and line["period"]["number"] == 1)
    assert q1_o1["actual"] == 50
    assert [h["narrative"] for h in report["highlights"]] == ["Outreach began."]
    [audit] = _audit_rows(delivery, "ContractReturnsFile")
    assert audit.after["filename"] == "returns-2025.csv" and len(audit.after["returns"]) == 3


def test_p1_a_past_return_for_a_period_that_has_not_ended_cannot_be_imported(delivery):
    cid, north, _ = _setup(delivery)
    rows = (_return_rows("Northfield Advice Centre", 1, 50, 10, "2025-07-10")
            + _return_rows("Northfield Advice Centre", 2, 20, 10, "2025-08-10"))  # Q2 runs to 30 September
    with time_machine.travel(dt.datetime(2025, 8, 15, 10, tzinfo=dt.timezone.utc), tick=True):
        headers = delivery.as_(("consortium_manager",))  # signed on the moved clock
        report = send(delivery, cid, "returns", as_csv(rows, RETURNS), headers=headers).get_json()
        assert {(p["row"], p["column"]) for p in report["problems"]} == {(4, "period"), (5, "period")}
        assert "has not ended" in report["problems"][0]["message"]
        refused = send(delivery, cid, "returns", as_csv(rows, RETURNS), dry_run=False, headers=headers)
        assert refused.status_code == 422
    assert delivery.call("GET", "/returns?limit=50") == []


def test_p1_a_returns_file_is_checked_row_by_row_and_nothing_is_written_while_any_row_has_a_problem(delivery):
    cid, north, _ = _setup(delivery)
    in_hub = delivery.submit(north, 3, o1=50, w1=10)  # already in the hub
    assert in_hub["imported"] is False
    soon = (clock.today() + dt.timedelta(days=30)).isoformat()
    rows = (_return_rows("Northfield Advice Centre", 1, 50, 10, "2025-07-10", "2025-07-01")  # accepted before
            + [_return_rows("Northfield Advice Centre", 2, 30, 10, "2025-10-10")[0],
               _return_rows("Northfield Advice Centre", 2, 30, 10, "2025-10-11")[1]]  # rows disagree
            + _return_rows("Northfield Advice Centre", 3, 50, 10, "2026-01-10")  # already has one
            + _return_rows("Northfield Advice Centre", 4, 50, 10, soon)[:1]  # W1 missing; a day to come
            + _return_rows("Northfield Advice Centre", 4, 50, 10, soon)[:1])  # O1 twice
    report = send(delivery, cid, "returns", as_csv(rows, RETURNS)).get_json()
    assert {(p["row"], p["column"]) for p in report["problems"]} == {
        (2, "accepted_on"), (3, "accepted_on"), (5, "submitted_on"), (6, "period"), (8, "indicator"),
        (8, "submitted_on"), (9, "submitted_on"), (9, "indicator")}, report["problems"]
    refused = send(delivery, cid, "returns", as_csv(rows, RETURNS), dry_run=False)
    assert refused.status_code == 422 and refused.mimetype == "application/problem+json"
    assert len(delivery.call("GET", "/returns?limit=50")) == 1 and _audit_rows(delivery, "ContractReturnsFile") == []


def test_contract_imports_are_the_consortium_managers_and_refuse_what_cannot_be_read(delivery):
    cid, north, _ = _setup(delivery)
    content = as_csv(_return_rows("Northfield Advice Centre", 1, 50, 10, "2025-07-10"), RETURNS)
    for kind in ("targets", "returns"):
        for headers in (delivery.as_(("board_member",)), delivery.as_(("finance_officer",)),
                        delivery.member_headers(north["subcontract"]["organisation_id"])):
            assert send(delivery, cid, kind, content, headers=headers).status_code == 403
        elsewhere = Delivery(delivery.app, delivery.client, delivery.sign)  # another consortium's manager
        assert send(delivery, cid, kind, content, headers=elsewhere.headers).status_code == 404
        unreadable = send(delivery, cid, kind, b"PK\x03\x04 no workbook", filename=f"{kind}.xlsx")
        assert unreadable.status_code == 422 and "file" in unreadable.get_json()["errors"]
        too_long = as_csv([{"subcontract": "x", "indicator": "O1", "period": "1", "target": "1"}] * 5001, TARGETS)
        refused = send(delivery, cid, kind, too_long)
        assert refused.status_code == 422 and "more than 5000 rows" in refused.get_json()["errors"]["file"][0]
        columns = delivery.client.get(f"/imports/{kind}/columns", headers=delivery.headers).get_json()
        assert columns["columns"][0] == "subcontract"
    wrong = send(delivery, cid, "targets", content).get_json()  # a returns file sent as targets
    assert {p["column"] for p in wrong["problems"] if p["row"] == 1} == {"actual", "submitted_on", "accepted_on",
                                                                          "narrative", "review_comment", "target"}
