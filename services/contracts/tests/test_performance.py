"""Performance (P1) over HTTP: returns by the subcontractor (one per period, never for another organisation's
subcontract, no negative actuals), evidence, the hub's review, RAG and its changes, roll-up, dashboard,
improvement plans, the commissioner's report and the OCDS export."""
from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import time_machine

from delivery_fixtures import PDF, Delivery, delivery  # noqa: F401


def _setup(delivery):
    northfield, wharfedale = delivery.member("Northfield Advice Centre"), delivery.member("Wharfedale Carers")
    contract = delivery.contract()
    north = delivery.subcontract(contract, northfield, value_pence=20_000_000, o1=50, w1=10)
    wharf = delivery.subcontract(contract, wharfedale, value_pence=20_000_000, o1=50, w1=10)
    return contract, north, wharf, northfield, wharfedale


def test_p1_a_subcontractor_submits_a_return_and_the_hub_accepts_it(delivery):
    contract, north, _, northfield, _ = _setup(delivery)
    submitted = delivery.submit(north, 1, o1=48, w1=9, narrative="Two new outreach sessions.")
    ret = submitted["performance_return"]
    assert ret["status"] == "submitted" and ret["late"] is True  # the 2025 period's return was due long ago
    assert [line["rag"] for line in submitted["lines"]] == ["green", "green"] and submitted["overall"] == "green"
    event = delivery.outbox("contracts.return.submitted")[0]["data"]
    assert event["late"] is True and event["organisation_id"] == northfield and event["period_label"].startswith("Q1")
    to_review = delivery.call("GET", "/returns?status=submitted")
    assert [r["performance_return"]["id"] for r in to_review] == [ret["id"]]
    accepted = delivery.call("POST", f"/returns/{ret['id']}/review", {"decision": "accept", "comment": "Thanks"})
    assert accepted["performance_return"]["status"] == "accepted"
    assert [h["action"] for h in accepted["history"]] == ["submitted", "accepted"]
    assert delivery.outbox("contracts.return.accepted")[0]["data"]["return_id"] == ret["id"]
    rag = delivery.outbox("contracts.rag.changed")
    assert len(rag) == 1 and rag[0]["data"]["rag"] == "green" and rag[0]["data"]["previous_rag"] is None
    delivery.call("POST", f"/returns/{ret['id']}/review", {"decision": "accept"}, 409)


def test_p1_a_return_for_a_period_that_has_not_ended_is_warned_and_needs_confirming(delivery):
    _, north, _, _, _ = _setup(delivery)
    sub, q1 = north["subcontract"], north["periods"][0]  # April to June 2025
    headers = lambda: delivery.member_headers(sub["organisation_id"])  # noqa: E731 - signed on the moved clock
    body = {"period_id": q1["id"], "actuals": {"O1": 20, "W1": 9}, "narrative": "Half way through."}
    with time_machine.travel(dt.datetime(2025, 5, 15, 10, tzinfo=dt.timezone.utc), tick=True):  # mid-period
        warned = delivery.call("POST", f"/subcontracts/{sub['id']}/returns", body, 409, headers=headers())
        assert warned["type"] == "urn:consortium-hub:rule:P1" and "has not ended" in warned["detail"]
        assert "confirm_early" in warned["detail"] and delivery.outbox("contracts.return.submitted") == []
        confirmed = delivery.call("POST", f"/subcontracts/{sub['id']}/returns", body | {"confirm_early": True}, 201,
                                  headers=headers())
    assert confirmed["performance_return"]["status"] == "submitted"
    assert "figures so far" in confirmed["history"][0]["comment"]
    assert len(delivery.outbox("contracts.return.submitted")) == 1


def test_p1_a_second_return_for_the_same_period_is_refused(delivery):
    _, north, _, _, _ = _setup(delivery)
    delivery.submit(north, 1, o1=48, w1=9)
    refused = delivery.submit(north, 1, o1=50, w1=9, status=409)
    assert refused["type"] == "urn:consortium-hub:rule:P1"
    assert len(delivery.outbox("contracts.return.submitted")) == 1


