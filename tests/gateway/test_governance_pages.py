"""The governance pages over a fake governance: bodies and seats, the live meeting page (attendance, quorum,
declarations, votes), the decisions log and the hub model; governance's refusals are shown as they come."""
import datetime as dt
import io
import uuid

import pytest

from gateway_helpers import csrf_token_from

# fixed ids: pytest-xdist workers must collect the same parametrized test names
BODY_ID, MEETING_ID, SEAT_ID, ITEM_ID, MOTION_ID = (str(uuid.UUID(int=n)) for n in range(1, 6))
SEAT = {"id": SEAT_ID, "body_id": BODY_ID, "organisation_id": str(uuid.uuid4()), "person_name": "Asha Patel",
        "role": "member", "deputy_for": None, "starts_on": "2026-01-01", "ends_on": None, "lapsed_on": None}
BODY = {"id": BODY_ID, "kind": "partners_group", "name": "Partners Group", "seats": [SEAT],
        "warnings": ["1 members: below the minimum of 6 (G1)."],
        "rules": {"min_members": 6, "max_members": 12, "max_co_opted": 3, "quorum": 1}}
MEETING = {"id": MEETING_ID, "body_id": BODY_ID, "body_name": "Partners Group", "title": "Partners Group meeting",
           "starts_at": (dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=1)).isoformat(),  # under way
           "notice_given_on": "2026-11-20", "location": None,
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


@pytest.mark.parametrize("path", ["/governance", f"/governance/bodies/{BODY_ID}",
                                  "/governance/decisions-log", "/governance/hub", "/governance/policies"])
def test_governance_pages_are_for_the_board_and_managers_only(logged_in, governance, path):
    assert logged_in("finance").get(path).status_code == 403


def test_without_a_seat_a_finance_officer_sees_no_meeting_page_and_no_meetings_of_their_own(logged_in, governance):
    """A seat holder acts for their seat whatever their role; a finance officer holding none sees no meeting page
    (governance answers 404 and lists none of theirs: the page is for its seat holders and those who run the
    bodies)."""
    governance.governance_answers[("GET", "/meetings")] = (200, [])
    client = logged_in("finance")
    assert client.get(f"/governance/meetings/{MEETING_ID}").status_code == 404
    mine = client.get("/governance/my-meetings")
    assert mine.status_code == 200 and 'id="no-meetings"' in mine.get_data(as_text=True)


def test_the_pages_and_governance_agree_on_who_sees_every_bodys_business():
    """One set, hubkit.auth.SEES_GOVERNANCE: the roles these pages treat as seeing every body (the rest: their own
    seats' meetings) are those governance answers so; a finance officer or host admin is neither (governance listed
    them every meeting of a name, then the page said "Not found")."""
    from hubkit.auth import SEES_GOVERNANCE
    from gateway.domain.roles import SEES_DECISIONS

    assert SEES_DECISIONS == frozenset(SEES_GOVERNANCE) == {"consortium_manager", "board_member"}


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


def test_m1_the_decisions_log_says_a_decision_was_recorded_from_its_meeting_and_by_whom(logged_in, governance):
    governance.governance_answers[("GET", "/decisions")] = (200, [{
        "id": str(uuid.uuid4()), "title": "Membership application: Canal Arts", "kind": "membership_application",
        "outcome": "approved", "note": "Decided by Partners Group at its meeting; recorded by its chair, board.",
        "votes": {}, "declarations": [], "meeting_id": MEETING_ID, "recorded_by": "board (chair)",
        "decided_at": "2026-12-10T19:00:00+00:00"}])
    page = logged_in("board").get("/governance/decisions-log").get_data(as_text=True)
    assert "Recorded from the meeting by board (chair)" in page and "Not voted at a meeting" not in page


def test_g5_the_meeting_page_says_what_waits_until_the_meeting_starts(logged_in, governance):
    client = logged_in("manager")
    governance.governance_answers[("GET", f"/meetings/{MEETING_ID}")] = (
        200, MEETING | {"starts_at": "2999-06-01T18:00:00+00:00"})
    early = client.get(f"/governance/meetings/{MEETING_ID}").get_data(as_text=True)
    assert "This meeting has not started yet" in early
    # issue 12 item 2: what cannot be recorded yet is not offered (attendance, who chaired, the vote, minutes)
    assert "Save<span" not in early and "Record who chaired" not in early and "Save minutes" not in early
    governance.governance_answers[("GET", f"/meetings/{MEETING_ID}")] = (
        200, MEETING | {"starts_at": "2020-06-01T18:00:00+00:00"})
    started = client.get(f"/governance/meetings/{MEETING_ID}").get_data(as_text=True)
    assert "This meeting has not started yet" not in started
    assert "Save<span" in started and "Record who chaired" in started and "Save minutes" in started


