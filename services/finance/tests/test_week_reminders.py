"""H4: finance's weekly review reminds each person who logs time of last week's timesheet not submitted by the
Monday after (finance.timesheet.not_submitted), once a week and person, counting days in the hub's time zone
(Europe/London here). The clock is moved with time-machine around a fixed week."""
from __future__ import annotations

import contextlib
import datetime as dt

import time_machine

from finance.domain import week_reminders as rules
from finance.service_layer.week_reminders import review_weeks
from hubkit import clock
from hubkit.db import Tenant
from hubkit.unit_of_work import UnitOfWork
from time_fixtures import MONDAY, TimeHub

UTC = dt.timezone.utc


@contextlib.contextmanager
def at(moment: dt.datetime):
    with time_machine.travel(moment, tick=False):
        yield


def noon(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), tzinfo=UTC)


def review(th: TimeHub, moment: dt.datetime) -> int:
    with at(moment):
        with UnitOfWork(th.app.extensions["hubkit.db"], Tenant(th.consortium), actor="system:test",
                        service="finance") as uow:
            return review_weeks(uow, clock.today())


def reminded(th: TimeHub) -> list[tuple[str, str, str | None]]:
    return sorted((e["data"]["staff_user_id"], e["data"]["week_starting"], e["data"]["status"])
                  for e in th.outbox("finance.timesheet.not_submitted"))


def test_h4_a_week_not_submitted_by_the_monday_after_reminds_that_person_once(app, client, sign):
    with at(noon(MONDAY - dt.timedelta(days=3))):  # the Friday before the week: everyone set up
        th = TimeHub(app, client, sign)
        people = {name: th.staff(name.title(), kind=kind) for name, kind in (
            ("absent", "host"), ("drafting", "member"), ("submitted", "host"), ("approved", "member"))}
        th.rate(people["approved"]["id"])
    with at(noon(MONDAY + dt.timedelta(days=6))):  # the Sunday: weeks logged, two sent
        th.finance = th.as_(("finance_officer",), th.finance_user)
        th.week(people["drafting"])
        sent = th.week(people["submitted"])
        th.call("POST", f"/timesheets/{sent['id']}/submit", headers=th.person(people["submitted"]))
        th.approved_week(people["approved"])
    with at(noon(MONDAY + dt.timedelta(days=8))):  # joined on the Tuesday after: that week was never theirs
        th.finance = th.as_(("finance_officer",), th.finance_user)
        th.staff("Newcomer", kind="host")

    due_monday = MONDAY + dt.timedelta(days=7)
    assert review(th, noon(due_monday)) == 0  # submitting on the Monday is on time
    # 22:59 UTC on the Monday is 23:59 in London (BST): still Monday; 23:30 UTC is already Tuesday there
    assert review(th, dt.datetime.combine(due_monday, dt.time(22, 59), tzinfo=UTC)) == 0
    assert review(th, dt.datetime.combine(due_monday, dt.time(23, 30), tzinfo=UTC)) == 2
    for day in (8, 8, 10, 13):  # the same Tuesday again (a repeated review, another worker), later that week
        assert review(th, noon(MONDAY + dt.timedelta(days=day))) == 0
    assert reminded(th) == sorted([(people["absent"]["user_id"], MONDAY.isoformat(), None),
                                   (people["drafting"]["user_id"], MONDAY.isoformat(), "draft")])
    [event] = [e for e in th.outbox("finance.timesheet.not_submitted")
               if e["data"]["staff_user_id"] == people["absent"]["user_id"]]
    assert event["data"]["due_on"] == due_monday.isoformat() and event["data"]["staff_id"] == people["absent"]["id"]

    # the next Monday the week before is no longer looked at; the Tuesday after, the next week is
    assert review(th, noon(MONDAY + dt.timedelta(days=14))) == 0
    assert review(th, noon(MONDAY + dt.timedelta(days=15))) == 5
    assert {week for _, week, _ in reminded(th)} == {MONDAY.isoformat(), due_monday.isoformat()}


def test_h4_another_consortiums_review_reminds_nobody_of_ours(app, client, sign):
    with at(noon(MONDAY - dt.timedelta(days=3))):
        ours, theirs = TimeHub(app, client, sign), TimeHub(app, client, sign)
        ours.staff("Ours")
        theirs.staff("Theirs")
    assert review(theirs, noon(MONDAY + dt.timedelta(days=8))) == 1
    assert ours.outbox("finance.timesheet.not_submitted") == []
    assert [e["data"]["status"] for e in theirs.outbox("finance.timesheet.not_submitted")] == [None]


def test_h4_the_week_to_remind_is_last_week_once_its_monday_is_over():
    assert rules.week_to_remind(MONDAY + dt.timedelta(days=7)) is None
    assert rules.week_to_remind(MONDAY + dt.timedelta(days=8)) == MONDAY
    assert rules.week_to_remind(MONDAY + dt.timedelta(days=13)) == MONDAY
    assert rules.week_to_remind(MONDAY + dt.timedelta(days=14)) is None
    assert rules.due_on(MONDAY) == MONDAY + dt.timedelta(days=7)
