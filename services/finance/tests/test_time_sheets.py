"""Timesheets (H4): weekly grid, bad input, submit, approval by someone else, locking, reversals, closed months."""
from __future__ import annotations

import datetime as dt
import uuid

from time_fixtures import MONDAY, th  # noqa: F401


def test_h2_the_ten_hub_functions_and_the_employers_own_work_are_seeded_once(th):
    codes = th.call("GET", "/cost-codes")
    th.call("POST", "/cost-codes/seed")
    again = th.call("GET", "/cost-codes")
    assert len(codes) == len(again) == 11
    hub = [c for c in codes if c["kind"] == "hub_function"]
    assert len(hub) == 10 and all(c["chargeable"] for c in hub)
    own = [c for c in codes if c["kind"] == "employer_own"]
    assert len(own) == 1 and own[0]["chargeable"] is False


def test_h4_a_person_logs_a_week_and_the_grid_has_totals_by_day_and_row(th):
    staff = th.staff()
    sheet = th.week(staff, grid={(0, "hub-bidding"): 450, (0, "employer-own-work"): 60, (1, "hub-bidding"): 495})
    assert sheet["status"] == "draft"
    assert sheet["day_totals"][:3] == [510, 495, 0]
    assert sheet["total_minutes"] == 1005 and sheet["chargeable_minutes"] == 945
    rows = {r["code"]: r for r in sheet["rows"]}
    assert rows["hub-bidding"]["minutes"][:2] == [450, 495] and rows["hub-bidding"]["total_minutes"] == 945
    mine = th.call("GET", f"/timesheets/mine?week={MONDAY.isoformat()}", headers=th.person(staff))
    assert mine["id"] == sheet["id"] and mine["total_minutes"] == 1005


def test_h4_more_than_24_hours_in_a_day_is_refused_naming_the_field(th):
    staff = th.staff()
    response = th.call("PUT", f"/timesheets/staff/{staff['id']}/weeks/{MONDAY}", {"entries": [
        {"day": MONDAY.isoformat(), "cost_code_id": th.codes["hub-bidding"], "minutes": 900},
        {"day": MONDAY.isoformat(), "cost_code_id": th.codes["hub-finance"], "minutes": 600}]}, 422, th.person(staff))
    assert "minutes" in response["errors"]["entries"]["1"]
    assert "24 hours" in str(response["errors"])
    assert th.call("GET", f"/timesheets/mine?week={MONDAY}", headers=th.person(staff))["id"] is None


def test_h4_negative_and_non_quarter_hour_amounts_are_refused_naming_the_field(th):
    staff = th.staff()
    for minutes in (-15, 20, 7):
        response = th.call("PUT", f"/timesheets/staff/{staff['id']}/weeks/{MONDAY}", {"entries": [
            {"day": MONDAY.isoformat(), "cost_code_id": th.codes["hub-bidding"], "minutes": minutes}]}, 422,
            th.person(staff))
        assert "minutes" in response["errors"]["entries"]["0"]


def test_f4_minutes_as_a_float_are_refused(th):
    staff = th.staff()
    response = th.call("PUT", f"/timesheets/staff/{staff['id']}/weeks/{MONDAY}", {"entries": [
        {"day": MONDAY.isoformat(), "cost_code_id": th.codes["hub-bidding"], "minutes": 450.0}]}, 422,
        th.person(staff))
    assert "minutes" in response["errors"]["entries"]["0"]


def test_a_week_starts_on_monday_and_entries_stay_inside_it(th):
    staff = th.staff()
    tuesday = MONDAY + dt.timedelta(days=1)
    response = th.call("PUT", f"/timesheets/staff/{staff['id']}/weeks/{tuesday}", {"entries": []}, 422,
                       th.person(staff))
    assert "week_starting" in response["errors"]
    response = th.call("PUT", f"/timesheets/staff/{staff['id']}/weeks/{MONDAY}", {"entries": [
        {"day": (MONDAY + dt.timedelta(days=7)).isoformat(), "cost_code_id": th.codes["hub-bidding"],
         "minutes": 60}]}, 422, th.person(staff))
    assert "day" in response["errors"]["entries"]["0"]


