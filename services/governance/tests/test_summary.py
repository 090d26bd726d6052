"""Governance's summary for the home pages (issue 14 item 1): decisions awaiting a body for the manager and the
board, and for a seat holder (named by their hub username) their meetings to come with the next one's papers, the
declarations they owe (G12: an item about their own organisation) and the votes open to them; another consortium
sees none of it. Motions, written resolutions and declarations are written through the service's own session
here, as the summary only reads them; the clock is moved past the meeting."""
from __future__ import annotations

import datetime as dt
import io
import uuid

import time_machine

from governance.adapters.orm import AgendaItem, Declaration, Motion, Vote, WrittenResolution
from hubkit import clock
from hubkit.db import Tenant
from hubkit.testing import golden_event, statements_run

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
ASHA = "asha"  # the seat holder's hub username


def summary(hub, roles=("board_member",), username=ASHA) -> dict:
    return hub.call("GET", "/summary", headers=hub.as_(roles, username=username))


def write(hub, *rows) -> None:
    db = hub.app.extensions["hubkit.db"]
    with db.session(Tenant(hub.consortium)) as session:
        session.add_all(rows)
        session.commit()


def test_g12_a_seat_holders_meetings_papers_declarations_owed_and_votes_open_and_decisions_awaiting(hub, make_hub):
    pg = hub.body("partners_group", members=3)
    own = hub.organisation()
    asha = hub.seat(pg["id"], "member", "Asha Patel", organisation_id=own, account=ASHA)
    coming, held = hub.meeting(pg["id"]), hub.held_meeting(pg["id"])
    later = hub.meeting(pg["id"], starts_at=dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=60))
    # a request about Asha's own organisation, filed for the Partners Group: on the coming meeting's agenda
    request_id = str(uuid.uuid4())
    assert hub.app.extensions["hubkit.applier"].apply(golden_event(
        "membership.decision.requested", consortium_id=hub.consortium, subject=f"organisation/{own}",
        data={"request_id": request_id}))
    hub.client.post(f"/meetings/{coming['id']}/papers", content_type="multipart/form-data", headers=hub.headers,
                    data={"file": (io.BytesIO(PDF), "agenda-pack.pdf"), "title": "Agenda pack"})
    item = AgendaItem(id=uuid.uuid4(), consortium_id=hub.consortium, meeting_id=uuid.UUID(held["id"]), position=90,
                      title="Annual report", kind="business")
    motion = Motion(id=uuid.uuid4(), consortium_id=hub.consortium, agenda_item_id=item.id,
                    text="Approve the annual report", kind="ordinary", status="open")
    resolution = WrittenResolution(
        id=uuid.uuid4(), consortium_id=hub.consortium, body_id=uuid.UUID(pg["id"]), text="Adopt the plan",
        kind="ordinary", circulated_on=clock.today(), deadline=clock.utcnow() + dt.timedelta(days=7), status="open",
        declarations=[], circulated_by="user:test")
    write(hub, item)
    write(hub, motion, resolution)
    hub.attend(held["id"], asha["id"])  # a vote is open to a member present (my-vote's own rule)

    found = summary(hub)
    assert found["decisions_awaiting"]["count"] == 1 and found["decisions_awaiting"]["items"][0]["id"] == request_id
    meetings = found["meetings"]
    assert (meetings["count"], [m["id"] for m in meetings["items"]]) == (2, [coming["id"], later["id"]])
    assert meetings["items"][0]["about"] == "Partners Group"
    papers = found["next_meeting_papers"]
    assert (papers["count"], papers["items"][0]["title"], papers["items"][0]["parent_id"]) == (
        1, "Agenda pack", coming["id"])
    owed = found["declarations_owed"]
    assert owed["count"] == 1 and owed["items"][0]["parent_id"] == coming["id"]
    votes = found["votes_open"]
    assert sorted(v["id"] for v in votes["items"]) == sorted([str(motion.id), str(resolution.id)])
    assert votes["count"] == 2

    # declared: owed no more; another seat holder (no organisation concerned) owes nothing
    agenda_item = uuid.UUID(owed["items"][0]["id"])
    write(hub, Declaration(id=uuid.uuid4(), consortium_id=hub.consortium, agenda_item_id=agenda_item,
                           seat_id=uuid.UUID(asha["id"]), interest="My organisation applies",
                           excluded_from_discussion=True, declared_at=clock.utcnow()))
    assert summary(hub)["declarations_owed"]["count"] == 0

    # the clock past the coming meeting: the later one is next; the written resolution's deadline has passed
    moved = dt.datetime.fromisoformat(coming["starts_at"]) + dt.timedelta(days=1)
    with time_machine.travel(moved, tick=False):
        found = summary(hub)
        assert [m["id"] for m in found["meetings"]["items"]] == [later["id"]]
        assert found["next_meeting_papers"]["count"] == 0
        assert [v["id"] for v in found["votes_open"]["items"]] == [str(motion.id)]

    # nobody else's seats: a board member without one, the finance officer, another consortium
    assert set(summary(hub, username="someone-else")) == {"today", "decisions_awaiting"}
    assert set(summary(hub, ("finance_officer",), username="fo")) == {"today"}
    elsewhere = summary(make_hub(), ("board_member",))
    assert set(elsewhere) == {"today", "decisions_awaiting"} and elsewhere["decisions_awaiting"]["count"] == 0