def test_p1_a_return_with_a_negative_or_missing_actual_is_refused(delivery):
    _, north, _, _, _ = _setup(delivery)
    bad = delivery.submit(north, 1, o1=-1, w1=9, status=422)
    assert "actuals" in bad["errors"] and "negative" in str(bad["errors"])
    sub = north["subcontract"]
    period = north["periods"][0]["id"]
    bad = delivery.call("POST", f"/subcontracts/{sub['id']}/returns", {"period_id": period, "actuals": {"O1": 3}},
                        422, headers=delivery.member_headers(sub["organisation_id"]))
    assert "every indicator" in str(bad["errors"])
    delivery.call("POST", f"/subcontracts/{sub['id']}/returns", {"period_id": period, "actuals": {"O1": "many"}},
                  422, headers=delivery.member_headers(sub["organisation_id"]))
    delivery.call("POST", f"/subcontracts/{sub['id']}/returns", {"period_id": str(uuid.uuid4()),
                                                                "actuals": {"O1": 1, "W1": 1}},
                  422, headers=delivery.member_headers(sub["organisation_id"]))
    assert delivery.outbox("contracts.return.submitted") == []


def test_p1_a_return_for_someone_elses_subcontract_is_not_found(delivery):
    _, north, wharf, northfield, wharfedale = _setup(delivery)
    # Wharfedale's staff cannot see or submit for Northfield's subcontract
    delivery.submit(north, 1, o1=48, w1=9, status=404, org=wharfedale)
    delivery.call("GET", f"/subcontracts/{north['subcontract']['id']}", None, 404,
                  headers=delivery.member_headers(wharfedale))
    mine = delivery.call("GET", "/subcontracts", headers=delivery.member_headers(wharfedale))
    assert [s["id"] for s in mine] == [wharf["subcontract"]["id"]]
    ret = delivery.submit(north, 1, o1=48, w1=9)["performance_return"]
    delivery.call("GET", f"/returns/{ret['id']}", None, 404, headers=delivery.member_headers(wharfedale))
    assert delivery.call("GET", "/returns", headers=delivery.member_headers(wharfedale)) == []
    assert delivery.upload(ret["id"], wharfedale).status_code == 404
    # staff may not submit returns; member staff may not review them
    delivery.call("POST", f"/subcontracts/{north['subcontract']['id']}/returns", {}, 403)
    delivery.call("POST", f"/returns/{ret['id']}/review", {"decision": "accept"}, 403,
                  headers=delivery.member_headers(northfield))
    # another consortium sees nothing
    other = Delivery(delivery.app, delivery.client, delivery.sign)
    other.call("GET", f"/returns/{ret['id']}", None, 404)


def test_p1_evidence_is_uploaded_checked_and_downloaded(delivery):
    _, north, _, northfield, _ = _setup(delivery)
    ret = delivery.submit(north, 1, o1=48, w1=9)["performance_return"]
    uploaded = delivery.upload(ret["id"], northfield)
    assert uploaded.status_code == 201, uploaded.get_data(as_text=True)
    evidence = uploaded.get_json()
    assert evidence["content_type"] == "application/pdf" and evidence["size_bytes"] == len(PDF)
    assert delivery.upload(ret["id"], northfield, content=b"MZ\x90\x00 not a pdf", filename="x.pdf"
                           ).status_code == 415
    wrong_type = delivery.raw("POST", f"/returns/{ret['id']}/evidence", json={"file": "x"},
                              headers=delivery.member_headers(northfield))
    assert wrong_type.status_code == 415
    content = delivery.raw("GET", f"/returns/{ret['id']}/evidence/{evidence['id']}/content")
    assert content.status_code == 200 and content.data == PDF
    assert len(delivery.call("GET", f"/returns/{ret['id']}")["evidence"]) == 1


