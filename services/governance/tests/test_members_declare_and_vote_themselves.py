"""Board members act for themselves (issue 14 item 2): the signed-in seat holder declares their own interest (G12,
C5) and casts their own vote (G2, G12, C5/G7), once, never before the meeting starts; the body's chair or secretary
alone records for the others (declarations made aloud, the show of hands, written answers given outside the hub)."""
from __future__ import annotations

import datetime as dt
import io

from hubkit import clock

RULE = "urn:consortium-hub:rule:"
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def seated_body(hub, members=4, **rules):
    """A Management Board whose first member seats name hub accounts (alice, bob), with the caller its secretary."""
    body = hub.body("management_board", members=0, rules=rules or None)
    seats = [hub.seat(body["id"], "member", name, account=account)
             for name, account in (("Alice Ash", "alice"), ("Bob Birch", "bob"))]
    seats += [hub.seat(body["id"], "member", f"Member {n}") for n in range(members - 2)]
    hub.secretary(body["id"])
    return body, seats


def as_board(hub, account):
    return hub.as_(("board_member",), username=account)


def held(hub, body, seats):
    meeting = hub.held_meeting(body["id"])
    for seat in seats:
        hub.attend(meeting["id"], seat["id"])
    return meeting


def motion_on(hub, meeting, title="Fund the outreach work", kind="business"):
    item = hub.item(meeting["id"], title, kind=kind)
    motion = hub.call("POST", f"/meetings/{meeting['id']}/motions", {"agenda_item_id": item["id"], "text": title},
                      201)
    return item, motion


def my_vote(hub, meeting, motion, account, vote, status):
    return hub.call("POST", f"/meetings/{meeting['id']}/motions/{motion['id']}/my-vote", {"vote": vote}, status,
                    headers=as_board(hub, account))


def test_g12_a_member_declares_their_own_interest_for_their_own_seat_and_then_cannot_vote_on_the_item(hub):
    body, seats = seated_body(hub)
    meeting = held(hub, body, seats)
    item, motion = motion_on(hub, meeting)
    declared = hub.call("POST", f"/meetings/{meeting['id']}/my-declarations", {
        "agenda_item_id": item["id"], "interest": "Trustee of the outreach charity"}, 201,
        headers=as_board(hub, "alice"))
    assert declared["seat_id"] == seats[0]["id"] and declared["excluded_from_discussion"] is False
    again = hub.call("POST", f"/meetings/{meeting['id']}/my-declarations", {
        "agenda_item_id": item["id"], "interest": "Trustee"}, 409, headers=as_board(hub, "alice"))
    assert "already declared" in again["detail"]
    refused = my_vote(hub, meeting, motion, "alice", "for", 409)
    assert refused["type"] == RULE + "G12"
    shown = hub.call("GET", f"/meetings/{meeting['id']}", headers=as_board(hub, "alice"))
    assert shown["you"] == {"seat_id": seats[0]["id"], "person_name": "Alice Ash", "role": "member", "votes": True,
                            "records_for_others": False}
    assert [d["seat_id"] for d in shown["agenda"][-1]["declarations"]] == [seats[0]["id"]]


def test_g12_declaring_after_casting_a_vote_voids_it(hub):
    body, seats = seated_body(hub)
    meeting = held(hub, body, seats)
    item, motion = motion_on(hub, meeting)
    my_vote(hub, meeting, motion, "bob", "for", 201)
    hub.call("POST", f"/meetings/{meeting['id']}/my-declarations", {
        "agenda_item_id": item["id"], "interest": "My employer bids"}, 201, headers=as_board(hub, "bob"))
    motion_shown = hub.call("GET", f"/meetings/{meeting['id']}")["agenda"][-1]["motions"][0]
    assert motion_shown["ballots"] == []


