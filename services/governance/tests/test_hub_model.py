"""The hub model with its history tied to decisions (H1), who delivers each function (H2), standards (H3)."""
from __future__ import annotations

import uuid


def board_decision(hub, text: str, outcome="for", kind="hub_model") -> str:
    """A Management Board decision (on the hub model unless told) taken by vote at a quorate meeting."""
    if not hasattr(hub, "board"):
        hub.board = hub.body("management_board", members=3)
        hub.secretary(hub.board["id"])  # records the show of hands
    board = hub.board
    meeting = hub.held_meeting(board["id"])
    for seat in board["member_seats"]:
        hub.attend(meeting["id"], seat["id"])
    item = hub.item(meeting["id"], text)
    motion = hub.call("POST", f"/meetings/{meeting['id']}/motions",
                      {"agenda_item_id": item["id"], "text": text, "kind": kind}, 201)
    return hub.call("POST", f"/meetings/{meeting['id']}/motions/{motion['id']}/votes", {
        "votes": [{"seat_id": s["id"], "vote": outcome} for s in board["member_seats"]]}, 201)["id"]


def test_h1_the_hub_model_changes_only_by_a_recorded_decision_and_keeps_its_history(hub):
    refused = hub.call("POST", "/hub/model", {"model": "virtual_hub", "effective_from": "2026-04-01",
                                             "decision_id": str(uuid.uuid4())}, 409)
    assert refused["type"].endswith(":H1")
    lost = board_decision(hub, "Outsource the hub externally", outcome="against")
    hub.call("POST", "/hub/model", {"model": "outsourced_externally", "effective_from": "2026-04-01",
                                    "decision_id": lost}, 409)
    first = hub.call("POST", "/hub/model", {"model": "virtual_hub", "effective_from": "2026-04-01",
                                            "decision_id": board_decision(hub, "Run a virtual hub")}, 201)
    host = hub.organisation()
    hub.call("POST", "/hub/model", {"model": "outsourced_to_member", "effective_from": "2027-04-01",
                                    "host_organisation_id": host,
                                    "decision_id": board_decision(hub, "Outsource the hub to the CVS")}, 201)
    shown = hub.call("GET", "/hub")
    assert shown["model"] == "outsourced_to_member"
    assert [h["model"] for h in shown["history"]] == ["virtual_hub", "outsourced_to_member"]
    assert shown["history"][0]["decision_id"] == first["decision_id"]
    events = [e["data"] for e in hub.outbox("governance.hub_model.changed")]
    assert [(e["previous_model"], e["model"]) for e in events] == [
        (None, "virtual_hub"), ("virtual_hub", "outsourced_to_member")]


def test_h1_a_change_cites_a_hub_model_decision_not_any_approved_decision(hub):
    budget = board_decision(hub, "Approve the events budget", kind="ordinary")  # approved, but not on the model
    refused = hub.call("POST", "/hub/model", {"model": "virtual_hub", "effective_from": "2026-04-01",
                                             "decision_id": budget}, 409)
    assert refused["type"].endswith(":H1") and "hub model" in refused["detail"]
    assert hub.call("GET", "/hub")["model"] is None and hub.outbox("governance.hub_model.changed") == []


def test_h1_the_host_named_is_an_organisation_on_the_register(hub, make_hub):
    for stranger in (str(uuid.uuid4()), make_hub().organisation()):  # unknown, or another consortium's
        refused = hub.call("POST", "/hub/model", {
            "model": "outsourced_to_member", "effective_from": "2027-04-01", "host_organisation_id": stranger,
            "decision_id": board_decision(hub, "Outsource the hub to the CVS")}, 422)
        assert "host_organisation_id" in refused["errors"]
    assert hub.call("GET", "/hub")["model"] is None


def test_h2_each_of_the_ten_functions_is_assigned_to_whoever_delivers_it(hub):
    org = hub.organisation()
    refused = hub.call("PUT", "/hub/functions/bidding", {"delivered_by": "member_organisation",
                                                         "organisation_id": str(uuid.uuid4()),
                                                         "assigned_on": "2026-04-01"}, 422)
    assert "organisation_id" in refused["errors"]
    hub.call("PUT", "/hub/functions/finance", {"delivered_by": "host", "assigned_on": "2026-04-01"})
    hub.call("PUT", "/hub/functions/bidding", {"delivered_by": "member_organisation", "organisation_id": org,
                                               "assigned_on": "2026-04-01"})
    refused = hub.call("PUT", "/hub/functions/governance", {"delivered_by": "individuals",
                                                            "assigned_on": "2026-04-01"}, 409)
    assert refused["type"].endswith(":H2")
    hub.call("PUT", "/hub/functions/finance", {"delivered_by": "central_team", "assigned_on": "2027-01-01"})
    hub.call("PUT", "/hub/functions/astrology", {"delivered_by": "host", "assigned_on": "2026-04-01"}, 404)
    shown = {f["function"]: f for f in hub.call("GET", "/hub")["functions"]}
    assert len(shown) == 10 and shown["governance"]["assignment"] is None
    assert shown["bidding"]["assignment"]["organisation_id"] == org
    assert shown["finance"]["assignment"]["delivered_by"] == "central_team"
    assert len(shown["finance"]["history"]) == 2
    assert len(hub.outbox("governance.hub_function.assigned")) == 3


def test_h3_service_standards_only_for_an_outsourced_hub(hub):
    standard = {"what": "Board papers circulated", "measure": "Working days before each meeting",
                "target": "At least 5", "agreed_on": "2027-04-01"}
    refused = hub.call("POST", "/hub/service-standards", standard, 409)
    assert refused["type"].endswith(":H3")
    hub.call("POST", "/hub/model", {"model": "outsourced_externally", "effective_from": "2027-04-01",
                                    "decision_id": board_decision(hub, "Outsource the hub")}, 201)
    hub.call("POST", "/hub/service-standards", standard, 201)
    assert [s["target"] for s in hub.call("GET", "/hub")["service_standards"]] == ["At least 5"]
    assert len(hub.outbox("governance.service_standard.agreed")) == 1


def test_hub_changes_need_a_board_role(hub):
    hub.call("POST", "/hub/model", {"model": "virtual_hub", "effective_from": "2026-04-01",
                                    "decision_id": str(uuid.uuid4())}, 403, headers=hub.as_(("finance_officer",)))
    hub.call("GET", "/hub", headers=hub.as_(("member_user",)), status=403)
