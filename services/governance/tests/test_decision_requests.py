"""Decision requests come to bodies, and a body's decision comes from the body (issue 12): a vote at a quorate
meeting, or a written resolution where the body allows one. A decision taken elsewhere is recorded only by the
deciding body's chair or secretary, naming the meeting or resolution it came from, and is minuted there; nobody
decides a request alone (M1 applications, F1 virements over the threshold), whatever their role."""
from __future__ import annotations

import datetime as dt
import uuid

from hubkit import clock
from hubkit.testing import golden_event

CHAIR, SECRETARY = "chair-ruth", "secretary-sam"  # the officers' hub usernames


def file_request(hub, producer="membership") -> str:
    """Apply a <producer>.decision.requested event for the hub's consortium, as the consumer would."""
    request_id = str(uuid.uuid4())
    assert hub.app.extensions["hubkit.applier"].apply(golden_event(
        f"{producer}.decision.requested", consortium_id=hub.consortium, data={"request_id": request_id}))
    return request_id


def body_with_officers(hub, kind) -> dict:
    """A body whose chair and secretary hold hub accounts, with a meeting held two hours ago, quorate."""
    body = hub.body(kind, members=6 if kind == "partners_group" else 3)
    hub.seat(body["id"], "chair", "Ruth Okafor", starts_on=clock.today().isoformat(), account=CHAIR)
    hub.seat(body["id"], "secretary", "Sam Ahmed", account=SECRETARY)
    body["held"] = hub.held_meeting(body["id"])
    for seat in body["member_seats"]:
        hub.attend(body["held"]["id"], seat["id"])
    return body


def record(hub, request_id, as_, status, **source):
    payload = {"outcome": source.pop("outcome", "approved"), "note": "Carried 5-1 at the meeting."} | source
    return hub.call("POST", f"/decision-requests/{request_id}/decision", payload, status, headers=as_)


def made(hub, request_id) -> list[dict]:
    return [e["data"] for e in hub.outbox("governance.decision.made") if e["data"]["request_id"] == request_id]


def test_m1_a_consortium_manager_alone_cannot_approve_a_membership_application(hub):
    pg = body_with_officers(hub, "partners_group")
    request_id = file_request(hub)
    manager, board_member = hub.as_(("consortium_manager",)), hub.as_(("board_member",), username="a-member")
    assert "meeting_id" in record(hub, request_id, manager, 422)["errors"]  # no meeting, no resolution: no decision
    for someone in (manager, board_member):  # holding no office on the Partners Group
        refused = record(hub, request_id, someone, 403, meeting_id=pg["held"]["id"])
        assert "chair or secretary" in refused["detail"]
    assert hub.call("GET", f"/decision-requests/{request_id}")["status"] == "pending"
    assert made(hub, request_id) == [] and hub.call("GET", "/decisions") == []


def test_m1_the_chair_records_the_partners_groups_decision_from_the_meeting_and_it_is_minuted_there(hub):
    pg = body_with_officers(hub, "partners_group")
    request_id = file_request(hub)
    chair = hub.as_(("board_member",), username=CHAIR)
    decided = record(hub, request_id, chair, 200, meeting_id=pg["held"]["id"])
    assert (decided["status"], decided["outcome"]) == ("decided", "approved")
    decision = next(d for d in hub.call("GET", "/decisions") if d["id"] == decided["decision_id"])
    assert decision["body_id"] == pg["id"] and decision["meeting_id"] == pg["held"]["id"]
    assert decision["recorded_by"] == f"{CHAIR} (chair)" and "recorded by its chair" in decision["note"]
    minuted = hub.call("GET", f"/meetings/{pg['held']['id']}")
    assert [i["id"] for i in minuted["agenda"] if i["decision_request_id"] == request_id] == [
        decision["agenda_item_id"]]
    event = made(hub, request_id)
    assert len(event) == 1 and event[0]["outcome"] == "approved"
    assert event[0]["decided_on"] == clock.local_date(dt.datetime.fromisoformat(pg["held"]["starts_at"])).isoformat()
    record(hub, request_id, chair, 409, meeting_id=pg["held"]["id"])  # decided once


