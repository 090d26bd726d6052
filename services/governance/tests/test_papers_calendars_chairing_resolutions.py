"""Meeting papers, iCalendar feeds, who chairs (G8) and written resolutions (G2, G5, G12), through the API."""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import uuid

from hubkit import clock

SOON = dt.datetime.now(dt.timezone.utc).replace(microsecond=0) + dt.timedelta(days=30)
TODAY = clock.today().isoformat()
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def attach(hub, meeting_id, content=PDF, filename="Budget report.pdf", headers=None, **form):
    data = {**form, "file": (io.BytesIO(content), filename)}
    return hub.client.post(f"/meetings/{meeting_id}/papers", data=data, content_type="multipart/form-data",
                           headers=headers or hub.headers)


# --- papers ---

def test_a_paper_is_kept_with_its_checksum_listed_on_the_meeting_and_downloaded_unchanged(hub):
    board = hub.body("management_board", members=3)
    meeting = hub.meeting(board["id"])
    item = meeting["agenda"][0]
    response = attach(hub, meeting["id"], filename="../secret/Budget report.pdf", title="Budget report Q3",
                      agenda_item_id=item["id"])
    assert response.status_code == 201, response.get_json()
    paper = response.get_json()
    assert paper["filename"] == "Budget report.pdf" and paper["title"] == "Budget report Q3"
    assert paper["sha256"] == hashlib.sha256(PDF).hexdigest() and paper["agenda_item_id"] == item["id"]
    assert [p["id"] for p in hub.call("GET", f"/meetings/{meeting['id']}/papers")] == [paper["id"]]
    assert [p["id"] for p in hub.call("GET", f"/meetings/{meeting['id']}")["papers"]] == [paper["id"]]
    download = hub.client.get(f"/meetings/{meeting['id']}/papers/{paper['id']}/content", headers=hub.headers)
    assert download.status_code == 200 and download.data == PDF and download.mimetype == "application/pdf"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert 'filename="Budget report.pdf"' in download.headers["Content-Disposition"]


def test_a_published_paper_names_the_accounts_seated_on_its_body_on_the_meeting_day(hub):
    """governance.paper.published: the gateway tells those seated (by their hub account) that day, nobody else."""
    board = hub.body("management_board", members=1)
    seated = f"seated-{uuid.uuid4().hex[:6]}"
    hub.seat(board["id"], "member", "Sam Seated", account=seated)
    hub.seat(board["id"], "member", "Gone Before", account="gone-before",
             ends_on=(SOON.date() - dt.timedelta(days=1)).isoformat())
    meeting = hub.meeting(board["id"], starts_at=SOON)
    paper = attach(hub, meeting["id"], title="Budget report").get_json()
    [event] = [e for e in hub.outbox("governance.paper.published") if e["data"]["paper_id"] == paper["id"]]
    assert event["data"]["seat_accounts"] == [seated]
    assert event["data"]["meeting_id"] == meeting["id"] and event["data"]["title"] == "Budget report"


def test_a_paper_of_the_wrong_type_is_415_too_large_413_and_nothing_is_kept(hub):
    board = hub.body("management_board", members=3)
    meeting = hub.meeting(board["id"])
    script = attach(hub, meeting["id"], content=b"#!/bin/sh\nrm -rf /\n", filename="paper.pdf")
    assert script.status_code == 415 and script.mimetype == "application/problem+json"
    too_big = attach(hub, meeting["id"], content=PDF + b"0" * hub.app.extensions["hubkit.settings"].max_upload_bytes)
    assert too_big.status_code == 413
    empty = attach(hub, meeting["id"], content=b"")
    assert empty.status_code == 415
    as_json = hub.client.post(f"/meetings/{meeting['id']}/papers", json={"title": "x"}, headers=hub.headers)
    assert as_json.status_code == 415
    assert hub.call("GET", f"/meetings/{meeting['id']}/papers") == []


def test_papers_belong_to_their_meeting_and_consortium(hub, make_hub):
    board = hub.body("management_board", members=3)
    meeting, other_meeting = hub.meeting(board["id"]), hub.meeting(board["id"])
    elsewhere = attach(hub, meeting["id"], agenda_item_id=other_meeting["agenda"][0]["id"])
    assert elsewhere.status_code == 409  # an item of another meeting
    paper = attach(hub, meeting["id"]).get_json()
    assert hub.client.get(f"/meetings/{other_meeting['id']}/papers/{paper['id']}/content",
                          headers=hub.headers).status_code == 404
    stranger = make_hub()
    assert stranger.client.get(f"/meetings/{meeting['id']}/papers", headers=stranger.headers).status_code == 404
    member_user = hub.as_(("member_user",))
    assert hub.client.get(f"/meetings/{meeting['id']}/papers", headers=member_user).status_code == 403
    board_member = hub.as_(("board_member",))
    assert hub.client.get(f"/meetings/{meeting['id']}/papers", headers=board_member).status_code == 200
    finance = hub.as_(("finance_officer",))
    assert attach(hub, meeting["id"], headers=finance).status_code == 403


