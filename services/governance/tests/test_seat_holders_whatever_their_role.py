"""A seat holder acts for their own seat whatever their hub role: a member organisation's staff (`member_user`) who sit
on the Partners Group for their organisation declare their interests (G12), cast their vote (G2, G12) and answer a
written resolution, and see the meetings, papers and resolutions of the bodies they sit on; nothing else of
governance. The seat's account (their hub username) decides, in the service: another seat is never theirs."""
from __future__ import annotations

import datetime as dt
import io
import uuid

from hubkit import clock
from hubkit.testing import golden_event

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def partners_group(hub):
    """A Partners Group deciding in writing too, whose first member seat names the member staff `mel` (sitting for
    her organisation) and the second `other`; the caller (the manager) is its secretary."""
    body = hub.body("partners_group", members=0, rules={"written_resolutions": True})
    mels_organisation = hub.organisation()
    mel = hub.seat(body["id"], "member", "Mel Member", organisation_id=mels_organisation, account="mel")
    other = hub.seat(body["id"], "member", "Olu Other", account="other")
    rest = [hub.seat(body["id"], "member", f"Member {n}") for n in range(4)]
    hub.secretary(body["id"])
    return body, mels_organisation, [mel, other, *rest]


def held_with_motion(hub, body, seats):
    meeting = hub.held_meeting(body["id"])
    for seat in seats:
        hub.attend(meeting["id"], seat["id"])
    item = hub.item(meeting["id"], "Adopt the outreach plan")
    motion = hub.call("POST", f"/meetings/{meeting['id']}/motions",
                      {"agenda_item_id": item["id"], "text": "Adopt the plan"}, 201)
    return meeting, item, motion


def circulate(hub, body):
    deadline = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=7)
    return hub.call("POST", f"/bodies/{body['id']}/written-resolutions",
                    {"text": "Renew the hub's insurance", "deadline": deadline.isoformat()}, 201)


def test_g12_member_staff_holding_a_seat_declare_vote_answer_and_see_their_bodys_meetings(hub):
    body, organisation, seats = partners_group(hub)
    mel = hub.as_(("member_user",), username="mel", organisation_id=organisation)
    meeting, item, motion = held_with_motion(hub, body, seats)
    shown = hub.call("GET", f"/meetings/{meeting['id']}", headers=mel)
    assert shown["you"]["seat_id"] == seats[0]["id"] and shown["you"]["votes"] is True
    paper = hub.client.post(f"/meetings/{meeting['id']}/papers", data={
        "title": "Outreach plan", "agenda_item_id": item["id"], "file": (io.BytesIO(PDF), "plan.pdf")},
        content_type="multipart/form-data", headers=hub.headers).get_json()
    assert [p["id"] for p in hub.call("GET", f"/meetings/{meeting['id']}/papers", headers=mel)] == [paper["id"]]
    content = hub.client.get(f"/meetings/{meeting['id']}/papers/{paper['id']}/content", headers=mel)
    assert content.status_code == 200 and content.data == PDF

    cast = hub.call("POST", f"/meetings/{meeting['id']}/motions/{motion['id']}/my-vote", {"vote": "for"}, 201,
                    headers=mel)
    assert cast == {"motion_id": motion["id"], "seat_id": seats[0]["id"], "vote": "for"}
    other_item = hub.item(meeting["id"], "Grant to Mel's organisation")
    declared = hub.call("POST", f"/meetings/{meeting['id']}/my-declarations",
                        {"agenda_item_id": other_item["id"], "interest": "It is my employer"}, 201, headers=mel)
    assert declared["seat_id"] == seats[0]["id"]

    resolution = circulate(hub, body)
    answered = hub.call("POST", f"/written-resolutions/{resolution['id']}/my-answer", {"vote": "against"}, 201,
                        headers=mel)
    assert answered["you"]["seat_id"] == seats[0]["id"] and answered["tally"]["against"] == 1
    assert hub.call("GET", f"/written-resolutions/{resolution['id']}", headers=mel)["tally"]["against"] == 1

    listed = hub.client.get("/meetings", query_string={"person_name": "Mel Member", "upcoming": "false"},
                            headers=mel).get_json()
    assert [m["id"] for m in listed] == [meeting["id"]]
    # nothing else of governance: the bodies, the decisions log, recording for others stay closed
    for path in ("/bodies", f"/bodies/{body['id']}", "/decisions", "/hub", "/policies"):
        assert hub.client.get(path, headers=mel).status_code == 403, path