def test_g12_no_vote_open_to_a_seat_on_what_it_declared_an_interest_in(hub):
    """A motion on an item the seat declared an interest in, and a written resolution it declared an interest in,
    are not votes open to it (G12 refuses such a vote); the motion on the next item still is."""
    pg = hub.body("partners_group", members=3)
    asha = uuid.UUID(hub.seat(pg["id"], "member", "Asha Patel", account=ASHA)["id"])
    held = uuid.UUID(hub.held_meeting(pg["id"])["id"])
    declared_on, free = (AgendaItem(id=uuid.uuid4(), consortium_id=hub.consortium, meeting_id=held, position=90 + n,
                                    title=title, kind="business") for n, title in enumerate(("Lease", "Budget")))
    conflicted, open_to_her = (Motion(id=uuid.uuid4(), consortium_id=hub.consortium, agenda_item_id=i.id, text=text,
                                      kind="ordinary", status="open")
                               for i, text in ((declared_on, "Renew the lease"), (free, "Adopt the budget")))
    resolution = WrittenResolution(
        id=uuid.uuid4(), consortium_id=hub.consortium, body_id=uuid.UUID(pg["id"]), text="Buy the building",
        kind="ordinary", circulated_on=clock.today(), deadline=clock.utcnow() + dt.timedelta(days=7), status="open",
        declarations=[], circulated_by="user:test")
    write(hub, declared_on, free)
    write(hub, conflicted, open_to_her, resolution)
    hub.attend(str(held), str(asha))
    assert {v["id"] for v in summary(hub)["votes_open"]["items"]} == {
        str(conflicted.id), str(open_to_her.id), str(resolution.id)}

    write(hub, Declaration(id=uuid.uuid4(), consortium_id=hub.consortium, agenda_item_id=declared_on.id,
                           seat_id=asha, interest="My firm is the landlord", excluded_from_discussion=False,
                           declared_at=clock.utcnow()))
    declare = hub.client.post(f"/written-resolutions/{resolution.id}/my-declarations",
                              json={"interest": "My firm sells the building"}, headers=hub.as_(("board_member",),
                                                                                                username=ASHA))
    assert declare.status_code == 201, declare.get_json()
    votes = summary(hub)["votes_open"]
    assert (votes["count"], [v["id"] for v in votes["items"]]) == (1, [str(open_to_her.id)])


def motion_at(hub, meeting_id, title, kind="business") -> Motion:
    item = AgendaItem(id=uuid.uuid4(), consortium_id=hub.consortium, meeting_id=uuid.UUID(meeting_id),
                      position=100 + len(title), title=title, kind=kind)
    motion = Motion(id=uuid.uuid4(), consortium_id=hub.consortium, agenda_item_id=item.id, text=title,
                    kind="ordinary", status="open")
    write(hub, item)
    write(hub, motion)
    return motion


def open_to(hub, account) -> set[str]:
    return {v["id"] for v in summary(hub, username=account)["votes_open"]["items"]}


def test_g2_g7_votes_open_follow_my_votes_rule_attendance_deputies_co_opted_and_the_chair(hub):
    """"Votes open to you" is what my-vote would accept (domain meetings.vote_open_to): a member present in person;
    not one absent, sending apologies or represented by a deputy, whose deputy has the vote instead; never a
    co-opted member (G2), nor the chair on an item about the chair (G7). Each seat holder's summary is checked
    against my-vote's own answer."""
    pg = hub.body("partners_group", members=3, rules={"max_co_opted": 1})
    seat = {account: hub.seat(pg["id"], role, name, account=account, **extra)["id"] for account, role, name, extra in (
        ("present", "member", "Pat Present", {}), ("away", "member", "Al Away", {}),
        ("sent", "member", "Sue Sent", {}), ("funder", "co_opted", "Fay Funder", {}),
        ("ruth", "chair", "Ruth Chair", {"starts_on": clock.today().isoformat()}))}
    seat["dee"] = hub.seat(pg["id"], "deputy", "Dee Deputy", account="dee", deputy_for=seat["sent"])["id"]
    meeting = hub.held_meeting(pg["id"])
    for account, status in (("present", "present"), ("away", "apologies"), ("sent", "deputy"),
                            ("funder", "present"), ("ruth", "present")):
        hub.attend(meeting["id"], seat[account], status=status)
    ordinary = motion_at(hub, meeting["id"], "Adopt the budget")
    about_chair = motion_at(hub, meeting["id"], "Concerns about the chair", kind="about_chair")
    expected = {"present": {ordinary.id, about_chair.id}, "away": set(), "sent": set(), "funder": set(),
                "ruth": {ordinary.id}, "dee": {ordinary.id, about_chair.id}}
    for account, motions in expected.items():
        assert open_to(hub, account) == {str(m) for m in motions}, account
        for motion in (ordinary, about_chair):
            answer = hub.client.post(f"/meetings/{meeting['id']}/motions/{motion.id}/my-vote", json={"vote": "for"},
                                     headers=hub.as_(("board_member",), username=account))
            assert answer.status_code == (201 if motion.id in motions else 409), (account, motion.text)
    assert open_to(hub, "present") == open_to(hub, "dee") == set()  # voted: open no more (the deputy's seat too)


