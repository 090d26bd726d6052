"""Decision requests reach the right body's next agenda once, unknown kinds are answered (never lost); G4 lapses."""
from __future__ import annotations

import dataclasses
import datetime as dt
import uuid

import time_machine

from hubkit import clock
from hubkit.consumer import EventApplier
from hubkit.testing import golden_event


def deliver_request(hub, request_id=None, kind=None) -> str:
    """Apply a membership.decision.requested event, raised now, for the hub's consortium, as the consumer would."""
    request_id = request_id or str(uuid.uuid4())
    event = golden_event("membership.decision.requested", consortium_id=hub.consortium,
                         data={"request_id": request_id})
    if kind:  # a kind membership's schema does not allow yet, as a future producer might send
        event = dataclasses.replace(event, data=event.data | {"kind": kind})
    applier: EventApplier = hub.app.extensions["hubkit.applier"]
    assert applier.apply(event)
    return request_id


def request_items(meeting) -> list[dict]:
    return [i for i in meeting["agenda"] if i["kind"] == "request"]


def test_a_request_goes_on_the_next_partners_group_agenda_once_even_if_delivered_twice(hub):
    board = hub.body("management_board", members=3)
    hub.meeting(board["id"])
    pg = hub.body()
    later = hub.meeting(pg["id"], starts_at=dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=60))
    sooner = hub.meeting(pg["id"], starts_at=dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=20))
    request_id = deliver_request(hub)
    deliver_request(hub, request_id)  # the same request again, in a new event
    shown = hub.call("GET", f"/meetings/{sooner['id']}")
    assert [i["decision_request_id"] for i in request_items(shown)] == [request_id]
    assert request_items(hub.call("GET", f"/meetings/{later['id']}")) == []
    assert len([r for r in hub.call("GET", "/decision-requests") if r["id"] == request_id]) == 1


def test_a_request_waits_for_the_next_meeting_to_be_scheduled_and_a_vote_answers_it(hub):
    request_id = deliver_request(hub)
    pg = hub.body()
    hub.secretary(pg["id"])  # records the show of hands and declarations made aloud
    meeting = hub.meeting(pg["id"])
    item = request_items(meeting)[0]
    assert item["decision_request_id"] == request_id
    with hub.once_started(meeting):  # the vote is taken at the meeting, not before it
        for seat in pg["member_seats"][:4]:
            hub.attend(meeting["id"], seat["id"])
        motion = hub.call("POST", f"/meetings/{meeting['id']}/motions",
                          {"agenda_item_id": item["id"], "text": "Admit Northfield Advice Centre"}, 201)
        assert motion["subject"].startswith("organisation/")
        decision = hub.call("POST", f"/meetings/{meeting['id']}/motions/{motion['id']}/votes", {
            "votes": [{"seat_id": s["id"], "vote": v} for s, v in zip(pg["member_seats"][:4],
                                                                      ("for", "for", "for", "against"))],
            "note": "Carried 3-1."}, 201)
        request = hub.call("GET", f"/decision-requests/{request_id}")
        assert (request["status"], request["outcome"], request["decision_id"]) == ("decided", "approved",
                                                                                   decision["id"])
        made = [e for e in hub.outbox("governance.decision.made") if e["data"]["request_id"] == request_id]
        assert len(made) == 1 and made[0]["version"] == 1
        assert set(made[0]["data"]) == {"decision_id", "request_id", "kind", "subject", "outcome", "note",
                                        "decided_on"}
        assert made[0]["data"]["outcome"] == "approved" and made[0]["data"]["kind"] == "membership_application"
        assert made[0]["data"]["decided_on"] == clock.local_date(
            dt.datetime.fromisoformat(meeting["starts_at"])).isoformat()  # effects date from the meeting
        # decided once: neither a recording nor a second motion can decide it again
        hub.call("POST", f"/decision-requests/{request_id}/decision",
                 {"outcome": "rejected", "meeting_id": meeting["id"]}, 409)


def test_a_request_of_a_kind_no_body_decides_is_recorded_and_rejected(hub):
    request_id = deliver_request(hub, kind="buy_a_yacht")
    request = hub.call("GET", f"/decision-requests/{request_id}")
    assert request["status"] == "refused" and request["outcome"] == "rejected"
    made = [e["data"] for e in hub.outbox("governance.decision.made") if e["data"]["request_id"] == request_id]
    assert made[0]["outcome"] == "rejected" and "buy_a_yacht" in made[0]["note"]
    assert [d["kind"] for d in hub.call("GET", "/decisions")] == ["buy_a_yacht"]


def test_a_body_can_be_configured_to_decide_a_new_kind(hub):
    hub.body("sub_group", name="Commissioning sub-group", rules={"decides": ["buy_a_yacht"]}, members=3)
    request_id = deliver_request(hub, kind="buy_a_yacht")
    assert hub.call("GET", f"/decision-requests/{request_id}")["status"] == "pending"


