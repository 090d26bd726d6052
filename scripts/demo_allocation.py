"""Demo data for fair allocation of work (C1-C7): one decided round and one open round.

`load(call)` is run by `make run` after the pipeline's demo data; `call(username, method, path, json=None)` sends a
request through the gateway's API as a demo user and returns the parsed JSON. A second load adds nothing.

- Decided: youth employment lot 1 (16 to 18 year olds). Both invited members declared an interest (C2); one, the
  demo member user's organisation, sent an expression of interest; the panel (a lead member, hub staff and an
  outside expert, C3) was confirmed with a board member servicing it (C7); the criteria were fixed (C4); the
  panel scored and the work was awarded by weighted score.
- Open: youth employment lot 2 (19 to 24 year olds), collecting declarations, its panel being formed: the demo
  member user can declare an interest from "My invitations".
"""
from __future__ import annotations

import datetime as dt

from demo_data import wait_until

TODAY = dt.date.today()
YOUTH = "Youth employment pathways"
CAPACITY = {  # a change to each active member's register entry publishes membership.capability.updated (M2)
    "Riverside Council for Voluntary Service": "Volunteer coordinators free from April; can host two more projects.",
    "Eastgate Youth Project": "Two youth workers can start a new contract within a month.",
    "Dales Rural Transport": "Minibus capacity on weekdays outside school runs.",
}
CRITERIA = {"criteria": [
    {"name": "Quality and experience", "weight": 50, "description": "Track record with young people into work"},
    {"name": "Reach into the communities served", "weight": 30, "description": "Local presence and referral routes"},
    {"name": "Value for money", "weight": 20, "description": "Outputs for the proposed value"}],
    "scale_max": 10, "tie_break": "heaviest_criterion"}


def _on(days: int) -> str:
    return (TODAY + dt.timedelta(days=days)).isoformat()


def _register_entries(call) -> dict[str, str] | None:
    """Active members' register entries reach contracts by event; their ids by name (None if they did not)."""
    members = {m["name"]: m["id"] for m in call("manager", "GET", "/contracts/members") if m["status"] == "active"}
    for name, capacity in CAPACITY.items():
        if name in members:
            call("manager", "PATCH", f"/membership/organisations/{members[name]}", {"capacity": capacity})
    wanted = {members[name] for name in CAPACITY if name in members}
    arrived = wait_until(lambda: wanted <= {c["id"] for c in call("manager", "GET", "/contracts/allocation/capabilities")})
    return members if arrived else None


def _lots(call) -> dict[int, str]:
    youth = next((row["opportunity"] for row in call("manager", "GET", "/contracts/opportunities")
                  if row["opportunity"]["title"] == YOUTH), None)
    if youth is None:
        return {}
    detail = call("manager", "GET", f"/contracts/opportunities/{youth['id']}")
    return {lot["number"]: lot["id"] for lot in detail["lots"]}


def _panel(call, rid: str, lead_id: str | None) -> list[dict]:
    people = [{"name": "Sara Hussain", "role": "lead_member", "organisation_id": lead_id,
               "expertise": "Runs the consortium's transport-to-work scheme"},
              {"name": "Tom Reid", "role": "hub_staff", "expertise": "Consortium contracts officer"},
              {"name": "Dr Alan Reeve", "role": "outside_expert", "expertise": "Youth employment research, Leeds "
                                                                               "Beckett University"}]
    return [call("manager", "POST", f"/contracts/allocation-rounds/{rid}/panel", person) for person in people]


def load(call) -> None:
    if call("manager", "GET", "/contracts/allocation-rounds"):
        return  # loaded on an earlier start
    lots = _lots(call)
    if not lots:
        return  # the pipeline's demo data is not there
    members = _register_entries(call)
    if not members:
        return  # contracts has not heard from membership's register yet: loaded on a later start
    riverside, eastgate = members.get("Riverside Council for Voluntary Service"), members.get("Eastgate Youth Project")
    lead = members.get("Dales Rural Transport")
    base = "/contracts/allocation-rounds"

    # Decided: lot 1.
    decided = call("manager", "POST", base, {
        "lot_id": lots[1], "service_categories": ["youth", "employment", "volunteering"], "areas": ["Leeds"],
        "specification": "Pre-employment support for 16 to 18 year olds not in education, employment or training: "
                         "mentoring, work tasters and help into apprenticeships.",
        "declarations_close_on": _on(-40), "eois_close_on": _on(-20), "decision_by": _on(-10)})
    rid = decided["round"]["id"]
    for org, detail in ((riverside, "We would lead, with volunteer mentors."),
                        (eastgate, "Interested; may bid with a partner.")):
        if org:
            call("manager", "POST", f"{base}/{rid}/declarations", {"organisation_id": org, "detail": detail})
    panel = _panel(call, rid, lead)
    call("manager", "PUT", f"{base}/{rid}/servicing", {"name": "Margaret Oduya", "capacity": "management_board"})
    call("manager", "POST", f"{base}/{rid}/panel/confirmation")
    criteria = call("manager", "PUT", f"{base}/{rid}/criteria", CRITERIA)["criteria"]
    call("manager", "POST", f"{base}/{rid}/eois/opening")
    eoi = call("member", "POST", f"{base}/{rid}/eois", {
        "statement": "Riverside CVS will run weekly mentoring with 40 trained volunteer mentors, work tasters with "
                     "local employers and a drop-in at the Burmantofts hub.", "proposed_value_pence": 11_400_000})
    call("manager", "POST", f"{base}/{rid}/eois/closing")
    for person, marks in zip(panel, ((8, 7, 6), (7, 8, 7), (8, 6, 7))):
        call("manager", "PUT", f"{base}/{rid}/panel/{person['id']}/scores", {"scores": [
            {"eoi_id": eoi["id"], "criterion_id": c["id"], "score": mark, "comment": ""}
            for c, mark in zip(criteria, marks)]})
    call("manager", "PUT", f"{base}/{rid}/moderation", {
        "eoi_id": eoi["id"], "criterion_id": criteria[1]["id"], "score": 7,
        "reason": "The panel agreed 7: strong referral routes in east Leeds, fewer in the west."})
    call("manager", "POST", f"{base}/{rid}/award")

    # Open: lot 2, collecting declarations; the panel is being formed.
    open_round = call("manager", "POST", base, {
        "lot_id": lots[2], "service_categories": ["employment", "volunteering"], "areas": ["Leeds"],
        "specification": "Employability support for 19 to 24 year olds, with volunteering placements as a route "
                         "into work.", "declarations_close_on": _on(7), "eois_close_on": _on(21),
        "decision_by": _on(30)})
    rid = open_round["round"]["id"]
    call("manager", "POST", f"{base}/{rid}/panel", {"name": "Sara Hussain", "role": "lead_member",
                                                    "organisation_id": lead})
    call("manager", "POST", f"{base}/{rid}/panel", {"name": "Tom Reid", "role": "hub_staff"})
    call("manager", "PUT", f"{base}/{rid}/criteria", CRITERIA)
