"""Demo data for money (F1, F2, G11): this year's budget with lines, two variations pending (one within the £5,000
threshold, waiting for the finance officer; one over it, waiting for the Management Board), bank details and a paid
payment run from the demo contract's subcontracts, income received with its management fee, and an attendance
claim for the demo member's organisation, approved.

`load(call)`: `call(username, method, path, json=None)` sends a request through the gateway's API as a demo user.
Loading twice adds nothing: a consortium that already has a budget is left as it is.
"""
from __future__ import annotations

import datetime as dt

from hubkit import clock

from demo_data import wait_until

LINES = (  # code, title, kind, ledger category (for actuals), amount in pence
    ("I1", "Contract income", "income", "income", 15_000_000),
    ("I2", "Management fee", "income", "management_fee", 1_200_000),
    ("E1", "Subcontractor payments", "expenditure", "subcontractor_payments", 12_000_000),
    ("E2", "Shared staff recharges", "expenditure", "staff_recharges", 2_400_000),
    ("E3", "Meeting attendance claims", "expenditure", "attendance_claims", 480_000),
    ("E4", "Outreach and events", "expenditure", None, 600_000),
)
BANK = ("20-45-77", "4{:07d}")  # made-up demo bank details


def _financial_year(today: dt.date) -> int:
    return today.year if today.month >= 4 else today.year - 1


def _budget(call) -> None:
    year = _financial_year(dt.date.today())
    budget = call("finance", "POST", "/finance/budgets", {"year": year})
    for code, title, kind, category, amount in LINES:
        budget = call("finance", "POST", f"/finance/budgets/{budget['id']}/lines", {
            "code": code, "title": title, "kind": kind, "category": category, "amount_pence": amount})
    budget = call("finance", "POST", f"/finance/budgets/{budget['id']}/adopt")
    line = {row["code"]: row["id"] for row in budget["lines"]}
    call("finance", "POST", "/finance/variations", {
        "kind": "virement", "from_line_id": line["E4"], "line_id": line["E3"], "amount_pence": 250_000,
        "reason": "More partners are attending: move part of the events budget to meeting claims."})
    call("finance", "POST", "/finance/variations", {
        "kind": "variation", "line_id": line["E1"], "amount_pence": 1_000_000, "direction": "increase",
        "reason": "The commissioner added two outreach sessions a month: more paid to subcontractors."})


def _income(call) -> None:
    contracts = wait_until(lambda: call("finance", "GET", "/finance/income/contracts"), timeout=15) or []
    today = dt.date.today().isoformat()
    for contract in contracts[:1]:
        due = [i for i in contract["instalments"] if i["due_on"] <= today and not i["received_on"]]
        for instalment in due[:1]:
            call("finance", "POST", f"/finance/income/instalments/{instalment['id']}/received",
                 {"received_on": instalment["due_on"]})


def _payments(call) -> None:
    subcontracts = wait_until(lambda: call("finance", "GET", "/finance/payments/subcontracts"), timeout=15) or []
    for index, subcontract in enumerate(subcontracts):
        call("finance", "PUT", f"/finance/payments/payees/{subcontract['organisation_id']}", {
            "name": subcontract["organisation_name"], "sort_code": BANK[0],
            "account_number": BANK[1].format(index + 1)})
    call("finance", "POST", "/finance/payments/release-due")
    released = call("finance", "GET", "/finance/payments/instalments?status=released")
    if not released:
        return
    run = call("finance", "POST", "/finance/payment-runs", {
        "instalment_ids": [i["id"] for i in released[:3]], "pay_on": dt.date.today().isoformat()})
    call("finance", "POST", f"/finance/payment-runs/{run['id']}/approve")
    call("finance", "POST", f"/finance/payment-runs/{run['id']}/paid", {"paid_on": dt.date.today().isoformat()})


def _claim(call) -> None:
    """G11: the member's representative attends a finance sub-group meeting; finance makes the claim by event."""
    organisation_id = call("member", "GET", "/finance/staff/whoami").get("organisation_id")
    if organisation_id is None:
        return
    body = call("manager", "POST", "/governance/bodies", {"kind": "sub_group", "name": "Finance and audit sub-group",
                                                          "rules": {}})
    others = [o["id"] for o in call("manager", "GET", "/membership/organisations") if o["id"] != organisation_id]
    seats = [call("manager", "POST", f"/governance/bodies/{body['id']}/seats", {
        "role": "member", "person_name": name, "starts_on": "2025-01-01", "organisation_id": org})
        for name, org in (("Priya Shah", organisation_id), ("Dan Mercer", others[0] if others else None)) if org]
    # attendance is recorded once the meeting has started: it met earlier today
    starts = max(clock.utcnow() - dt.timedelta(minutes=30), clock.start_of_day(clock.today()))
    meeting = call("manager", "POST", f"/governance/bodies/{body['id']}/meetings", {
        "starts_at": starts.isoformat(), "notice_given_on": (clock.today() - dt.timedelta(days=14)).isoformat()})
    call("manager", "POST", f"/governance/meetings/{meeting['id']}/attendance",
         {"seat_id": seats[0]["id"], "status": "present"})
    for seat in seats[1:]:
        call("manager", "POST", f"/governance/meetings/{meeting['id']}/attendance",
             {"seat_id": seat["id"], "status": "apologies"})  # G11: nothing to claim for a meeting missed
    claim = wait_until(lambda: next((c for c in call("finance", "GET", "/finance/claims")
                                if c["meeting_id"] == meeting["id"]), None))
    if claim is not None:
        call("finance", "POST", f"/finance/claims/{claim['id']}/approve")


def load(call) -> None:
    if call("finance", "GET", "/finance/budgets"):
        return  # loaded before
    _budget(call)
    _income(call)
    _payments(call)
    _claim(call)
