"""Demo data for contracts and performance (P1): one head contract won from the commissioner, two subcontracts
(one to the demo member's organisation) and two quarters of returns, one accepted and one awaiting review.

`load(call)` is run by `make run` after the demo organisations exist; `call(username, method, path, json=None)`
sends a request through the gateway's API as a demo user and returns the parsed JSON.
"""
from __future__ import annotations

import datetime as dt

from membership.client import complete_due_diligence

from demo_data import decide_at_the_meeting, wait_until

TODAY = dt.date.today()


def _active(call) -> list[dict]:
    """Active members, the demo member user's own organisation first (it delivers the first subcontract)."""
    own = {o["id"] for o in call("member", "GET", "/membership/organisations")}
    members = [m for m in call("manager", "GET", "/contracts/members") if m["status"] == "active"]
    return sorted(members, key=lambda m: m["id"] not in own)


def _second_member(call, taken: set[str]) -> dict | None:
    """A second active member for the other subcontract: registered, checked and approved by the board."""
    org = call("manager", "POST", "/membership/organisations", {"name": "Wharfedale Carers Network",
                                                                 "legal_form": "cio"})
    complete_due_diligence(lambda method, path, body: call("manager", method, "/membership" + path, body), org["id"])
    call("manager", "POST", f"/membership/organisations/{org['id']}/application", {})
    request = wait_until(lambda: next((r for r in call("board", "GET", "/governance/decision-requests")
                                  if org["id"] in r["subject"] and r["status"] == "pending"), None))
    if request is None:
        return None
    decide_at_the_meeting(call, [request], "Due diligence complete.")
    return wait_until(lambda: next((m for m in _active(call) if m["id"] == org["id"]), None))


def load(call) -> None:
    members = wait_until(lambda: _active(call))
    if not members:
        print("demo_delivery: no active member organisation yet; skipped")
        return
    start = (TODAY - dt.timedelta(days=240)).replace(day=1)
    end = start.replace(year=start.year + 3) - dt.timedelta(days=1)
    quarter = [(start.replace(year=start.year + (start.month + 3 * n - 1) // 12,
                              month=(start.month + 3 * n - 1) % 12 + 1)) for n in range(12)]
    detail = call("manager", "POST", "/contracts/contracts", {
        "title": "Community wellbeing hubs", "commissioner_name": "Leeds City Council",
        "description": "Six neighbourhood hubs offering advice, peer support and activities.",
        "value_pence": 45_000_000, "management_fee_basis_points": 800, "starts_on": start.isoformat(),
        "ends_on": end.isoformat(), "payment_terms": "Quarterly in arrears, 30 days",
        "income_schedule": [{"due_on": (q + dt.timedelta(days=120)).isoformat(), "amount_pence": 3_750_000}
                            for q in quarter],
        "indicators": [
            {"code": "O1", "name": "People helped", "kind": "output", "unit": "people"},
            {"code": "O2", "name": "Peer support sessions run", "kind": "output", "unit": "sessions"},
            {"code": "W1", "name": "Days waited for a first appointment", "kind": "outcome", "unit": "days",
             "higher_is_better": False}]})
    cid = detail["contract"]["id"]
    targets = [{"indicator": code, "period": str(n), "target": value}
               for n in range(1, 13) for code, value in (("O1", 120), ("O2", 36), ("W1", 10))]
    detail = call("manager", "PUT", f"/contracts/contracts/{cid}/targets", {"targets": targets})
    periods = [row["period"] for row in detail["periods"]]

    def shares(o1, o2):
        return [{"indicator": code, "period": str(n), "target": value}
                for n in range(1, 13) for code, value in (("O1", o1), ("O2", o2), ("W1", 10))]

    first = members[0]
    northfield = call("manager", "POST", f"/contracts/contracts/{cid}/subcontracts", {
        "organisation_id": first["id"], "value_pence": 22_000_000, "targets": shares(70, 20),
        "payment_schedule": [{"amount_pence": 1_800_000, "release": "on_accepted_return", "period_id": p["id"]}
                             for p in periods]})
    second = next((m for m in members[1:]), None) or _second_member(call, {first["id"]})
    if second is not None:
        call("manager", "POST", f"/contracts/contracts/{cid}/subcontracts", {
            "organisation_id": second["id"], "value_pence": 18_000_000, "targets": shares(50, 16),
            "payment_schedule": [{"due_on": (start + dt.timedelta(days=30 * n)).isoformat(),
                                  "amount_pence": 500_000} for n in range(0, 36)]})
    mine = call("member", "GET", "/contracts/subcontracts")
    if not any(s["id"] == northfield["subcontract"]["id"] for s in mine):
        print("demo_delivery: the demo member is not linked to the first member organisation; no returns")
        return
    sid = northfield["subcontract"]["id"]
    q1 = call("member", "POST", f"/contracts/subcontracts/{sid}/returns", {
        "period_id": periods[0]["id"], "actuals": {"O1": 72, "O2": 21, "W1": 9},
        "narrative": "Opened the Harehills hub; peer support groups are full."})
    call("manager", "POST", f"/contracts/returns/{q1['performance_return']['id']}/review",
         {"decision": "accept", "comment": "Thank you: a strong first quarter."})
    call("member", "POST", f"/contracts/subcontracts/{sid}/returns", {
        "period_id": periods[1]["id"], "actuals": {"O1": 51, "O2": 14, "W1": 13},
        "narrative": "Staff sickness over the summer; two sessions were cancelled."})
