"""P1: the returns owed and not sent, by due date (GET /returns/due: bounded, paged in SQL, each member's own), and
the daily review announcing each once when due within 7 days and once when overdue (contracts.return.due,
contracts.return.overdue), for the gateway's notifications. The clock is moved to the contract's dates."""
from __future__ import annotations

import contextlib
import datetime as dt

import time_machine

from contracts.domain import returns_due as rules
from contracts.service_layer.returns_due import review_returns
from delivery_fixtures import Delivery, delivery  # noqa: F401
from hubkit import clock
from hubkit.db import Tenant
from hubkit.unit_of_work import UnitOfWork

# The fixture's contract runs 2025-04-01..2026-03-31 in quarters; returns are due 20 days after each quarter ends.
Q1_DUE, Q2_DUE, Q3_DUE, Q4_DUE = dt.date(2025, 7, 20), dt.date(2025, 10, 20), dt.date(2026, 1, 20), dt.date(2026, 4, 20)


@contextlib.contextmanager
def at(day: dt.date, delivery=None, hour: int = 11):
    """The clock on that day; with `delivery`, its manager's token signed then (a token from the future is refused)."""
    with time_machine.travel(dt.datetime.combine(day, dt.time(hour), tzinfo=dt.timezone.utc), tick=False):
        if delivery is not None:
            delivery.headers = delivery.as_(("consortium_manager",))
        yield


def arrange(delivery):
    """North's subcontract runs the whole term; West's starts in October (no Q1 or Q2 return owed); East sends Q1
    early."""
    north, west, east = (delivery.member(name) for name in ("Northfield Advice", "Westgate Carers", "Eastside Trust"))
    contract = delivery.contract()
    subs = {"north": delivery.subcontract(contract, north, value_pence=10_000_000),
            "west": delivery.subcontract(contract, west, value_pence=10_000_000, starts_on="2025-10-01"),
            "east": delivery.subcontract(contract, east, value_pence=10_000_000)}
    with at(dt.date(2025, 7, 2)):
        delivery.submit(subs["east"], 1, 40, 9)
    return subs, {"north": north, "west": west, "east": east}


def owed(rows) -> list[tuple[str, str]]:
    return [(row["organisation_name"], row["period_label"]) for row in rows]


def test_p1_returns_due_between_two_dates_are_those_owed_and_not_sent_each_members_own_paged(delivery):
    subs, orgs = arrange(delivery)
    window = "/returns/due?due_from=2025-07-01&due_until=2026-04-30"
    with at(dt.date(2025, 7, 25), delivery):
        everything = delivery.call("GET", window + "&limit=500")
        labels = {row["period_id"]: row["period_label"] for row in everything}
        assert [row["return_due_on"] for row in everything] == sorted(row["return_due_on"] for row in everything)
        assert sorted(owed(everything)) == sorted(
            [("Northfield Advice", labels[p["id"]]) for p in subs["north"]["periods"]]
            + [("Eastside Trust", labels[p["id"]]) for p in subs["east"]["periods"] if p["number"] > 1]
            + [("Westgate Carers", labels[p["id"]]) for p in subs["west"]["periods"] if p["number"] > 2])
        assert len(everything) == 4 + 3 + 2
        first = everything[0]
        assert first["return_due_on"] == Q1_DUE.isoformat() and first["overdue"] is True
        assert first["organisation_name"] == "Northfield Advice" and first["contract_title"]
        assert not any(row["overdue"] for row in everything[1:])

        # member staff see their own organisation's only; the same in pages of 2, each row once
        mine = delivery.call("GET", window, headers=delivery.member_headers(orgs["west"]))
        assert [row["subcontract_id"] for row in mine] == [subs["west"]["subcontract"]["id"]] * 2
        paged, cursor = [], None
        while True:
            answer = delivery.raw("GET", window + "&limit=2" + (f"&cursor={cursor}" if cursor else ""))
            assert answer.status_code == 200 and len(answer.get_json()) <= 2
            paged += answer.get_json()
            cursor = answer.headers.get("X-Next-Cursor")
            if not cursor:
                break
        assert [(r["subcontract_id"], r["period_id"]) for r in paged] == \
               [(r["subcontract_id"], r["period_id"]) for r in everything]

        # without dates: the reminders' window, overdue up to 28 days and due within 7
        assert owed(delivery.call("GET", "/returns/due")) == [("Northfield Advice", first["period_label"])]
        # another consortium sees none of it; finance and the board read it
        assert Delivery(delivery.app, delivery.client, delivery.sign).call("GET", window) == []
        assert len(delivery.call("GET", window + "&limit=500",
                                 headers=delivery.as_(("finance_officer",)))) == len(everything)