def test_h4_a_cost_code_of_another_consortium_is_not_found_naming_the_field(th, app, client, sign):
    from time_fixtures import TimeHub
    other = TimeHub(app, client, sign)
    foreign_code = other.codes["hub-bidding"]
    staff = th.staff()
    response = th.call("PUT", f"/timesheets/staff/{staff['id']}/weeks/{MONDAY}", {"entries": [
        {"day": MONDAY.isoformat(), "cost_code_id": foreign_code, "minutes": 60}]}, 422, th.person(staff))
    assert "cost_code_id" in response["errors"]["entries"]["0"]


def test_h4_approving_ones_own_timesheet_is_forbidden(th):
    officer = th.staff("Fiona Officer", user_id=th.finance_user)
    sheet = th.week(officer, headers=th.finance)
    th.call("POST", f"/timesheets/{sheet['id']}/submit", headers=th.finance)
    response = th.call("POST", f"/timesheets/{sheet['id']}/approve", status=403)
    assert "own" in response["detail"]
    assert th.call("GET", f"/timesheets/{sheet['id']}", headers=th.finance)["status"] == "submitted"
    assert th.outbox("finance.timesheet.approved") == []


def test_h4_a_manager_approves_only_the_people_they_line_manage(th):
    manager_staff = th.staff("Mo Manager", kind="consortium", user_id=th.manager_user)
    managed = th.staff("Priya Shah", line_manager_id=manager_staff["id"])
    other = th.staff("Sam Other")
    th.rate(managed["id"])
    sheets = []
    for person in (managed, other):
        sheet = th.week(person)
        th.call("POST", f"/timesheets/{sheet['id']}/submit", headers=th.person(person))
        sheets.append(sheet)
    queue = th.call("GET", "/timesheets", headers=th.manager)
    assert [q["id"] for q in queue] == [sheets[0]["id"]]
    # the events name who is told each week waits (the gateway's notifications): the line manager, if any
    told = {e["data"]["timesheet_id"]: e["data"] for e in th.outbox("finance.timesheet.submitted")}
    assert told[sheets[0]["id"]]["line_manager_user_id"] == th.manager_user
    assert told[sheets[0]["id"]]["staff_user_id"] == managed["user_id"]
    assert told[sheets[1]["id"]]["line_manager_user_id"] is None
    assert len(th.call("GET", "/timesheets")) == 2  # the finance officer sees every submitted week
    th.call("POST", f"/timesheets/{sheets[1]['id']}/approve", headers=th.manager, status=403)
    th.call("POST", f"/timesheets/{sheets[0]['id']}/approve", headers=th.manager)


def test_a_member_user_cannot_approve_or_see_anothers_sheet(th):
    staff, colleague = th.staff(), th.staff("Colleague")
    sheet = th.week(staff)
    th.call("POST", f"/timesheets/{sheet['id']}/submit", headers=th.person(staff))
    th.call("POST", f"/timesheets/{sheet['id']}/approve", headers=th.person(colleague), status=403)
    th.call("GET", f"/timesheets/{sheet['id']}", headers=th.person(colleague), status=404)
    th.call("PUT", f"/timesheets/staff/{staff['id']}/weeks/{MONDAY}", {"entries": []}, 404, th.person(colleague))


def test_h4_submit_approve_publishes_events_costs_entries_and_locks_the_week(th):
    staff = th.staff()
    th.rate(staff["id"])
    sheet = th.week(staff)
    submitted = th.call("POST", f"/timesheets/{sheet['id']}/submit", headers=th.person(staff))
    assert submitted["status"] == "submitted"
    approved = th.call("POST", f"/timesheets/{sheet['id']}/approve")
    assert approved["status"] == "approved"
    assert {e["rate_pence"] for e in approved["entries"]} == {3000}  # 30,000 x 1.2 x 1.25 / 1500 = £30.00
    [event] = th.outbox("finance.timesheet.approved")
    assert event["data"]["chargeable_minutes"] == 5 * 450
    assert len(th.outbox("finance.timesheet.submitted")) == 1
    # locked: editing the week or one approved entry -> 409
    th.week(staff, status=409)
    entry = approved["entries"][0]
    response = th.call("PUT", f"/timesheets/{sheet['id']}/entries/{entry['id']}",
                       {"day": entry["day"], "cost_code_id": entry["cost_code_id"], "minutes": 60}, 409,
                       th.person(staff))
    assert "locked" in response["detail"]


