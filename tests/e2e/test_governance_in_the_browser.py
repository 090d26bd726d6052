"""Governance as the secretary uses it, in Chromium, through the gateway, over the real governance service:
a body with seats, a meeting with attendance, papers, an item, a vote and its decision, who chaired (G8),
the iCalendar download and a written resolution; every page with zero axe violations."""
from __future__ import annotations

import datetime as dt
import re
import uuid
from pathlib import Path

import pytest
import requests
from playwright.sync_api import expect

from hubkit import clock
from hubkit.testing import wait_for

from governance import client as governance_client

from .journeys import (Api, active_member, at_each_width, at_width, fill_date, governance_send, no_violations,
                       page_is_usable, partners, sign_in, DESKTOP, PHONE)

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def test_a_manager_runs_a_meeting_from_setting_up_the_body_to_the_decision(hub, browser, browser_context_args,
                                                                         tmp_path: Path):
    today = clock.today()
    meeting_day = today - dt.timedelta(days=1)  # it met yesterday: what happened at it can be recorded
    body_name = f"Commissioning sub-group {uuid.uuid4().hex[:6]}"
    members = ("Morgan Manager", "Ben Ode", "Carys Lloyd")  # the demo manager sits on it too
    organisations = [active_member(Api(hub, "manager"), Api(hub, "board"), f"Sub-group Member {n} {uuid.uuid4().hex[:6]}") for n in range(3)]
    page = browser.new_context(**browser_context_args).new_page()
    sign_in(page, hub, "manager")

    page.goto(hub.url("gateway") + "/governance")
    no_violations(page)
    page.locator("#kind").select_option("sub_group")
    page.locator("#name").fill(body_name)
    page.get_by_role("button", name="Set up body").click()
    expect(page.get_by_text("Body set up.")).to_be_visible()
    page.get_by_role("link", name=body_name).click()
    expect(page.get_by_role("heading", name=body_name)).to_be_visible()
    body_id = page.url.rstrip("/").rsplit("/", 1)[-1]

    for person, organisation in zip(members, organisations):
        page.locator("#role").select_option("member")
        page.locator("#person_name").fill(person)
        page.locator("#organisation_id").select_option(organisation["id"])  # from the register of members
        fill_date(page, "starts_on", today - dt.timedelta(days=30))  # GOV.UK's date input (issue 14 item 4)
        page.get_by_role("button", name="Add seat").click()
        expect(page.get_by_text("Seat added.")).to_be_visible()
    expect(page.get_by_role("cell", name="Carys Lloyd")).to_be_visible()
    expect(page.get_by_role("cell", name=organisations[2]["name"])).to_be_visible()  # the seat names its member
    # the manager's login is also the sub-group's secretary: records the show of hands and written answers for others
    Api(hub, "manager")("POST", f"/governance/bodies/{body_id}/seats", {
        "role": "secretary", "person_name": "Sam Secretary", "account": "manager",
        "starts_on": (today - dt.timedelta(days=30)).isoformat()})

    page.locator("#title").fill("Commissioning sub-group, spring meeting")
    fill_date(page, "date", meeting_day)
    page.locator("#time").fill("18:30")
    fill_date(page, "notice_given_on", meeting_day - dt.timedelta(days=14))
    page.locator("#location").fill("Room 2, Civic Hall; Leeds")
    page.get_by_role("button", name="Schedule meeting").click()
    expect(page.get_by_text("Meeting scheduled.")).to_be_visible()
    no_violations(page)  # the body page, with seats, meetings, the calendar link and written resolutions

    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("as an iCalendar file")).click()
    calendar = (download_info.value.path()).read_bytes().decode()
    assert calendar.startswith("BEGIN:VCALENDAR\r\n") and "SUMMARY:Commissioning sub-group\\, spring meeting" in calendar
    assert f"DTSTART:{meeting_day:%Y%m%d}T183000Z" in calendar and "LOCATION:Room 2\\, Civic Hall\\; Leeds" in calendar

    page.get_by_role("link", name="Commissioning sub-group, spring meeting").click()
    expect(page.get_by_role("heading", name="Commissioning sub-group, spring meeting")).to_be_visible()
    expect(page.get_by_text("Not quorate")).to_be_visible()
    for person in members:
        page.get_by_label(f"Attendance of {person}").select_option("present")
        page.get_by_role("button", name=f"Save attendance of {person}").click()
        expect(page.get_by_text("Attendance recorded.")).to_be_visible()
    expect(page.get_by_text("Quorate", exact=True)).to_be_visible()

    # G8: there is no chair present, so a member stands in, the first in turn.
    expect(page.locator("#chair-suggestion")).to_contain_text("It is Ben Ode's turn")  # seats in order of term, then name
    page.get_by_role("button", name="Record who chaired").click()
    expect(page.locator("#chaired-by")).to_contain_text("Chaired by Ben Ode, standing in for the chair (G8)")

    page.locator("#item-title").fill("Approve the communications plan")
    fill_date(page, "notified_on", today)
    page.get_by_role("button", name="Add item").click()
    expect(page.get_by_text("Item added.")).to_be_visible()

    paper = tmp_path / "Communications plan.pdf"
    paper.write_bytes(PDF)
    page.locator("#paper-title").fill("Communications plan 2027")
    item_id = page.locator("#paper-item option", has_text="Approve the communications plan").get_attribute("value")
    page.locator("#paper-item").select_option(item_id)
    page.locator("#paper-file").set_input_files(str(paper))
    page.get_by_role("button", name="Attach paper").click()
    expect(page.get_by_text("Communications plan.pdf is attached.")).to_be_visible()
    expect(page.get_by_role("link", name="Communications plan.pdf", exact=True)).to_be_visible()  # papers table
    expect(page.get_by_role("link", name="Communications plan 2027 (Communications plan.pdf)")).to_be_visible()  # item

    page.locator("#motion-item").select_option(label="Approve the communications plan")
    page.locator("#motion-text").fill("Approve the communications plan for 2027")
    page.get_by_role("button", name="Move motion").click()
    expect(page.get_by_text("Motion moved.")).to_be_visible()
    for person, vote in zip(members, ("for", "for", "against")):
        page.get_by_label(person, exact=True).select_option(vote)
    page.get_by_role("button", name=re.compile("Record the vote")).click()
    expect(page.get_by_text("Votes recorded and the decision made.")).to_be_visible()
    expect(page.get_by_text(re.compile("Approve the communications plan for 2027 — Approved"))).to_be_visible()
    no_violations(page)  # the meeting page as the secretary uses it

    page.get_by_role("link", name="Decisions log").click()
    expect(page.get_by_text("Approve the communications plan for 2027")).to_be_visible()
    no_violations(page)

    next_starts = dt.datetime.combine(today + dt.timedelta(days=30), dt.time(18, 30), tzinfo=dt.timezone.utc)
    Api(hub, "manager")("POST", f"/governance/bodies/{body_id}/meetings", {  # the next one, still to come
        "title": "Commissioning sub-group, summer meeting", "starts_at": next_starts.isoformat(),
        "notice_given_on": today.isoformat()})
    page.get_by_role("link", name="My meetings").click()  # the meetings to come
    expect(page.get_by_role("link", name="Commissioning sub-group, summer meeting")).to_be_visible()
    no_violations(page)

    page.goto(hub.url("gateway") + "/governance")
    page.get_by_role("link", name=body_name).click()
    page.locator("#resolution-text").fill("Adopt the revised terms of reference")
    fill_date(page, "deadline_date", today + dt.timedelta(days=7))
    page.get_by_role("button", name="Circulate resolution").click()
    expect(page.get_by_text("Written resolution circulated.")).to_be_visible()
    expect(page.get_by_role("heading", name="Adopt the revised terms of reference")).to_be_visible()
    for person in members[:2]:
        page.locator("#answer-seat").select_option(label=person)
        page.locator("#answer-vote").select_option("for")
        page.get_by_role("button", name="Record answer").click()
        expect(page.get_by_text(f"{person}: For")).to_be_visible()
    page.get_by_role("button", name="Close and record the decision").click()
    expect(page.get_by_text("Passed.")).to_be_visible()  # 2 of 3 entitled members agreed in writing
    no_violations(page)