def test_the_decisions_log_searches(logged_in, governance):
    governance.governance_answers[("GET", "/decisions")] = (200, [{
        "id": str(uuid.uuid4()), "title": "Approve the business plan", "kind": "motion", "outcome": "approved",
        "note": "", "votes": {"for": 5, "against": 1, "abstain": 0}, "declarations": [], "meeting_id": MEETING_ID,
        "decided_at": "2026-12-10T19:00:00+00:00"}])
    page = logged_in("board").get("/governance/decisions-log?q=business").get_data(as_text=True)
    assert "Approve the business plan" in page and "5 for, 1 against" in page
    assert governance.last_call("governance", "GET", "/decisions")["query"] == {"q": "business"}


def test_the_decisions_log_shows_one_page_at_a_time_keeping_its_search(logged_in, governance):
    """Issue 16: the log is read a page at a time (governance pages it in SQL), not followed to its end."""
    decision = {"id": str(uuid.uuid4()), "title": "Adopt the reserves policy", "kind": "motion",
                "outcome": "approved", "note": "", "votes": {}, "declarations": [], "meeting_id": None,
                "decided_at": "2026-12-10T19:00:00+00:00"}
    governance.governance_answers[("GET", "/decisions")] = (200, [decision], {"X-Next-Cursor": "NEXT",
                                                                              "X-Prev-Cursor": "PREV"})
    client = logged_in("board")
    page = client.get("/governance/decisions-log?q=reserves&cursor=HERE").get_data(as_text=True)
    assert "Adopt the reserves policy" in page
    assert governance.last_call("governance", "GET", "/decisions")["query"] == {"q": "reserves", "cursor": "HERE"}
    assert len([c for c in governance.calls if c["path"] == "/decisions"]) == 1  # the next page is not fetched
    assert 'href="/governance/decisions-log?q=reserves&amp;cursor=NEXT"' in page
    assert 'href="/governance/decisions-log?q=reserves&amp;cursor=PREV"' in page
    governance.governance_answers[("GET", "/decisions")] = (422, {"title": "Unprocessable Content", "errors": {
        "query": {"cursor": ["Not a cursor this list gave out; start again without one."]}}})
    refused = client.get("/governance/decisions-log?cursor=junk").get_data(as_text=True)
    assert "start again without one" in refused


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


def test_g8_the_meeting_page_suggests_whose_turn_it_is_to_chair_and_records_who_chaired(logged_in, governance):
    governance.governance_answers[("GET", f"/meetings/{MEETING_ID}")] = (200, MEETING | {
        "chairing": {"chaired_by": None, "chair_present": False,
                     "suggested_chair": {"seat_id": SEAT_ID, "person_name": "Asha Patel", "role": "member"}},
        "papers": []})
    client = logged_in("manager")
    page = client.get(f"/governance/meetings/{MEETING_ID}").get_data(as_text=True)
    assert "It is Asha Patel's turn" in page and "taking turns (G8)" in page
    assert f'<option value="{SEAT_ID}" selected>Asha Patel (Member)</option>' in page
    client.post(f"/governance/meetings/{MEETING_ID}/chair", data={"csrf_token": csrf_token_from(page),
                                                                  "seat_id": SEAT_ID})
    assert governance.last_call("governance", "PUT", f"/meetings/{MEETING_ID}/chair")["json"] == {"seat_id": SEAT_ID}
    governance.governance_answers[("GET", f"/meetings/{MEETING_ID}")] = (200, MEETING | {"chairing": {
        "chaired_by": {"seat_id": SEAT_ID, "person_name": "Asha Patel", "role": "member"}, "chair_present": False,
        "suggested_chair": None}, "papers": []})
    shown = client.get(f"/governance/meetings/{MEETING_ID}").get_data(as_text=True)
    assert "Chaired by Asha Patel, standing in for the chair (G8)." in shown