def test_member_staff_without_a_seat_see_no_meeting_and_act_on_none(hub):
    body, organisation, seats = partners_group(hub)
    stranger = hub.as_(("member_user",), username="stranger", organisation_id=organisation)
    meeting, item, motion = held_with_motion(hub, body, seats)
    resolution = circulate(hub, body)
    hub.call("GET", f"/meetings/{meeting['id']}", status=404, headers=stranger)
    hub.call("GET", f"/meetings/{meeting['id']}/papers", status=404, headers=stranger)
    hub.call("POST", f"/meetings/{meeting['id']}/my-declarations", {"agenda_item_id": item["id"], "interest": "x"},
             404, headers=stranger)
    hub.call("POST", f"/meetings/{meeting['id']}/motions/{motion['id']}/my-vote", {"vote": "for"}, 404,
             headers=stranger)
    hub.call("GET", f"/written-resolutions/{resolution['id']}", status=404, headers=stranger)
    hub.call("POST", f"/written-resolutions/{resolution['id']}/my-answer", {"vote": "for"}, 404, headers=stranger)
    # naming a seat holder does not list that person's meetings: member staff see their own seats' only
    listed = hub.client.get("/meetings", query_string={"person_name": "Mel Member", "upcoming": "false"},
                            headers=stranger)
    assert listed.status_code == 200 and listed.get_json() == []
    calendar = hub.client.get("/meetings/calendar.ics", query_string={"person_name": "Mel Member"},
                              headers=stranger)
    assert calendar.status_code == 200 and b"BEGIN:VEVENT" not in calendar.data
    assert hub.call("GET", f"/meetings/{meeting['id']}")["agenda"][-1]["declarations"] == []


def test_member_staffs_meetings_are_their_accounts_seats_whatever_name_the_seat_was_typed_with(hub):
    """A seat's holder is typed by hand ("Mel Member"); the hub's display name may differ ("Melanie Member"): for
    member staff, GET /meetings and the calendar count the seats naming their account, as the home page does,
    whatever name they are asked with."""
    body, organisation, seats = partners_group(hub)
    mel = hub.as_(("member_user",), username="mel", organisation_id=organisation)
    meeting = hub.meeting(body["id"])
    for person_name in ("Melanie Member", "Mel Member"):
        listed = hub.client.get("/meetings", query_string={"person_name": person_name}, headers=mel).get_json()
        assert [m["id"] for m in listed] == [meeting["id"]], person_name
        calendar = hub.client.get("/meetings/calendar.ics", query_string={"person_name": person_name}, headers=mel)
        assert f"meeting-{meeting['id']}@".encode() in calendar.data, person_name


def test_a_finance_officer_or_host_admin_sees_only_the_bodies_a_seat_names_them_on_as_the_gateway_shows(hub):
    """Who sees every body's business is the manager and the board (hubkit.auth.SEES_GOVERNANCE, the set the
    gateway's pages use): a finance officer or host admin sees a meeting, its papers and a written resolution only of
    a body where a seat names their account, and GET /meetings lists only those seats' meetings, as for member
    staff; before, governance listed every seat of the name they gave and the gateway then said "Not found"."""
    body, organisation, seats = partners_group(hub)  # seats[1] names the account "other"
    meeting, item, motion = held_with_motion(hub, body, seats)
    resolution = circulate(hub, body)
    for role in ("finance_officer", "host_admin"):
        unseated, seated = hub.as_((role,), username="fin"), hub.as_((role,), username="other")
        for path in (f"/meetings/{meeting['id']}", f"/meetings/{meeting['id']}/papers",
                     f"/written-resolutions/{resolution['id']}"):
            hub.call("GET", path, status=404, headers=unseated)
            hub.call("GET", path, headers=seated)
        for person_name in ("Mel Member", "Olu Other"):
            listed = hub.client.get("/meetings", query_string={"person_name": person_name, "upcoming": "false"},
                                    headers=unseated).get_json()
            assert listed == [], (role, person_name)
        listed = hub.client.get("/meetings", query_string={"person_name": "Olu Other", "upcoming": "false"},
                                headers=seated).get_json()
        assert [m["id"] for m in listed] == [meeting["id"]], role
        assert hub.call("GET", f"/meetings/{meeting['id']}", headers=seated)["you"]["seat_id"] == seats[1]["id"]
    board = hub.as_(("board_member",), username="bo")  # the board sees every body's business, seated or not
    hub.call("GET", f"/meetings/{meeting['id']}", headers=board)
    listed = hub.client.get("/meetings", query_string={"person_name": "Mel Member", "upcoming": "false"},
                            headers=board).get_json()
    assert [m["id"] for m in listed] == [meeting["id"]]


