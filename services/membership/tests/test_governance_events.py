"""Membership acts on governance: an approved expulsion (G5) and a lapsed seat (G4), each applied once."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import uuid

import pytest
from sqlalchemy import select

from hubkit import clock
from hubkit.consumer import EventApplier
from hubkit.events import new_event, parse_event
from hubkit.testing import make_principal
from membership.client import complete_due_diligence

CONSORTIUM = uuid.uuid4()
MANAGER = make_principal(("consortium_manager",), consortium_id=CONSORTIUM)


@pytest.fixture
def manager(sign):
    return {"Authorization": sign(MANAGER, "membership")}


@pytest.fixture
def applier(app) -> EventApplier:
    return app.extensions["hubkit.applier"]


def active_member(app, client, headers) -> dict:
    """An organisation made active through the real joining path (due diligence and the board's decision)."""
    def send(method, path, body):
        response = client.open(path, method=method, json=body, headers=headers)
        assert response.status_code < 300, response.get_json()

    org = client.post("/organisations", json={"name": f"Gov Events Trust {uuid.uuid4().hex[:6]}",
                                              "legal_form": "cio"}, headers=headers).get_json()
    complete_due_diligence(send, org["id"])
    client.post(f"/organisations/{org['id']}/application", json={}, headers=headers)
    request_id = [e for e in published(app, "membership.decision.requested")
                  if e["data"]["organisation_id"] == org["id"]][0]["data"]["request_id"]
    made = new_event("governance.decision.made", subject=f"decision/{uuid.uuid4()}", consortium_id=CONSORTIUM,
                     actor="user:board", correlation_id="test", data={
                         "decision_id": uuid.uuid4(), "request_id": request_id, "kind": "membership_application",
                         "subject": f"organisation/{org['id']}", "outcome": "approved", "note": ""})
    assert app.extensions["hubkit.applier"].apply(made)
    assert client.get(f"/organisations/{org['id']}", headers=headers).get_json()["status"] == "active"
    return org


def published(app, event_type: str) -> list[dict]:
    db = app.extensions["hubkit.db"]
    with db.session(None) as session:
        rows = session.execute(select(db.kit.outbox.c.payload).where(db.kit.outbox.c.event_type == event_type))
        return [json.loads(payload) for payload in rows.scalars()]


def as_delivered(event):
    """The event as the consumer reads it off the broker (serialised, then parsed and validated)."""
    return parse_event(event.to_json())


def expulsion(org_id: str, outcome: str = "approved", kind: str = "membership_expulsion",
              decision_id: uuid.UUID | None = None):
    decision_id = decision_id or uuid.uuid4()
    return as_delivered(new_event(
        "governance.decision.recorded", subject=f"decision/{decision_id}", consortium_id=CONSORTIUM,
        actor="user:chair", correlation_id="test", data={
            "decision_id": decision_id, "body_id": uuid.uuid4(), "meeting_id": uuid.uuid4(),
            "agenda_item_id": uuid.uuid4(), "kind": kind, "subject": f"organisation/{org_id}",
            "title": "Expel the member for persistent breach of the membership agreement", "outcome": outcome,
            "note": "Carried 7-1.", "votes": {"for": 7, "against": 1, "abstain": 0}, "declarations": []}))


def seat_lapsed(organisation_id: str | None, person_name: str = "Asha Patel"):
    seat_id = uuid.uuid4()
    return as_delivered(new_event(
        "governance.member.lapsed", subject=f"seat/{seat_id}", consortium_id=CONSORTIUM, actor="system",
        correlation_id="test", data={
            "seat_id": seat_id, "body_id": uuid.uuid4(), "organisation_id": organisation_id,
            "person_name": person_name, "year": 2025, "meetings_attended": 2, "meetings_required": 4,
            "lapsed_on": dt.date(2026, 1, 2)}))


def history(client, headers, org_id) -> list[dict]:
    return client.get(f"/organisations/{org_id}/history", headers=headers).get_json()


def test_g5_an_approved_expulsion_decision_expels_the_member_once(app, client, manager, applier):
    org = active_member(app, client, manager)
    decision = expulsion(org["id"])
    assert applier.apply(decision) is True
    shown = client.get(f"/organisations/{org['id']}", headers=manager).get_json()
    assert shown["status"] == "expelled"
    last = history(client, manager, org["id"])[-1]
    assert last["to_status"] == "expelled" and last["decision_id"] == str(decision.data["decision_id"])
    assert "Partners Group" in last["reason"] and last["effective_on"] == clock.local_date(decision.occurred_at).isoformat()
    expelled = [e for e in published(app, "membership.member.expelled") if e["data"]["organisation_id"] == org["id"]]
    assert len(expelled) == 1 and expelled[0]["data"]["decision_id"] == str(decision.data["decision_id"])

    assert applier.apply(decision) is False  # the same event replayed
    applier.apply(expulsion(org["id"]))  # the same fact in another event (e.g. a re-recorded decision)
    assert [h["to_status"] for h in history(client, manager, org["id"])].count("expelled") == 1
    assert len([e for e in published(app, "membership.member.expelled")
                if e["data"]["organisation_id"] == org["id"]]) == 1


def test_g5_an_expulsion_takes_effect_from_the_day_of_the_meeting_that_voted_not_the_day_it_reached_us(
        app, client, manager, applier):
    org = active_member(app, client, manager)
    meeting_day = clock.today() - dt.timedelta(days=3)  # the vote was recorded after the meeting
    decision = expulsion(org["id"])
    decision = as_delivered(dataclasses.replace(decision, data=decision.data | {"decided_on": meeting_day.isoformat()}))
    assert applier.apply(decision)
    last = history(client, manager, org["id"])[-1]
    assert last["to_status"] == "expelled" and last["effective_on"] == meeting_day.isoformat()


def test_m1_an_application_is_decided_from_the_day_of_the_partners_groups_meeting(app, client, manager):
    org = client.post("/organisations", json={"name": f"Dated Trust {uuid.uuid4().hex[:6]}", "legal_form": "cio"},
                      headers=manager).get_json()

    def send(method, path, body):
        assert client.open(path, method=method, json=body, headers=manager).status_code < 300

    complete_due_diligence(send, org["id"])
    client.post(f"/organisations/{org['id']}/application", json={}, headers=manager)
    request_id = [e for e in published(app, "membership.decision.requested")
                  if e["data"]["organisation_id"] == org["id"]][0]["data"]["request_id"]
    meeting_day = clock.today() - dt.timedelta(days=2)
    assert app.extensions["hubkit.applier"].apply(as_delivered(new_event(
        "governance.decision.made", subject=f"decision/{uuid.uuid4()}", consortium_id=CONSORTIUM,
        actor="user:chair", correlation_id="test", data={
            "decision_id": uuid.uuid4(), "request_id": request_id, "kind": "membership_application",
            "subject": f"organisation/{org['id']}", "outcome": "approved", "note": "", "decided_on": meeting_day})))
    last = history(client, manager, org["id"])[-1]
    assert last["to_status"] == "active" and last["effective_on"] == meeting_day.isoformat()


def test_g5_rejected_expulsions_other_kinds_and_unknown_members_change_nothing(app, client, manager, applier):
    org = active_member(app, client, manager)
    assert applier.apply(expulsion(org["id"], outcome="rejected")) is True  # recorded in the inbox, ignored
    assert applier.apply(expulsion(org["id"], kind="motion")) is True
    assert applier.apply(expulsion(str(uuid.uuid4()))) is True
    assert client.get(f"/organisations/{org['id']}", headers=manager).get_json()["status"] == "active"
    assert [h["to_status"] for h in history(client, manager, org["id"])][-1] == "active"


def test_g5_an_applicant_is_not_expelled_by_a_decision(app, client, manager, applier):
    org = client.post("/organisations", json={"name": "Not Yet A Member", "legal_form": "cic"},
                      headers=manager).get_json()
    applier.apply(expulsion(org["id"]))
    assert client.get(f"/organisations/{org['id']}", headers=manager).get_json()["status"] == "applicant"


def test_g4_a_lapsed_seat_lapses_the_organisations_membership_once(app, client, manager, applier):
    org = active_member(app, client, manager)
    event = seat_lapsed(org["id"])
    assert applier.apply(event) is True
    assert client.get(f"/organisations/{org['id']}", headers=manager).get_json()["status"] == "lapsed"
    last = history(client, manager, org["id"])[-1]
    assert last["to_status"] == "lapsed" and last["effective_on"] == "2026-01-02"
    assert "G4" in last["reason"] and "2 of the 4" in last["reason"] and last["decision_id"] is None
    lapsed = [e for e in published(app, "membership.member.lapsed") if e["data"]["organisation_id"] == org["id"]]
    assert len(lapsed) == 1 and lapsed[0]["data"]["effective_on"] == "2026-01-02"

    assert applier.apply(event) is False  # replay
    applier.apply(seat_lapsed(org["id"], person_name="Asha's deputy"))  # a second seat of the same organisation
    assert [h["to_status"] for h in history(client, manager, org["id"])].count("lapsed") == 1
    assert len([e for e in published(app, "membership.member.lapsed")
                if e["data"]["organisation_id"] == org["id"]]) == 1


def test_g4_a_seat_without_an_organisation_or_an_unknown_one_changes_nothing(app, client, manager, applier):
    org = active_member(app, client, manager)
    assert applier.apply(seat_lapsed(None)) is True
    assert applier.apply(seat_lapsed(str(uuid.uuid4()))) is True
    assert client.get(f"/organisations/{org['id']}", headers=manager).get_json()["status"] == "active"


def decision_made(org_id: str, request_id: str, outcome: str, decision_id: uuid.UUID):
    return as_delivered(new_event(
        "governance.decision.made", subject=f"decision/{decision_id}", consortium_id=CONSORTIUM, actor="user:chair",
        correlation_id="test", data={"decision_id": decision_id, "request_id": request_id,
                                     "kind": "membership_expulsion", "subject": f"organisation/{org_id}",
                                     "outcome": outcome, "note": "Carried 7-1."}))


def test_g5_a_manager_asks_the_partners_group_to_decide_an_expulsion_and_its_decision_takes_effect(
        app, client, manager, applier):
    org = active_member(app, client, manager)
    path = f"/organisations/{org['id']}/expulsion-request"
    asked = client.post(path, json={"reason": "Persistent breach of the membership agreement"}, headers=manager)
    assert asked.status_code == 202 and asked.get_json()["status"] == "active"
    requests = [e for e in published(app, "membership.decision.requested")
                if e["data"]["organisation_id"] == org["id"] and e["data"]["kind"] == "membership_expulsion"]
    assert len(requests) == 1 and "Persistent breach" in requests[0]["data"]["title"]
    again = client.post(path, json={"reason": "Once more"}, headers=manager)
    assert again.status_code == 409 and again.get_json()["type"].endswith(":G5")
    request_id = requests[0]["data"]["request_id"]

    decision_id = uuid.uuid4()
    assert applier.apply(decision_made(org["id"], request_id, "approved", decision_id))
    shown = client.get(f"/organisations/{org['id']}", headers=manager).get_json()
    assert shown["status"] == "expelled" and shown["expulsion_request_id"] is None
    assert history(client, manager, org["id"])[-1]["decision_id"] == str(decision_id)
    # governance also records the same decision: it is not applied a second time
    applier.apply(expulsion(org["id"], decision_id=decision_id))
    assert [h["to_status"] for h in history(client, manager, org["id"])].count("expelled") == 1
    assert len([e for e in published(app, "membership.member.expelled")
                if e["data"]["organisation_id"] == org["id"]]) == 1


def test_g5_a_rejected_expulsion_leaves_the_member_and_a_new_request_can_be_made(app, client, manager, applier):
    org = active_member(app, client, manager)
    path = f"/organisations/{org['id']}/expulsion-request"
    client.post(path, json={"reason": "Breach"}, headers=manager)
    request_id = [e for e in published(app, "membership.decision.requested")
                  if e["data"]["organisation_id"] == org["id"] and e["data"]["kind"] == "membership_expulsion"
                  ][0]["data"]["request_id"]
    assert applier.apply(decision_made(org["id"], str(uuid.uuid4()), "approved", uuid.uuid4()))  # not our request
    assert client.get(f"/organisations/{org['id']}", headers=manager).get_json()["status"] == "active"
    applier.apply(decision_made(org["id"], request_id, "rejected", uuid.uuid4()))
    shown = client.get(f"/organisations/{org['id']}", headers=manager).get_json()
    assert shown["status"] == "active" and shown["expulsion_request_id"] is None
    assert client.post(path, json={"reason": "Breach again"}, headers=manager).status_code == 202


def test_g5_only_members_can_be_put_for_expulsion_and_only_by_a_manager(app, client, manager, sign):
    applicant = client.post("/organisations", json={"name": f"Applicant {uuid.uuid4().hex[:6]}",
                                                    "legal_form": "cic"}, headers=manager).get_json()
    refused = client.post(f"/organisations/{applicant['id']}/expulsion-request", json={"reason": "Not a member"},
                          headers=manager)
    assert refused.status_code == 409
    board = {"Authorization": sign(make_principal(("board_member",), consortium_id=CONSORTIUM), "membership")}
    assert client.post(f"/organisations/{applicant['id']}/expulsion-request", json={"reason": "Not a member"},
                       headers=board).status_code == 403
    assert client.post(f"/organisations/{applicant['id']}/expulsion-request", json={},
                       headers=manager).status_code == 422