def test_p1_a_queried_return_is_answered_and_resubmitted(delivery):
    _, north, _, northfield, _ = _setup(delivery)
    ret = delivery.submit(north, 1, o1=20, w1=9)["performance_return"]
    delivery.call("POST", f"/returns/{ret['id']}/review", {"decision": "query"}, 422)  # a query says what to answer
    queried = delivery.call("POST", f"/returns/{ret['id']}/review",
                            {"decision": "query", "comment": "20 looks low: is the register complete?"})
    assert queried["performance_return"]["status"] == "queried"
    assert delivery.outbox("contracts.return.queried")[0]["data"]["comment"].startswith("20 looks low")
    delivery.call("POST", f"/returns/{ret['id']}/review", {"decision": "accept"}, 409)
    member = delivery.member_headers(northfield)
    again = delivery.call("POST", f"/returns/{ret['id']}/resubmission",
                          {"actuals": {"O1": 45, "W1": 9}, "narrative": "Register corrected."}, headers=member)
    assert again["performance_return"]["status"] == "submitted"
    assert [h["action"] for h in again["history"]] == ["submitted", "queried", "resubmitted"]
    assert len(delivery.outbox("contracts.return.submitted")) == 2
    delivery.call("POST", f"/returns/{ret['id']}/resubmission", {"actuals": {"O1": 45, "W1": 9}}, 409,
                  headers=member)


def test_p1_rag_changes_roll_up_dashboard_trend_and_an_improvement_plan_for_red(delivery):
    contract, north, wharf, northfield, _ = _setup(delivery)
    cid = contract["contract"]["id"]
    for number, (o1, w1) in enumerate([(50, 10), (30, 10)], start=1):  # Q1 green, Q2 red (60% of profile)
        ret = delivery.submit(north, number, o1=o1, w1=w1)["performance_return"]
        delivery.call("POST", f"/returns/{ret['id']}/review", {"decision": "accept"})
    wharf_ret = delivery.submit(wharf, 1, o1=42, w1=11)["performance_return"]  # amber on both
    delivery.call("POST", f"/returns/{wharf_ret['id']}/review", {"decision": "accept"})
    changes = [e["data"] for e in delivery.outbox("contracts.rag.changed")]
    assert [(c["subcontract_id"] == north["subcontract"]["id"], c["previous_rag"], c["rag"]) for c in changes] == [
        (True, None, "green"), (True, "green", "red"), (False, None, "amber")]

    rows = delivery.call("GET", f"/contracts/{cid}/rollup")
    q1_o1 = next(r for r in rows if r["indicator"]["code"] == "O1" and r["period"]["number"] == 1)
    assert q1_o1["actual"] == 92 and q1_o1["target"] == 100 and q1_o1["subcontracted"] == 100
    assert q1_o1["returns_accepted"] == 2 and q1_o1["rag"] == "amber"
    q3 = next(r for r in rows if r["indicator"]["code"] == "O1" and r["period"]["number"] == 3)
    assert q3["actual"] is None and q3["rag"] is None

    board = delivery.call("GET", f"/contracts/{cid}/dashboard", headers=delivery.as_(("board_member",)))
    north_row = next(r for r in board["subcontracts"] if r["subcontract"]["id"] == north["subcontract"]["id"])
    assert north_row["overall"] == "red"
    assert [p["overall"] for p in north_row["periods"]][:3] == ["green", "red", None]
    assert north_row["periods"][2]["status"] == "overdue"
    assert {t["indicator_code"]: t["trend"] for t in north_row["trends"]} == {"O1": "worsening", "W1": "steady"}

    sid = north["subcontract"]["id"]
    delivery.call("POST", f"/subcontracts/{wharf['subcontract']['id']}/improvement-plans", {
        "reason": "Amber", "review_on": "2025-12-01",
        "actions": [{"action": "x", "owner": "y", "due_on": "2025-11-01"}]}, 409)  # plans are for red
    plan = delivery.call("POST", f"/subcontracts/{sid}/improvement-plans", {
        "reason": "Red in Q2: 30 of 50 people helped", "review_on": "2025-12-01",
        "actions": [{"action": "Weekly outreach at the library", "owner": "Sam Patel", "due_on": "2025-11-15"}]}, 201)
    assert plan["status"] == "open" and plan["actions"][0]["owner"] == "Sam Patel"
    delivery.call("POST", f"/subcontracts/{sid}/improvement-plans", {
        "reason": "Again", "review_on": "2025-12-01",
        "actions": [{"action": "x", "owner": "y", "due_on": "2025-11-01"}]}, 409)
    reviewed = delivery.call("POST", f"/improvement-plans/{plan['id']}/reviews",
                             {"note": "Outreach started", "next_review_on": "2026-01-15"})
    assert reviewed["review_on"] == "2026-01-15" and reviewed["reviews"][0]["note"] == "Outreach started"
    closed = delivery.call("POST", f"/improvement-plans/{plan['id']}/close", {"note": "Back on profile"})
    assert closed["status"] == "closed"
    assert delivery.outbox("contracts.improvement_plan.opened")[0]["data"]["review_on"] == "2025-12-01"
    assert delivery.outbox("contracts.improvement_plan.closed")[0]["data"]["note"] == "Back on profile"
    delivery.call("POST", f"/improvement-plans/{plan['id']}/close", {}, 409)
    seen = delivery.call("GET", f"/improvement-plans/{plan['id']}", headers=delivery.member_headers(northfield))
    assert seen["status"] == "closed"


