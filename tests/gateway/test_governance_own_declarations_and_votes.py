"""The meeting and written-resolution pages as a seat holder uses them (issue 14 item 2), over a fake governance:
"declare my interest" and "cast my vote" for the signed-in person's own seat (no one picked from a list), each item's
papers linked from it, and the forms that record for others (a show of hands, declarations made aloud, written
answers) only for the body's chair or secretary. Governance's refusals (G12, one vote per seat, not started) are
shown as they come."""
import datetime as dt
import re
import uuid

import pytest

from gateway_helpers import csrf_token_from

BODY_ID, MEETING_ID, MY_SEAT, OTHER_SEAT, ITEM_ID, OTHER_ITEM, MOTION_ID, PAPER_ID, RESOLUTION_ID = (
    str(uuid.UUID(int=n)) for n in range(101, 110))
SEATS = [{"id": MY_SEAT, "body_id": BODY_ID, "organisation_id": str(uuid.UUID(int=201)), "person_name": "Bo Board",
          "role": "member", "deputy_for": None, "starts_on": "2026-01-01", "ends_on": None, "lapsed_on": None,
          "account": "board"},
         {"id": OTHER_SEAT, "body_id": BODY_ID, "organisation_id": str(uuid.UUID(int=202)),
          "person_name": "Asha Patel", "role": "member", "deputy_for": None, "starts_on": "2026-01-01",
          "ends_on": None, "lapsed_on": None, "account": None}]
BODY = {"id": BODY_ID, "kind": "sub_group", "name": "Volunteering sub-group", "seats": SEATS, "warnings": [],
        "rules": {"quorum": 2}}
YOU = {"seat_id": MY_SEAT, "person_name": "Bo Board", "role": "member", "votes": True, "records_for_others": False}
PAPER = {"id": PAPER_ID, "meeting_id": MEETING_ID, "agenda_item_id": OTHER_ITEM, "title": "Volunteering policy",
         "filename": "Volunteering policy.pdf", "content_type": "application/pdf", "size_bytes": 2048,
         "sha256": "0" * 64, "uploaded_by": "manager", "uploaded_at": "2026-01-01T10:00:00+00:00"}


def meeting(started=True, you=YOU, declarations=(), ballots=()):
    starts_at = dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=-1 if started else 48)
    return {"id": MEETING_ID, "body_id": BODY_ID, "body_name": "Volunteering sub-group",
            "title": "Volunteering sub-group, December", "starts_at": starts_at.isoformat(),
            "notice_given_on": "2026-01-01", "location": None, "minutes": None,
            "quorum": {"required": 2, "present": 2, "quorate": True}, "chairing": {}, "papers": [PAPER],
            "attendance": [{"seat_id": s["id"], "person_name": s["person_name"], "role": "member",
                            "status": "present", "deputy_name": None} for s in SEATS],
            "agenda": [{"id": ITEM_ID, "position": 1, "title": "Grant to Northfield Advice Centre", "kind": "business",
                        "notified_on": "2026-01-01", "decision_request_id": None, "papers": [],
                        "declarations": list(declarations), "motions": [
                            {"id": str(uuid.UUID(int=300)), "agenda_item_id": ITEM_ID, "text": "Award the grant",
                             "kind": "ordinary", "subject": None, "status": "open", "ballots": []}]},
                       {"id": OTHER_ITEM, "position": 2, "title": "Adopt the volunteering policy", "kind": "business",
                        "notified_on": "2026-01-01", "decision_request_id": None, "papers": [PAPER],
                        "declarations": [], "motions": [
                            {"id": MOTION_ID, "agenda_item_id": OTHER_ITEM, "text": "Adopt the policy",
                             "kind": "ordinary", "subject": None, "status": "open", "ballots": list(ballots)}]}],
            "actions": [], "you": you}


@pytest.fixture
def governance(fake_services):
    answers = fake_services.governance_answers
    answers[("GET", f"/bodies/{BODY_ID}")] = (200, BODY)
    answers[("GET", f"/meetings/{MEETING_ID}")] = (200, meeting())
    return fake_services


def item_html(page: str, title: str) -> str:
    """The agenda item's own part of the page (its <li>, up to the next item or the end of the agenda)."""
    start = page.index(f">{title}<")
    ends = [i for i in (page.find('<li class="hub-agenda-item"', start), page.find("</ol>", start)) if i != -1]
    return page[start:min(ends)]


