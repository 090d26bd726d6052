"""Cost codes (H2, H4): hub functions, a code per bid (from contracts' events) and per contract, own codes."""
from __future__ import annotations

import uuid
from pathlib import Path

from time_fixtures import th  # noqa: F401


def _opportunity(th, opportunity_id, title="Community wellbeing hubs"):
    return th.apply("contracts.opportunity.created", {
        "opportunity_id": str(opportunity_id), "title": title, "commissioner_name": "Leeds City Council",
        "stage": "identified", "estimated_value_pence": 45_000_000}, f"opportunity/{opportunity_id}")


def test_h4_each_opportunity_gets_one_chargeable_bid_code_even_when_told_twice(th):
    opportunity = uuid.uuid4()
    assert _opportunity(th, opportunity)
    assert _opportunity(th, opportunity)  # a different event with the same business fact
    bids = [c for c in th.call("GET", "/cost-codes") if c["kind"] == "bid"]
    assert len(bids) == 1
    assert bids[0]["source_id"] == str(opportunity) and bids[0]["chargeable"] is True
    assert bids[0]["title"] == "Bid: Community wellbeing hubs"


def test_h4_open_contract_code_makes_one_code_per_contract(th, app):
    from hubkit.db import Tenant
    from hubkit.unit_of_work import UnitOfWork
    from finance.service_layer.cost_codes import open_contract_code

    contract = uuid.uuid4()
    for _ in range(2):
        with UnitOfWork(app.extensions["hubkit.db"], Tenant(th.consortium), actor="test", service="finance") as uow:
            open_contract_code(uow, contract, "Wellbeing hubs 2027")
            uow.commit()
    contracts = [c for c in th.call("GET", "/cost-codes") if c["kind"] == "contract"]
    assert [(c["source_id"], c["title"]) for c in contracts] == [(str(contract), "Contract: Wellbeing hubs 2027")]


def test_the_finance_officer_adds_and_closes_codes_and_closed_codes_take_no_new_time(th):
    code = th.call("POST", "/cost-codes", {"code": "lottery-bid", "title": "Lottery bid", "chargeable": True}, 201)
    th.call("POST", "/cost-codes", {"code": "lottery-bid", "title": "Again", "chargeable": True}, 422)
    th.call("POST", "/cost-codes", {"code": "Bad Code!", "title": "x", "chargeable": True}, 422)
    th.call("POST", "/cost-codes", {"code": "x", "title": "x", "chargeable": True}, 403, th.manager)
    th.call("PATCH", f"/cost-codes/{code['id']}", {"active": False})
    staff = th.staff()
    th._codes = None
    response = th.week(staff, grid={(0, "lottery-bid"): 60}, status=422)
    assert "cost_code_id" in response["errors"]["entries"]["0"]
