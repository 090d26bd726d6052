"""Finance's summary for the home pages (issue 14 item 1): timesheets awaiting my approval, last month's recharges
to raise, variations waiting (F1), payments due, and my weeks not submitted, each counted with the first few;
another consortium sees nothing. The clock is moved to the time fixture's October 2026 weeks and on from them:
"last month" and "this week" follow it."""
from __future__ import annotations

import datetime as dt

import time_machine

from hubkit import clock
from money_fixtures import MoneyHub, mh  # noqa: F401
from test_budgets_variations import _virement
from time_fixtures import MONDAY, th  # noqa: F401


def at(day: dt.date, hour: int = 11):
    return time_machine.travel(dt.datetime.combine(day, dt.time(hour), tzinfo=dt.timezone.utc), tick=False)


def summary(hub, headers) -> dict:
    return hub.call("GET", "/summary", headers=headers)


def test_h4_timesheets_to_approve_last_months_recharges_and_my_weeks_follow_the_clock(th):
    th.hub_model("virtual_hub")
    priya, tom = th.staff("Priya Shah", kind="host"), th.staff("Tom Reed", kind="member")
    core = th.staff("Core Team", kind="consortium", user_id=th.manager_user)
    ann = th.staff("Ann Lee", kind="member", line_manager_id=core["id"])
    for person in (priya, tom, ann, core):
        th.rate(person["id"])
    th.approved_week(priya)
    th.approved_week(tom, MONDAY, {(d, "hub-finance"): 435 for d in range(5)})
    waiting = [th.week(person, MONDAY + dt.timedelta(days=7)) for person in (priya, ann)]
    for person, sheet in zip((priya, ann), waiting):
        th.call("POST", f"/timesheets/{sheet['id']}/submit", headers=th.person(person))

    finance = lambda: th.as_(("finance_officer",), th.finance_user)  # noqa: E731 (signed at the moved clock)
    with at(MONDAY + dt.timedelta(days=9)):  # Wednesday of the second week
        found = summary(th, finance())
        assert set(found) >= {"timesheets_to_approve", "invoices_to_raise", "variations_waiting", "payments_due"}
        assert "my_week" not in found  # the finance officer logs no time here
        queue = found["timesheets_to_approve"]
        assert (queue["count"], [i["title"] for i in queue["items"]]) == (2, ["Ann Lee", "Priya Shah"])
        assert {i["due_on"] for i in queue["items"]} == {(MONDAY + dt.timedelta(days=7)).isoformat()}
        # the manager approves only the people they line-manage
        as_manager = summary(th, th.as_(("consortium_manager",), th.manager_user))
        assert [i["title"] for i in as_manager["timesheets_to_approve"]["items"]] == ["Ann Lee"]
        assert "invoices_to_raise" not in as_manager
        # my week: Priya sent the second week; the first is approved: nothing owed. Tom owes the second.
        assert summary(th, th.person(priya))["my_week"]["count"] == 0
        toms = summary(th, th.person(tom))["my_week"]
        assert [(i["title"], i["due_on"]) for i in toms["items"]] == [
            ("Tom Reed", (MONDAY + dt.timedelta(days=7)).isoformat())]
        # September's time: none, so nothing to raise for last month yet
        assert found["invoices_to_raise"]["count"] == 0
        assert found["invoices_to_raise"]["month"] == "2026-09-01"

    with at(dt.date(2026, 11, 3)):  # November: October's recharges are to be raised
        raise_ = summary(th, finance())["invoices_to_raise"]
        assert (raise_["month"], raise_["count"]) == ("2026-10-01", 2)
        assert "Leeds CVS" in [i["title"] for i in raise_["items"]]
        th.call("POST", "/invoices/month-end", {"month": "2026-10"}, 201, headers=finance())
        raised = summary(th, finance())["invoices_to_raise"]
        assert (raised["count"], raised["drafts"]) == (0, 2)
        # a week later both of Tom's weeks are owed, the earliest first
        assert [i["due_on"] for i in summary(th, th.person(tom))["my_week"]["items"]] == [
            dt.date(2026, 10, 26).isoformat(), dt.date(2026, 11, 2).isoformat()]


def test_f1_variations_waiting_and_payments_due_within_14_days_for_the_finance_officer_only(mh):
    budget = mh.adopted_budget(year=clock.today().year if clock.today().month >= 4 else clock.today().year - 1)
    _virement(mh, budget, 10_000)  # at or under the threshold: the finance officer approves it
    data = mh.issue(mh.subcontract_data(schedule=[
        mh.by_date(300_000, clock.today() + dt.timedelta(days=5)),
        mh.by_date(400_000, clock.today() + dt.timedelta(days=60))]))
    assert data

    found = summary(mh, mh.finance)
    waiting = found["variations_waiting"]
    assert (waiting["count"], waiting["items"][0]["title"], waiting["items"][0]["about"],
            waiting["items"][0]["amount_pence"]) == (1, "Outreach", "Waiting for your approval", 10_000)
    due = found["payments_due"]
    assert (due["count"], due["amount_pence"]) == (1, 300_000)
    assert (due["items"][0]["title"], due["items"][0]["due_on"]) == (
        "Northfield Advice Centre", (clock.today() + dt.timedelta(days=5)).isoformat())

    # 50 days on, the second instalment is due within 14 days too
    later = dt.datetime.combine(clock.today() + dt.timedelta(days=50), dt.time(11), tzinfo=dt.timezone.utc)
    with time_machine.travel(later, tick=False):
        assert summary(mh, mh.as_(("finance_officer",)))["payments_due"]["count"] == 2

    for headers in (mh.manager, mh.board, mh.member_a):
        assert not {"variations_waiting", "payments_due", "invoices_to_raise"} & set(summary(mh, headers))
    elsewhere = summary(mh, mh.as_(("finance_officer",), consortium=MoneyHub(mh.app, mh.client, mh.sign).consortium))
    assert [elsewhere[name]["count"] for name in ("variations_waiting", "payments_due", "invoices_to_raise",
                                                  "timesheets_to_approve")] == [0, 0, 0, 0]