# --- iCalendar ---

def unfold(text: str) -> list[str]:
    """RFC 5545 3.1: CRLF followed by one space or tab continues the line."""
    return re.sub(r"\r\n[ \t]", "", text).split("\r\n")


def strict_lines(raw: bytes) -> list[str]:
    """Check the feed line by line as a strict reader would, and return its unfolded lines."""
    text = raw.decode("utf-8")
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")  # CRLF only
    for line in text.split("\r\n")[:-1]:
        assert len(line.encode("utf-8")) <= 75, line
        assert re.match(r"^([A-Z-]+[;:]| )", line), line  # a property name, or a folded continuation
    lines = unfold(text)[:-1]
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR" and "VERSION:2.0" in lines
    assert any(line.startswith("PRODID:") for line in lines)
    assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT")
    return lines


def events(lines: list[str]) -> list[dict]:
    found, current = [], None
    for line in lines:
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            found.append(current)
            current = None
        elif current is not None:
            name, value = line.split(":", 1)
            current[name] = value
    return found


def unescape(value: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def test_a_bodys_meetings_are_an_icalendar_feed_with_utc_times_folded_lines_and_escaped_text(hub):
    board = hub.body("management_board", members=3)
    title = "Management Board: budget, bids; and the café's lease — a long title to fold across the line limit"
    day = clock.today() + dt.timedelta(days=60)  # within the feed's window on any day
    starts_at = dt.datetime.combine(day, dt.time(18, 30), tzinfo=dt.timezone(dt.timedelta(hours=1)))
    hub.call("POST", f"/bodies/{board['id']}/meetings", {
        "title": title, "starts_at": starts_at.isoformat(),
        "notice_given_on": (day - dt.timedelta(days=21)).isoformat(),
        "location": "Room 2, Civic Hall; Leeds"}, 201)
    hub.meeting(board["id"], starts_at=SOON)
    other = hub.body("sub_group", name="Commissioning sub-group", members=3)
    hub.meeting(other["id"], starts_at=SOON)
    response = hub.client.get(f"/bodies/{board['id']}/meetings.ics", headers=hub.headers)
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert "attachment" in response.headers["Content-Disposition"]
    found = events(strict_lines(response.data))
    assert len(found) == 2  # not the sub-group's meeting
    assert all(set(e) >= {"UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"} for e in found)
    assert len({e["UID"] for e in found}) == 2
    last = next(e for e in found if e["DTSTART"] == f"{day:%Y%m%d}T173000Z")  # 18:30 at +01:00 is 17:30 UTC
    assert unescape(last["SUMMARY"]) == title and "\\;" in last["SUMMARY"] and "\\," in last["SUMMARY"]
    assert unescape(last["LOCATION"]) == "Room 2, Civic Hall; Leeds"
    assert re.fullmatch(r"\d{8}T\d{6}Z", last["DTSTAMP"])


def test_a_persons_feed_has_the_meetings_of_the_bodies_they_sit_on(hub):
    board = hub.body("management_board", members=3)
    pg = hub.body(members=6)
    hub.seat(pg["id"], "member", "Asha Patel")
    on_pg = hub.meeting(pg["id"], starts_at=SOON)
    hub.meeting(board["id"], starts_at=SOON + dt.timedelta(days=1))
    response = hub.client.get("/meetings/calendar.ics", query_string={"person_name": "asha patel"},
                              headers=hub.headers)
    found = events(strict_lines(response.data))
    assert [e["UID"].split("@")[0] for e in found] == [f"meeting-{on_pg['id']}"]
    assert hub.client.get("/meetings/calendar.ics", headers=hub.headers).status_code == 422


# --- G8: who chairs ---

def test_g8_an_absent_chair_is_replaced_by_a_member_in_turn_and_the_meeting_records_who_chaired(hub):
    board = hub.body("management_board", members=3)
    chair = hub.seat(board["id"], "chair", "Ruth Okafor", starts_on=TODAY)
    first_member, second_member, third_member = board["member_seats"]
    first = hub.meeting(board["id"], starts_at=SOON)
    with hub.once_started(first):  # what happened at it is recorded once it has started
        for seat in board["member_seats"]:
            hub.attend(first["id"], seat["id"])
        hub.attend(first["id"], chair["id"], "apologies")
        shown = hub.call("GET", f"/meetings/{first['id']}")["chairing"]
        assert shown["chair_present"] is False and shown["suggested_chair"]["seat_id"] == first_member["id"]
        chaired = hub.call("PUT", f"/meetings/{first['id']}/chair", {"seat_id": first_member["id"]})
        assert chaired["chairing"]["chaired_by"]["person_name"] == first_member["person_name"]

    second = hub.meeting(board["id"], starts_at=SOON + dt.timedelta(days=30))
    with hub.once_started(second):  # what happened at it is recorded once it has started
        for seat in board["member_seats"]:
            hub.attend(second["id"], seat["id"])
        hub.attend(second["id"], chair["id"], "absent")
        # Alternating: the member who stood in last time is not suggested again while another is there.
        assert hub.call("GET", f"/meetings/{second['id']}")["chairing"]["suggested_chair"]["seat_id"] \
            == second_member["id"]
        hub.call("PUT", f"/meetings/{second['id']}/chair", {"seat_id": second_member["id"]})

    third = hub.meeting(board["id"], starts_at=SOON + dt.timedelta(days=60))
    with hub.once_started(third):  # what happened at it is recorded once it has started
        hub.attend(third["id"], first_member["id"])
        hub.attend(third["id"], second_member["id"])
        hub.attend(third["id"], third_member["id"], "apologies")
        hub.attend(third["id"], chair["id"], "apologies")
        # Where alternation is not possible (the third member is away) the one who stood in least recently is next.
        assert hub.call("GET", f"/meetings/{third['id']}")["chairing"]["suggested_chair"]["seat_id"] \
            == first_member["id"]
        refused = hub.call("PUT", f"/meetings/{third['id']}/chair", {"seat_id": third_member["id"]}, 409)
        assert refused["type"].endswith(":G8") and "not recorded as present" in refused["detail"]


def test_g8_the_chair_chairs_when_present_and_co_opted_members_never_stand_in(hub):
    board = hub.body("management_board", members=3, rules={"max_co_opted": 1})
    chair = hub.seat(board["id"], "chair", "Ruth Okafor", starts_on=TODAY)
    co_opted = hub.seat(board["id"], "co_opted", "Funder Rep")
    meeting = hub.meeting(board["id"], starts_at=SOON)
    with hub.once_started(meeting):
        for seat in board["member_seats"] + [chair, co_opted]:
            hub.attend(meeting["id"], seat["id"])
        shown = hub.call("GET", f"/meetings/{meeting['id']}")["chairing"]
        assert shown["chair_present"] is True and shown["suggested_chair"] is None
        refused = hub.call("PUT", f"/meetings/{meeting['id']}/chair", {"seat_id": board["member_seats"][0]["id"]}, 409)
        assert refused["type"].endswith(":G8")
        hub.call("PUT", f"/meetings/{meeting['id']}/chair", {"seat_id": chair["id"]})
        hub.attend(meeting["id"], chair["id"], "apologies")
        assert hub.call("PUT", f"/meetings/{meeting['id']}/chair", {"seat_id": co_opted["id"]}, 409)["type"] \
            .endswith(":G8")
        assert hub.call("PUT", f"/meetings/{meeting['id']}/chair", {"seat_id": str(uuid.uuid4())}, 409)
        assert hub.call("PUT", f"/meetings/{meeting['id']}/chair", {"seat_id": chair["id"]},
                        headers=hub.as_(("finance_officer",)), status=403)


# --- written resolutions ---

def circulate(hub, body_id, status=201, **extra):
    deadline = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=7)).isoformat()
    return hub.call("POST", f"/bodies/{body_id}/written-resolutions",
                    {"text": "Adopt the revised communications plan", "deadline": deadline} | extra, status)