def test_c5_my_declaration_on_a_chosen_provider_item_takes_me_out_of_its_discussion(hub):
    body, seats = seated_body(hub)
    meeting = hub.meeting(body["id"])  # still to come: interests may be declared ahead of the meeting
    item = hub.item(meeting["id"], "Chosen provider for the advice contract", kind="chosen_provider")
    declared = hub.call("POST", f"/meetings/{meeting['id']}/my-declarations", {
        "agenda_item_id": item["id"], "interest": "We are the proposed provider"}, 201,
        headers=as_board(hub, "alice"))
    assert declared["excluded_from_discussion"] is True and declared["seat_id"] == seats[0]["id"]


def test_a_declaration_for_someone_else_is_the_chair_or_secretarys_to_record(hub):
    body, seats = seated_body(hub)
    meeting = hub.meeting(body["id"])
    item = hub.item(meeting["id"], "Grant to Northfield")
    on_behalf = {"agenda_item_id": item["id"], "seat_id": seats[1]["id"], "interest": "Trustee of Northfield"}
    refused = hub.call("POST", f"/meetings/{meeting['id']}/declarations", on_behalf, 403,
                       headers=as_board(hub, "alice"))
    assert "chair or secretary" in refused["detail"]
    hub.call("POST", f"/meetings/{meeting['id']}/declarations", on_behalf, 403,
             headers=hub.as_(("consortium_manager",), username="not-seated"))
    recorded = hub.call("POST", f"/meetings/{meeting['id']}/declarations", on_behalf, 201)  # the secretary
    assert recorded["seat_id"] == seats[1]["id"]


def test_declaring_and_voting_need_a_seat_a_role_and_a_meeting_of_ones_own_consortium(hub, make_hub):
    body, seats = seated_body(hub)
    meeting = held(hub, body, seats)
    item, motion = motion_on(hub, meeting)
    declaration = {"agenda_item_id": item["id"], "interest": "Trustee"}
    not_seated = hub.call("POST", f"/meetings/{meeting['id']}/my-declarations", declaration, 409,
                          headers=as_board(hub, "carol"))
    assert "do not hold a seat" in not_seated["detail"]
    assert "do not hold a seat" in my_vote(hub, meeting, motion, "carol", "for", 409)["detail"]
    # a member organisation's staff not linked to an organisation yet are refused everything (hubkit.auth)
    hub.call("POST", f"/meetings/{meeting['id']}/motions/{motion['id']}/my-vote", {"vote": "for"}, 403,
             headers=hub.as_(("member_user",), username="alice"))
    hub.call("POST", f"/meetings/{meeting['id']}/motions/{motion['id']}/my-vote", {"vote": "maybe"}, 422,
             headers=as_board(hub, "alice"))
    hub.call("POST", f"/meetings/{meeting['id']}/my-declarations", {"agenda_item_id": item["id"]}, 422,
             headers=as_board(hub, "alice"))
    other = make_hub()  # another consortium's board member, even with the same username, finds nothing
    other_headers = other.as_(("board_member",), username="alice")
    hub.call("POST", f"/meetings/{meeting['id']}/my-declarations", declaration, 404, headers=other_headers)
    hub.call("POST", f"/meetings/{meeting['id']}/motions/{motion['id']}/my-vote", {"vote": "for"}, 404,
             headers=other_headers)
    assert hub.call("GET", f"/meetings/{meeting['id']}", headers=as_board(hub, "carol"))["you"] is None


def test_one_vote_per_seat_the_same_vote_again_is_a_replay_and_another_is_refused(hub):
    body, seats = seated_body(hub)
    meeting = held(hub, body, seats)
    _, motion = motion_on(hub, meeting)
    first = my_vote(hub, meeting, motion, "alice", "for", 201)
    assert first == {"motion_id": motion["id"], "seat_id": seats[0]["id"], "vote": "for"}
    assert my_vote(hub, meeting, motion, "alice", "for", 200) == first
    changed = my_vote(hub, meeting, motion, "alice", "against", 409)
    assert "votes once" in changed["detail"]
    ballots = hub.call("GET", f"/meetings/{meeting['id']}")["agenda"][-1]["motions"][0]["ballots"]
    assert ballots == [{"seat_id": seats[0]["id"], "person_name": "Alice Ash", "vote": "for"}]