def test_g12_a_seat_holder_declares_their_own_interest_without_picking_anyone(logged_in, governance):
    client = logged_in("board")
    page = client.get(f"/governance/meetings/{MEETING_ID}").get_data(as_text=True)
    grant = item_html(page, "Grant to Northfield Advice Centre")
    assert "Declare my interest" in grant and 'name="seat_id"' not in grant  # their own seat: nobody to choose
    assert "Record an interest declared at the meeting" not in page  # only the chair or secretary records for others
    governance.governance_answers[("POST", f"/meetings/{MEETING_ID}/my-declarations")] = (201, {})
    response = client.post(f"/governance/meetings/{MEETING_ID}/my-declarations", data={
        "csrf_token": csrf_token_from(page), "agenda_item_id": ITEM_ID, "interest": "Trustee of Northfield"})
    assert response.status_code == 302 and response.location.endswith(f"#item-{ITEM_ID}")
    assert governance.last_call("governance", "POST", f"/meetings/{MEETING_ID}/my-declarations")["json"] == {
        "agenda_item_id": ITEM_ID, "interest": "Trustee of Northfield"}
    assert "Your interest is declared." in client.get(response.location).get_data(as_text=True)


def test_g12_once_declared_the_item_offers_no_vote_and_says_why(logged_in, governance):
    governance.governance_answers[("GET", f"/meetings/{MEETING_ID}")] = (200, meeting(declarations=[{
        "id": str(uuid.uuid4()), "agenda_item_id": ITEM_ID, "seat_id": MY_SEAT, "interest": "Trustee of Northfield",
        "excluded_from_discussion": False, "declared_at": "2026-01-01T18:05:00+00:00"}]))
    page = logged_in("board").get(f"/governance/meetings/{MEETING_ID}").get_data(as_text=True)
    grant = item_html(page, "Grant to Northfield Advice Centre")
    assert "You declared an interest: Trustee of Northfield" in grant and "(G12)" in grant
    assert "Cast my vote" not in grant and "Declare my interest" not in grant
    assert "Cast my vote" in item_html(page, "Adopt the volunteering policy")


def test_a_seat_holder_casts_their_own_vote_once_and_sees_it(logged_in, governance):
    client = logged_in("board")
    page = client.get(f"/governance/meetings/{MEETING_ID}").get_data(as_text=True)
    policy = item_html(page, "Adopt the volunteering policy")
    assert re.search(r'<legend[^>]*>\s*Your vote on the motion: Adopt the policy', policy)
    governance.governance_answers[("POST", f"/meetings/{MEETING_ID}/motions/{MOTION_ID}/my-vote")] = (201, {
        "motion_id": MOTION_ID, "seat_id": MY_SEAT, "vote": "for"})
    response = client.post(f"/governance/meetings/{MEETING_ID}/my-vote", data={
        "csrf_token": csrf_token_from(page), "motion_id": MOTION_ID, "vote": "for"})
    assert governance.last_call("governance", "POST", f"/meetings/{MEETING_ID}/motions/{MOTION_ID}/my-vote")[
        "json"] == {"vote": "for"}
    assert "Your vote is cast: For." in client.get(response.location).get_data(as_text=True)
    governance.governance_answers[("GET", f"/meetings/{MEETING_ID}")] = (200, meeting(ballots=[
        {"seat_id": MY_SEAT, "person_name": "Bo Board", "vote": "for"}]))
    voted = item_html(client.get(f"/governance/meetings/{MEETING_ID}").get_data(as_text=True),
                      "Adopt the volunteering policy")
    assert "You voted for this motion." in voted and "Cast my vote" not in voted and "1 vote cast" in voted


def test_a_refused_vote_is_explained_and_a_bad_form_sends_nothing(logged_in, governance):
    client = logged_in("board")
    token = csrf_token_from(client.get(f"/governance/meetings/{MEETING_ID}").get_data(as_text=True))
    governance.governance_answers[("POST", f"/meetings/{MEETING_ID}/motions/{MOTION_ID}/my-vote")] = (409, {
        "detail": "This seat has already voted (for) on this motion: each seat votes once."})
    refused = client.post(f"/governance/meetings/{MEETING_ID}/my-vote", data={
        "csrf_token": token, "motion_id": MOTION_ID, "vote": "against"})
    assert "each seat votes once" in client.get(refused.location).get_data(as_text=True)
    governance.calls.clear()
    for bad in ({"motion_id": "../../x", "vote": "for"}, {"motion_id": MOTION_ID, "vote": "maybe"},
                {"motion_id": MOTION_ID}):
        shown = client.post(f"/governance/meetings/{MEETING_ID}/my-vote", data={"csrf_token": token} | bad)
        assert "Choose for, against or abstain" in client.get(shown.location).get_data(as_text=True)
    assert not [c for c in governance.calls if c["method"] == "POST"]