def test_a_written_resolution_excludes_co_opted_and_conflicted_members_and_records_the_decision(hub):
    board = hub.body("management_board", members=4, rules={"max_co_opted": 1})
    hub.secretary(board["id"])  # records the show of hands and declarations made aloud
    chair = hub.seat(board["id"], "chair", "Ruth Okafor", starts_on=TODAY)
    co_opted = hub.seat(board["id"], "co_opted", "Funder Rep")
    conflicted, *others = board["member_seats"]
    resolution = circulate(hub, board["id"])
    assert resolution["status"] == "open" and resolution["entitled"] == 5
    path = f"/written-resolutions/{resolution['id']}"
    declared = hub.call("POST", f"{path}/declarations", {"seat_id": conflicted["id"], "interest": "Supplier"}, 201)
    assert declared["entitled"] == 4
    g12 = hub.call("POST", f"{path}/answers", {"seat_id": conflicted["id"], "vote": "for"}, 409)
    assert g12["type"].endswith(":G12")
    g2 = hub.call("POST", f"{path}/answers", {"seat_id": co_opted["id"], "vote": "for"}, 409)
    assert g2["type"].endswith(":G2")
    hub.call("POST", f"{path}/answers", {"seat_id": chair["id"], "vote": "for"}, 201)
    early = hub.call("POST", f"{path}/close", {}, 409)  # 1 of 4 for, 3 awaited, deadline not reached
    assert "have not yet" in early["detail"]
    hub.call("POST", f"{path}/answers", {"seat_id": others[0]["id"], "vote": "for"}, 201)
    shown = hub.call("POST", f"{path}/answers", {"seat_id": others[1]["id"], "vote": "for"}, 201)
    assert shown["tally"] == {"for": 3, "against": 0, "abstain": 0}
    assert [a["seat_id"] for a in shown["awaiting"]] == [others[2]["id"]]
    decision = hub.call("POST", f"{path}/close", {}, 201)  # 3 of 4 agree: the result cannot change
    assert decision["outcome"] == "approved" and decision["kind"] == "written_resolution"
    assert decision["meeting_id"] is None and decision["body_id"] == board["id"]
    assert hub.call("GET", path)["status"] == "approved" and hub.call("GET", path)["decision_id"] == decision["id"]
    recorded = [e["data"] for e in hub.outbox("governance.decision.recorded")
                if e["data"]["decision_id"] == decision["id"]]
    assert len(recorded) == 1 and recorded[0]["votes"] == {"for": 3, "against": 0, "abstain": 0}
    assert recorded[0]["declarations"][0]["interest"] == "Supplier"
    hub.call("POST", f"{path}/close", {}, 409)  # closed once
    hub.call("POST", f"{path}/answers", {"seat_id": others[2]["id"], "vote": "against"}, 409)


