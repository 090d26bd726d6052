"""Bodies, seats, meetings, declarations, votes and decisions over the API (G1-G7, G9, G11, G12, C5)."""
from __future__ import annotations

import datetime as dt
import uuid

from hubkit import clock
from hubkit.testing import follow_pages

RULE = "urn:consortium-hub:rule:"


def quorate_meeting(hub, body, present=4):
    meeting = hub.held_meeting(body["id"])
    for seat in body["member_seats"][:present]:
        hub.attend(meeting["id"], seat["id"])
    return meeting


def test_g1_a_thirteenth_member_on_the_partners_group_is_409_naming_g1(hub):
    body = hub.body(members=12)
    refused = hub.call("POST", f"/bodies/{body['id']}/seats", {
        "role": "member", "person_name": "Thirteenth", "organisation_id": hub.organisation(),
        "starts_on": "2025-01-01"}, 409)
    assert refused["type"] == RULE + "G1" and "G1" in refused["detail"]
    assert len(hub.call("GET", f"/bodies/{body['id']}")["seats"]) == 12  # nothing written


def test_g1_a_small_partners_group_is_flagged_and_g9_g3_defaults_show(hub):
    body = hub.body(members=5)
    shown = hub.call("GET", f"/bodies/{body['id']}")
    assert any("G1" in w for w in shown["warnings"]) and any("G3" in w for w in shown["warnings"])
    assert shown["rules"]["max_members"] == 12 and shown["rules"]["max_co_opted"] == 3
    assert "Consultation and networking feedback" in shown["rules"]["standing_items"]


def test_g2_a_fourth_co_opted_member_is_refused(hub):
    body = hub.body()
    for i in range(3):
        hub.seat(body["id"], "co_opted", f"Funder {i}")
    refused = hub.seat(body["id"], "co_opted", "Fourth funder", status=409)
    assert refused["type"] == RULE + "G2"


def test_g6_a_third_chair_term_is_refused(hub):
    body = hub.body()
    first = hub.seat(body["id"], "chair", "Ruth Okafor", starts_on="2024-01-01")
    assert first["ends_on"] == "2024-12-31"
    hub.seat(body["id"], "chair", "Ruth Okafor", starts_on="2025-01-01")
    refused = hub.seat(body["id"], "chair", "Ruth Okafor", status=409, starts_on="2026-01-01")
    assert refused["type"] == RULE + "G6"
    other = hub.seat(body["id"], "chair", "Sam Ahmed", starts_on="2026-01-01")
    assert other["ends_on"] == "2026-12-31"


def test_g9_a_meeting_agenda_starts_with_the_bodys_standing_items(hub):
    board = hub.body("management_board", members=3)
    meeting = hub.meeting(board["id"])
    assert [i["title"] for i in meeting["agenda"]] == [
        "Stakeholder engagement", "Communication and marketing", "Work reports"]
    assert meeting["quorum"] == {"required": 3, "present": 0, "quorate": False}


def test_a_vote_without_quorum_is_refused_and_nothing_is_decided(hub):
    body = hub.body()
    hub.secretary(body["id"])  # records the show of hands and declarations made aloud
    meeting = quorate_meeting(hub, body, present=3)
    item = hub.item(meeting["id"], "Adopt the safeguarding policy")
    motion = hub.call("POST", f"/meetings/{meeting['id']}/motions",
                      {"agenda_item_id": item["id"], "text": "Adopt it"}, 201)
    refused = hub.call("POST", f"/meetings/{meeting['id']}/motions/{motion['id']}/votes", {
        "votes": [{"seat_id": s["id"], "vote": "for"} for s in body["member_seats"][:3]]}, 409)
    assert "quorate" in refused["detail"]
    assert hub.call("GET", "/decisions") == []


