"""Demo data for the pipeline and bids: four opportunities at different stages and one bid in preparation.

`load(call)` is run by `make run` after the demo organisations exist; `call(username, method, path, json=None)`
sends a request through the gateway's API as a demo user and returns the parsed JSON.
"""
from __future__ import annotations

import datetime as dt

from demo_data import decide_at_the_meeting, wait_until

TODAY = dt.date.today()


def _on(days: int) -> str:
    return (TODAY + dt.timedelta(days=days)).isoformat()


OPPORTUNITIES = [
    {"title": "Community wellbeing hubs", "commissioner_name": "Leeds City Council",
     "commissioner_type": "local_authority", "estimated_value_pence": 45_000_000, "contract_length_months": 36,
     "description": "Six neighbourhood hubs offering advice, peer support and activities for adults with low "
                    "level mental health needs.", "service_categories": ["mental_health", "advice"],
     "areas": ["Leeds"], "notice_reference": "Find a Tender 2026/S 000-031337",
     "clarification_deadline": _on(6), "submission_deadline": _on(20), "award_expected_on": _on(60),
     "start_expected_on": _on(120)},
    {"title": "Carers' short breaks service", "commissioner_name": "City of Bradford Metropolitan District Council",
     "commissioner_type": "local_authority", "estimated_value_pence": 18_000_000, "contract_length_months": 24,
     "service_categories": ["carers"], "areas": ["Bradford", "Craven"], "clarification_deadline": _on(9),
     "submission_deadline": _on(30), "award_expected_on": _on(75)},
    {"title": "Social prescribing link workers", "commissioner_name": "NHS West Yorkshire Integrated Care Board",
     "commissioner_type": "nhs", "estimated_value_pence": 62_000_000, "contract_length_months": 48,
     "service_categories": ["mental_health", "volunteering"], "areas": ["Leeds", "Wakefield"],
     "clarification_deadline": _on(2), "submission_deadline": _on(12)},
    {"title": "Youth employment pathways", "commissioner_name": "West Yorkshire Combined Authority",
     "commissioner_type": "central_government", "estimated_value_pence": 30_000_000, "contract_length_months": 24,
     "service_categories": ["youth", "employment"], "areas": ["Leeds"], "submission_deadline": _on(45)},
]


def _ask_the_board(call, opportunity_id: str, note: str) -> None:
    """The Management Board approves the go/no-go at its meeting, recorded in governance by its chair
    (governance.client, through demo_data.decide_at_the_meeting); the decision reaches contracts by event. Nobody
    records a go/no-go in contracts (issue 12 item 1): if governance does not answer in time, the load stops."""
    call("manager", "POST", f"/contracts/opportunities/{opportunity_id}/stage", {"stage": "qualifying"})
    call("manager", "POST", f"/contracts/opportunities/{opportunity_id}/go-no-go", {})
    request = wait_until(lambda: next((r for r in call("board", "GET", "/governance/decision-requests")
                                       if r["subject"] == f"opportunity/{opportunity_id}"
                                       and r["status"] == "pending"), None))
    if not request:
        raise RuntimeError(f"The go/no-go request for opportunity {opportunity_id} did not reach governance.")
    decide_at_the_meeting(call, [request], note)
    if not wait_until(lambda: call("manager", "GET", f"/contracts/opportunities/{opportunity_id}")
                      ["opportunity"]["stage"] == "bidding"):
        raise RuntimeError(f"The board's go/no-go decision did not reach opportunity {opportunity_id} in contracts.")


def load(call) -> None:
    existing = {row["opportunity"]["title"] for row in call("manager", "GET", "/contracts/opportunities")}
    if existing:
        return  # loaded on an earlier start
    ids = [call("manager", "POST", "/contracts/opportunities", details)["opportunity"]["id"]
           for details in OPPORTUNITIES]
    wellbeing, carers, prescribing, youth = ids

    # Youth employment: identified, in two lots.
    call("manager", "POST", f"/contracts/opportunities/{youth}/lots",
         {"number": 1, "title": "16 to 18 year olds", "estimated_value_pence": 12_000_000})
    call("manager", "POST", f"/contracts/opportunities/{youth}/lots",
         {"number": 2, "title": "19 to 24 year olds", "estimated_value_pence": 18_000_000})
    # Social prescribing: being qualified.
    call("manager", "POST", f"/contracts/opportunities/{prescribing}/stage",
         {"stage": "qualifying", "note": "Checking the TUPE position with the ICB."})
    # Carers' breaks: waiting for the board's go/no-go.
    call("manager", "POST", f"/contracts/opportunities/{carers}/stage", {"stage": "qualifying"})
    call("manager", "POST", f"/contracts/opportunities/{carers}/go-no-go",
         {"detail": "Two members can deliver; the price looks tight at the stated hours."})
    # Wellbeing hubs: the board said go; the bid is in preparation.
    _ask_the_board(call, wellbeing, "A strong fit for the members' mental health offer.")
    bid = call("manager", "POST", f"/contracts/opportunities/{wellbeing}/bids", {"lead_name": "Priya Shah"})
    bid_id = bid["bid"]["id"]
    for title, owner, days, done in (("Read the specification and clarify questions", "Priya Shah", -3, True),
                                     ("Method statement: hub model", "Priya Shah", 8, False),
                                     ("Social value commitments", "Tom Okafor", 12, False),
                                     ("Pricing schedule", "Tom Okafor", 15, False)):
        task = call("manager", "POST", f"/contracts/bids/{bid_id}/tasks",
                    {"title": title, "owner": owner, "due_on": _on(days)})
        if done:
            call("manager", "PATCH", f"/contracts/bids/{bid_id}/tasks/{task['id']}", {"done": True})
    call("manager", "PUT", f"/contracts/bids/{bid_id}/pricing",
         {"price_pence": 45_000_000, "management_fee_basis_points": 800})
    members = wait_until(lambda: [m for m in call("manager", "GET", "/contracts/members")
                             if m["status"] == "active" and m.get("eligible_for_new_work", True)]) or []
    shares = [24_000_000, 17_000_000]
    for member, share in zip(members, shares):
        call("manager", "POST", f"/contracts/bids/{bid_id}/partners", {
            "organisation_id": member["id"], "share_pence": share,
            "outputs": ["Two neighbourhood hubs open five days a week", "300 people supported a year"]})
        if member is members[0]:
            call("manager", "PATCH", f"/contracts/bids/{bid_id}", {"lead_organisation_id": member["id"]})