def test_before_the_meeting_starts_interests_are_declared_but_votes_wait(logged_in, governance):
    governance.governance_answers[("GET", f"/meetings/{MEETING_ID}")] = (200, meeting(started=False))
    page = logged_in("board").get(f"/governance/meetings/{MEETING_ID}").get_data(as_text=True)
    assert "Declare my interest" in page and "Cast my vote" not in page
    assert "Voting opens when the meeting starts." in page


def test_agenda_items_link_to_their_papers(logged_in, governance):
    page = logged_in("board").get(f"/governance/meetings/{MEETING_ID}").get_data(as_text=True)
    policy = item_html(page, "Adopt the volunteering policy")
    assert f'href="/api/governance/meetings/{MEETING_ID}/papers/{PAPER_ID}/content"' in policy
    assert "Volunteering policy.pdf" in policy
    assert PAPER_ID not in item_html(page, "Grant to Northfield Advice Centre")


def test_without_a_seat_no_own_forms_and_only_the_chair_or_secretary_gets_the_show_of_hands(logged_in, governance):
    governance.governance_answers[("GET", f"/meetings/{MEETING_ID}")] = (200, meeting(you=None))
    client = logged_in("manager")
    page = client.get(f"/governance/meetings/{MEETING_ID}").get_data(as_text=True)
    assert "Declare my interest" not in page and "Cast my vote" not in page
    assert "Record the vote" not in page and "Record an interest declared at the meeting" not in page
    secretary = YOU | {"role": "secretary", "votes": False, "records_for_others": True}
    governance.governance_answers[("GET", f"/meetings/{MEETING_ID}")] = (200, meeting(you=secretary, ballots=[
        {"seat_id": MY_SEAT, "person_name": "Bo Board", "vote": "for"}]))
    page = client.get(f"/governance/meetings/{MEETING_ID}").get_data(as_text=True)
    policy = item_html(page, "Adopt the volunteering policy")
    assert "Record the vote" in policy and "Bo Board: For (cast themselves)" in policy
    assert f'name="vote-{MY_SEAT}"' not in policy and f'name="vote-{OTHER_SEAT}"' in policy
    assert "Record an interest declared at the meeting" in page and "Cast my vote" not in page


def resolution(you=YOU, declarations=(), answers=()):
    return {"id": RESOLUTION_ID, "body_id": BODY_ID, "text": "Adopt the communications plan", "kind": "ordinary",
            "subject": None, "circulated_on": "2026-01-01",
            "deadline": (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=5)).isoformat(), "status": "open",
            "decision_id": None, "declarations": list(declarations), "entitled": 2,
            "tally": {"for": len(answers), "against": 0, "abstain": 0}, "answers": list(answers),
            "awaiting": [], "you": you}


def test_a_seat_holder_answers_a_written_resolution_and_declares_for_themselves(logged_in, governance):
    answers = governance.governance_answers
    answers[("GET", f"/written-resolutions/{RESOLUTION_ID}")] = (200, resolution())
    client = logged_in("board")
    page = client.get(f"/governance/written-resolutions/{RESOLUTION_ID}").get_data(as_text=True)
    assert "Your answer to: Adopt the communications plan" in page and "Declare my interest" in page
    assert "Record an answer" not in page  # the chair's or secretary's, for answers given outside the hub
    answers[("POST", f"/written-resolutions/{RESOLUTION_ID}/my-answer")] = (201, resolution())
    client.post(f"/governance/written-resolutions/{RESOLUTION_ID}/my-answer", data={
        "csrf_token": csrf_token_from(page), "vote": "against"})
    assert governance.last_call("governance", "POST", f"/written-resolutions/{RESOLUTION_ID}/my-answer")[
        "json"] == {"vote": "against"}
    answers[("POST", f"/written-resolutions/{RESOLUTION_ID}/my-declarations")] = (201, resolution())
    client.post(f"/governance/written-resolutions/{RESOLUTION_ID}/my-declarations", data={
        "csrf_token": csrf_token_from(page), "interest": "Supplier"})
    assert governance.last_call("governance", "POST", f"/written-resolutions/{RESOLUTION_ID}/my-declarations")[
        "json"] == {"interest": "Supplier"}
    answers[("GET", f"/written-resolutions/{RESOLUTION_ID}")] = (200, resolution(answers=[
        {"seat_id": MY_SEAT, "person_name": "Bo Board", "vote": "against"}]))
    shown = client.get(f"/governance/written-resolutions/{RESOLUTION_ID}").get_data(as_text=True)
    assert "You answered: Against." in shown and "Your answer to:" not in shown