def test_rejection_needs_a_reason_and_sends_the_week_back(th):
    staff = th.staff()
    sheet = th.week(staff)
    th.call("POST", f"/timesheets/{sheet['id']}/submit", headers=th.person(staff))
    th.call("POST", f"/timesheets/{sheet['id']}/reject", {}, 422)
    rejected = th.call("POST", f"/timesheets/{sheet['id']}/reject", {"reason": "Friday was a bank holiday"})
    assert rejected["status"] == "rejected" and rejected["rejection_reason"] == "Friday was a bank holiday"
    assert th.outbox("finance.timesheet.rejected")[0]["data"]["reason"] == "Friday was a bank holiday"
    fixed = th.week(staff, grid={(d, "hub-bidding"): 450 for d in range(4)})
    assert fixed["status"] == "draft" and fixed["total_minutes"] == 1800


def test_h4_a_correction_after_approval_is_a_reversal_plus_a_new_entry_never_an_edit(th):
    staff = th.staff()
    th.rate(staff["id"])
    sheet = th.approved_week(staff)
    monday_entry = next(e for e in sheet["entries"] if e["day"] == MONDAY.isoformat())
    corrected = th.call("POST", f"/timesheets/{sheet['id']}/corrections", {
        "entry_id": monday_entry["id"], "reason": "Half of Monday was the host's own work", "minutes": 225}, 201)
    entries = corrected["entries"]
    assert len(entries) == 7
    original = next(e for e in entries if e["id"] == monday_entry["id"])
    reversal = next(e for e in entries if e["reverses_entry_id"] == monday_entry["id"])
    new = next(e for e in entries if e["minutes"] == 225)
    assert original["minutes"] == 450 and original["reversed_by_entry_id"] == reversal["id"]
    assert reversal["minutes"] == -450 and reversal["correction_reason"].startswith("Half")
    assert reversal["corrected_by"] == th.finance_user and reversal["rate_pence"] == 3000
    assert new["rate_pence"] == 3000
    assert corrected["day_totals"][0] == 225
    # the same entry cannot be reversed twice
    th.call("POST", f"/timesheets/{sheet['id']}/corrections", {
        "entry_id": monday_entry["id"], "reason": "again"}, 409)


def test_the_person_cannot_correct_their_own_approved_week(th):
    staff = th.staff()
    th.rate(staff["id"])
    sheet = th.approved_week(staff)
    th.call("POST", f"/timesheets/{sheet['id']}/corrections", {
        "entry_id": sheet["entries"][0]["id"], "reason": "mine"}, 403, th.person(staff))


def test_f3_an_entry_keeps_the_rate_it_was_costed_at_when_the_rate_changes(th):
    staff = th.staff()
    th.rate(staff["id"])
    sheet = th.approved_week(staff)
    th.rate(staff["id"], effective_from="2026-09-01", salary_pence=4_500_000)  # back-dated rise
    again = th.call("GET", f"/timesheets/{sheet['id']}")
    assert {e["rate_pence"] for e in again["entries"]} == {3000}
    later = th.approved_week(staff, MONDAY + dt.timedelta(days=7))
    assert {e["rate_pence"] for e in later["entries"]} == {4500}


def test_f3_approval_waits_for_a_rate_for_chargeable_time(th):
    staff = th.staff()
    sheet = th.week(staff)
    th.call("POST", f"/timesheets/{sheet['id']}/submit", headers=th.person(staff))
    response = th.call("POST", f"/timesheets/{sheet['id']}/approve", status=409)
    assert response["type"].endswith(":F3")


def test_copy_last_week(th):
    staff = th.staff()
    th.week(staff, grid={(0, "hub-bidding"): 450, (2, "hub-finance"): 120})
    nxt = MONDAY + dt.timedelta(days=7)
    copied = th.call("POST", f"/timesheets/staff/{staff['id']}/weeks/{nxt}/copy-previous", headers=th.person(staff))
    assert copied["day_totals"] == [450, 0, 120, 0, 0, 0, 0] and copied["week_starting"] == nxt.isoformat()


