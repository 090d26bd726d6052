"""Head contracts and subcontracts over HTTP: award, periods, targets, subcontracts with shares and schedules,
the F2 value check, variations with history, and H5 (a virtual hub's contract management)."""
from __future__ import annotations

import uuid
from pathlib import Path

from delivery_fixtures import Delivery, contract_details, delivery  # noqa: F401


def test_p1_a_contract_is_awarded_with_quarterly_periods_indicators_and_targets(delivery):
    detail = delivery.contract()
    contract = detail["contract"]
    assert contract["status"] == "awarded" and contract["rag_green_percent"] == 95
    assert [p["period"]["number"] for p in detail["periods"]] == [1, 2, 3, 4]
    assert detail["periods"][0]["period"]["return_due_on"] == "2025-07-20"
    assert [i["code"] for i in detail["indicators"]] == ["O1", "W1"]
    assert all(t["target"] in (100, 10) for t in detail["targets"]) and len(detail["targets"]) == 8
    assert detail["management_fee_pence"] == 3_600_000 and detail["available_for_subcontracts_pence"] == 41_400_000
    awarded = delivery.outbox("contracts.contract.awarded")
    assert len(awarded) == 1 and awarded[0]["data"]["value_pence"] == 45_000_000
    assert awarded[0]["data"]["income_schedule"][0] == {"due_on": "2025-07-30", "amount_pence": 11_250_000}
    assert delivery.call("GET", "/contracts")[0]["id"] == contract["id"]


def test_contract_input_is_checked_and_roles_are_enforced(delivery):
    bad = delivery.call("POST", "/contracts", contract_details(ends_on="2025-01-01"), 422)
    assert "ends_on" in bad["errors"]
    bad = delivery.call("POST", "/contracts", contract_details(value_pence=12.5), 422)
    assert "value_pence" in bad["errors"]
    bad = delivery.call("POST", "/contracts", contract_details(reporting_frequency="fortnightly"), 422)
    assert "reporting_frequency" in bad["errors"]
    delivery.call("POST", "/contracts", contract_details(), 403, headers=delivery.as_(("board_member",)))
    delivery.call("GET", "/contracts", None, 403, headers=delivery.member_headers(uuid.uuid4()))
    assert delivery.outbox("contracts.contract.awarded") == []
    detail = delivery.contract()
    cid = detail["contract"]["id"]
    bad = delivery.call("PUT", f"/contracts/{cid}/targets", {"targets": [{"indicator": "ZZ", "period": "1",
                                                                          "target": 5}]}, 422)
    assert "targets" in bad["errors"]
    delivery.call("PUT", f"/contracts/{cid}/targets", {"targets": [{"indicator": "O1", "period": "1",
                                                                    "target": -5}]}, 422)
    delivery.call("POST", f"/contracts/{cid}/indicators", {"code": "O1", "name": "Again", "kind": "output"}, 409)
    other = Delivery(delivery.app, delivery.client, delivery.sign)
    other.call("GET", f"/contracts/{cid}", None, 404)


def test_f2_subcontracts_over_the_contract_value_less_the_fee_are_refused(delivery):
    northfield, wharfedale = delivery.member("Northfield Advice Centre"), delivery.member("Wharfedale Carers")
    detail = delivery.contract()
    cid = detail["contract"]["id"]
    first = delivery.subcontract(detail, northfield, value_pence=30_000_000)
    period_2 = detail["periods"][1]["period"]["id"]
    assert first["subcontract"]["organisation_name"] == "Northfield Advice Centre"
    refused = delivery.call("POST", f"/contracts/{cid}/subcontracts",
                            {"organisation_id": wharfedale, "value_pence": 11_400_001}, 409)
    assert refused["type"] == "urn:consortium-hub:rule:F2" and "£414,000" in refused["detail"]
    second = delivery.call("POST", f"/contracts/{cid}/subcontracts", {
        "organisation_id": wharfedale, "value_pence": 11_400_000, "payment_schedule": [
            {"due_on": "2025-05-01", "amount_pence": 1_000_000},
            {"amount_pence": 2_000_000, "release": "on_accepted_return", "period_id": period_2}]}, 201)
    schedule = second["payment_schedule"]
    assert schedule[1]["release"] == "on_accepted_return" and schedule[1]["due_on"] == "2025-10-20"
    issued = delivery.outbox("contracts.subcontract.issued")
    assert len(issued) == 2 and issued[1]["data"]["payment_schedule"][1]["period_id"] == period_2
    assert delivery.call("GET", f"/contracts/{cid}")["unallocated_pence"] == 0


def test_f2_subcontracts_go_only_to_active_members_with_schedules_within_their_value(delivery):
    applicant = delivery.member("Applicant Trust", status="suspended")
    northfield = delivery.member()
    detail = delivery.contract()
    cid = detail["contract"]["id"]
    refused = delivery.call("POST", f"/contracts/{cid}/subcontracts",
                            {"organisation_id": applicant, "value_pence": 1000}, 409)
    assert "not an active member (suspended)" in refused["detail"]
    delivery.call("POST", f"/contracts/{cid}/subcontracts", {"organisation_id": str(uuid.uuid4()),
                                                             "value_pence": 1000}, 409)
    delivery.call("POST", f"/contracts/{cid}/subcontracts", {
        "organisation_id": northfield, "value_pence": 1000,
        "payment_schedule": [{"due_on": "2025-05-01", "amount_pence": 1001}]}, 409)
    bad = delivery.call("POST", f"/contracts/{cid}/subcontracts", {
        "organisation_id": northfield, "value_pence": 1000,
        "payment_schedule": [{"amount_pence": 10, "release": "on_accepted_return"}]}, 422)
    assert "payment_schedule" in bad["errors"]
    delivery.call("POST", f"/contracts/{cid}/subcontracts", {"organisation_id": northfield, "value_pence": 1000,
                                                             "ends_on": "2027-01-01"}, 422)
    assert delivery.outbox("contracts.subcontract.issued") == []


