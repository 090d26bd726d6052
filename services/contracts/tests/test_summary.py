"""Contracts' summary for the home pages (issue 14 item 1): what needs the caller, counted with the first few, for
the consortium manager (returns to review, pipeline deadlines in the next 14 days, rounds waiting on a step) and
for member staff (their organisation's returns due and overdue, returns queried, open invitations); another
organisation or consortium sees nothing of them. The clock is moved: "the next 14 days" from today and from later
days, and the returns at the fixture contract's own dates."""
from __future__ import annotations

import datetime as dt

import time_machine

from delivery_fixtures import Delivery, delivery  # noqa: F401
from hubkit import clock
from pipeline_fixtures import days
from test_allocation import Allocation, alloc  # noqa: F401

MANAGER_SECTIONS = {"today", "returns_to_review", "pipeline_deadlines", "rounds_waiting"}
MEMBER_SECTIONS = {"today", "returns_due", "returns_queried", "invitations"}


def at(day: dt.date, hour: int = 11):
    return time_machine.travel(dt.datetime.combine(day, dt.time(hour), tzinfo=dt.timezone.utc), tick=False)


def summary(who, headers=None) -> dict:
    """As the consortium manager unless told; tokens are signed at the (moved) clock's now."""
    return who.call("GET", "/summary", headers=headers or who.as_(("consortium_manager",)))


def counted(section: dict) -> tuple[int, list[str]]:
    return section["count"], [entry["title"] for entry in section["items"]]


def test_the_managers_pipeline_deadlines_in_the_next_14_days_and_rounds_waiting_and_members_invitations(alloc):
    north, east = alloc.capable("Northfield Advice Centre"), alloc.capable("Eastside Youth Trust")
    # the round's opportunity: clarification in 10 days, submission in 20
    rid = alloc.round(title="East Leeds drop-ins")["round"]["id"]
    alloc.opportunity(title="Carers' breaks", clarification_deadline=None, submission_deadline=days(30),
                      award_expected_on=days(60), start_expected_on=days(90))
    alloc.opportunity(title="Closed long ago", clarification_deadline=None, submission_deadline=days(3),
                      award_expected_on=days(60), start_expected_on=days(90))
    closed = alloc.call("GET", "/opportunities")
    lost = next(o for o in closed if o["opportunity"]["title"] == "Closed long ago")["opportunity"]["id"]
    alloc.call("POST", f"/opportunities/{lost}/stage", {"stage": "withdrawn", "note": "Not for us."})
    alloc.declare(rid, north)
    alloc.declare(rid, east)
    alloc.ready(rid)
    alloc.call("POST", f"/allocation-rounds/{rid}/eois/opening")
    alloc.eoi(rid, north)
    second = alloc.round(title="West Leeds befriending", declarations_close_on=days(5))["round"]["id"]

    found = summary(alloc)
    assert set(found) == MANAGER_SECTIONS and found["today"] == clock.today().isoformat()
    deadlines = found["pipeline_deadlines"]
    # the two rounds' opportunities (withdrawn ones are not counted)
    assert counted(deadlines) == (2, ["Community wellbeing hubs"] * 2)
    assert (deadlines["items"][0]["due_on"], deadlines["items"][0]["about"]) == (days(10),
                                                                               "the clarification deadline")
    waiting = found["rounds_waiting"]
    assert counted(waiting) == (2, ["West Leeds befriending", "East Leeds drop-ins"])
    assert [(i["id"], i["due_on"], i["about"]) for i in waiting["items"]] == [
        (second, days(5), "Confirm the panel and open expressions of interest"),
        (rid, days(21), "Close expressions of interest")]
    assert counted(found["returns_to_review"]) == (0, [])

    # member staff: East is invited and has not answered; North has answered
    as_east = summary(alloc, alloc.member_headers(east))
    assert set(as_east) == MEMBER_SECTIONS
    assert [(i["id"], i["title"], i["due_on"]) for i in as_east["invitations"]["items"]] == [
        (rid, "East Leeds drop-ins", days(21))]
    assert summary(alloc, alloc.member_headers(north))["invitations"]["count"] == 0

    # 17 days on: the clarification deadline has passed (the submission one is 3 days off) and the second
    # opportunity's submission is 13 days off; the invitation's round closed on day 21, still open
    later = dt.datetime.combine(clock.today() + dt.timedelta(days=17), dt.time(11), tzinfo=dt.timezone.utc)
    with time_machine.travel(later, tick=False):
        moved = summary(alloc)["pipeline_deadlines"]
        assert counted(moved) == (3, ["Community wellbeing hubs"] * 2 + ["Carers' breaks"])
        assert [i["about"] for i in moved["items"]] == ["the submission deadline"] * 3
    # past the EOIs' closing day the invitation is no longer offered
    after = dt.datetime.combine(clock.today() + dt.timedelta(days=22), dt.time(11), tzinfo=dt.timezone.utc)
    with time_machine.travel(after, tick=False):
        assert summary(alloc, alloc.member_headers(east))["invitations"]["count"] == 0

    # another consortium sees none of it; the finance officer and the board get no sections of these
    elsewhere = summary(Allocation(alloc.app, alloc.client, alloc.sign))
    assert [elsewhere[name]["count"] for name in sorted(MANAGER_SECTIONS - {"today"})] == [0, 0, 0]
    for role in ("finance_officer", "board_member"):
        assert set(summary(alloc, alloc.as_((role,)))) == {"today"}