def test_g11_attendance_is_published_with_whether_it_is_claimable(hub):
    body = hub.body()
    meeting = hub.held_meeting(body["id"])
    seats = body["member_seats"]
    hub.seat(body["id"], "deputy", "Deputy Dee", deputy_for=seats[1]["id"],
             organisation_id=seats[1]["organisation_id"])
    hub.attend(meeting["id"], seats[0]["id"])
    shown = hub.attend(meeting["id"], seats[1]["id"], "deputy")
    hub.attend(meeting["id"], seats[2]["id"], "apologies")
    assert {a["seat_id"]: a["deputy_name"] for a in shown["attendance"]}[seats[1]["id"]] == "Deputy Dee"
    events = {e["data"]["seat_id"]: e["data"] for e in hub.outbox("governance.attendance.recorded")}
    assert events[seats[0]["id"]]["claimable"] and events[seats[1]["id"]]["claimable"]
    assert events[seats[2]["id"]]["claimable"] is False


def test_a_deputy_is_recorded_against_the_seat_they_represent(hub):
    body = hub.body()
    meeting = hub.held_meeting(body["id"])
    refused = hub.call("POST", f"/meetings/{meeting['id']}/attendance",
                       {"seat_id": body["member_seats"][0]["id"], "status": "deputy"}, 409)
    assert "deputy" in refused["detail"]


def test_g12_a_member_with_a_declared_interest_cannot_vote_and_the_decision_records_it(hub):
    body = hub.body()
    hub.secretary(body["id"])  # records the show of hands and declarations made aloud
    seats = body["member_seats"]
    meeting = quorate_meeting(hub, body, present=5)
    item = hub.item(meeting["id"], "Grant to Northfield Advice Centre")
    declared = hub.call("POST", f"/meetings/{meeting['id']}/declarations", {
        "agenda_item_id": item["id"], "seat_id": seats[0]["id"], "interest": "Trustee of Northfield"}, 201)
    assert declared["excluded_from_discussion"] is False
    motion = hub.call("POST", f"/meetings/{meeting['id']}/motions", {"agenda_item_id": item["id"], "text": "Fund"},
                      201)
    votes = f"/meetings/{meeting['id']}/motions/{motion['id']}/votes"
    refused = hub.call("POST", votes, {"votes": [{"seat_id": s["id"], "vote": "for"} for s in seats[:4]]}, 409)
    assert refused["type"] == RULE + "G12"
    decision = hub.call("POST", votes, {"votes": [
        {"seat_id": seats[1]["id"], "vote": "for"}, {"seat_id": seats[2]["id"], "vote": "for"},
        {"seat_id": seats[3]["id"], "vote": "against"}, {"seat_id": seats[4]["id"], "vote": "abstain"}]}, 201)
    assert decision["outcome"] == "approved" and decision["meeting_id"] == meeting["id"]
    assert (decision["votes"]["for"], decision["votes"]["against"], decision["votes"]["abstain"]) == (2, 1, 1)
    assert decision["declarations"][0]["interest"] == "Trustee of Northfield"
    recorded = [e["data"] for e in hub.outbox("governance.decision.recorded")]
    assert recorded[0]["votes"] == {"for": 2, "against": 1, "abstain": 1}
    assert recorded[0]["declarations"][0]["seat_id"] == seats[0]["id"]
    again = hub.call("POST", votes, {"votes": [{"seat_id": seats[1]["id"], "vote": "for"}]}, 409)
    assert "already" in again["detail"]
    shown = hub.call("GET", f"/meetings/{meeting['id']}")
    assert shown["agenda"][-1]["motions"][0]["status"] == "approved"


def test_g2_a_co_opted_members_vote_is_refused(hub):
    body = hub.body()
    hub.secretary(body["id"])  # records the show of hands and declarations made aloud
    meeting = quorate_meeting(hub, body)
    funder = hub.seat(body["id"], "co_opted", "Council officer")
    hub.attend(meeting["id"], funder["id"])
    item = hub.item(meeting["id"], "Annual report")
    motion = hub.call("POST", f"/meetings/{meeting['id']}/motions", {"agenda_item_id": item["id"], "text": "Adopt"},
                      201)
    refused = hub.call("POST", f"/meetings/{meeting['id']}/motions/{motion['id']}/votes",
                       {"votes": [{"seat_id": funder["id"], "vote": "for"}]}, 409)
    assert refused["type"] == RULE + "G2"


