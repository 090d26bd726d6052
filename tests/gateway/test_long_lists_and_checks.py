"""Long lists you can work with, and checks before sending (issue 14 item 7), over fake services: the approvals
queue in the order chosen, a page at a time, approved in bulk (each week through finance's own approval, a refused
one named without losing the rest); a week and a return checked before they are submitted, and a return for a
period still running only with the figures-so-far confirmed (P1, issue 12)."""
from __future__ import annotations

import datetime as dt
import uuid

from gateway_helpers import csrf_token_from
from hubkit import clock

WEEK = "2030-01-07"


def waiting(name: str) -> dict:
    return {"id": str(uuid.uuid4()), "staff_name": name, "week_starting": WEEK, "total_minutes": 450,
            "chargeable_minutes": 300, "submitted_at": "2030-01-12T17:00:00+00:00"}


def test_the_approvals_queue_is_shown_in_the_order_chosen_a_page_at_a_time(logged_in, fake_services):
    fake_services.finance_answers[("GET", "/timesheets")] = (200, [waiting("Ada Lovelace")], {"X-Next-Cursor": "N"})
    finance = logged_in("finance")
    page = finance.get("/time/approvals?sort=newest&cursor=HERE").get_data(as_text=True)
    assert fake_services.last_call("finance", "GET", "/timesheets")["query"] == {
        "status": "submitted", "sort": "newest", "cursor": "HERE"}
    assert 'id="list-sort"' in page and '<option value="newest" selected>' in page
    assert 'href="/time/approvals?sort=newest&amp;cursor=N"' in page
    finance.get("/time/approvals?sort=sideways")  # not an order the queue offers: its default, not the word sent
    assert fake_services.last_call("finance", "GET", "/timesheets")["query"] == {"status": "submitted"}


def test_weeks_are_approved_in_bulk_each_by_finance_and_a_refused_one_is_named(logged_in, fake_services):
    ada, grace, alan = waiting("Ada Lovelace"), waiting("Grace Hopper"), waiting("Alan Turing")
    fake_services.finance_answers[("GET", "/timesheets")] = (200, [ada, grace, alan])
    for sheet in (ada, alan):
        fake_services.finance_answers[("POST", f"/timesheets/{sheet['id']}/approve")] = (200, sheet | {
            "status": "approved"})
    fake_services.finance_answers[("POST", f"/timesheets/{grace['id']}/approve")] = (409, {
        "title": "Conflict", "status": 409, "detail": "You cannot approve your own timesheet."})
    finance = logged_in("finance")
    page = finance.get("/time/approvals").get_data(as_text=True)
    for sheet in (ada, grace, alan):
        assert f'id="approve-{sheet["id"]}" name="sheet_id" type="checkbox" value="{sheet["id"]}"' in page
    answer = finance.post("/time/approvals", data={
        "csrf_token": csrf_token_from(page), "sheet_id": [ada["id"], grace["id"], alan["id"]],
        **{f"who-{s['id']}": f"{s['staff_name']}, week starting 7 January 2030" for s in (ada, grace, alan)}})
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/time/approvals")
    approvals = [c["path"] for c in fake_services.calls if c["method"] == "POST"]
    assert approvals == [f"/timesheets/{s['id']}/approve" for s in (ada, grace, alan)]  # one by one, none lost
    shown = finance.get("/time/approvals").get_data(as_text=True)
    assert "2 timesheets approved." in shown
    assert "Not approved: Grace Hopper, week starting 7 January 2030: You cannot approve your own timesheet." in shown
    fake_services.calls.clear()
    nothing = finance.post("/time/approvals", data={"csrf_token": csrf_token_from(shown), "sheet_id": "not-an-id"})
    assert nothing.status_code == 302 and not [c for c in fake_services.calls if c["method"] == "POST"]
    assert "Choose the weeks to approve." in finance.get("/time/approvals").get_data(as_text=True)


def _sheet(staff_id: str, sheet_id: str, status: str = "draft") -> dict:
    monday = dt.date.fromisoformat(WEEK)
    minutes = [450, 450, 0, 0, 0, 0, 0]
    return {"id": sheet_id, "staff_id": staff_id, "staff_name": "Mo Manager", "week_starting": WEEK,
            "status": status, "days": [(monday + dt.timedelta(days=i)).isoformat() for i in range(7)],
            "closed_days": [], "rejection_reason": None, "entries": [], "day_totals": minutes, "total_minutes": 900,
            "rows": [{"cost_code_id": str(uuid.uuid4()), "code": "hub-bidding", "title": "Bidding",
                      "chargeable": True, "minutes": minutes, "total_minutes": 900}]}


