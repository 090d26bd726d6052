"""Test helpers for the pipeline and bids: one consortium's view of contracts's API, and events applied by the
real consumer (`EventApplier`), as they would arrive from the broker.

Test modules load this with `from pipeline_fixtures import *` after putting this folder on sys.path.
"""
from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
from sqlalchemy import select

from hubkit import clock
from hubkit.consumer import EventApplier
from hubkit.events import new_event
from hubkit.testing import make_principal

TODAY = clock.today()


def days(n: int) -> str:
    return (TODAY + dt.timedelta(days=n)).isoformat()


def opportunity_details(**overrides) -> dict:
    return {"title": "Community wellbeing hubs", "commissioner_name": "Leeds City Council",
            "commissioner_type": "local_authority", "description": "Six neighbourhood hubs.",
            "estimated_value_pence": 45_000_000, "contract_length_months": 36,
            "service_categories": ["mental_health", "advice"], "areas": ["Leeds"],
            "notice_reference": "FTS-2026-012345", "clarification_deadline": days(10),
            "submission_deadline": days(20), "award_expected_on": days(60), "start_expected_on": days(90)} | overrides


class Pipeline:
    """One consortium's view of contracts, as a consortium manager unless told otherwise."""

    def __init__(self, app, client, sign, roles=("consortium_manager",)):
        self.app, self.client, self.sign = app, client, sign
        self.consortium = uuid.uuid4()
        self.headers = self.as_(roles)
        self.applier = EventApplier(app.extensions["hubkit.db"], app.extensions["hubkit.settings"],
                                    app.extensions["hubkit.applier"].handlers)

    def as_(self, roles, organisation_id=None) -> dict:
        return {"Authorization": self.sign(make_principal(tuple(roles), consortium_id=self.consortium,
                                                          organisation_id=organisation_id), "contracts")}

    def call(self, method: str, path: str, body=None, status: int = 200, headers=None):
        response = self.client.open(path, method=method, json=body, headers=headers or self.headers)
        assert response.status_code == status, response.get_data(as_text=True)
        return response.get_json() if response.data else None

    def raw(self, method: str, path: str, headers=None, **kwargs):
        return self.client.open(path, method=method, headers=headers or self.headers, **kwargs)

    # --- events -------------------------------------------------------------------------------------
    def deliver(self, type_: str, subject: str, data: dict, producer: str) -> bool:
        """Apply an event to contracts through its consumer, as the broker would bring it; False if a replay."""
        event = new_event(type_, subject=subject, data=data, consortium_id=self.consortium, actor="user:test",
                          correlation_id=uuid.uuid4().hex, producer=producer)
        return self.redeliver(event)

    def redeliver(self, event) -> bool:
        decoded = self.applier.decode(event.to_json().encode())
        assert decoded is not None, f"contracts does not consume {event.type}"
        self.last_event = decoded
        return self.applier.apply(decoded)

    def member(self, name="Northfield Advice Centre", status="active", eligible=True) -> str:
        """A member organisation as membership announces it (contracts keeps the read copy)."""
        org_id = str(uuid.uuid4())
        self.deliver("membership.organisation.registered" if status != "active" else "membership.member.activated",
                     f"organisation/{org_id}", {"organisation_id": org_id, "name": name, "legal_form": "cio",
                                                "status": status}, "membership")
        if not eligible:
            self.deliver("membership.eligibility.changed", f"organisation/{org_id}", {
                "organisation_id": org_id, "name": name, "legal_form": "cio", "status": status,
                "eligible_for_new_work": False, "reasons": ["Insurance expired"]}, "membership")
        return org_id

    def board_decides(self, request_id, outcome="approved", note="") -> bool:
        decision_id = str(uuid.uuid4())
        return self.deliver("governance.decision.made", f"decision/{decision_id}", {
            "decision_id": decision_id, "request_id": str(request_id), "kind": "bid_go_no_go",
            "subject": "opportunity/x", "outcome": outcome, "note": note}, "governance")

    def outbox(self, event_type: str) -> list[dict]:
        kit = self.app.extensions["hubkit.db"].kit
        with self.app.extensions["hubkit.db"].session(None) as session:
            payloads = session.execute(select(kit.outbox.c.payload).where(
                kit.outbox.c.event_type == event_type, kit.outbox.c.consortium_id == self.consortium)
                .order_by(kit.outbox.c.seq)).scalars()
            return [json.loads(p) for p in payloads]

    # --- the pipeline -------------------------------------------------------------------------------
    def opportunity(self, **overrides) -> dict:
        return self.call("POST", "/opportunities", opportunity_details(**overrides), 201)

    def to_bidding(self, **overrides) -> dict:
        """An opportunity the board has decided to bid for (its decision arriving from governance by event)."""
        opp = self.opportunity(**overrides)
        oid = opp["opportunity"]["id"]
        self.call("POST", f"/opportunities/{oid}/stage", {"stage": "qualifying"})
        asked = self.call("POST", f"/opportunities/{oid}/go-no-go", {})
        self.board_decides(asked["opportunity"]["go_no_go_request_id"], "approved")
        return self.call("GET", f"/opportunities/{oid}")

    def bid(self, opportunity_id, **overrides) -> dict:
        return self.call("POST", f"/opportunities/{opportunity_id}/bids",
                         {"lead_name": "Priya Shah"} | overrides, 201)


@pytest.fixture
def make_pipeline(app, client, sign):
    return lambda roles=("consortium_manager",): Pipeline(app, client, sign, roles)


@pytest.fixture
def pipeline(make_pipeline) -> Pipeline:
    return make_pipeline()