def test_c5_a_declarer_on_a_chosen_provider_item_leaves_the_discussion(hub):
    body = hub.body()
    hub.secretary(body["id"])  # records the show of hands and declarations made aloud
    meeting = quorate_meeting(hub, body)
    item = hub.item(meeting["id"], "Chosen provider for the advice contract", kind="chosen_provider")
    declared = hub.call("POST", f"/meetings/{meeting['id']}/declarations", {
        "agenda_item_id": item["id"], "seat_id": body["member_seats"][0]["id"],
        "interest": "We are the proposed provider"}, 201)
    assert declared["excluded_from_discussion"] is True


def test_g7_the_chair_does_not_vote_on_an_item_about_the_chair(hub):
    body = hub.body()
    hub.secretary(body["id"])  # records the show of hands and declarations made aloud
    chair = hub.seat(body["id"], "chair", "Ruth Okafor", starts_on=clock.today().isoformat())
    meeting = quorate_meeting(hub, body)
    hub.attend(meeting["id"], chair["id"])
    item = hub.item(meeting["id"], "Concerns about the chair", kind="about_chair")
    motion = hub.call("POST", f"/meetings/{meeting['id']}/motions", {"agenda_item_id": item["id"], "text": "Review"},
                      201)
    refused = hub.call("POST", f"/meetings/{meeting['id']}/motions/{motion['id']}/votes",
                       {"votes": [{"seat_id": chair["id"], "vote": "against"}]}, 409)
    assert refused["type"] == RULE + "G7"


def test_g5_an_expulsion_motion_with_ten_days_notice_is_refused_and_with_fourteen_is_decided(hub):
    body = hub.body()
    hub.secretary(body["id"])  # records the show of hands and declarations made aloud
    meeting = quorate_meeting(hub, body)
    meeting_on = clock.local_date(dt.datetime.fromisoformat(meeting["starts_at"]))  # the hub's day, not UTC's
    late = hub.item(meeting["id"], "Expel Westside Trust", kind="business",
                    notified_on=(meeting_on - dt.timedelta(days=10)).isoformat())
    refused = hub.call("POST", f"/meetings/{meeting['id']}/motions", {
        "agenda_item_id": late["id"], "text": "Expel Westside Trust", "kind": "expulsion",
        "subject": f"organisation/{uuid.uuid4()}"}, 409)
    assert refused["type"] == RULE + "G5" and "10 days" in refused["detail"]
    timely = hub.item(meeting["id"], "Expel Westside Trust", notified_on=(meeting_on - dt.timedelta(days=14)).isoformat())
    motion = hub.call("POST", f"/meetings/{meeting['id']}/motions", {
        "agenda_item_id": timely["id"], "text": "Expel Westside Trust", "kind": "expulsion",
        "subject": f"organisation/{hub.organisation()}"}, 201)
    decision = hub.call("POST", f"/meetings/{meeting['id']}/motions/{motion['id']}/votes", {
        "votes": [{"seat_id": s["id"], "vote": "for"} for s in body["member_seats"][:4]]}, 201)
    assert decision["kind"] == "membership_expulsion" and decision["outcome"] == "approved"