def test_a_week_is_saved_then_checked_and_only_submitted_from_the_check_page(logged_in, fake_services):
    staff_id, sheet_id = str(uuid.uuid4()), str(uuid.uuid4())
    path = f"/timesheets/staff/{staff_id}/weeks/{WEEK}"
    fake_services.finance_answers[("PUT", path)] = (200, _sheet(staff_id, sheet_id))
    fake_services.finance_answers[("GET", path)] = (200, _sheet(staff_id, sheet_id))
    fake_services.finance_answers[("POST", f"/timesheets/{sheet_id}/submit")] = (200, _sheet(staff_id, sheet_id,
                                                                                               "submitted"))
    manager = logged_in("manager")
    token = csrf_token_from(manager.get("/time/approvals").get_data(as_text=True))
    fake_services.calls.clear()
    saved = manager.post("/time/week", data={"csrf_token": token, "staff_id": staff_id, "week": WEEK, "rows": "1",
                                             "code-0": "code", "h-0-0": "7.5", "h-0-1": "7.5", "action": "submit"})
    assert saved.status_code == 302 and f"/time/week/check?staff_id={staff_id}&week={WEEK}" in saved.headers["Location"]
    assert [c["method"] for c in fake_services.calls if c["service"] == "finance"] == ["PUT"]  # saved, not submitted
    check = manager.get(saved.headers["Location"]).get_data(as_text=True)
    assert "Check your week before you submit it" in check and "15 hours" in check and "hub-bidding" in check
    assert f'name="sheet_id" value="{sheet_id}"' in check and f'href="/time?week={WEEK}"' in check
    sent = manager.post("/time/week/submit", data={"csrf_token": csrf_token_from(check), "sheet_id": sheet_id,
                                                   "week": WEEK})
    assert sent.status_code == 302
    assert fake_services.last_call("finance", "POST", f"/timesheets/{sheet_id}/submit")
    submitted = _sheet(staff_id, sheet_id, "submitted")
    fake_services.finance_answers[("GET", path)] = (200, submitted)
    again = manager.get(f"/time/week/check?staff_id={staff_id}&week={WEEK}")  # nothing left to check
    assert again.status_code == 302 and again.headers["Location"].endswith(f"/time?week={WEEK}")


def _subcontract(subcontract_id: str, period_id: str, ends_on: dt.date) -> dict:
    indicator = {"id": str(uuid.uuid4()), "code": "O1", "name": "People helped", "unit": "people", "kind": "output",
                 "higher_is_better": True}
    period = {"id": period_id, "number": 2, "label": "Q2 2030-31", "starts_on": (ends_on - dt.timedelta(days=90))
              .isoformat(), "ends_on": ends_on.isoformat(), "return_due_on": (ends_on + dt.timedelta(days=14))
              .isoformat()}
    return {"subcontract": {"id": subcontract_id}, "contract_title": "Community wellbeing hubs",
            "indicators": [indicator], "periods": [period],
            "scorecard": {"periods": [{"period": period, "return_id": None}], "trends": []}}


def _return_form(logged_in, fake_services, ends_on: dt.date):
    subcontract_id, period_id = str(uuid.uuid4()), str(uuid.uuid4())
    detail = _subcontract(subcontract_id, period_id, ends_on)
    fake_services.contracts_answers[("GET", f"/subcontracts/{subcontract_id}")] = (200, detail)
    url = f"/contracts/mine/{subcontract_id}/returns/{period_id}"
    member = logged_in("member")
    return member, url, detail, member.get(url).get_data(as_text=True)


def test_p1_a_return_is_checked_before_it_is_submitted(logged_in, fake_services):
    member, url, detail, form = _return_form(logged_in, fake_services, clock.today() - dt.timedelta(days=5))
    indicator = detail["indicators"][0]
    assert "Continue" in form and 'id="evidence"' not in form and 'id="period-running"' not in form
    answers = {"csrf_token": csrf_token_from(form), f"actual-{indicator['id']}": "48",
               "narrative": "Opened the Harehills hub."}
    check = member.post(url, data=answers | {"step": "check"}).get_data(as_text=True)
    assert "Check your return for Q2 2030-31 before you submit it" in check
    assert "48 people" in check and "Opened the Harehills hub." in check and 'id="evidence"' in check
    assert not [c for c in fake_services.calls if c["method"] == "POST"]  # nothing sent yet
    changed = member.post(url, data=answers | {"step": "change"}).get_data(as_text=True)
    assert 'value="48"' in changed and "Opened the Harehills hub." in changed and "Continue" in changed
    sub_id = detail["subcontract"]["id"]
    made = {"performance_return": {"id": str(uuid.uuid4())}}
    fake_services.contracts_answers[("POST", f"/subcontracts/{sub_id}/returns")] = (201, made)
    sent = member.post(url, data=answers | {"step": "submit"})
    assert sent.status_code == 302
    body = fake_services.last_call("contracts", "POST", f"/subcontracts/{sub_id}/returns")["json"]
    assert body == {"actuals": {"O1": 48.0}, "narrative": "Opened the Harehills hub.", "period_id": detail[
        "periods"][0]["id"], "confirm_early": False}


