"""The policies register: owner, approving decision, review date; overdue reviews and G10 flagged."""
from __future__ import annotations

import datetime as dt
import uuid

from hubkit import clock

TODAY = clock.today()


def decide(hub, body, text, kind="ordinary") -> dict:
    meeting = hub.held_meeting(body["id"])
    for seat in body["member_seats"]:
        hub.attend(meeting["id"], seat["id"])
    item = hub.item(meeting["id"], text)
    motion = hub.call("POST", f"/meetings/{meeting['id']}/motions",
                      {"agenda_item_id": item["id"], "text": text, "kind": kind}, 201)
    return hub.call("POST", f"/meetings/{meeting['id']}/motions/{motion['id']}/votes",
                    {"votes": [{"seat_id": s["id"], "vote": "for"} for s in body["member_seats"]]}, 201)


def test_g10_policies_with_overdue_reviews_and_the_yearly_governance_review(hub):
    board = hub.body("management_board", members=3)
    hub.secretary(board["id"])  # records the show of hands and declarations made aloud
    register = hub.call("GET", "/policies")
    assert register["policies"] == [] and "G10" in register["governance_review_warning"]
    approval = decide(hub, board, "Adopt the safeguarding policy")
    overdue = hub.call("POST", "/policies", {
        "title": "Safeguarding", "owner": "Asha Patel", "approved_on": (TODAY - dt.timedelta(days=400)).isoformat(),
        "review_due_on": (TODAY - dt.timedelta(days=35)).isoformat(), "approved_by_decision_id": approval["id"]}, 201)
    hub.call("POST", "/policies", {"title": "Conflicts of interest", "owner": "Hub manager",
                                   "approved_on": TODAY.isoformat(),
                                   "review_due_on": (TODAY + dt.timedelta(days=365)).isoformat()}, 201)
    flagged = {p["policy"]["title"]: p["overdue"] for p in hub.call("GET", "/policies")["policies"]}
    assert flagged == {"Safeguarding": True, "Conflicts of interest": False}
    hub.call("POST", f"/policies/{overdue['id']}/review", {
        "reviewed_on": TODAY.isoformat(), "next_review_on": (TODAY + dt.timedelta(days=365)).isoformat()})
    assert not any(p["overdue"] for p in hub.call("GET", "/policies")["policies"])
    review = decide(hub, board, "The yearly review of governance and management arrangements", "governance_review")
    assert review["kind"] == "governance_review"
    assert hub.call("GET", "/policies")["governance_review_warning"] is None


def test_a_policy_needs_a_decision_that_approved_it_and_a_later_review_date(hub):
    hub.call("POST", "/policies", {"title": "Finance", "owner": "Finance officer", "approved_on": "2026-01-01",
                                   "review_due_on": "2027-01-01", "approved_by_decision_id": str(uuid.uuid4())}, 409)
    hub.call("POST", "/policies", {"title": "Finance", "owner": "Finance officer", "approved_on": "2026-01-01",
                                   "review_due_on": "2025-01-01"}, 409)
    hub.call("POST", "/policies", {"title": "Finance", "owner": "Finance officer", "approved_on": "2026-01-01",
                                   "review_due_on": "2027-01-01"}, 403, headers=hub.as_(("finance_officer",)))
    hub.call("POST", f"/policies/{uuid.uuid4()}/review", {"reviewed_on": "2026-01-01",
                                                          "next_review_on": "2027-01-01"}, 404)