def test_p1_the_roll_up_does_not_hide_a_red_subcontractor_behind_an_amber_total(delivery):
    contract, north, wharf, _, _ = _setup(delivery)
    cid = contract["contract"]["id"]
    for sub, o1 in ((north, 52), (wharf, 38)):  # 104% and 76% of their shares of 50: 90 of 100 is amber
        ret = delivery.submit(sub, 1, o1=o1, w1=10)["performance_return"]
        delivery.call("POST", f"/returns/{ret['id']}/review", {"decision": "accept"})
    rows = delivery.call("GET", f"/contracts/{cid}/rollup")
    q1_o1 = next(r for r in rows if r["indicator"]["code"] == "O1" and r["period"]["number"] == 1)
    assert (q1_o1["actual"], q1_o1["rag"], q1_o1["worst_rag"]) == (90, "amber", "red")
    assert [(w["organisation_name"], w["target"], w["actual"], w["percent"], w["rag"]) for w in q1_o1["worst"]] == [
        ("Wharfedale Carers", 50, 38, 76, "red")]
    q1_w1 = next(r for r in rows if r["indicator"]["code"] == "W1" and r["period"]["number"] == 1)
    assert q1_w1["worst_rag"] == "green"  # both on their shares: the worst is green, both named
    assert {w["organisation_name"] for w in q1_w1["worst"]} == {"Northfield Advice Centre", "Wharfedale Carers"}
    q2_o1 = next(r for r in rows if r["indicator"]["code"] == "O1" and r["period"]["number"] == 2)
    assert (q2_o1["rag"], q2_o1["worst_rag"], q2_o1["worst"]) == (None, None, [])

    report = delivery.call("GET", f"/contracts/{cid}/report?from_period=1&to_period=2")
    assert [line for line in report["lines"] if line["period"]["number"] == 1
            and line["indicator"]["code"] == "O1"] == [q1_o1]
    assert [o["worst_rag"] for o in report["overall"]] == ["red", None]


def test_p1_a_lower_is_better_total_is_rated_against_the_reporting_subcontractors_shares(delivery):
    """W1, days waited (lower is better): both on their shares of 10 days is a green total of 20 against 20, not
    red against the commissioner's 10; and the report says the same."""
    contract, north, wharf, _, _ = _setup(delivery)
    cid = contract["contract"]["id"]
    for sub, w1 in ((north, 10), (wharf, 9)):
        ret = delivery.submit(sub, 1, o1=50, w1=w1)["performance_return"]
        delivery.call("POST", f"/returns/{ret['id']}/review", {"decision": "accept"})
    rows = delivery.call("GET", f"/contracts/{cid}/rollup")
    q1_w1 = next(r for r in rows if r["indicator"]["code"] == "W1" and r["period"]["number"] == 1)
    assert (q1_w1["target"], q1_w1["actual"], q1_w1["rated_against"]) == (10, 19, 20)
    assert (q1_w1["percent"], q1_w1["rag"], q1_w1["worst_rag"]) == (105.3, "green", "green")
    q1_o1 = next(r for r in rows if r["indicator"]["code"] == "O1" and r["period"]["number"] == 1)
    assert q1_o1["rated_against"] == q1_o1["target"] == 100  # higher is better: the commissioner's target
    report = delivery.call("GET", f"/contracts/{cid}/report?from_period=1&to_period=1")
    assert [line for line in report["lines"] if line["indicator"]["code"] == "W1"] == [q1_w1]