def test_a_closed_month_refuses_anything_dated_in_it_naming_the_date(th):
    staff = th.staff()
    th.rate(staff["id"])
    approved = th.approved_week(staff)
    draft = th.week(staff, MONDAY + dt.timedelta(days=7))
    th.call("POST", "/periods/2026-10/close", status=201)
    [event] = th.outbox("finance.period.closed")
    assert event["data"]["month"] == "2026-10-01"
    th.call("POST", "/periods/2026-10/close", status=409)
    th.call("POST", "/periods/2026-13/close", status=422)
    th.call("POST", "/periods/2026-09/close", headers=th.manager, status=403)
    response = th.week(staff, MONDAY + dt.timedelta(days=14), status=422)
    assert "2026-10-19" in str(response["errors"]["day"])
    response = th.call("POST", f"/timesheets/{draft['id']}/submit", headers=th.person(staff), status=422)
    assert "day" in response["errors"]
    response = th.call("POST", f"/timesheets/{approved['id']}/corrections", {
        "entry_id": approved["entries"][0]["id"], "reason": "late"}, 422)
    assert "2026-10-05" in str(response["errors"]["day"])


def test_staff_of_another_organisation_are_hidden_from_a_member_user(th):
    host_person = th.staff("Host Person")
    member_person = th.staff("Member Person", kind="member")
    seen = th.call("GET", "/staff", headers=th.person(member_person))
    assert [s["name"] for s in seen] == ["Member Person"]
    th.call("GET", f"/staff/{host_person['id']}", headers=th.person(member_person), status=404)
    th.call("POST", "/staff", {"name": "X", "employer_kind": "consortium"}, 403, th.person(member_person))
    me = th.call("GET", "/staff/me", headers=th.person(member_person))
    assert me["id"] == member_person["id"]


def test_staff_need_an_employing_organisation_unless_employed_by_the_consortium(th):
    response = th.call("POST", "/staff", {"name": "X", "employer_kind": "host"}, 422)
    assert "organisation_id" in response["errors"]
    response = th.call("POST", "/staff", {"name": "X", "employer_kind": "consortium",
                                          "organisation_id": str(uuid.uuid4())}, 422)
    assert "organisation_id" in response["errors"]
    th.call("POST", "/staff", {"name": "X", "employer_kind": "consortium", "line_manager_id": str(uuid.uuid4())},
            422)


def test_a_week_across_a_closed_month_keeps_its_closed_days_and_edits_the_open_ones(th):
    staff = th.staff()
    monday = dt.date(2026, 9, 28)  # Monday 28 September to Sunday 4 October
    th.week(staff, monday, {(0, "hub-bidding"): 450})
    th.call("POST", "/periods/2026-09/close", status=201)
    saved = th.week(staff, monday, {(0, "hub-bidding"): 450, (3, "hub-bidding"): 300})  # 1 October is open
    assert saved["day_totals"] == [450, 0, 0, 300, 0, 0, 0]
    response = th.week(staff, monday, {(0, "hub-bidding"): 480, (3, "hub-bidding"): 300}, status=422)
    assert "2026-09-28" in str(response["errors"]["day"])
    response = th.week(staff, monday, {(3, "hub-bidding"): 300}, status=422)  # removing it is a change too
    assert "2026-09-28" in str(response["errors"]["day"])
    assert th.call("GET", f"/timesheets/{saved['id']}")["day_totals"][0] == 450


def test_h4_the_queue_shows_each_weeks_person_and_totals_summed_for_the_approver(th):
    """The queue is filtered and summed in SQL (issue 16): each week's own totals, the manager's people only."""
    manager_staff = th.staff("Mo Manager", kind="consortium", user_id=th.manager_user)
    managed = th.staff("Priya Shah", line_manager_id=manager_staff["id"])
    other = th.staff("Sam Other")
    weeks = {}
    for person, grid in ((managed, {(0, "hub-bidding"): 120, (1, "employer-own-work"): 450}),
                         (other, {(d, "hub-bidding"): 450 for d in range(5)})):
        sheet = th.week(person, grid=grid)
        th.call("POST", f"/timesheets/{sheet['id']}/submit", headers=th.person(person))
        weeks[person["id"]] = sheet["id"]
    th.week(managed, MONDAY + dt.timedelta(days=7))  # a draft: not waiting
    everyone = {q["staff_name"]: q for q in th.call("GET", "/timesheets")}
    assert {name: (q["total_minutes"], q["chargeable_minutes"]) for name, q in everyone.items()} == {
        "Priya Shah": (570, 120), "Sam Other": (2250, 2250)}
    [mine] = th.call("GET", "/timesheets", headers=th.manager)
    assert (mine["id"], mine["staff_name"], mine["total_minutes"]) == (weeks[managed["id"]], "Priya Shah", 570)
    assert th.call("GET", "/timesheets?status=draft", headers=th.manager)[0]["total_minutes"] == 2250