def test_p1_returns_to_review_for_the_manager_and_each_members_own_returns_due_overdue_and_queried(delivery):
    north, east = delivery.member("Northfield Advice"), delivery.member("Eastside Trust")
    contract = delivery.contract()  # quarters from 2025-04-01; returns due 20 days after each quarter ends
    subs = {"north": delivery.subcontract(contract, north), "east": delivery.subcontract(contract, east)}
    q1_due = dt.date.fromisoformat(subs["north"]["periods"][0]["return_due_on"])
    with at(q1_due - dt.timedelta(days=18)):
        sent = delivery.submit(subs["east"], 1, 40, 9)["performance_return"]

    with at(q1_due + dt.timedelta(days=5)):
        review = summary(delivery)["returns_to_review"]
        assert review["count"] == 1 and review["items"][0]["id"] == sent["id"]
        assert review["items"][0]["title"].startswith("Eastside Trust: ")
        as_north = summary(delivery, delivery.member_headers(north))
        due = as_north["returns_due"]
        assert (due["count"], due["overdue"], due["due"]) == (1, 1, 0)
        assert (due["items"][0]["parent_id"], due["items"][0]["due_on"]) == (
            subs["north"]["subcontract"]["id"], q1_due.isoformat())
        assert summary(delivery, delivery.member_headers(east))["returns_due"]["count"] == 0

    q2_due = dt.date.fromisoformat(subs["north"]["periods"][1]["return_due_on"])
    with at(q2_due - dt.timedelta(days=10)):
        due = summary(delivery, delivery.member_headers(north))["returns_due"]
        assert (due["overdue"], due["due"], [i["due_on"] for i in due["items"]]) == (
            1, 1, [q1_due.isoformat(), q2_due.isoformat()])
        east_due = summary(delivery, delivery.member_headers(east))["returns_due"]
        assert (east_due["overdue"], east_due["due"]) == (0, 1)
        assert {i["about"] for i in east_due["items"]} == {"Eastside Trust"}

        delivery.call("POST", f"/returns/{sent['id']}/review", {"decision": "query", "comment": "Evidence?"},
                      headers=delivery.as_(("consortium_manager",)))
        assert summary(delivery)["returns_to_review"]["count"] == 0
        queried = summary(delivery, delivery.member_headers(east))["returns_queried"]
        assert (queried["count"], queried["items"][0]["id"]) == (1, sent["id"])
        assert summary(delivery, delivery.member_headers(north))["returns_queried"]["count"] == 0
        # another consortium sees none of it
        other = Delivery(delivery.app, delivery.client, delivery.sign)
        assert summary(other)["returns_to_review"]["count"] == 0