def test_a_written_resolution_without_a_majority_of_those_entitled_is_rejected(hub):
    board = hub.body("management_board", members=4)
    hub.secretary(board["id"])  # records the show of hands and declarations made aloud
    resolution = circulate(hub, board["id"])
    path = f"/written-resolutions/{resolution['id']}"
    for seat, vote in zip(board["member_seats"], ("for", "for", "against", "abstain")):
        hub.call("POST", f"{path}/answers", {"seat_id": seat["id"], "vote": vote}, 201)
    assert hub.call("POST", f"{path}/close", {}, 201)["outcome"] == "rejected"  # 2 of 4 is not more than half


def test_g5_no_expulsion_in_writing_and_only_where_the_body_allows_written_resolutions(hub):
    board = hub.body("management_board", members=3)
    g5 = circulate(hub, board["id"], 409, kind="expulsion", subject=f"organisation/{uuid.uuid4()}")
    assert g5["type"].endswith(":G5")
    pg = hub.body(members=6)
    assert "do not allow written resolutions" in circulate(hub, pg["id"], 409)["detail"]
    allowed = hub.call("POST", "/bodies", {"kind": "sub_group", "name": "No writing", "rules": {
        "written_resolutions": False}}, 201)
    circulate(hub, allowed["id"], 409)
    past = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=1)).isoformat()
    circulate(hub, board["id"], 409, deadline=past)
    circulate(hub, board["id"], 422, deadline="next week")


def test_a_persons_meetings_are_those_of_the_bodies_they_sit_on_during_their_term(hub):
    pg = hub.body(members=6)
    board = hub.body("management_board", members=3)
    hub.seat(pg["id"], "member", "Asha Patel", ends_on=(SOON + dt.timedelta(days=5)).date().isoformat())
    within = hub.meeting(pg["id"], starts_at=SOON)
    hub.meeting(pg["id"], starts_at=SOON + dt.timedelta(days=30))  # after her term
    hub.meeting(board["id"], starts_at=SOON)  # a body she does not sit on
    mine = hub.call("GET", "/meetings?person_name=ASHA PATEL")
    assert [(m["id"], m["body_name"]) for m in mine] == [(within["id"], "Partners Group")]
    assert hub.call("GET", "/meetings", status=422)