def last_year_with_one_member_short(hub):
    """A Partners Group whose second member attended 3 of last year's 4 meetings (the first: 4, one by deputy)."""
    pg = hub.body()
    seats = pg["member_seats"]
    deputy = hub.seat(pg["id"], "deputy", "Deputy Dee", deputy_for=seats[0]["id"],
                      organisation_id=seats[0]["organisation_id"])
    year = clock.today().year - 1
    meetings = [hub.meeting(pg["id"], starts_at=dt.datetime(year, month, 10, 18, tzinfo=dt.timezone.utc))
                for month in (2, 5, 8, 11)]
    for n, meeting in enumerate(meetings):
        hub.attend(meeting["id"], seats[0]["id"], "deputy" if n == 0 else "present")  # 4, one by deputy
        hub.attend(meeting["id"], seats[1]["id"], "present" if n < 3 else "apologies")  # 3: lapses
        for seat in seats[2:]:
            hub.attend(meeting["id"], seat["id"])
    assert deputy["deputy_for"] == seats[0]["id"]
    return pg, seats, year


def test_g4_member_lapses_after_missing_meetings(hub):
    pg, seats, year = last_year_with_one_member_short(hub)
    lapsed = hub.call("POST", f"/bodies/{pg['id']}/attendance-review", {"year": year})
    assert [s["id"] for s in lapsed] == [seats[1]["id"]] and lapsed[0]["lapsed_on"]
    events = hub.outbox("governance.member.lapsed")
    assert [(e["data"]["seat_id"], e["data"]["meetings_attended"]) for e in events] == [(seats[1]["id"], 3)]
    assert hub.call("POST", f"/bodies/{pg['id']}/attendance-review", {"year": year}) == []  # once only
    refused = hub.call("POST", f"/bodies/{pg['id']}/attendance-review", {"year": year + 1}, 409)
    assert refused["type"].endswith("G4")


def test_g4_a_lapsed_member_no_longer_sits_at_later_meetings(hub):
    """Once lapsed, the seat is not recorded at a meeting after it, nor counted in its roster (quorum), as a seat
    whose term has ended is not; a member still seated is."""
    pg, seats, year = last_year_with_one_member_short(hub)
    hub.call("POST", f"/bodies/{pg['id']}/attendance-review", {"year": year})
    meeting = hub.held_meeting(pg["id"])
    refused = hub.call("POST", f"/meetings/{meeting['id']}/attendance",
                       {"seat_id": seats[1]["id"], "status": "present"}, 409)
    assert "term does not cover" in refused["detail"]
    hub.attend(meeting["id"], seats[0]["id"])
    shown = hub.call("GET", f"/meetings/{meeting['id']}")
    roster = {a["seat_id"] for a in shown["attendance"]}
    assert seats[0]["id"] in roster and seats[1]["id"] not in roster


def test_g4_a_lapsed_members_meetings_and_calendar_end_the_day_before_the_lapse(hub):
    """A person's meetings (GET /meetings, /meetings/calendar.ics) end with their term as the rules see it: a seat
    that lapsed today (G4) lists no meeting of today, the day it sits no more (its meeting page would refuse it), as a
    seat whose term has ended does not; a member still seated sees the same meeting."""
    pg, seats, year = last_year_with_one_member_short(hub)
    hub.call("POST", f"/bodies/{pg['id']}/attendance-review", {"year": year})
    on_the_day = hub.held_meeting(pg["id"])  # today: the day the seat lapsed

    def listed(person_name):
        return {m["id"] for m in hub.call("GET", f"/meetings?person_name={person_name}&upcoming=false")}

    def in_calendar(person_name):
        feed = hub.client.get("/meetings/calendar.ics", query_string={"person_name": person_name},
                              headers=hub.headers).get_data(as_text=True)
        return f"meeting-{on_the_day['id']}@" in feed

    assert on_the_day["id"] in listed(seats[0]["person_name"]) and in_calendar(seats[0]["person_name"])
    assert on_the_day["id"] not in listed(seats[1]["person_name"])
    assert not in_calendar(seats[1]["person_name"])


def test_g4_the_workers_daily_review_lapses_members_without_anyone_asking(hub):
    from governance.service_layer.attendance import review_last_year_everywhere

    pg, seats, _year = last_year_with_one_member_short(hub)
    db, settings = hub.app.extensions["hubkit.db"], hub.app.extensions["hubkit.settings"]
    review_last_year_everywhere(db, settings)
    review_last_year_everywhere(db, settings)  # daily repeats change nothing
    events = [e for e in hub.outbox("governance.member.lapsed") if e["data"]["body_id"] == pg["id"]]
    assert [e["data"]["seat_id"] for e in events] == [seats[1]["id"]]