MEL = {"seat_id": OTHER_SEAT, "person_name": "Mel Member", "role": "member", "votes": True,
       "records_for_others": False}


def test_g12_member_staff_holding_a_seat_declare_and_vote_on_their_meetings_page(logged_in, governance):
    """A member organisation's staff who sit on a body for their organisation (their hub username on the seat) open
    its meeting's page, declare their own interest and cast their own vote; the body's seats are not theirs to
    read, so the page names the people its attendance names; the clerk's forms stay the chair's or secretary's."""
    governance.governance_answers[("GET", f"/meetings/{MEETING_ID}")] = (200, meeting(you=MEL))
    governance.governance_answers.pop(("GET", f"/bodies/{BODY_ID}"))
    client = logged_in("member")
    page = client.get(f"/governance/meetings/{MEETING_ID}").get_data(as_text=True)
    assert "Declare my interest" in page and "Cast my vote" in page and "Asha Patel" in page
    assert "Record the vote" not in page and "Add an item" not in page and "Move a motion" not in page
    assert not [c for c in governance.calls if c["service"] == "governance" and c["path"].startswith("/bodies")]
    assert ">Bodies<" not in page and "Decisions log" not in page  # their sub-navigation: My meetings only
    token = csrf_token_from(page)
    declared = client.post(f"/governance/meetings/{MEETING_ID}/my-declarations", data={
        "csrf_token": token, "agenda_item_id": ITEM_ID, "interest": "My employer"})
    assert declared.status_code == 302
    assert governance.last_call("governance", "POST", f"/meetings/{MEETING_ID}/my-declarations")["json"] == {
        "agenda_item_id": ITEM_ID, "interest": "My employer"}
    voted = client.post(f"/governance/meetings/{MEETING_ID}/my-vote", data={
        "csrf_token": token, "agenda_item_id": OTHER_ITEM, "motion_id": MOTION_ID, "vote": "against"})
    assert voted.status_code == 302
    assert governance.last_call("governance", "POST", f"/meetings/{MEETING_ID}/motions/{MOTION_ID}/my-vote")[
        "json"] == {"vote": "against"}
    for action in ("votes", "declarations", "attendance", "minutes"):  # recording for others: not theirs
        before = len(governance.calls)
        assert client.post(f"/governance/meetings/{MEETING_ID}/{action}", data={
            "csrf_token": token, "seat_id": MY_SEAT, "motion_id": MOTION_ID, "vote-" + MY_SEAT: "for"}
        ).status_code == 403
        assert len(governance.calls) == before
    answers = governance.governance_answers
    answers[("GET", f"/written-resolutions/{RESOLUTION_ID}")] = (200, resolution(you=MEL))
    page = client.get(f"/governance/written-resolutions/{RESOLUTION_ID}").get_data(as_text=True)
    assert "Your answer to: Adopt the communications plan" in page and "Record an answer" not in page
    client.post(f"/governance/written-resolutions/{RESOLUTION_ID}/my-answer", data={
        "csrf_token": csrf_token_from(page), "vote": "for"})
    assert governance.last_call("governance", "POST", f"/written-resolutions/{RESOLUTION_ID}/my-answer")[
        "json"] == {"vote": "for"}
    assert client.post(f"/governance/written-resolutions/{RESOLUTION_ID}/close", data={
        "csrf_token": csrf_token_from(page)}).status_code == 403


def test_member_staff_without_a_seat_get_404_for_a_meeting_and_403_for_the_rest_of_governance(logged_in,
                                                                                            governance):
    client = logged_in("member")
    governance.governance_answers[("GET", f"/meetings/{MEETING_ID}")] = (404, {"title": "Not Found"})
    assert client.get(f"/governance/meetings/{MEETING_ID}").status_code == 404
    governance.governance_answers[("GET", f"/meetings/{MEETING_ID}")] = (200, meeting(you=None))
    assert client.get(f"/governance/meetings/{MEETING_ID}").status_code == 404  # not theirs, even if shown
    governance.governance_answers[("GET", f"/written-resolutions/{RESOLUTION_ID}")] = (200, {
        "id": RESOLUTION_ID, "body_id": BODY_ID, "you": None})
    assert client.get(f"/governance/written-resolutions/{RESOLUTION_ID}").status_code == 404
    for path in ("/governance", f"/governance/bodies/{BODY_ID}", "/governance/decisions-log", "/governance/hub",
                 "/governance/policies"):
        assert client.get(path).status_code == 403, path