def test_g12_c5_votes_open_are_judged_before_they_are_counted(hub):
    """Every open motion is judged before the section counts it: past twenty motions the seat declared an
    interest in (G12; on a chosen-provider item C5 excludes it too), the one left open to it is still found and
    counted once."""
    pg = hub.body("partners_group", members=3)
    asha = hub.seat(pg["id"], "member", "Asha Patel", account=ASHA)["id"]
    meeting = hub.held_meeting(pg["id"])
    hub.attend(meeting["id"], asha)
    for n in range(21):
        motion = motion_at(hub, meeting["id"], f"Chosen provider {n:02d}", kind="chosen_provider")
        hub.call("POST", f"/meetings/{meeting['id']}/my-declarations", {
            "agenda_item_id": str(motion.agenda_item_id), "interest": "We are the provider"}, 201,
            headers=hub.as_(("board_member",), username=ASHA))
    free = motion_at(hub, meeting["id"], "Zebra crossing petition")
    votes = summary(hub)["votes_open"]
    assert (votes["count"], [v["id"] for v in votes["items"]]) == (1, [str(free.id)])


def test_a_written_resolution_is_open_to_a_seat_holder_as_my_answer_accepts_it(hub):
    """Not to a co-opted member (G2), nor once answered; to a member who has not answered."""
    pg = hub.body("management_board", members=2, rules={"max_co_opted": 1})
    hub.seat(pg["id"], "member", "Asha Patel", account=ASHA)
    hub.seat(pg["id"], "co_opted", "Fay Funder", account="funder")
    resolution = hub.call("POST", f"/bodies/{pg['id']}/written-resolutions", {
        "text": "Renew the lease", "deadline": (clock.utcnow() + dt.timedelta(days=3)).isoformat()}, 201)
    assert open_to(hub, ASHA) == {resolution["id"]} and open_to(hub, "funder") == set()
    hub.call("POST", f"/written-resolutions/{resolution['id']}/my-answer", {"vote": "for"}, 201,
             headers=hub.as_(("board_member",), username=ASHA))
    assert open_to(hub, ASHA) == set()


def test_issue_16_g12_votes_open_take_the_same_statements_however_many_motions_are_open(hub):
    """The home page's votes open read the seats, attendance and declarations once a meeting and the votes once,
    the motions the seat has voted on or declared an interest in (G12) left out in SQL: GET /summary's statements do
    not grow with the open motions, and it answers as my-vote's rule does."""
    pg = hub.body("partners_group", members=3)
    asha = hub.seat(pg["id"], "member", "Asha Patel", account=ASHA)["id"]
    meetings = [hub.held_meeting(pg["id"], hours_ago=hours) for hours in (2, 3)]
    for meeting in meetings:
        hub.attend(meeting["id"], asha)
    first = {motion_at(hub, meeting["id"], f"Adopt plan {n}").id for n, meeting in enumerate(meetings)}
    with statements_run(hub.app) as one_each:
        assert open_to(hub, ASHA) == {str(m) for m in first}

    more = set()
    for n, meeting in enumerate(meetings):
        more |= {motion_at(hub, meeting["id"], f"Renew lease {n}" + "!" * k).id for k in range(2)}
        voted = motion_at(hub, meeting["id"], f"Already voted on {n}")
        declared = motion_at(hub, meeting["id"], f"About her own employer {n}")
        write(hub, Vote(consortium_id=hub.consortium, motion_id=voted.id, seat_id=uuid.UUID(asha), vote="for"),
              Declaration(id=uuid.uuid4(), consortium_id=hub.consortium, agenda_item_id=declared.agenda_item_id,
                          seat_id=uuid.UUID(asha), interest="My employer", excluded_from_discussion=False,
                          declared_at=clock.utcnow()))
    with statements_run(hub.app) as four_each:
        found = summary(hub)["votes_open"]
    assert found["count"] == 6 and len(found["items"]) == 5  # the first five listed
    assert {v["id"] for v in found["items"]} <= {str(m) for m in first | more}
    assert len(four_each) == len(one_each), (len(one_each), len(four_each))
