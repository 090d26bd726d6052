"""Demo data for shared-staff time (H4, F3): two host-employed shared staff with full-cost rates, a few approved
weeks, one issued recharge invoice and some time still to recharge, so the subsidy report has something to show.

`load(call)`: `call(username, method, path, json=None)` sends a request through the gateway's API as a demo user.
"""
from __future__ import annotations

import datetime as dt

from governance import client as governance_client

from demo_data import governance_as, partners, wait_until


def _months_back(today: dt.date, n: int) -> dt.date:
    month = today.replace(day=1)
    for _ in range(n):
        month = (month - dt.timedelta(days=1)).replace(day=1)
    return month


def _mondays(month: dt.date) -> list[dt.date]:
    """Mondays whose whole working week (Monday to Friday) falls in the month."""
    days = [month + dt.timedelta(days=d) for d in range(31)]
    return [d for d in days if d.month == month.month and d.weekday() == 0
            and (d + dt.timedelta(days=4)).month == month.month]


def _outsource_hub(call, host_id: str) -> None:
    """H1: the Management Board's decision to outsource the hub to the host, then the hub model from it."""
    if call("manager", "GET", "/governance/hub").get("model"):
        return
    manager = governance_as(call, "manager")
    members = partners(call)
    board = governance_client.deciding_body(manager, "budget_variation")  # the Management Board
    board = governance_client.seat_members(manager, governance_client.seat_officer(manager, board, "board", "Bo Board"),
                                           members)
    meeting = governance_client.hold_meeting(manager, board, "Management Board: the hub model")
    present = [a["seat_id"] for a in call("manager", "GET", f"/governance/meetings/{meeting['id']}")["attendance"]]
    item = call("manager", "POST", f"/governance/meetings/{meeting['id']}/agenda-items", {
        "title": "Outsource the hub to our host CVS", "kind": "business", "notified_on": None})["agenda"][-1]
    motion = call("manager", "POST", f"/governance/meetings/{meeting['id']}/motions", {  # H1: a hub-model decision
        "agenda_item_id": item["id"], "text": "Outsource the hub to our host CVS", "kind": "hub_model"})
    # the show of hands is recorded by the body's chair or secretary: the demo's board member
    decision = call("board", "POST", f"/governance/meetings/{meeting['id']}/motions/{motion['id']}/votes", {
        "votes": [{"seat_id": seat_id, "vote": "for"} for seat_id in present]})
    call("manager", "POST", "/governance/hub/model", {
        "model": "outsourced_to_member", "effective_from": f"{dt.date.today().year - 1}-04-01",
        "decision_id": decision["id"], "host_organisation_id": host_id})


def _wait_for_hub_model(call, deadline_s: float = 30) -> None:
    if not wait_until(lambda: call("finance", "GET", "/finance/invoices/hub-model").get("model"), timeout=deadline_s):
        raise RuntimeError("finance did not learn the hub model from governance in time")


def _week(call, username, staff_id, monday, codes, grid) -> dict:
    entries = [{"day": (monday + dt.timedelta(days=d)).isoformat(), "cost_code_id": codes[code], "minutes": minutes}
               for (d, code), minutes in grid.items()]
    return call(username, "PUT", f"/finance/timesheets/staff/{staff_id}/weeks/{monday.isoformat()}",
                {"entries": entries})


def load(call) -> None:
    if call("finance", "GET", "/finance/staff"):
        return  # loaded before
    manager = call("manager", "GET", "/finance/staff/whoami")
    member = call("member", "GET", "/finance/staff/whoami")
    host_id = member["organisation_id"]
    if host_id is None:
        return  # the demo member has no organisation yet: nothing to recharge
    _outsource_hub(call, host_id)
    _wait_for_hub_model(call)
    codes = {c["code"]: c["id"] for c in call("finance", "GET", "/finance/cost-codes")}
    hub_manager = call("finance", "POST", "/finance/staff", {
        "name": "Jo Whitfield (hub manager)", "employer_kind": "host", "organisation_id": host_id,
        "user_id": manager["user_id"]})
    officer = call("finance", "POST", "/finance/staff", {
        "name": "Sam Patel (development officer)", "employer_kind": "host", "organisation_id": host_id,
        "user_id": member["user_id"], "line_manager_id": hub_manager["id"]})
    year = dt.date.today().year - 1
    call("finance", "POST", f"/finance/staff/{hub_manager['id']}/rates", {
        "effective_from": f"{year}-04-01", "salary_pence": 3_450_000, "on_costs_percent": "21.5",
        "overhead_percent": "18", "productive_hours": "1650"})
    call("finance", "POST", f"/finance/staff/{officer['id']}/rates", {
        "effective_from": f"{year}-04-01", "salary_pence": 2_680_000, "on_costs_pence": 520_000,
        "overhead_percent": "18", "productive_hours": "1650"})
    call("finance", "PUT", f"/finance/invoices/issuers/{host_id}", {
        "vat_treatment": "standard", "prefix": "CVS-", "bill_to_name": "Riverside Community Consortium"})
    manager_grid = {(0, "hub-strategic_planning"): 240, (0, "hub-bidding"): 210, (1, "hub-bidding"): 450,
                    (2, "hub-governance"): 180, (2, "employer-own-work"): 270, (3, "hub-contract_management"): 450,
                    (4, "hub-finance"): 120}
    officer_grid = {(0, "hub-membership_and_supply_chain"): 225, (1, "hub-membership_and_supply_chain"): 225,
                    (3, "hub-performance"): 150, (3, "employer-own-work"): 300}
    today = dt.date.today()
    earlier, last = _months_back(today, 2), _months_back(today, 1)
    for month, people in ((earlier, ((hub_manager, "manager", manager_grid),)),
                          (last, ((hub_manager, "manager", manager_grid), (officer, "member", officer_grid)))):
        for monday in _mondays(month)[:2]:
            for staff, username, grid in people:
                sheet = _week(call, username, staff["id"], monday, codes, grid)
                call(username, "POST", f"/finance/timesheets/{sheet['id']}/submit")
                call("finance", "POST", f"/finance/timesheets/{sheet['id']}/approve")
    # One more week last month, logged but not yet submitted: an unapproved part of the subsidy.
    later = _mondays(last)[2:3]
    if later:
        _week(call, "member", officer["id"], later[0], codes, officer_grid)
    invoice = call("finance", "POST", "/finance/invoices", {"organisation_id": host_id,
                                                            "month": earlier.strftime("%Y-%m")})
    call("finance", "POST", f"/finance/invoices/{invoice['id']}/issue")