def test_g5_an_expulsion_request_goes_to_a_partners_group_meeting_with_14_days_notice_and_is_voted_as_one(hub):
    pg = hub.body()
    hub.secretary(pg["id"])  # records the show of hands and declarations made aloud
    now = dt.datetime.now(dt.timezone.utc)
    too_soon = hub.meeting(pg["id"], starts_at=now + dt.timedelta(days=10))
    request_id = deliver_request(hub, kind="membership_expulsion")
    assert request_items(hub.call("GET", f"/meetings/{too_soon['id']}")) == []  # 10 days' notice is not enough
    later = hub.meeting(pg["id"], starts_at=now + dt.timedelta(days=20), notice_given_on=now.date())
    item = request_items(hub.call("GET", f"/meetings/{later['id']}"))[0]
    assert item["decision_request_id"] == request_id
    with hub.once_started(later):
        for seat in pg["member_seats"]:
            hub.attend(later["id"], seat["id"])
        motion = hub.call("POST", f"/meetings/{later['id']}/motions",
                          {"agenda_item_id": item["id"], "text": "Expel the member"}, 201)
        assert motion["kind"] == "expulsion" and motion["subject"].startswith("organisation/")
        decision = hub.call("POST", f"/meetings/{later['id']}/motions/{motion['id']}/votes", {
            "votes": [{"seat_id": s["id"], "vote": "for"} for s in pg["member_seats"]]}, 201)
    assert decision["kind"] == "membership_expulsion" and decision["outcome"] == "approved"
    made = [e["data"] for e in hub.outbox("governance.decision.made") if e["data"]["request_id"] == request_id]
    assert made[0]["kind"] == "membership_expulsion" and made[0]["subject"] == motion["subject"]


def test_g5_an_expulsion_request_is_not_put_on_a_meeting_less_than_14_days_after_it_arrived(hub):
    pg = hub.body()
    request_id = deliver_request(hub, kind="membership_expulsion")
    soon = hub.meeting(pg["id"], starts_at=dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=10),
                       notice_given_on=clock.today() - dt.timedelta(days=30))
    # scheduled with back-dated notice: the request is not placed, the notice counts from its arrival
    assert request_items(soon) == []
    assert hub.call("GET", f"/decision-requests/{request_id}")["status"] == "pending"
    by_hand = hub.call("POST", f"/decision-requests/{request_id}/decision",
                       {"outcome": "approved", "meeting_id": soon["id"]}, 409)
    assert by_hand["type"].endswith(":G5")  # never decided outside a Partners Group meeting
    assert hub.call("GET", f"/decision-requests/{request_id}")["status"] == "pending"


def test_g5_notice_counts_london_days_a_meeting_at_23_30_utc_in_june_is_on_the_next_day(make_hub):
    # the clock moved deliberately: the request arrives on 1 June 2027, the meeting starts 00:30 on 15 June in London
    with time_machine.travel(dt.datetime(2027, 6, 1, 9, 0, tzinfo=dt.timezone.utc)):
        hub = make_hub()  # its tokens are signed on the moved clock
        pg = hub.body()
        request_id = deliver_request(hub, kind="membership_expulsion")
        just_enough = hub.meeting(pg["id"], starts_at=dt.datetime(2027, 6, 14, 23, 30, tzinfo=dt.timezone.utc),
                                  notice_given_on=dt.date(2027, 6, 1))
        assert [i["decision_request_id"] for i in request_items(just_enough)] == [request_id]
        assert request_items(just_enough)[0]["notified_on"] == "2027-06-01"


def test_g4_a_meeting_at_23_30_utc_on_new_years_eve_counts_in_the_old_year(make_hub):
    with time_machine.travel(dt.datetime(2027, 1, 2, 10, 0, tzinfo=dt.timezone.utc)):
        hub = make_hub()
        board = hub.body("management_board", members=3, rules={"min_meetings_attended": 1})
        seat = board["member_seats"][0]
        late = hub.meeting(board["id"], starts_at=dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.timezone.utc),
                           notice_given_on=dt.date(2026, 12, 1))
        hub.attend(late["id"], seat["id"])
        lapsed = hub.call("POST", f"/bodies/{board['id']}/attendance-review", {"year": 2026})
        assert {s["id"] for s in lapsed} == {s["id"] for s in board["member_seats"][1:]}  # they attended none


def test_a_routed_request_names_the_accounts_seated_on_the_deciding_body_today_once(hub):
    """governance.request.routed: the gateway tells those seated on the body that decides (by their hub account)."""
    board = hub.body("management_board", members=3)
    hub.seat(board["id"], "member", "Not This Body", account=f"board-only-{uuid.uuid4().hex[:6]}")
    pg = hub.body()
    seated = f"seated-{uuid.uuid4().hex[:6]}"
    hub.seat(pg["id"], "member", "Sam Seated", account=seated)
    hub.seat(pg["id"], "member", "Gone Before", account="gone-before",
             ends_on=(clock.today() - dt.timedelta(days=1)).isoformat())
    request_id = deliver_request(hub)
    deliver_request(hub, request_id)  # the same request again: filed once, announced once
    routed = [e for e in hub.outbox("governance.request.routed") if e["data"]["request_id"] == request_id]
    assert [(e["data"]["body_id"], e["data"]["seat_accounts"]) for e in routed] == [(pg["id"], [seated])]
    assert routed[0]["data"]["body_name"] == pg["name"] and routed[0]["data"]["kind"] == "membership_application"
    refused = deliver_request(hub, kind="buy_a_yacht")  # no body decides it: nobody is asked
    assert not [e for e in hub.outbox("governance.request.routed") if e["data"]["request_id"] == refused]
