"""Governance's decision requests: filed from events, decided once, by the right roles, per consortium."""
from __future__ import annotations

import json
import uuid

from sqlalchemy import select

from hubkit.consumer import EventApplier
from hubkit.testing import golden_event, make_principal

CONSORTIUM = uuid.uuid4()


def file_request(app) -> str:
    """Apply a membership.decision.requested event for our consortium, as the consumer would."""
    request_id = str(uuid.uuid4())
    applier: EventApplier = app.extensions["hubkit.applier"]
    assert applier.apply(golden_event("membership.decision.requested", consortium_id=CONSORTIUM,
                                      data={"request_id": request_id}))
    return request_id


def test_a_request_is_decided_once_and_the_decision_is_published(app, client, sign):
    request_id = file_request(app)
    board = {"Authorization": sign(make_principal(("board_member",), consortium_id=CONSORTIUM), "governance")}
    listed = client.get("/decision-requests", headers=board).get_json()
    assert [r["status"] for r in listed if r["id"] == request_id] == ["pending"]

    decided = client.post(f"/decision-requests/{request_id}/decision", json={"outcome": "approved"}, headers=board)
    assert decided.status_code == 200 and decided.get_json()["outcome"] == "approved"
    again = client.post(f"/decision-requests/{request_id}/decision", json={"outcome": "rejected"}, headers=board)
    assert again.status_code == 409 and again.mimetype == "application/problem+json"

    kit = app.extensions["hubkit.db"].kit
    with app.extensions["hubkit.db"].session(None) as session:
        published = [json.loads(p) for p in session.execute(select(kit.outbox.c.payload).where(
            kit.outbox.c.event_type == "governance.decision.made")).scalars()]
    mine = [e for e in published if e["data"]["request_id"] == request_id]
    assert len(mine) == 1 and mine[0]["data"]["outcome"] == "approved"
    assert mine[0]["consortium_id"] == str(CONSORTIUM)


def test_finance_officer_cannot_decide_and_outsiders_cannot_see(app, client, sign):
    request_id = file_request(app)
    finance = {"Authorization": sign(make_principal(("finance_officer",), consortium_id=CONSORTIUM), "governance")}
    refused = client.post(f"/decision-requests/{request_id}/decision", json={"outcome": "approved"}, headers=finance)
    assert refused.status_code == 403
    outsider = {"Authorization": sign(make_principal(("board_member",)), "governance")}
    assert client.get(f"/decision-requests/{request_id}", headers=outsider).status_code == 404
    assert client.post(f"/decision-requests/{request_id}/decision", json={"outcome": "approved"},
                       headers=outsider).status_code == 404


def test_an_outcome_outside_the_list_is_422(app, client, sign):
    request_id = file_request(app)
    board = {"Authorization": sign(make_principal(("board_member",), consortium_id=CONSORTIUM), "governance")}
    response = client.post(f"/decision-requests/{request_id}/decision", json={"outcome": "maybe"}, headers=board)
    assert response.status_code == 422 and "outcome" in response.get_json()["errors"]