def test_p1_returns_due_refuses_an_unbounded_or_backwards_range_as_problem_json(delivery):
    for query, field in (("due_from=2025-07-01", "due_until"), ("due_from=2025-07-01&due_until=2025-06-30", "due_until"),
                         ("due_from=2025-01-01&due_until=2026-06-30", "due_until"), ("due_from=soon&due_until=2025-01-01",
                                                                                      "due_from")):
        answer = delivery.raw("GET", f"/returns/due?{query}")
        assert answer.status_code == 422 and answer.mimetype == "application/problem+json", query
        assert field in str(answer.get_json()["errors"]), query
    delivery.call("GET", "/returns/due", None, 403, headers=delivery.as_(("host_admin",)))


def review(delivery, day: dt.date) -> int:
    with at(day):
        with UnitOfWork(delivery.app.extensions["hubkit.db"], Tenant(delivery.consortium), actor="system:test",
                        service="contracts") as uow:
            return review_returns(uow, clock.today())


def announced(delivery, event_type: str) -> list[tuple[str, str, str]]:
    return [(e["data"]["organisation_name"], e["data"]["period_label"], e["occurred_at"][:10])
            for e in delivery.outbox(event_type)]


def test_p1_the_daily_review_announces_a_return_due_within_7_days_and_then_overdue_once_each(delivery):
    subs, orgs = arrange(delivery)
    q1 = next(p["label"] for p in subs["north"]["periods"] if p["number"] == 1)
    q2 = next(p["label"] for p in subs["north"]["periods"] if p["number"] == 2)
    # day by day over Q1's due date, some days twice (a review repeated, another worker)
    for day in (dt.date(2025, 7, 1), dt.date(2025, 7, 12), dt.date(2025, 7, 13), dt.date(2025, 7, 13),
                dt.date(2025, 7, 14), dt.date(2025, 7, 20), dt.date(2025, 7, 21), dt.date(2025, 7, 21),
                dt.date(2025, 7, 30)):
        review(delivery, day)
    assert announced(delivery, "contracts.return.due") == [("Northfield Advice", q1, "2025-07-13")]
    assert announced(delivery, "contracts.return.overdue") == [("Northfield Advice", q1, "2025-07-21")]
    [due] = delivery.outbox("contracts.return.due")
    assert due["subject"] == f"subcontract/{subs['north']['subcontract']['id']}"
    assert due["data"]["organisation_id"] == orgs["north"] and due["data"]["return_due_on"] == Q1_DUE.isoformat()
    # East sent Q1 before it fell due; West's subcontract began after Q1: neither is reminded of it

    # North sends Q2 on time, within the week before: reminded it was due, never that it is overdue
    review(delivery, dt.date(2025, 10, 14))
    with at(dt.date(2025, 10, 15)):
        delivery.submit(subs["north"], 2, 45, 9)
    review(delivery, dt.date(2025, 10, 21))
    due_q2 = [a for a in announced(delivery, "contracts.return.due") if a[1] == q2]
    assert sorted(due_q2) == sorted([("Northfield Advice", q2, "2025-10-14"), ("Eastside Trust", q2, "2025-10-14")])
    assert [a for a in announced(delivery, "contracts.return.overdue") if a[1] == q2] == [
        ("Eastside Trust", q2, "2025-10-21")]


def test_p1_a_return_long_overdue_when_the_review_first_runs_is_not_announced(delivery):
    arrange(delivery)
    assert review(delivery, Q1_DUE + dt.timedelta(days=rules.OVERDUE_NOTICE_DAYS + 1)) == 0
    assert delivery.outbox("contracts.return.overdue") == [] and delivery.outbox("contracts.return.due") == []


def test_p1_reminder_rules():
    due = dt.date(2027, 1, 20)
    assert rules.reminder_due(due, due - dt.timedelta(days=8)) is None
    assert rules.reminder_due(due, due - dt.timedelta(days=7)) == rules.DUE_SOON
    assert rules.reminder_due(due, due) == rules.DUE_SOON
    assert rules.reminder_due(due, due + dt.timedelta(days=1)) == rules.OVERDUE
    assert rules.reminder_due(due, due + dt.timedelta(days=rules.OVERDUE_NOTICE_DAYS + 1)) is None
    assert rules.owes_return(dt.date(2027, 1, 1), dt.date(2027, 3, 31), dt.date(2027, 3, 31), dt.date(2028, 1, 1))
    assert not rules.owes_return(dt.date(2027, 1, 1), dt.date(2027, 3, 31), dt.date(2027, 4, 1), dt.date(2028, 1, 1))
    assert rules.review_window(due) == (due - dt.timedelta(days=28), due + dt.timedelta(days=7))