def test_papers_are_listed_with_download_links_and_attached_through_the_page(logged_in, governance):
    paper_id = str(uuid.uuid4())
    governance.governance_answers[("GET", f"/meetings/{MEETING_ID}")] = (200, MEETING | {"papers": [{
        "id": paper_id, "meeting_id": MEETING_ID, "agenda_item_id": ITEM_ID, "title": "Progress report",
        "filename": "progress.pdf", "content_type": "application/pdf", "size_bytes": 2048, "sha256": "x",
        "uploaded_by": "manager", "uploaded_at": "2026-12-01T10:00:00+00:00"}]})
    governance.governance_answers[("POST", f"/meetings/{MEETING_ID}/papers")] = (201, {"filename": "budget.pdf"})
    client = logged_in("manager")
    page = client.get(f"/governance/meetings/{MEETING_ID}").get_data(as_text=True)
    assert f'href="/api/governance/meetings/{MEETING_ID}/papers/{paper_id}/content">progress.pdf</a>' in page
    assert "Progress on commissioned work" in page.split('id="papers"')[1]  # the item the paper belongs to
    content = b"%PDF-1.7\n" + b"0" * 8000  # over the gateway's limit for ordinary forms in these tests
    response = client.post(f"/governance/meetings/{MEETING_ID}/papers", content_type="multipart/form-data", data={
        "csrf_token": csrf_token_from(page), "title": "Budget", "agenda_item_id": ITEM_ID,
        "file": (io.BytesIO(content), "budget.pdf")})
    assert response.status_code == 302
    upload = governance.governance_uploads[-1]
    assert upload["form"] == {"title": "Budget", "agenda_item_id": ITEM_ID}
    assert upload["files"]["file"] == ("budget.pdf", content)
    assert "budget.pdf is attached" in client.get(response.location).get_data(as_text=True)


def test_a_refused_paper_shows_governances_reason_and_a_missing_file_sends_nothing(logged_in, governance):
    governance.governance_answers[("POST", f"/meetings/{MEETING_ID}/papers")] = (415, {
        "title": "Unsupported Media Type", "detail": "Attach a PDF, a Word, OpenDocument or PowerPoint file."})
    client = logged_in("manager")
    token = csrf_token_from(client.get(f"/governance/meetings/{MEETING_ID}").get_data(as_text=True))
    refused = client.post(f"/governance/meetings/{MEETING_ID}/papers", content_type="multipart/form-data", data={
        "csrf_token": token, "file": (io.BytesIO(b"#!/bin/sh"), "x.pdf")})
    assert "Attach a PDF" in client.get(refused.location).get_data(as_text=True)
    before = len(governance.governance_uploads)
    client.post(f"/governance/meetings/{MEETING_ID}/papers", content_type="multipart/form-data",
                data={"csrf_token": token, "title": "Nothing"})
    assert len(governance.governance_uploads) == before
    no_token = client.post(f"/governance/meetings/{MEETING_ID}/papers", content_type="multipart/form-data", data={
        "file": (io.BytesIO(b"%PDF-1.7"), "x.pdf")})
    assert no_token.status_code == 400 and len(governance.governance_uploads) == before