def test_minutes_actions_and_the_decisions_log(hub):
    body = hub.body()
    hub.secretary(body["id"])  # records the show of hands and declarations made aloud
    meeting = quorate_meeting(hub, body)
    hub.call("PUT", f"/meetings/{meeting['id']}/minutes", {"minutes": "Met; agreed the plan."})
    action = hub.call("POST", f"/meetings/{meeting['id']}/actions",
                      {"description": "Circulate the plan", "owner": "Asha Patel", "due_on": "2027-01-15"}, 201)
    hub.call("POST", f"/meetings/{meeting['id']}/actions/{action['id']}/done", {"done_on": "2027-01-10"})
    item = hub.item(meeting["id"], "Business plan 2027")
    motion = hub.call("POST", f"/meetings/{meeting['id']}/motions",
                      {"agenda_item_id": item["id"], "text": "Approve the business plan 2027"}, 201)
    hub.call("POST", f"/meetings/{meeting['id']}/motions/{motion['id']}/votes",
             {"votes": [{"seat_id": s["id"], "vote": "for"} for s in body["member_seats"][:4]]}, 201)
    shown = hub.call("GET", f"/meetings/{meeting['id']}")
    assert shown["minutes"] == "Met; agreed the plan." and shown["actions"][0]["done_on"] == "2027-01-10"
    assert [d["title"] for d in hub.call("GET", "/decisions?q=business plan")] == ["Approve the business plan 2027"]
    assert hub.call("GET", "/decisions?q=nothing-like-it") == []
    second = hub.item(meeting["id"], "Reserves policy")
    motion = hub.call("POST", f"/meetings/{meeting['id']}/motions",
                      {"agenda_item_id": second["id"], "text": "Adopt the reserves policy"}, 201)
    hub.call("POST", f"/meetings/{meeting['id']}/motions/{motion['id']}/votes",
             {"votes": [{"seat_id": s["id"], "vote": "for"} for s in body["member_seats"][:4]]}, 201)
    newest = [d["id"] for page in follow_pages(hub.client, "/decisions", headers=hub.headers, limit=1)
              for d in page]
    oldest = [d["id"] for page in follow_pages(hub.client, "/decisions", headers=hub.headers, limit=1, sort="oldest")
              for d in page]
    assert len(newest) == 2 and oldest == list(reversed(newest))  # issue 14 item 7: the log in either order


def test_the_standing_register_of_interests(hub):
    hub.call("POST", "/interests", {"person_name": "Asha Patel", "interest": "Trustee of Northfield",
                                    "registered_on": "2026-01-05"}, 201)
    assert [i["interest"] for i in hub.call("GET", "/interests?person_name=Asha Patel")] == ["Trustee of Northfield"]


def test_bad_input_roles_and_other_consortia(hub, make_hub):
    refused = hub.call("POST", "/bodies", {"kind": "partners_group", "name": "PG", "colour": "red"}, 422)
    assert "colour" in refused["errors"]
    bad_rules = hub.call("POST", "/bodies", {"kind": "partners_group", "name": "PG", "rules": {"quorom": 3}}, 422)
    assert "quorom" in str(bad_rules["errors"])
    hub.call("POST", "/bodies", {"kind": "partners_group", "name": "PG"}, 403,
             headers=hub.as_(("finance_officer",)))
    body = hub.body()
    second = hub.call("POST", "/bodies", {"kind": "partners_group", "name": "Another PG"}, 409)
    assert "already" in second["detail"]
    meeting = hub.held_meeting(body["id"])
    outsider = make_hub()
    outsider.call("GET", f"/meetings/{meeting['id']}", status=404)
    outsider.call("GET", f"/bodies/{body['id']}", status=404)
    hub.call("GET", f"/bodies/{body['id']}", headers=hub.as_(("member_user",)), status=403)
    bad_seat = hub.call("POST", f"/meetings/{meeting['id']}/attendance",
                        {"seat_id": str(uuid.uuid4()), "status": "present"}, 409)
    assert "not on this meeting's body" in bad_seat["detail"]


def test_the_register_of_interests_comes_in_pages_in_sql_keeping_its_filter(hub):
    days = ["2026-03-01", "2026-01-05", "2026-05-20", "2026-02-14", "2026-04-02"]
    for day in days:
        hub.call("POST", "/interests", {"person_name": "Noor Haddad", "interest": f"Since {day}",
                                        "registered_on": day}, 201)
    hub.call("POST", "/interests", {"person_name": "Someone Else", "interest": "Other", "registered_on": days[0]}, 201)
    pages = follow_pages(hub.client, "/interests", headers=hub.headers, limit=2, person_name="Noor Haddad")
    assert [len(page) for page in pages] == [2, 2, 1]
    assert [row["registered_on"] for page in pages for row in page] == sorted(days)