def test_p1_commissioner_report_and_ocds_release_package(delivery):
    contract, north, wharf, _, _ = _setup(delivery)
    cid = contract["contract"]["id"]
    ret = delivery.submit(north, 1, o1=50, w1=8, narrative="Opened the Harehills hub.")["performance_return"]
    delivery.call("POST", f"/returns/{ret['id']}/review", {"decision": "accept"})
    delivery.submit(wharf, 1, o1=10, w1=30, narrative="Not yet accepted.")
    report = delivery.call("GET", f"/contracts/{cid}/report?from_period=1&to_period=2",
                           headers=delivery.as_(("finance_officer",)))
    assert [p["number"] for p in report["periods"]] == [1, 2]
    o1 = [line for line in report["lines"] if line["indicator"]["code"] == "O1"]
    assert [(line["target"], line["actual"], line["rag"]) for line in o1] == [(100, 50, "red"), (100, None, None)]
    assert [h["narrative"] for h in report["highlights"]] == ["Opened the Harehills hub."]
    assert report["overall"][0]["rag"] == "red"
    delivery.call("GET", f"/contracts/{cid}/report?from_period=3&to_period=1", None, 422)

    package = delivery.call("GET", f"/contracts/{cid}/ocds")
    for field in ("uri", "publishedDate", "publisher", "version", "releases"):
        assert field in package
    assert package["version"] == "1.1" and package["publisher"]["name"]
    release = package["releases"][0]
    for field in ("ocid", "id", "date", "tag", "initiationType"):
        assert field in release
    assert release["ocid"].endswith(cid) and release["tag"] == ["tender", "award", "contract", "implementation"]
    assert release["awards"][0]["value"] == {"amount": 450000, "currency": "GBP"}
    transactions = release["contracts"][0]["implementation"]["transactions"]
    assert [t["value"]["amount"] for t in transactions] == [112500, 112500]
    milestones = release["contracts"][0]["implementation"]["milestones"]
    assert [m["status"] for m in milestones] == ["met", "scheduled", "scheduled", "scheduled"]
    delivery.call("GET", f"/contracts/{cid}/ocds", None, 403, headers=delivery.member_headers(uuid.uuid4()))


def test_p1_ocds_tender_comes_from_the_opportunity_the_contract_was_won_from(delivery):
    opportunity = delivery.call("POST", "/opportunities", {
        "title": "Community wellbeing hubs", "commissioner_name": "Leeds City Council",
        "commissioner_type": "local_authority", "estimated_value_pence": 46_000_000,
        "submission_deadline": "2025-02-01", "notice_reference": "FTS-2025-000123"}, 201)["opportunity"]
    detail = delivery.call("POST", "/contracts", {
        "title": "Community wellbeing hubs", "commissioner_name": "Leeds City Council", "value_pence": 45_000_000,
        "management_fee_basis_points": 800, "starts_on": "2025-04-01", "ends_on": "2026-03-31",
        "opportunity_id": opportunity["id"]}, 201)
    assert delivery.outbox("contracts.contract.awarded")[0]["data"]["opportunity_id"] == opportunity["id"]
    tender = delivery.call("GET", f"/contracts/{detail['contract']['id']}/ocds")["releases"][0]["tender"]
    assert tender["id"] == opportunity["id"] and tender["value"] == {"amount": 460000, "currency": "GBP"}
    assert tender["tenderPeriod"]["endDate"] == "2025-02-01T00:00:00Z"
    assert tender["documents"][0]["title"] == "FTS-2025-000123"
    bad = delivery.call("POST", "/contracts", {
        "title": "X", "commissioner_name": "Y", "value_pence": 1, "management_fee_basis_points": 0,
        "starts_on": "2025-04-01", "ends_on": "2026-03-31", "opportunity_id": str(uuid.uuid4())}, 422)
    assert "opportunity_id" in bad["errors"]