def test_no_vote_is_cast_before_the_meeting_starts(hub):
    body, seats = seated_body(hub)
    meeting = hub.meeting(body["id"])  # thirty days ahead
    _, motion = motion_on(hub, meeting)
    early = my_vote(hub, meeting, motion, "alice", "for", 409)
    assert "has not started yet" in early["detail"]
    with hub.once_started(meeting):
        for seat in seats:
            hub.attend(meeting["id"], seat["id"])
        my_vote(hub, meeting, motion, "alice", "for", 201)


def test_only_members_present_vote_and_a_represented_seats_deputy_votes_for_it(hub):
    body, seats = seated_body(hub)
    deputy = hub.seat(body["id"], "deputy", "Dee Deputy", deputy_for=seats[1]["id"], account="dee")
    meeting = held(hub, body, seats[2:])
    _, motion = motion_on(hub, meeting)
    assert "present" in my_vote(hub, meeting, motion, "alice", "for", 409)["detail"]  # no attendance recorded
    hub.attend(meeting["id"], seats[1]["id"], status="deputy")
    assert "deputy votes" in my_vote(hub, meeting, motion, "bob", "for", 409)["detail"]
    cast = my_vote(hub, meeting, motion, "dee", "against", 201)
    assert cast["seat_id"] == seats[1]["id"] and deputy["id"] != seats[1]["id"]


def test_g2_a_co_opted_member_casts_no_vote(hub):
    body, seats = seated_body(hub, max_co_opted=1)
    funder = hub.seat(body["id"], "co_opted", "Council officer", account="funder")
    meeting = held(hub, body, seats + [funder])
    _, motion = motion_on(hub, meeting)
    assert my_vote(hub, meeting, motion, "funder", "for", 409)["type"] == RULE + "G2"


def test_g7_the_chair_casts_no_vote_on_an_item_about_the_chair(hub):
    body, seats = seated_body(hub)
    chair = hub.seat(body["id"], "chair", "Ruth Okafor", account="ruth", starts_on=clock.today().isoformat())
    meeting = held(hub, body, seats + [chair])
    _, motion = motion_on(hub, meeting, "Concerns about the chair", kind="about_chair")
    assert my_vote(hub, meeting, motion, "ruth", "against", 409)["type"] == RULE + "G7"


def test_the_secretary_takes_the_vote_counting_the_votes_cast_and_the_hands_shown_for_the_others(hub):
    body, seats = seated_body(hub)
    meeting = held(hub, body, seats)
    _, motion = motion_on(hub, meeting)
    my_vote(hub, meeting, motion, "alice", "for", 201)
    my_vote(hub, meeting, motion, "bob", "against", 201)
    votes = f"/meetings/{meeting['id']}/motions/{motion['id']}/votes"
    hands = {"votes": [{"seat_id": seats[2]["id"], "vote": "for"}, {"seat_id": seats[3]["id"], "vote": "for"}]}
    by_a_member = hub.call("POST", votes, hands, 403, headers=as_board(hub, "alice"))
    assert "chair or secretary" in by_a_member["detail"]
    contradicted = hub.call("POST", votes, {"votes": hands["votes"] + [{"seat_id": seats[1]["id"], "vote": "for"}]},
                            409)
    assert "already cast its own vote" in contradicted["detail"]
    decision = hub.call("POST", votes, hands | {"votes": hands["votes"] + [
        {"seat_id": seats[0]["id"], "vote": "for"}]}, 201)  # the same hand as her own vote: counted once
    assert (decision["votes"]["for"], decision["votes"]["against"]) == (3, 1) and decision["outcome"] == "approved"
    assert "already been voted" in my_vote(hub, meeting, motion, "alice", "for", 409)["detail"]


