"""Test helpers for contracts, subcontracts and performance: one consortium's view of contracts's API, with
member organisations and the hub model applied through the real consumer (`EventApplier`).

Test modules load this with `from delivery_fixtures import *` after putting this folder on sys.path.
"""
from __future__ import annotations

import io
import json
import uuid

import pytest
from sqlalchemy import select

from hubkit.consumer import EventApplier
from hubkit.events import new_event
from hubkit.testing import make_principal

PDF = b"%PDF-1.7\n% evidence\n" + b"0" * 500


def contract_details(**overrides) -> dict:
    return {"title": "Community wellbeing hubs", "commissioner_name": "Leeds City Council",
            "value_pence": 45_000_000, "management_fee_basis_points": 800, "starts_on": "2025-04-01",
            "ends_on": "2026-03-31", "payment_terms": "Quarterly in arrears, 30 days",
            "income_schedule": [{"due_on": "2025-07-30", "amount_pence": 11_250_000},
                                {"due_on": "2025-10-30", "amount_pence": 11_250_000}],
            "indicators": [
                {"code": "O1", "name": "People helped", "kind": "output", "unit": "people"},
                {"code": "W1", "name": "Days waited for a first appointment", "kind": "outcome", "unit": "days",
                 "higher_is_better": False}]} | overrides


class Delivery:
    """One consortium's view of contracts, as a consortium manager unless told otherwise."""

    def __init__(self, app, client, sign):
        self.app, self.client, self.sign = app, client, sign
        self.consortium = uuid.uuid4()
        self.headers = self.as_(("consortium_manager",))
        self.applier = EventApplier(app.extensions["hubkit.db"], app.extensions["hubkit.settings"],
                                    app.extensions["hubkit.applier"].handlers)

    def as_(self, roles, organisation_id=None) -> dict:
        return {"Authorization": self.sign(make_principal(tuple(roles), consortium_id=self.consortium,
                                                          organisation_id=organisation_id), "contracts")}

    def member_headers(self, organisation_id) -> dict:
        return self.as_(("member_user",), uuid.UUID(str(organisation_id)))

    def call(self, method: str, path: str, body=None, status: int = 200, headers=None):
        response = self.client.open(path, method=method, json=body, headers=headers or self.headers)
        assert response.status_code == status, response.get_data(as_text=True)
        return response.get_json() if response.data else None

    def raw(self, method: str, path: str, headers=None, **kwargs):
        return self.client.open(path, method=method, headers=headers or self.headers, **kwargs)

    def deliver(self, type_: str, subject: str, data: dict, producer: str):
        event = new_event(type_, subject=subject, data=data, consortium_id=self.consortium, actor="user:test",
                          correlation_id=uuid.uuid4().hex, producer=producer)
        decoded = self.applier.decode(event.to_json().encode())
        assert decoded is not None, f"contracts does not consume {event.type}"
        return self.applier.apply(decoded)

    def member(self, name="Northfield Advice Centre", status="active") -> str:
        org_id = str(uuid.uuid4())
        self.deliver("membership.member.activated" if status == "active" else "membership.organisation.registered",
                     f"organisation/{org_id}", {"organisation_id": org_id, "name": name, "legal_form": "cio",
                                                "status": status}, "membership")
        return org_id

    def hub_model(self, model: str) -> None:
        self.deliver("governance.hub_model.changed", f"hub/{self.consortium}", {
            "model": model, "previous_model": None, "effective_from": "2025-01-01",
            "decision_id": str(uuid.uuid4())}, "governance")

    def outbox(self, event_type: str) -> list[dict]:
        kit = self.app.extensions["hubkit.db"].kit
        with self.app.extensions["hubkit.db"].session(None) as session:
            payloads = session.execute(select(kit.outbox.c.payload).where(
                kit.outbox.c.event_type == event_type, kit.outbox.c.consortium_id == self.consortium)
                .order_by(kit.outbox.c.seq)).scalars()
            return [json.loads(p) for p in payloads]

    # --- set-up -------------------------------------------------------------------------------------
    def contract(self, **overrides) -> dict:
        detail = self.call("POST", "/contracts", contract_details(**overrides), 201)
        cid = detail["contract"]["id"]
        targets = [{"indicator": "O1", "period": str(n), "target": 100} for n in range(1, 5)] + \
                  [{"indicator": "W1", "period": str(n), "target": 10} for n in range(1, 5)]
        return self.call("PUT", f"/contracts/{cid}/targets", {"targets": targets})

    def subcontract(self, contract: dict, organisation_id: str, value_pence=20_000_000, o1=50, w1=10, **more):
        cid = contract["contract"]["id"]
        targets = [{"indicator": "O1", "period": str(n), "target": o1} for n in range(1, 5)] + \
                  [{"indicator": "W1", "period": str(n), "target": w1} for n in range(1, 5)]
        body = {"organisation_id": organisation_id, "value_pence": value_pence, "targets": targets} | more
        return self.call("POST", f"/contracts/{cid}/subcontracts", body, 201)

    def submit(self, subcontract: dict, period_number: int, o1, w1, narrative="On track.", status=201, org=None):
        sub = subcontract["subcontract"]
        period = next(p for p in subcontract["periods"] if p["number"] == period_number)
        return self.call("POST", f"/subcontracts/{sub['id']}/returns",
                         {"period_id": period["id"], "actuals": {"O1": o1, "W1": w1}, "narrative": narrative},
                         status, headers=self.member_headers(org or sub["organisation_id"]))

    def upload(self, return_id, organisation_id, content=PDF, filename="attendance.pdf"):
        return self.raw("POST", f"/returns/{return_id}/evidence", headers=self.member_headers(organisation_id),
                        data={"file": (io.BytesIO(content), filename)}, content_type="multipart/form-data")


@pytest.fixture
def delivery(app, client, sign) -> Delivery:
    return Delivery(app, client, sign)