def test_g5_an_expulsion_membership_asks_for_is_voted_at_the_partners_group_meeting_never_before_it(hub):
    """The request goes on the agenda of a Partners Group meeting 20 days ahead (G5's 14 days' notice); before
    that meeting starts nothing of it can be recorded (attendance, the vote), nor can anyone record the expulsion
    by hand, so the member stays a member. The vote at the meeting itself, with the clock moved to it, is proven
    in governance's tests (test_agenda_routing_and_lapses.py::test_g5_...) and membership's (effective from the
    meeting's day)."""
    manager, board = Api(hub, "manager"), Api(hub, "board")
    org = active_member(manager, board, f"Expelled Trust {uuid.uuid4().hex[:6]}")

    manager("POST", f"/membership/organisations/{org['id']}/expulsion-request", {"reason": "Persistent breach"})
    send = governance_send(manager)
    pg = governance_client.seat_members(send, governance_client.deciding_body(send, "membership_expulsion"),
                                        partners(manager))
    request = wait_for(lambda: next((r for r in board("GET", "/governance/decision-requests")
                                     if r["kind"] == "membership_expulsion"
                                     and r["subject"] == f"organisation/{org['id']}"), None), timeout=15,
                       what="the expulsion request reaching governance")
    today = clock.today()
    starts_at = dt.datetime.combine(today + dt.timedelta(days=20), dt.time(18), tzinfo=dt.timezone.utc)
    meeting = manager("POST", f"/governance/bodies/{pg['id']}/meetings", {
        "starts_at": starts_at.isoformat(), "notice_given_on": today.isoformat(), "title": "Partners Group (G5)"})
    item = next(i for i in meeting["agenda"] if i["kind"] == "request" and i["decision_request_id"] == request["id"])
    seats = [s for s in pg["seats"] if s["role"] in ("chair", "member")]
    early = manager("POST", f"/governance/meetings/{meeting['id']}/attendance",
                    {"seat_id": seats[0]["id"], "status": "present"}, ok=(409,))
    assert "has not started yet" in early["detail"]
    motion = manager("POST", f"/governance/meetings/{meeting['id']}/motions",
                     {"agenda_item_id": item["id"], "text": "Expel the member for persistent breach"})
    assert motion["kind"] == "expulsion"  # tabled ahead of the meeting, it is notice, not a decision
    vote = manager("POST", f"/governance/meetings/{meeting['id']}/motions/{motion['id']}/votes",
                   {"votes": [{"seat_id": s["id"], "vote": "for"} for s in seats]}, ok=(409,))
    assert "has not started yet" in vote["detail"]
    by_hand = board("POST", f"/governance/decision-requests/{request['id']}/decision",
                    {"outcome": "approved", "meeting_id": meeting["id"]}, ok=(409,))
    assert by_hand["type"].endswith(":G5")
    assert board("GET", f"/governance/decision-requests/{request['id']}")["status"] == "pending"
    assert manager("GET", f"/membership/organisations/{org['id']}")["status"] == "active"


