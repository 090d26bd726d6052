"""Fixtures for income, payments, budgets and claims: `mh`, one consortium's view of finance's money API.

Events are applied through the service's real `EventApplier` (inbox, handler, outbox), as the consumer would.
Imported by the test modules (`from money_fixtures import *`), beside the suite's conftest.py.
"""
from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
from sqlalchemy import select

from hubkit import clock
from hubkit.events import new_event
from hubkit.testing import make_principal

PAST = clock.today() - dt.timedelta(days=30)
FUTURE = clock.today() + dt.timedelta(days=400)


def find_floats(value, path="$") -> list[str]:
    """Every float anywhere in a JSON document (F4: there must be none)."""
    if isinstance(value, float):
        return [path]
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in find_floats(v, f"{path}.{k}")]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in find_floats(v, f"{path}[{i}]")]
    return []


class MoneyHub:
    """One consortium with a finance officer, a manager, a board member and two member organisations."""

    def __init__(self, app, client, sign):
        self.app, self.client, self.sign = app, client, sign
        self.consortium = uuid.uuid4()
        self.org_a, self.org_b = uuid.uuid4(), uuid.uuid4()
        self.finance = self.as_(("finance_officer",))
        self.manager = self.as_(("consortium_manager",))
        self.board = self.as_(("board_member",))
        self.member_a = self.as_(("member_user",), organisation_id=self.org_a)
        self.member_b = self.as_(("member_user",), organisation_id=self.org_b)

    def as_(self, roles, user_id=None, organisation_id=None, consortium=None) -> dict:
        principal = make_principal(tuple(roles), consortium_id=consortium or self.consortium,
                                   organisation_id=organisation_id, user_id=user_id or uuid.uuid4().hex)
        return {"Authorization": self.sign(principal, "finance")}

    def call(self, method: str, path: str, body=None, status: int = 200, headers=None):
        response = self.client.open(path, method=method, json=body, headers=headers or self.finance)
        assert response.status_code == status, (response.status_code, response.get_data(as_text=True))
        payload = response.get_json(silent=True)
        assert not find_floats(payload), find_floats(payload)  # F4: never a float, in any answer
        return payload

    # --- events ------------------------------------------------------------------------------------

    def event(self, type_: str, data: dict, subject: str = "test/1"):
        return new_event(type_, subject=subject, data=data, consortium_id=self.consortium, actor="user:test",
                         correlation_id="test", producer=type_.split(".", 1)[0])

    def apply(self, type_: str, data: dict, subject: str = "test/1") -> bool:
        """Deliver a new event to finance's consumer as the broker would (inbox and all)."""
        return self.deliver(self.event(type_, data, subject))

    def deliver(self, event) -> bool:
        """Deliver this very event (again, for a replay); False when the inbox had it already."""
        return self.app.extensions["hubkit.applier"].apply(event)

    def award(self, value_pence=45_000_000, basis_points=800, schedule=None, contract_id=None, title="Wellbeing hubs"):
        contract_id = contract_id or uuid.uuid4()
        schedule = schedule if schedule is not None else [
            {"due_on": "2027-07-30", "amount_pence": 3_750_000}, {"due_on": "2027-10-30", "amount_pence": 3_750_000}]
        self.apply("contracts.contract.awarded", {
            "contract_id": str(contract_id), "opportunity_id": None, "title": title,
            "commissioner_name": "Leeds City Council", "value_pence": value_pence,
            "management_fee_basis_points": basis_points, "starts_on": "2027-04-01", "ends_on": "2030-03-31",
            "payment_terms": "Quarterly in arrears", "income_schedule": schedule}, f"contract/{contract_id}")
        return contract_id

    def subcontract_data(self, organisation_id=None, schedule=None, contract_id=None, subcontract_id=None,
                         name="Northfield Advice Centre", value_pence=12_000_000) -> dict:
        return {"subcontract_id": str(subcontract_id or uuid.uuid4()), "contract_id": str(contract_id or uuid.uuid4()),
                "organisation_id": str(organisation_id or self.org_a), "organisation_name": name,
                "purpose": "delivery", "value_pence": value_pence, "starts_on": "2026-04-01",
                "ends_on": "2029-03-31", "payment_schedule": schedule or []}

    @staticmethod
    def by_date(amount, due_on, instalment_id=None) -> dict:
        return {"instalment_id": str(instalment_id or uuid.uuid4()), "due_on": due_on.isoformat(),
                "amount_pence": amount, "release": "on_date", "period_id": None}

    @staticmethod
    def by_results(amount, period_id, due_on=None, instalment_id=None) -> dict:
        return {"instalment_id": str(instalment_id or uuid.uuid4()), "due_on": (due_on or PAST).isoformat(),
                "amount_pence": amount, "release": "on_accepted_return", "period_id": str(period_id)}

    def issue(self, data: dict) -> dict:
        self.apply("contracts.subcontract.issued", data, f"subcontract/{data['subcontract_id']}")
        return data

    def vary(self, data: dict, schedule: list, reason="Extra outreach", value_pence=None) -> dict:
        varied = dict(data, payment_schedule=schedule, variation_id=str(uuid.uuid4()), reason=reason,
                      previous_value_pence=data["value_pence"], value_pence=value_pence or data["value_pence"])
        self.apply("contracts.subcontract.varied", varied, f"subcontract/{data['subcontract_id']}")
        return varied

    def return_event(self, data: dict, period_id, accepted=True, return_id=None, comment="Please attach the register"):
        body = {"return_id": str(return_id or uuid.uuid4()), "subcontract_id": data["subcontract_id"],
                "contract_id": data["contract_id"], "organisation_id": data["organisation_id"],
                "period_id": str(period_id), "period_label": "2026-27 Q1"}
        if accepted:
            return self.event("contracts.return.accepted", body | {"accepted_on": clock.today().isoformat()},
                              f"subcontract/{data['subcontract_id']}")
        return self.event("contracts.return.queried", body | {"comment": comment},
                          f"subcontract/{data['subcontract_id']}")

    def schedule(self, data: dict, headers=None) -> dict:
        return self.call("GET", f"/payments/subcontracts/{data['subcontract_id']}", headers=headers)

    def attendance(self, status="present", claimable=True, meeting_id=None, seat_id=None, organisation_id=None,
                   deputy_name=None, person="Asha Patel"):
        meeting_id, seat_id = meeting_id or uuid.uuid4(), seat_id or uuid.uuid4()
        event = self.event("governance.attendance.recorded", {
            "meeting_id": str(meeting_id), "body_id": str(uuid.uuid4()), "seat_id": str(seat_id),
            "organisation_id": str(organisation_id or self.org_a), "person_name": person, "deputy_name": deputy_name,
            "meeting_on": "2026-11-05", "status": status, "claimable": claimable}, f"meeting/{meeting_id}")
        self.deliver(event)
        return meeting_id, seat_id

    # --- budgets ----------------------------------------------------------------------------------

    def adopted_budget(self, year=2026, lines=None) -> dict:
        budget = self.call("POST", "/budgets", {"year": year}, 201)
        for code, title, kind, category, amount in lines or (
                ("E1", "Outreach", "expenditure", None, 2_000_000),
                ("E2", "Events", "expenditure", None, 1_500_000),
                ("E3", "Subcontractors", "expenditure", "subcontractor_payments", 10_000_000),
                ("E4", "Staff recharges", "expenditure", "staff_recharges", 3_000_000),
                ("I1", "Contract income", "income", "income", 20_000_000)):
            budget = self.call("POST", f"/budgets/{budget['id']}/lines", {
                "code": code, "title": title, "kind": kind, "category": category, "amount_pence": amount}, 201)
        return self.call("POST", f"/budgets/{budget['id']}/adopt")

    @staticmethod
    def line(budget: dict, code: str) -> dict:
        return next(line for line in budget["lines"] if line["code"] == code)

    def figures(self, budget_id) -> dict:
        budget = self.call("GET", f"/budgets/{budget_id}")
        return {line["code"]: line["amount_pence"] for line in budget["lines"]}

    # --- the outbox -------------------------------------------------------------------------------

    def outbox(self, event_type: str) -> list[dict]:
        db = self.app.extensions["hubkit.db"]
        with db.session(None) as session:
            payloads = session.execute(select(db.kit.outbox.c.payload).where(
                db.kit.outbox.c.event_type == event_type, db.kit.outbox.c.consortium_id == self.consortium)
                .order_by(db.kit.outbox.c.seq)).scalars()
            return [json.loads(p) for p in payloads]


@pytest.fixture
def mh(app, client, sign) -> MoneyHub:
    return MoneyHub(app, client, sign)


__all__ = ["FUTURE", "PAST", "MoneyHub", "find_floats", "mh"]
