"""The governance pages over a fake governance: bodies and seats, the live meeting page (attendance, quorum,
declarations, votes), the decisions log and the hub model; governance's refusals are shown as they come."""
import uuid

import pytest

from conftest import csrf_token_from

# fixed ids: pytest-xdist workers must collect the same parametrized test names
BODY_ID, MEETING_ID, SEAT_ID, ITEM_ID, MOTION_ID = (str(uuid.UUID(int=n)) for n in range(1, 6))
SEAT = {"id": SEAT_ID, "body_id": BODY_ID, "organisation_id": str(uuid.uuid4()), "person_name": "Asha Patel",
        "role": "member", "deputy_for": None, "starts_on": "2026-01-01", "ends_on": None, "lapsed_on": None}
BODY = {"id": BODY_ID, "kind": "partners_group", "name": "Partners Group", "seats": [SEAT],
        "warnings": ["1 members: below the minimum of 6 (G1)."],
        "rules": {"min_members": 6, "max_members": 12, "max_co_opted": 3, "quorum": 1}}
MEETING = {"id": MEETING_ID, "body_id": BODY_ID, "body_name": "Partners Group", "title": "Partners Group meeting",
           "starts_at": "2026-12-10T18:00:00+00:00", "notice_given_on": "2026-11-20", "location": None,
           "minutes": None, "quorum": {"required": 1, "present": 1, "quorate": True},
           "attendance": [{"seat_id": SEAT_ID, "person_name": "Asha Patel", "role": "member", "status": "present",
                           "deputy_name": None}],
           "agenda": [{"id": ITEM_ID, "position": 1, "title": "Progress on commissioned work", "kind": "standing",
                       "notified_on": "2026-11-20", "decision_request_id": None,
                       "declarations": [{"id": str(uuid.uuid4()), "agenda_item_id": ITEM_ID, "seat_id": SEAT_ID,
                                         "interest": "Trustee of Northfield", "excluded_from_discussion": False,
                                         "declared_at": "2026-12-10T18:05:00+00:00"}],
                       "motions": [{"id": MOTION_ID, "agenda_item_id": ITEM_ID, "text": "Note the report",
                                    "kind": "ordinary", "subject": None, "status": "open"}]}],
           "actions": []}


@pytest.fixture
def governance(fake_services):
    answers = fake_services.governance_answers
    answers[("GET", "/bodies")] = (200, [{"id": BODY_ID, "kind": "partners_group", "name": "Partners Group"}])
    answers[("GET", f"/bodies/{BODY_ID}")] = (200, BODY)
    answers[("GET", f"/bodies/{BODY_ID}/meetings")] = (200, [{k: MEETING[k] for k in (
        "id", "body_id", "title", "starts_at", "notice_given_on", "location")}])
    answers[("GET", f"/meetings/{MEETING_ID}")] = (200, MEETING)
    return fake_services


@pytest.mark.parametrize("path", ["/governance", f"/governance/bodies/{BODY_ID}", f"/governance/meetings/{MEETING_ID}",
                                  "/governance/decisions-log", "/governance/hub", "/governance/policies"])
def test_governance_pages_are_for_the_board_and_managers_only(logged_in, governance, path):
    assert logged_in("finance").get(path).status_code == 403


def test_the_governance_place_is_in_the_board_members_navigation(logged_in, governance):
    page = logged_in("board").get("/").get_data(as_text=True)
    assert 'href="/governance"' in page


def test_bodies_and_a_bodys_seats_meetings_and_g1_warning(logged_in, governance):
    client = logged_in("manager")
    assert "Partners Group" in client.get("/governance").get_data(as_text=True)
    page = client.get(f"/governance/bodies/{BODY_ID}").get_data(as_text=True)
    assert "Asha Patel" in page and "below the minimum of 6 (G1)" in page and "Partners Group meeting" in page


def test_g1_refusal_from_governance_is_shown(logged_in, governance):
    governance.governance_answers[("POST", f"/bodies/{BODY_ID}/seats")] = (409, {
        "type": "urn:consortium-hub:rule:G1", "title": "Conflict",
        "detail": "Partners Group already has 12 members, its most (G1: 6-12)."})
    client = logged_in("manager")
    token = csrf_token_from(client.get(f"/governance/bodies/{BODY_ID}").get_data(as_text=True))
    response = client.post(f"/governance/bodies/{BODY_ID}/seats", data={
        "csrf_token": token, "role": "member", "person_name": "Thirteenth", "starts_on": "2026-01-01"})
    assert response.status_code == 302
    sent = governance.last_call("governance", "POST", f"/bodies/{BODY_ID}/seats")["json"]
    assert sent["person_name"] == "Thirteenth" and sent["ends_on"] is None
    assert "already has 12 members" in client.get(response.location).get_data(as_text=True)