def test_f1_a_virement_over_the_threshold_is_the_management_boards_not_a_managers(hub):
    board = body_with_officers(hub, "management_board")
    request_id = file_request(hub, "finance")  # a £7,500 virement: over F1's threshold, so the board decides
    refused = record(hub, request_id, hub.as_(("consortium_manager",)), 403, meeting_id=board["held"]["id"])
    assert "Management Board" in refused["detail"]
    assert made(hub, request_id) == []
    secretary = hub.as_(("consortium_manager",), username=SECRETARY)  # the hub's manager, as the board's secretary
    decided = record(hub, request_id, secretary, 200, meeting_id=board["held"]["id"])
    assert decided["outcome"] == "approved" and made(hub, request_id)[0]["kind"] == "budget_variation"


def test_f1_a_decision_is_recorded_only_from_a_quorate_meeting_of_the_deciding_body_that_has_taken_place(hub):
    board = body_with_officers(hub, "management_board")
    pg = body_with_officers(hub, "partners_group")
    request_id = file_request(hub, "finance")
    secretary = hub.as_(("consortium_manager",), username=SECRETARY)
    upcoming = hub.meeting(board["id"])  # the request is put on its agenda; it has not happened yet
    inquorate = hub.held_meeting(board["id"], hours_ago=3)
    hub.attend(inquorate["id"], board["member_seats"][0]["id"])
    for meeting, words in ((upcoming, "not taken place"), (inquorate, "not quorate"), (pg["held"], "not a meeting of")):
        assert words in record(hub, request_id, secretary, 409, meeting_id=meeting["id"])["detail"]
    assert "meeting_id" in record(hub, request_id, secretary, 422, meeting_id=str(uuid.uuid4()))["errors"]
    assert hub.call("GET", f"/decision-requests/{request_id}")["status"] == "pending" and made(hub, request_id) == []
    record(hub, request_id, secretary, 200, meeting_id=board["held"]["id"])
    # its agenda item moved from the meeting still to come to the meeting that decided it
    assert not [i for i in hub.call("GET", f"/meetings/{upcoming['id']}")["agenda"] if i["kind"] == "request"]
    assert [i["decision_request_id"] for i in hub.call("GET", f"/meetings/{board['held']['id']}")["agenda"]
            if i["kind"] == "request"] == [request_id]


def test_f1_a_decision_by_written_resolution_is_recorded_from_the_closed_resolution_with_its_result(hub):
    board = body_with_officers(hub, "management_board")
    request_id = file_request(hub, "finance")
    chair = hub.as_(("board_member",), username=CHAIR)
    deadline = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=7)
    resolution = hub.call("POST", f"/bodies/{board['id']}/written-resolutions", {
        "text": "Agree the virement", "deadline": deadline.isoformat()}, 201)
    path = f"/written-resolutions/{resolution['id']}"
    assert "still open" in record(hub, request_id, chair, 409, written_resolution_id=resolution["id"])["detail"]
    for seat in board["member_seats"]:
        hub.call("POST", f"{path}/answers", {"seat_id": seat["id"], "vote": "for"}, 201, headers=chair)
    hub.call("POST", f"{path}/close", {}, 201)
    assert "was approved" in record(hub, request_id, chair, 409, outcome="rejected",
                                    written_resolution_id=resolution["id"])["detail"]
    both = record(hub, request_id, chair, 422, meeting_id=board["held"]["id"], written_resolution_id=resolution["id"])
    assert set(both["errors"]) == {"meeting_id", "written_resolution_id"}
    decided = record(hub, request_id, chair, 200, written_resolution_id=resolution["id"])
    decision = next(d for d in hub.call("GET", "/decisions") if d["id"] == decided["decision_id"])
    assert decision["written_resolution_id"] == resolution["id"] and "written resolution" in decision["note"]


def test_finance_officer_cannot_decide_and_outsiders_cannot_see(hub, make_hub):
    board = body_with_officers(hub, "management_board")
    request_id = file_request(hub, "finance")
    source = {"outcome": "approved", "meeting_id": board["held"]["id"]}
    hub.call("POST", f"/decision-requests/{request_id}/decision", source, 403,
             headers=hub.as_(("finance_officer",), username=CHAIR))
    outsider = make_hub(("board_member",))
    outsider.call("GET", f"/decision-requests/{request_id}", status=404)
    outsider.call("POST", f"/decision-requests/{request_id}/decision", source, 404)


def test_an_outcome_outside_the_list_is_422(hub):
    request_id = file_request(hub)
    response = hub.call("POST", f"/decision-requests/{request_id}/decision",
                        {"outcome": "maybe", "meeting_id": str(uuid.uuid4())}, 422)
    assert "outcome" in response["errors"]