# --- issue 12: what has not happened cannot be recorded; ids that exist ---

def test_g5_nothing_is_recorded_for_a_meeting_before_it_starts_so_an_expulsions_notice_cannot_be_emptied(hub):
    body = hub.body()
    hub.secretary(body["id"])  # records the show of hands and declarations made aloud
    seats = body["member_seats"]
    meeting = hub.meeting(body["id"], starts_at=dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=15),
                          notice_given_on=clock.today())
    item = hub.item(meeting["id"], "Expel Westside Trust", notified_on=clock.today().isoformat())
    motion = hub.call("POST", f"/meetings/{meeting['id']}/motions", {  # a motion is tabled ahead: that is notice
        "agenda_item_id": item["id"], "text": "Expel Westside Trust", "kind": "expulsion",
        "subject": f"organisation/{hub.organisation()}"}, 201)
    early = [hub.call("POST", f"/meetings/{meeting['id']}/attendance", {"seat_id": seats[0]["id"],
                                                                        "status": "present"}, 409),
             hub.call("POST", f"/meetings/{meeting['id']}/motions/{motion['id']}/votes",
                      {"votes": [{"seat_id": s["id"], "vote": "for"} for s in seats]}, 409),
             hub.call("PUT", f"/meetings/{meeting['id']}/minutes", {"minutes": "Westside Trust expelled."}, 409),
             hub.call("PUT", f"/meetings/{meeting['id']}/chair", {"seat_id": seats[0]["id"]}, 409)]
    for refused in early:
        assert "has not started yet" in refused["detail"] and refused["status"] == 409
    shown = hub.call("GET", f"/meetings/{meeting['id']}")
    assert shown["attendance"] == [] and shown["minutes"] is None and shown["chairing"]["chaired_by"] is None
    assert hub.call("GET", "/decisions") == [] and hub.outbox("governance.attendance.recorded") == []
    with hub.once_started(meeting):  # at the meeting, with its 15 days' notice, the vote is taken
        for seat in seats:
            hub.attend(meeting["id"], seat["id"])
        decision = hub.call("POST", f"/meetings/{meeting['id']}/motions/{motion['id']}/votes",
                            {"votes": [{"seat_id": s["id"], "vote": "for"} for s in seats]}, 201)
    assert decision["kind"] == "membership_expulsion"


def test_a_seat_names_an_organisation_on_the_membership_register_not_any_id(hub, make_hub):
    body = hub.body(members=0)
    elsewhere = make_hub().organisation()  # on another consortium's register
    for organisation_id in (str(uuid.uuid4()), elsewhere):
        refused = hub.call("POST", f"/bodies/{body['id']}/seats", {
            "role": "member", "person_name": "Nobody", "organisation_id": organisation_id,
            "starts_on": "2025-01-01"}, 422)
        assert list(refused["errors"]) == ["organisation_id"]
        interest = hub.call("POST", "/interests", {"person_name": "Nobody", "organisation_id": organisation_id,
                                                   "interest": "Trustee", "registered_on": "2025-01-01"}, 422)
        assert list(interest["errors"]) == ["organisation_id"]
    assert hub.call("GET", f"/bodies/{body['id']}")["seats"] == []
    seated = hub.seat(body["id"], "member", "Somebody", organisation_id=hub.organisation())
    assert seated["organisation_id"]


def test_an_expulsion_motion_moved_by_hand_names_an_organisation_on_the_register(hub):
    body = hub.body()
    meeting = quorate_meeting(hub, body)
    item = hub.item(meeting["id"], "Expel", notified_on=(clock.today() - dt.timedelta(days=20)).isoformat())
    refused = hub.call("POST", f"/meetings/{meeting['id']}/motions", {
        "agenda_item_id": item["id"], "text": "Expel", "kind": "expulsion",
        "subject": f"organisation/{uuid.uuid4()}"}, 422)
    assert list(refused["errors"]) == ["subject"]