def test_the_body_page_links_its_calendar_and_circulates_written_resolutions(logged_in, governance):
    resolution_id = str(uuid.uuid4())
    resolution = {"id": resolution_id, "body_id": BODY_ID, "text": "Adopt the communications plan",
                  "kind": "ordinary", "subject": None, "circulated_on": "2026-12-01",
                  "deadline": "2026-12-08T17:00:00+00:00", "status": "open", "decision_id": None,
                  "declarations": [], "entitled": 2, "tally": {"for": 1, "against": 0, "abstain": 0},
                  "answers": [{"seat_id": SEAT_ID, "person_name": "Asha Patel", "vote": "for"}],
                  "awaiting": [{"seat_id": str(uuid.uuid4()), "person_name": "Ben Ode"}]}
    governance.governance_answers[("GET", f"/bodies/{BODY_ID}/written-resolutions")] = (200, [resolution])
    governance.governance_answers[("POST", f"/bodies/{BODY_ID}/written-resolutions")] = (201, resolution)
    governance.governance_answers[("GET", f"/written-resolutions/{resolution_id}")] = (200, resolution)
    client = logged_in("board")
    page = client.get(f"/governance/bodies/{BODY_ID}").get_data(as_text=True)
    assert f'href="/api/governance/bodies/{BODY_ID}/meetings.ics"' in page
    assert "Adopt the communications plan" in page and "Open for answers" in page
    response = client.post(f"/governance/bodies/{BODY_ID}/written-resolutions", data={
        "csrf_token": csrf_token_from(page), "text": "Adopt the communications plan", "deadline_date": "2026-12-08",
        "deadline_time": "17:00"})
    assert response.location.endswith(f"/governance/written-resolutions/{resolution_id}")
    assert governance.last_call("governance", "POST", f"/bodies/{BODY_ID}/written-resolutions")["json"] == {
        "text": "Adopt the communications plan", "deadline": "2026-12-08T17:00:00+00:00"}
    shown = client.get(response.location).get_data(as_text=True)
    assert "Asha Patel: For" in shown and "Ben Ode: not answered yet" in shown and "2 members are entitled" in shown
    client.post(f"/governance/written-resolutions/{resolution_id}/answers", data={
        "csrf_token": csrf_token_from(shown), "seat_id": SEAT_ID, "vote": "against"})
    assert governance.last_call("governance", "POST", f"/written-resolutions/{resolution_id}/answers")["json"] == {
        "seat_id": SEAT_ID, "vote": "against"}
    governance.governance_answers[("POST", f"/written-resolutions/{resolution_id}/close")] = (409, {
        "detail": "Members have until 08 December 2026 17:00 UTC to answer; 1 have not yet."})
    closed = client.post(f"/governance/written-resolutions/{resolution_id}/close",
                         data={"csrf_token": csrf_token_from(shown)})
    assert "1 have not yet" in client.get(closed.location).get_data(as_text=True)


def test_papers_and_written_resolutions_are_refused_to_finance(logged_in, governance):
    client = logged_in("finance")
    assert client.post(f"/governance/meetings/{MEETING_ID}/papers").status_code == 403
    resolution_id = str(uuid.uuid4())
    governance.governance_answers[("GET", f"/written-resolutions/{resolution_id}")] = (200, {
        "id": resolution_id, "body_id": BODY_ID, "you": None})
    assert client.get(f"/governance/written-resolutions/{resolution_id}").status_code == 404  # holds no seat


def test_the_governance_page_links_my_meetings_calendar(logged_in, governance):
    page = logged_in("board").get("/governance").get_data(as_text=True)
    assert 'href="/api/governance/meetings/calendar.ics?person_name=' in page


def test_my_meetings_lists_the_meetings_of_the_bodies_i_sit_on(logged_in, governance):
    governance.governance_answers[("GET", "/meetings")] = (200, [{
        "id": MEETING_ID, "body_id": BODY_ID, "body_name": "Partners Group", "title": "Partners Group meeting",
        "starts_at": "2026-12-10T18:00:00+00:00", "notice_given_on": "2026-11-20", "location": "Civic Hall"}])
    client = logged_in("board")
    page = client.get("/governance/my-meetings").get_data(as_text=True)
    assert f'href="/governance/meetings/{MEETING_ID}">Partners Group meeting</a>' in page and "Civic Hall" in page
    sent = governance.last_call("governance", "GET", "/meetings")
    assert sent["path"] == "/meetings" and sent["query"]["person_name"]
    assert "calendar.ics?person_name=" in page


def test_seats_are_added_for_member_organisations_chosen_from_the_register(logged_in, governance):
    member = governance.add_organisation("Northfield Advice Centre", status="active")
    governance.add_organisation("Still Applying", status="applicant")
    seat = SEAT | {"organisation_id": member["id"]}
    governance.governance_answers[("GET", f"/bodies/{BODY_ID}")] = (200, BODY | {"seats": [seat]})
    client = logged_in("manager")
    page = client.get(f"/governance/bodies/{BODY_ID}").get_data(as_text=True)
    assert f'<option value="{member["id"]}">Northfield Advice Centre</option>' in page
    assert "Still Applying</option>" not in page
    assert '<td class="govuk-table__cell">Northfield Advice Centre</td>' in page  # the seat names its organisation
    client.post(f"/governance/bodies/{BODY_ID}/seats", data={
        "csrf_token": csrf_token_from(page), "role": "member", "person_name": "Asha Patel",
        "organisation_id": member["id"], "starts_on": "2026-01-01"})
    assert governance.last_call("governance", "POST", f"/bodies/{BODY_ID}/seats")["json"]["organisation_id"] \
        == member["id"]