def test_a_finance_officer_or_host_admin_lists_no_bodys_business_they_cannot_open_seated_or_not(hub):
    """The bodies, a body's meetings (and their calendar) and written resolutions, the decisions log, decision
    requests and the register of interests answer the manager and the board alone (hubkit.auth.SEES_GOVERNANCE), as
    the gateway's pages that read them: a finance officer or host admin, like member staff, gets 403, seated or not
    (before, they listed a body's meetings they could not open). A seat holder among them keeps their own list,
    GET /meetings, and opens each meeting and resolution of their body."""
    body, organisation, seats = partners_group(hub)  # seats[1] names the account "other"
    meeting, item, motion = held_with_motion(hub, body, seats)
    resolution = circulate(hub, body)
    request_id = str(uuid.uuid4())
    assert hub.app.extensions["hubkit.applier"].apply(golden_event(
        "finance.decision.requested", consortium_id=hub.consortium, data={"request_id": request_id}))
    lists = ("/bodies", f"/bodies/{body['id']}", f"/bodies/{body['id']}/meetings",
             f"/bodies/{body['id']}/meetings.ics", f"/bodies/{body['id']}/written-resolutions", "/decisions",
             "/decision-requests", f"/decision-requests/{request_id}", "/interests")
    for role in ("finance_officer", "host_admin"):
        for username in ("fin", "other"):  # unseated, and seated on the body
            caller = hub.as_((role,), username=username)
            for path in lists:
                assert hub.client.get(path, headers=caller).status_code == 403, (role, username, path)
        seated = hub.as_((role,), username="other")
        listed = hub.client.get("/meetings", query_string={"person_name": "Olu Other", "upcoming": "false"},
                                headers=seated).get_json()
        assert [m["id"] for m in listed] == [meeting["id"]], role
        hub.call("GET", f"/written-resolutions/{resolution['id']}", headers=seated)
    for role in ("consortium_manager", "board_member"):  # who sees every body's business lists it, seated or not
        caller = hub.as_((role,), username="bo")
        for path in lists:
            assert hub.client.get(path, headers=caller).status_code == 200, (role, path)
    shown = hub.call("GET", f"/bodies/{body['id']}/meetings", headers=hub.as_(("board_member",), username="bo"))
    assert [m["id"] for m in shown] == [meeting["id"]]


def test_g12_a_seat_holder_votes_for_their_own_seat_only_never_another(hub):
    body, organisation, seats = partners_group(hub)
    mel = hub.as_(("member_user",), username="mel", organisation_id=organisation)
    meeting, item, motion = held_with_motion(hub, body, seats)
    votes = f"/meetings/{meeting['id']}/motions/{motion['id']}/votes"
    hub.call("POST", votes, {"votes": [{"seat_id": seats[1]["id"], "vote": "for"}]}, 403, headers=mel)
    hub.call("POST", f"/meetings/{meeting['id']}/declarations",
             {"agenda_item_id": item["id"], "seat_id": seats[1]["id"], "interest": "x"}, 403, headers=mel)
    resolution = circulate(hub, body)
    hub.call("POST", f"/written-resolutions/{resolution['id']}/answers", {"seat_id": seats[1]["id"], "vote": "for"},
             403, headers=mel)
    hub.call("POST", f"/meetings/{meeting['id']}/motions/{motion['id']}/my-vote", {"vote": "against"}, 201,
             headers=mel)
    ballots = hub.call("GET", f"/meetings/{meeting['id']}")["agenda"][-1]["motions"][0]["ballots"]
    assert [(b["seat_id"], b["vote"]) for b in ballots] == [(seats[0]["id"], "against")]  # Olu's seat untouched
    # the other seat's holder votes for it themselves, whatever their role: here a finance officer
    other = hub.as_(("finance_officer",), username="other")
    hub.call("POST", f"/meetings/{meeting['id']}/motions/{motion['id']}/my-vote", {"vote": "for"}, 201,
             headers=other)
    ballots = hub.call("GET", f"/meetings/{meeting['id']}")["agenda"][-1]["motions"][0]["ballots"]
    assert sorted((b["seat_id"], b["vote"]) for b in ballots) == sorted(
        [(seats[0]["id"], "against"), (seats[1]["id"], "for")])


def test_member_staff_see_a_meeting_of_their_body_only_while_their_seat_covers_its_day(hub):
    body, organisation, seats = partners_group(hub)
    mel = hub.as_(("member_user",), username="mel", organisation_id=organisation)
    hub.call("POST", f"/bodies/{body['id']}/seats/{seats[0]['id']}/end",
             {"ends_on": (clock.today() - dt.timedelta(days=1)).isoformat()})
    meeting = hub.meeting(body["id"])  # thirty days ahead: after Mel's term ended
    hub.call("GET", f"/meetings/{meeting['id']}", status=404, headers=mel)
