"""The subsidy report (H4): time logged, approved and recharged per employer and month, and why any differs."""
from __future__ import annotations

import datetime as dt

from time_fixtures import MONDAY, th  # noqa: F401


def _row(th, headers=None):
    [row] = th.call("GET", "/subsidy?month=2026-10", headers=headers or th.manager)
    return row


def test_h4_the_subsidy_shows_unapproved_and_uninvoiced_time_and_falls_to_zero_once_recharged(th):
    th.hub_model("outsourced_to_member")
    th.organisation(th.host, "Leeds CVS")
    staff = th.staff()
    th.rate(staff["id"])  # £30 an hour
    th.approved_week(staff)                                   # 37.5 h approved
    th.week(staff, MONDAY + dt.timedelta(days=7), {(0, "hub-bidding"): 120, (1, "employer-own-work"): 450})
    row = _row(th)
    assert row["organisation_name"] == "Leeds CVS"
    assert row["logged_minutes"] == 2250 + 120 and row["logged_pence"] == 112500 + 6000
    assert row["approved_minutes"] == 2250 and row["approved_pence"] == 112500
    assert row["recharged_pence"] == 0 and row["subsidy_pence"] == 118500
    assert row["reasons"]["unapproved"] == {"minutes": 120, "pence": 6000}
    assert row["reasons"]["not_yet_invoiced"] == {"minutes": 2250, "pence": 112500}
    invoice = th.call("POST", "/invoices", {"organisation_id": str(th.host), "month": "2026-10"}, 201)
    assert _row(th)["reasons"]["not_yet_invoiced"]["pence"] == 112500  # a draft recharges nothing yet
    th.call("POST", f"/invoices/{invoice['id']}/issue")
    row = _row(th)
    assert row["recharged_pence"] == 112500 and row["recharged_minutes"] == 2250
    assert row["subsidy_pence"] == 6000 and row["reasons"]["not_yet_invoiced"]["pence"] == 0
    sheet = th.call("GET", f"/timesheets/mine?week={MONDAY + dt.timedelta(days=7)}", headers=th.person(staff))
    th.call("POST", f"/timesheets/{sheet['id']}/submit", headers=th.person(staff))
    th.call("POST", f"/timesheets/{sheet['id']}/approve")
    second = th.call("POST", "/invoices", {"organisation_id": str(th.host), "month": "2026-10"}, 201)
    th.call("POST", f"/invoices/{second['id']}/issue")
    row = _row(th)
    assert row["subsidy_pence"] == 0 and row["subsidy_minutes"] == 0
    assert row["recharged_pence"] == row["logged_pence"] == 118500


def test_h4_written_off_time_stays_visible_as_a_subsidy_with_its_reason(th):
    th.hub_model("outsourced_to_member")
    staff = th.staff()
    th.rate(staff["id"])
    th.approved_week(staff)
    th.call("POST", "/subsidy/write-offs", {"organisation_id": str(th.host), "month": "2026-10",
                                            "reason": "Agreed in kind"}, 403, th.person(staff))
    th.call("POST", "/subsidy/write-offs", {"organisation_id": str(th.host), "month": "2026-10"}, 422)
    write_off = th.call("POST", "/subsidy/write-offs", {
        "organisation_id": str(th.host), "month": "2026-10", "reason": "The host gives this week in kind"},
        201, th.manager)
    assert write_off["minutes"] == 2250 and write_off["amount_pence"] == 112500
    row = _row(th)
    assert row["subsidy_pence"] == 112500
    assert row["reasons"]["written_off"] == {"minutes": 2250, "pence": 112500}
    assert row["reasons"]["not_yet_invoiced"]["pence"] == 0
    # written-off time is never invoiced, and cannot be written off twice
    th.call("POST", "/invoices", {"organisation_id": str(th.host), "month": "2026-10"}, 409)
    th.call("POST", "/subsidy/write-offs", {"organisation_id": str(th.host), "month": "2026-10",
                                            "reason": "again"}, 409, th.manager)
    assert th.call("GET", "/subsidy/write-offs")[0]["reason"] == "The host gives this week in kind"


def test_h4_a_credit_note_puts_the_time_back_into_the_subsidy_until_it_is_recharged_again(th):
    th.hub_model("outsourced_to_member")
    staff = th.staff()
    th.rate(staff["id"])
    th.approved_week(staff)
    invoice = th.call("POST", "/invoices", {"organisation_id": str(th.host), "month": "2026-10"}, 201)
    th.call("POST", f"/invoices/{invoice['id']}/issue")
    assert _row(th)["subsidy_pence"] == 0
    th.call("POST", f"/invoices/{invoice['id']}/credit-note", {"reason": "Wrong month"}, 201)
    row = _row(th)
    assert row["recharged_pence"] == 0 and row["subsidy_pence"] == 112500
    assert row["reasons"]["not_yet_invoiced"]["pence"] == 112500


def test_the_subsidy_report_is_for_staff_who_oversee_the_money(th):
    staff = th.staff()
    th.call("GET", "/subsidy", headers=th.person(staff), status=403)
    th.call("GET", "/subsidy?month=October", status=422)
    assert th.call("GET", "/subsidy") == []


def test_consortium_employed_staff_are_not_a_subsidy(th):
    th.hub_model("outsourced_to_member")
    staff = th.staff("Core Team", kind="consortium")
    th.rate(staff["id"])
    th.approved_week(staff)
    assert th.call("GET", "/subsidy") == []


def test_h4_one_months_subsidy_is_that_month_of_the_whole_report(th):
    """The report for a month reads only that month's time (issue 16) and says what the whole report says of it."""
    th.hub_model("outsourced_to_member")
    th.organisation(th.host, "Leeds CVS")
    staff = th.staff()
    th.rate(staff["id"])
    th.approved_week(staff)                                                     # October, approved
    november = dt.date(2026, 11, 2)
    th.approved_week(staff, november)                                            # November, approved
    th.week(staff, november + dt.timedelta(days=7), {(0, "hub-bidding"): 120})  # November, not yet approved
    invoice = th.call("POST", "/invoices", {"organisation_id": str(th.host), "month": "2026-10"}, 201)
    th.call("POST", f"/invoices/{invoice['id']}/issue")
    whole = {row["month"]: row for row in th.call("GET", "/subsidy", headers=th.manager)}
    assert sorted(whole) == ["2026-10-01", "2026-11-01"]
    for month in ("2026-10", "2026-11"):
        assert th.call("GET", f"/subsidy?month={month}", headers=th.manager) == [whole[f"{month}-01"]]
    assert whole["2026-10-01"]["subsidy_pence"] == 0
    assert whole["2026-11-01"]["reasons"]["unapproved"] == {"minutes": 120, "pence": 6000}
    assert whole["2026-11-01"]["reasons"]["not_yet_invoiced"] == {"minutes": 2250, "pence": 112500}