def test_f2_a_variation_keeps_its_history_and_is_published(delivery):
    northfield = delivery.member()
    detail = delivery.contract()
    sub = delivery.subcontract(detail, northfield, value_pence=20_000_000)
    sid = sub["subcontract"]["id"]
    varied = delivery.call("POST", f"/subcontracts/{sid}/variations", {
        "reason": "Extra outreach in Seacroft", "value_pence": 25_000_000,
        "targets": [{"indicator": "O1", "period": "1", "target": 70}]}, 201)
    assert varied["subcontract"]["value_pence"] == 25_000_000
    variation = varied["variations"][0]
    assert variation["reason"] == "Extra outreach in Seacroft" and variation["varied_by"].startswith("user:")
    assert variation["before"]["value_pence"] == 20_000_000 and variation["after"]["value_pence"] == 25_000_000
    o1_p1 = [t for t in varied["targets"] if t["target"] is not None]
    assert len(o1_p1) == 1 and o1_p1[0]["target"] == 70
    event = delivery.outbox("contracts.subcontract.varied")[0]["data"]
    assert event["previous_value_pence"] == 20_000_000 and event["value_pence"] == 25_000_000
    refused = delivery.call("POST", f"/subcontracts/{sid}/variations", {"reason": "Too much",
                                                                        "value_pence": 41_400_001}, 409)
    assert refused["type"].endswith(":F2")
    delivery.call("POST", f"/subcontracts/{sid}/variations", {"reason": "Nothing", "value_pence": 25_000_000}, 409)
    delivery.call("POST", f"/subcontracts/{sid}/variations", {"value_pence": 1}, 422)
    assert len(delivery.call("GET", f"/subcontracts/{sid}")["variations"]) == 1


def test_h5_a_virtual_hub_contract_cannot_go_live_until_its_management_is_subcontracted(delivery):
    host = delivery.member("Leeds CVS")
    delivery.hub_model("virtual_hub")
    detail = delivery.contract()
    cid = detail["contract"]["id"]
    assert detail["hub_model"] == "virtual_hub" and detail["management_subcontract_missing"] is True
    assert detail["can_go_live"] is False
    refused = delivery.call("POST", f"/contracts/{cid}/go-live", None, 409)
    assert refused["type"] == "urn:consortium-hub:rule:H5"
    delivery.call("POST", f"/contracts/{cid}/subcontracts", {"organisation_id": host, "value_pence": 1_000_000,
                                                             "purpose": "contract_management"}, 201)
    assert delivery.outbox("contracts.subcontract.issued")[0]["data"]["purpose"] == "contract_management"
    live = delivery.call("POST", f"/contracts/{cid}/go-live")
    assert live["contract"]["status"] == "live" and live["management_subcontract_missing"] is False
    assert len(delivery.outbox("contracts.contract.went_live")) == 1
    delivery.call("POST", f"/contracts/{cid}/go-live", None, 409)


def test_h5_other_hub_models_need_no_management_subcontract_and_the_latest_model_counts(delivery):
    delivery.hub_model("virtual_hub")
    delivery.hub_model("central_staff_team")
    detail = delivery.contract()
    assert detail["hub_model"] == "central_staff_team" and not detail["management_subcontract_needed"]
    assert delivery.call("POST", f"/contracts/{detail['contract']['id']}/go-live")["contract"]["status"] == "live"


def test_h5_an_older_hub_model_event_arriving_late_does_not_overwrite_the_newer(delivery):
    from hubkit.events import new_event
    older = new_event("governance.hub_model.changed", subject="hub/x", data={
        "model": "virtual_hub", "effective_from": "2024-01-01", "decision_id": str(uuid.uuid4())},
        consortium_id=delivery.consortium, actor="user:test", correlation_id="c", producer="governance")
    delivery.hub_model("central_staff_team")
    assert delivery.applier.apply(delivery.applier.decode(older.to_json().encode()))
    assert delivery.call("POST", "/contracts", contract_details(), 201)["hub_model"] == "central_staff_team"


def test_p1_thresholds_are_per_contract_configuration_and_other_frequencies_generate_periods(delivery):
    monthly = delivery.call("POST", "/contracts", contract_details(reporting_frequency="monthly",
                                                                   return_due_days=10), 201)
    assert len(monthly["periods"]) == 12 and monthly["periods"][0]["period"]["return_due_on"] == "2025-05-10"
    cid = monthly["contract"]["id"]
    changed = delivery.call("PUT", f"/contracts/{cid}/rag-thresholds", {"green_percent": 100, "amber_percent": 90})
    assert (changed["rag_green_percent"], changed["rag_amber_percent"]) == (100, 90)
    delivery.call("PUT", f"/contracts/{cid}/rag-thresholds", {"green_percent": 80, "amber_percent": 90}, 422)
    delivery.call("PUT", f"/contracts/{cid}/rag-thresholds", {"green_percent": 100, "amber_percent": 90}, 403,
                  headers=delivery.as_(("finance_officer",)))
    over = delivery.call("POST", "/contracts", contract_details(income_schedule=[
        {"due_on": "2025-07-30", "amount_pence": 45_000_001}]), 422)
    assert "income_schedule" in over["errors"]