def test_the_meeting_page_shows_quorum_attendance_declarations_and_takes_votes(logged_in, governance):
    client = logged_in("board")
    page = client.get(f"/governance/meetings/{MEETING_ID}").get_data(as_text=True)
    assert "Quorate" in page and "Trustee of Northfield" in page and "Note the report" in page
    response = client.post(f"/governance/meetings/{MEETING_ID}/votes", data={
        "csrf_token": csrf_token_from(page), "motion_id": MOTION_ID, f"vote-{SEAT_ID}": "for"})
    assert response.status_code == 302
    sent = governance.last_call("governance", "POST", f"/meetings/{MEETING_ID}/motions/{MOTION_ID}/votes")["json"]
    assert sent["votes"] == [{"seat_id": SEAT_ID, "vote": "for"}]
    client.post(f"/governance/meetings/{MEETING_ID}/attendance", data={
        "csrf_token": csrf_token_from(page), "seat_id": SEAT_ID, "status": "apologies"})
    assert governance.last_call("governance", "POST", f"/meetings/{MEETING_ID}/attendance")["json"] == {
        "seat_id": SEAT_ID, "status": "apologies", "deputy_name": None}


def test_a_g12_refused_vote_is_explained(logged_in, governance):
    governance.governance_answers[("POST", f"/meetings/{MEETING_ID}/motions/{MOTION_ID}/votes")] = (409, {
        "detail": "A member with a declared interest in an item takes no part in the vote on it (G12)."})
    client = logged_in("board")
    token = csrf_token_from(client.get(f"/governance/meetings/{MEETING_ID}").get_data(as_text=True))
    response = client.post(f"/governance/meetings/{MEETING_ID}/votes", data={
        "csrf_token": token, "motion_id": MOTION_ID, f"vote-{SEAT_ID}": "for"})
    assert "takes no part in the vote on it (G12)" in client.get(response.location).get_data(as_text=True)


def test_a_vote_form_without_votes_or_with_a_bad_motion_sends_nothing(logged_in, governance):
    client = logged_in("board")
    token = csrf_token_from(client.get(f"/governance/meetings/{MEETING_ID}").get_data(as_text=True))
    client.post(f"/governance/meetings/{MEETING_ID}/votes", data={"csrf_token": token, "motion_id": "../../x",
                                                                 f"vote-{SEAT_ID}": "for"})
    assert not [c for c in governance.calls if c["method"] == "POST" and "/votes" in c["path"]]


def test_the_decisions_log_searches(logged_in, governance):
    governance.governance_answers[("GET", "/decisions")] = (200, [{
        "id": str(uuid.uuid4()), "title": "Approve the business plan", "kind": "motion", "outcome": "approved",
        "note": "", "votes": {"for": 5, "against": 1, "abstain": 0}, "declarations": [], "meeting_id": MEETING_ID,
        "decided_at": "2026-12-10T19:00:00+00:00"}])
    page = logged_in("board").get("/governance/decisions-log?q=business").get_data(as_text=True)
    assert "Approve the business plan" in page and "5 for, 1 against" in page
    assert governance.last_call("governance", "GET", "/decisions")["query"] == {"q": "business"}


def test_the_hub_model_page(logged_in, governance):
    governance.governance_answers[("GET", "/hub")] = (200, {
        "model": "outsourced_to_member", "history": [{"model": "outsourced_to_member", "effective_from": "2027-04-01",
                                                      "note": "The CVS hosts the hub"}],
        "functions": [{"function": "finance", "title": "Finance management", "history": [],
                       "assignment": {"delivered_by": "host", "people": [], "assigned_on": "2027-04-01"}}],
        "service_standards": [{"what": "Board papers", "measure": "Days before", "target": "5"}]})
    page = logged_in("board").get("/governance/hub").get_data(as_text=True)
    assert "Outsourced to member" in page and "Finance management" in page and "Board papers" in page


def test_an_unknown_meeting_is_404(logged_in, governance):
    assert logged_in("board").get(f"/governance/meetings/{uuid.uuid4()}").status_code == 404


def test_the_policies_page_flags_overdue_reviews_and_g10(logged_in, governance):
    governance.governance_answers[("GET", "/policies")] = (200, {
        "governance_review_warning": "No yearly governance review has been decided yet (G10).",
        "policies": [{"overdue": True, "policy": {"title": "Safeguarding", "owner": "Asha Patel",
                                                  "approved_on": "2025-01-01", "review_due_on": "2026-01-01"}}]})
    page = logged_in("manager").get("/governance/policies").get_data(as_text=True)
    assert "Safeguarding" in page and "Overdue" in page and "(G10)" in page