def test_g12_a_board_member_declares_their_own_interest_and_casts_their_own_vote_at_1280_and_375(hub, browser,
                                                                                                 browser_context_args):
    """Issue 14 item 2: the demo board member (Bo Board), seated on a sub-group under their account, opens the
    meeting under way: each item links to its papers; they declare their own interest in one item (no one to pick
    from a list) and then get no vote on it (G12), and cast their own vote on the other, once; the secretary takes
    the vote with the show of hands for the others, counting Bo Board's vote as cast. Every page state at 1280 and
    375 px: zero axe violations, no horizontal overflow."""
    manager = Api(hub, "manager")
    today = clock.today()
    seated_from = (today - dt.timedelta(days=30)).isoformat()
    body = manager("POST", "/governance/bodies", {"kind": "sub_group", "rules": {},
                                                  "name": f"Volunteering sub-group {uuid.uuid4().hex[:6]}"})
    people = [("Bo Board", "board"), ("Ben Ode", None), ("Carys Lloyd", None)]
    seats = [manager("POST", f"/governance/bodies/{body['id']}/seats", {
        "role": "member", "person_name": person, "organisation_id": organisation, "account": account,
        "starts_on": seated_from}) for (person, account), (_, organisation) in zip(people, partners(manager, 3))]
    manager("POST", f"/governance/bodies/{body['id']}/seats", {
        "role": "secretary", "person_name": "Morgan Manager", "account": "manager", "starts_on": seated_from})
    meeting = governance_client.hold_meeting(governance_send(manager), manager("GET", f"/governance/bodies/{body['id']}"),
                                             "Volunteering sub-group, December")
    path = f"/governance/meetings/{meeting['id']}"
    motions = {}
    for title, paper in (("Grant to Northfield Advice Centre", "Northfield grant.pdf"),
                         ("Adopt the volunteering policy", "Volunteering policy.pdf")):
        item = manager("POST", f"{path}/agenda-items", {"title": title, "kind": "business",
                                                        "notified_on": today.isoformat()})["agenda"][-1]
        uploaded = requests.post(f"{manager.base}{path}/papers", headers=manager.headers, timeout=15,
                                 data={"title": paper.removesuffix(".pdf"), "agenda_item_id": item["id"]},
                                 files={"file": (paper, PDF, "application/pdf")})
        assert uploaded.status_code == 201, uploaded.text
        motions[title] = manager("POST", f"{path}/motions", {"agenda_item_id": item["id"], "text": title})

    page = browser.new_context(**browser_context_args).new_page()
    sign_in(page, hub, "board")
    page.goto(hub.url("gateway") + path)  # the meeting's page has the API path's shape
    expect(page.get_by_role("heading", name="Volunteering sub-group, December")).to_be_visible()
    grant = page.locator("li", has=page.get_by_role("heading", name="Grant to Northfield Advice Centre"))
    policy = page.locator("li", has=page.get_by_role("heading", name="Adopt the volunteering policy"))
    expect(grant.get_by_role("link", name=re.compile("Northfield grant.pdf"))).to_be_visible()  # the item's paper
    expect(policy.get_by_role("link", name=re.compile("Volunteering policy.pdf"))).to_be_visible()
    for _ in at_each_width(page):
        page_is_usable(page)

    at_width(page, DESKTOP)
    grant.get_by_text("Declare my interest in this item").click()
    grant.get_by_label("Your interest").fill("Trustee of Northfield Advice Centre")
    grant.get_by_role("button", name=re.compile("Declare my interest")).click()
    expect(page.get_by_text("Your interest is declared.")).to_be_visible()
    expect(grant.get_by_text("You declared an interest: Trustee of Northfield Advice Centre")).to_be_visible()
    expect(grant.get_by_role("button", name=re.compile("Cast my vote"))).to_have_count(0)  # G12: no vote on it
    page_is_usable(page)

    at_width(page, PHONE)
    policy.get_by_label("For", exact=True).check()
    policy.get_by_role("button", name=re.compile("Cast my vote")).click()
    expect(page.get_by_text("Your vote is cast: For.")).to_be_visible()
    expect(policy.get_by_text("You voted for this motion.")).to_be_visible()
    expect(policy.get_by_role("button", name=re.compile("Cast my vote"))).to_have_count(0)  # one vote per seat
    page_is_usable(page)
    at_width(page, DESKTOP)
    page_is_usable(page)

    board = Api(hub, "board")
    motion = motions["Adopt the volunteering policy"]
    refused = board("POST", f"{path}/motions/{motion['id']}/my-vote", {"vote": "against"}, ok=(409,))
    assert "votes once" in refused["detail"]
    g12 = board("POST", f"{path}/motions/{motions['Grant to Northfield Advice Centre']['id']}/my-vote",
                {"vote": "for"}, ok=(409,))
    assert g12["type"].endswith(":G12")
    decision = manager("POST", f"{path}/motions/{motion['id']}/votes", {"votes": [
        {"seat_id": seats[1]["id"], "vote": "for"}, {"seat_id": seats[2]["id"], "vote": "against"}]})
    assert (decision["votes"]["for"], decision["votes"]["against"], decision["outcome"]) == (2, 1, "approved")