def test_the_secretary_can_take_a_vote_every_member_cast_themselves(hub):
    body, seats = seated_body(hub, members=3)
    meeting = held(hub, body, seats)
    _, motion = motion_on(hub, meeting)
    my_vote(hub, meeting, motion, "alice", "against", 201)
    my_vote(hub, meeting, motion, "bob", "against", 201)
    decision = hub.call("POST", f"/meetings/{meeting['id']}/motions/{motion['id']}/votes", {}, 201)
    assert decision["outcome"] == "rejected" and decision["votes"]["against"] == 2


def test_agenda_items_carry_their_papers(hub):
    body, seats = seated_body(hub)
    meeting = hub.meeting(body["id"])
    item = hub.item(meeting["id"], "Budget 2027")
    response = hub.client.post(f"/meetings/{meeting['id']}/papers", data={
        "title": "Budget paper", "agenda_item_id": item["id"], "file": (io.BytesIO(PDF), "budget.pdf")},
        content_type="multipart/form-data", headers=hub.headers)
    assert response.status_code == 201, response.get_data(as_text=True)
    shown = hub.call("GET", f"/meetings/{meeting['id']}")
    [agenda_item] = [i for i in shown["agenda"] if i["id"] == item["id"]]
    assert [p["title"] for p in agenda_item["papers"]] == ["Budget paper"]
    assert all(not i["papers"] for i in shown["agenda"] if i["id"] != item["id"])


def circulate(hub, body):
    deadline = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=7)
    return hub.call("POST", f"/bodies/{body['id']}/written-resolutions", {
        "text": "Adopt the plan", "deadline": deadline.isoformat()}, 201)


def test_g12_g2_a_member_answers_a_written_resolution_themselves_once(hub):
    body, seats = seated_body(hub, max_co_opted=1)
    hub.seat(body["id"], "co_opted", "Funder Rep", account="funder")
    resolution = circulate(hub, body)
    path = f"/written-resolutions/{resolution['id']}"
    answered = hub.call("POST", f"{path}/my-answer", {"vote": "for"}, 201, headers=as_board(hub, "alice"))
    assert answered["tally"]["for"] == 1 and answered["you"]["seat_id"] == seats[0]["id"]
    hub.call("POST", f"{path}/my-answer", {"vote": "for"}, 200, headers=as_board(hub, "alice"))
    assert "votes once" in hub.call("POST", f"{path}/my-answer", {"vote": "against"}, 409,
                                    headers=as_board(hub, "alice"))["detail"]
    assert hub.call("POST", f"{path}/my-answer", {"vote": "for"}, 409,
                    headers=as_board(hub, "funder"))["type"] == RULE + "G2"
    declared = hub.call("POST", f"{path}/my-declarations", {"interest": "Supplier"}, 201,
                        headers=as_board(hub, "bob"))
    assert [d["seat_id"] for d in declared["declarations"]] == [seats[1]["id"]]
    assert hub.call("POST", f"{path}/my-answer", {"vote": "for"}, 409,
                    headers=as_board(hub, "bob"))["type"] == RULE + "G12"
    assert "do not hold a seat" in hub.call("POST", f"{path}/my-answer", {"vote": "for"}, 409,
                                            headers=as_board(hub, "carol"))["detail"]


def test_a_written_answer_for_someone_else_is_the_chair_or_secretarys_to_record(hub, make_hub):
    body, seats = seated_body(hub)
    resolution = circulate(hub, body)
    path = f"/written-resolutions/{resolution['id']}"
    for_bob = {"seat_id": seats[1]["id"], "vote": "for"}
    hub.call("POST", f"{path}/answers", for_bob, 403, headers=as_board(hub, "alice"))
    hub.call("POST", f"{path}/declarations", {"seat_id": seats[1]["id"], "interest": "x"}, 403,
             headers=as_board(hub, "alice"))
    assert hub.call("POST", f"{path}/answers", for_bob, 201)["tally"]["for"] == 1  # the secretary
    hub.call("POST", f"{path}/my-answer", {"vote": "for"}, 404,
             headers=make_hub().as_(("board_member",), username="alice"))