def test_p1_a_return_for_a_period_still_running_warns_and_needs_the_figures_so_far_confirmed(logged_in,
                                                                                          fake_services):
    member, url, detail, form = _return_form(logged_in, fake_services, clock.today() + dt.timedelta(days=20))
    indicator = detail["indicators"][0]
    assert 'id="period-running"' in form and 'id="confirm_early"' in form
    answers = {"csrf_token": csrf_token_from(form), f"actual-{indicator['id']}": "30", "narrative": ""}
    refused = member.post(url, data=answers | {"step": "check"}).get_data(as_text=True)
    assert "has not ended: confirm these are the figures so far" in refused and "Continue" in refused
    check = member.post(url, data=answers | {"step": "check", "confirm_early": "yes"}).get_data(as_text=True)
    assert 'id="period-running"' in check and "you are submitting before it ends" in check
    assert 'name="confirm_early" value="yes"' in check
    sub_id = detail["subcontract"]["id"]
    fake_services.contracts_answers[("POST", f"/subcontracts/{sub_id}/returns")] = (201, {
        "performance_return": {"id": str(uuid.uuid4())}})
    member.post(url, data=answers | {"step": "submit", "confirm_early": "yes"})
    assert fake_services.last_call("contracts", "POST", f"/subcontracts/{sub_id}/returns")["json"][
        "confirm_early"] is True


def test_p1_the_reports_highlights_are_shown_escaped_each_with_its_period_and_subcontractor(logged_in,
                                                                                          fake_services):
    """The commissioner report's highlights, written in Python for speed (issue 16: hundreds on a big contract),
    say what the template said, each text escaped."""
    contract_id = str(uuid.uuid4())
    period = {"id": str(uuid.uuid4()), "number": 1, "label": "Q1 2030-31", "starts_on": "2030-04-01",
              "ends_on": "2030-06-30", "return_due_on": "2030-07-14"}
    report = {"contract": {"id": contract_id, "title": "Community wellbeing hubs", "commissioner_name": "Leeds CC"},
              "periods": [period], "indicators": [], "lines": [], "overall": [], "generated_at": "2030-07-20T09:00:00Z",
              "highlights": [{"period": period, "organisation_name": "Aire & Wharfe",
                              "narrative": "<script>alert(1)</script> Opened the hub."}]}
    fake_services.contracts_answers[("GET", f"/contracts/{contract_id}/report")] = (200, report)
    manager = logged_in("manager")
    page = manager.get(f"/contracts/{contract_id}/report").get_data(as_text=True)
    assert ('<p class="govuk-body"><strong>Q1 2030-31, Aire &amp; Wharfe:</strong> &lt;script&gt;alert(1)&lt;/script&gt;'
            ' Opened the hub.</p>') in page and "<script>alert" not in page
    fake_services.contracts_answers[("GET", f"/contracts/{contract_id}/report")] = (200, report | {"highlights": []})
    assert "No accepted returns with a narrative in these periods." in manager.get(
        f"/contracts/{contract_id}/report").get_data(as_text=True)


def test_the_decisions_log_is_shown_in_the_order_chosen_with_its_search_kept(logged_in, fake_services):
    page = logged_in("board").get("/governance/decisions-log?q=reserves&sort=oldest").get_data(as_text=True)
    assert fake_services.last_call("governance", "GET", "/decisions")["query"] == {"q": "reserves", "sort": "oldest"}
    assert '<option value="oldest" selected>Oldest first</option>' in page and 'value="reserves"' in page


def test_the_members_directory_is_shown_in_the_order_chosen_with_its_filters(logged_in, fake_services):
    manager = logged_in("manager")
    page = manager.get("/members?status=active&sort=name_desc").get_data(as_text=True)
    assert fake_services.last_call("membership", "GET", "/organisations")["query"] == {"status": "active",
                                                                                       "sort": "name_desc"}
    assert '<option value="name_desc" selected>Name, Z to A</option>' in page
    manager.get("/members?sort=size")  # not an order the directory offers: A to Z, its default, not the word sent
    assert fake_services.last_call("membership", "GET", "/organisations")["query"] == {}
