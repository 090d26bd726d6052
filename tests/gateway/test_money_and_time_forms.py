"""One error pattern on the money and time forms (issue 14 item 3): a refused change shows GOV.UK's error summary
and the field's own message in plain words, whether the gateway refuses it (pounds not written as pounds, hours
not written as hours) or finance does (its 422 `errors` by field); and the form that redirects after the refusal
puts back what was typed, once."""
from __future__ import annotations

import datetime as dt
import io
import re
import uuid

from gateway_helpers import csrf_token_from
from hubkit import clock
from test_form_errors import _field_message, _summary

BUDGET_ID, LINE_ID, OTHER_LINE_ID = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())


def _line(line_id: str, code: str, title: str) -> dict:
    return {"id": line_id, "budget_id": BUDGET_ID, "code": code, "title": title, "kind": "expenditure",
            "category": None, "original_pence": 2_000_000, "amount_pence": 2_000_000, "actual_pence": 0,
            "remaining_pence": 2_000_000, "pending_change_pence": 0}


def _budget(status: str) -> dict:
    lines = [_line(LINE_ID, "E1", "Outreach"), _line(OTHER_LINE_ID, "E2", "Events")] if status == "adopted" else []
    return {"id": BUDGET_ID, "year": 2030, "label": "2030-31", "title": "2030-31", "status": status,
            "adopted_by": None, "adopted_at": None, "income_pence": 0, "expenditure_pence": 4_000_000,
            "lines": lines, "pending": []}


def _budget_page(fake_services, status: str) -> None:
    fake_services.finance_answers[("GET", f"/budgets/{BUDGET_ID}")] = (200, _budget(status))
    fake_services.finance_answers[("GET", "/budgets")] = (200, [_budget(status)])
    fake_services.finance_answers[("GET", "/variations")] = (200, [])


def _after(browser, answer) -> str:
    assert answer.status_code == 302, answer.get_data(as_text=True)[:500]
    return browser.get(answer.headers["Location"]).get_data(as_text=True)


def _sent(fake_services, method: str, path: str) -> list:
    return [c for c in fake_services.calls if c["service"] == "finance" and c["method"] == method
            and c["path"].startswith(path)]


def _value(page: str, name: str, element: str = "input") -> str:
    """The value a box named `name` shows (a textarea's text)."""
    if element == "textarea":
        return re.search(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', page, re.S).group(1).strip()
    found = re.search(rf'<input[^>]*name="{name}"[^>]*>', page).group(0)
    value = re.search(r'value="([^"]*)"', found)
    return value.group(1) if value else ""


# ------------------------------------------------------------------------------------------------ money

def test_issue_14_item_3_requesting_a_variation_says_what_to_fix_beside_each_field_and_keeps_what_was_typed(
        logged_in, fake_services):
    """F1: a change to an adopted budget. An amount not in pounds is refused before finance sees it; finance's own
    refusal (no reason given, no line to take the money from) is said on the fields in plain words."""
    _budget_page(fake_services, "adopted")
    finance = logged_in("finance")
    token = csrf_token_from(finance.get(f"/money/budgets/{BUDGET_ID}").get_data(as_text=True))
    form = {"csrf_token": token, "budget_id": BUDGET_ID, "kind": "variation", "line_id": LINE_ID,
            "direction": "decrease", "amount": "seven thousand", "reason": "Fewer events this year"}
    page = _after(finance, finance.post("/money/variations", data=form))
    message = "Enter the amount in pounds, more than nothing, like 7500 or 7500.00"
    assert ("#variation-amount", message) in _summary(page)
    assert _field_message(page, "variation-amount") == message
    assert _value(page, "amount") == "seven thousand"
    assert _value(page, "reason", "textarea") == "Fewer events this year"
    assert re.search(r'id="kind-increase"[^>]*value="variation" checked', page)  # the kind chosen, not the default
    assert re.search(rf'<option value="{LINE_ID}" selected', page)
    assert not _sent(fake_services, "POST", "/variations")

    fake_services.finance_answers[("POST", "/variations")] = (422, {
        "status": 422, "title": "Unprocessable Entity",
        "errors": {"from_line_id": ["A virement moves money from one line to another: name the line it comes from."],
                   "reason": ["Shorter than minimum length 1."]}})
    page = _after(finance, finance.post("/money/variations", data=form | {
        "kind": "virement", "amount": "7500", "reason": ""}))
    assert _field_message(page, "reason") == "Enter the reason for the change"
    assert _field_message(page, "from_line_id") == ("A virement moves money from one line to another: name the line "
                                                     "it comes from.")
    assert ("#reason", "Enter the reason for the change") in _summary(page)
    assert _value(page, "amount") == "7500" and "Shorter than minimum length" not in page
    again = finance.get(f"/money/budgets/{BUDGET_ID}").get_data(as_text=True)
    assert _value(again, "amount") == "" and "govuk-error-summary" not in again  # put back once


def test_issue_14_item_3_adding_a_budget_line_says_what_to_fix_beside_each_field(logged_in, fake_services):
    _budget_page(fake_services, "draft")
    finance = logged_in("finance")
    token = csrf_token_from(finance.get(f"/money/budgets/{BUDGET_ID}").get_data(as_text=True))
    form = {"csrf_token": token, "line_code": "E1", "title": "Outreach", "kind": "income", "category": "income",
            "amount": "20k"}
    page = _after(finance, finance.post(f"/money/budgets/{BUDGET_ID}/lines", data=form))
    assert _field_message(page, "amount") == "Enter the amount in pounds, like 20000 or 20000.00"
    assert _value(page, "amount") == "20k" and _value(page, "line_code") == "E1" and _value(page, "title") == "Outreach"
    assert re.search(r'<option value="income" selected', page)

    fake_services.finance_answers[("POST", f"/budgets/{BUDGET_ID}/lines")] = (422, {
        "status": 422, "errors": {"code": ["Length must be between 1 and 40."],
                                  "title": ["Longer than maximum length 200."]}})
    page = _after(finance, finance.post(f"/money/budgets/{BUDGET_ID}/lines", data=form | {
        "line_code": "X" * 41, "amount": "20000"}))
    assert _field_message(page, "code") == "The line's code must be between 1 and 40 characters"
    assert ("#line-title", "The line's name must be 200 characters or fewer") in _summary(page)
    assert _field_message(page, "line-title") == "The line's name must be 200 characters or fewer"
    assert _value(page, "line_code") == "X" * 41 and _value(page, "amount") == "20000"


def _claim() -> dict:
    return {"id": str(uuid.uuid4()), "meeting_id": str(uuid.uuid4()), "person_name": "Ada Lovelace",
            "deputy_name": None, "meeting_on": "2030-03-04", "attendance": "attended", "status": "open", "note": None,
            "daily_rate_pence": 15_000, "expenses_pence": 0, "total_pence": 15_000, "run_number": None,
            "paid_on": None, "expenses": []}


def test_issue_14_item_3_adding_a_travel_cost_says_what_to_fix_beside_each_field(logged_in, fake_services):
    """G11: a claim's travel cost is posted with its receipt (a multipart form, sent on to finance as it is)."""
    claim = _claim()
    fake_services.finance_answers[("GET", f"/claims/{claim['id']}")] = (200, claim)
    finance = logged_in("finance")
    token = csrf_token_from(finance.get(f"/money/claims/{claim['id']}").get_data(as_text=True))
    form = {"csrf_token": token, "kind": "taxi", "description": "Station to the town hall", "amount": "twelve"}
    page = _after(finance, finance.post(f"/money/claims/{claim['id']}/expenses", content_type="multipart/form-data",
                                        data=form | {"receipt": (io.BytesIO(b"%PDF-1.4"), "ticket.pdf")}))
    assert _field_message(page, "amount") == "Enter the amount in pounds and pence, like 12.50"
    assert _value(page, "description") == "Station to the town hall" and _value(page, "amount") == "twelve"
    assert re.search(r'<option value="taxi" selected', page)

    page = _after(finance, finance.post(f"/money/claims/{claim['id']}/expenses", content_type="multipart/form-data",
                                        data=form | {"amount": "12.50"}))
    assert ("#receipt", "Choose the receipt: a PDF, PNG or JPEG") in _summary(page)
    assert _field_message(page, "receipt") == "Choose the receipt: a PDF, PNG or JPEG"

    fake_services.finance_answers[("POST", f"/claims/{claim['id']}/expenses")] = (422, {
        "status": 422, "errors": {"description": ["Shorter than minimum length 1."],
                                  "amount_pence": ["Must be greater than or equal to 1 and less than or equal to "
                                                   "100000000."]}})
    page = _after(finance, finance.post(f"/money/claims/{claim['id']}/expenses", content_type="multipart/form-data",
                                        data=form | {"description": "", "amount": "2000000",
                                                     "receipt": (io.BytesIO(b"%PDF-1.4"), "ticket.pdf")}))
    assert _field_message(page, "description") == "Enter a description of the journey"
    assert _field_message(page, "amount") == "The amount must be between £0.01 and £1,000,000.00"
    assert _value(page, "amount") == "2000000"


def test_issue_14_item_3_bank_details_refused_are_said_on_that_payee_s_boxes_only(logged_in, fake_services):
    ours, theirs = str(uuid.uuid4()), str(uuid.uuid4())
    payee = {"sort_code": "", "account_number": "", "details_confirmed": False, "updated_by": None}
    fake_services.finance_answers[("GET", "/payments/subcontracts")] = (200, [])
    fake_services.finance_answers[("GET", "/payments/instalments")] = (200, [])
    fake_services.finance_answers[("GET", "/payments/payees")] = (200, [
        payee | {"id": str(uuid.uuid4()), "organisation_id": ours, "name": "Wharfedale Carers"},
        payee | {"id": str(uuid.uuid4()), "organisation_id": theirs, "name": "Dales Transport"}])
    fake_services.finance_answers[("PUT", f"/payments/payees/{ours}")] = (422, {
        "status": 422, "errors": {"sort_code": ["Give the sort code as 12-34-56."],
                                  "account_number": ["Give the account number as 8 digits."]}})
    finance = logged_in("finance")
    token = csrf_token_from(finance.get("/money/payments").get_data(as_text=True))
    page = _after(finance, finance.post(f"/money/payments/payees/{ours}", data={
        "csrf_token": token, "payee": ours, "name": "Wharfedale Carers CIO", "sort_code": "123456",
        "account_number": "1234"}))
    assert (f"#sort-{ours}", "Give the sort code as 12-34-56.") in _summary(page)
    assert _field_message(page, f"sort-{ours}") == "Give the sort code as 12-34-56."
    assert _field_message(page, f"account-{ours}") == "Give the account number as 8 digits."
    # bank details are not kept in the session cookie (errors.NOT_KEPT): their boxes show what finance holds
    assert re.search(rf'id="sort-{ours}"', page) and re.search(rf'id="account-{ours}"', page)
    assert not re.search(rf'id="sort-{ours}"[^>]*value="123456"', page)
    assert not re.search(rf'id="account-{ours}"[^>]*value="1234"', page)
    assert re.search(rf'id="name-{ours}"[^>]*value="Wharfedale Carers CIO"', page)
    assert re.search(rf'id="name-{theirs}"[^>]*value="Dales Transport"', page)  # the other payee's form as it was
    assert not re.search(rf'id="sort-{theirs}"[^>]*value="123456"', page)


def test_issue_14_item_3_the_money_settings_say_what_to_fix_beside_each_amount(logged_in, fake_services):
    fake_services.finance_answers[("GET", "/money/overview")] = (200, {
        "income_due_pence": 0, "income_received_pence": 0, "fee_pence": 0, "pending_variations": 0,
        "pending_variations_pence": 0, "payments": {}, "claims": {}})
    fake_services.finance_answers[("GET", "/money/settings")] = (200, {
        "variation_threshold_pence": 500_000, "variation_threshold_owner": "finance_officer",
        "claim_daily_rate_pence": 15_000, "deputy_may_claim": True, "updated_by": None, "updated_at": None})
    finance = logged_in("finance")
    page = finance.get("/money").get_data(as_text=True)
    assert _value(page, "variation_threshold") == "5000" and _value(page, "claim_daily_rate") == "150"
    form = {"csrf_token": csrf_token_from(page), "variation_threshold": "5000", "claim_daily_rate": "a lot"}
    page = _after(finance, finance.post("/money/settings", data=form))
    message = "The daily rate for attending meetings must be in pounds and pence, like 5000 or 400.00"
    assert ("#claim_daily_rate", message) in _summary(page) and _field_message(page, "claim_daily_rate") == message
    assert _value(page, "claim_daily_rate") == "a lot"
    assert not re.search(r'id="deputy_may_claim"[^>]*checked', page)  # unticked as sent, not as stored

    fake_services.finance_answers[("PUT", "/money/settings")] = (422, {"status": 422, "errors": {
        "claim_daily_rate_pence": ["Must be greater than or equal to 0 and less than or equal to 1000000000."]}})
    page = _after(finance, finance.post("/money/settings", data=form | {"claim_daily_rate": "20000000"}))
    assert _field_message(page, "claim_daily_rate") == ("The daily rate for attending meetings must be between £0.00 "
                                                        "and £10,000,000.00")
    assert _value(page, "claim_daily_rate") == "20000000"


# ------------------------------------------------------------------------------------------------- time

STAFF_ID = str(uuid.uuid4())


def _person_page(fake_services) -> None:
    fake_services.finance_answers[("GET", f"/staff/{STAFF_ID}")] = (200, {
        "id": STAFF_ID, "name": "Ada Lovelace", "employer_kind": "consortium", "organisation_id": None,
        "organisation_name": None, "line_manager_id": None, "user_id": None, "current_rate_pence": None})
    fake_services.finance_answers[("GET", f"/staff/{STAFF_ID}/rates")] = (200, [])


def test_issue_14_item_3_setting_a_rate_says_what_to_fix_beside_each_box_and_keeps_what_was_typed(
        logged_in, fake_services):
    """F3: salary in pounds, on-costs, overheads and productive hours as numbers."""
    _person_page(fake_services)
    finance = logged_in("finance")
    token = csrf_token_from(finance.get(f"/time/staff/{STAFF_ID}").get_data(as_text=True))
    form = {"csrf_token": token, "effective_from-day": "1", "effective_from-month": "4",
            "effective_from-year": "2030", "salary": "thirty thousand", "on_costs_kind": "pounds",
            "on_costs": "6800", "overhead_percent": "25", "productive_hours": ""}
    page = _after(finance, finance.post(f"/time/staff/{STAFF_ID}/rates", data=form))
    assert ("#salary", "Enter the salary in pounds and pence, like 31500.00") in _summary(page)
    assert _field_message(page, "salary") == "Enter the salary in pounds and pence, like 31500.00"
    assert _field_message(page, "productive_hours") == "Enter the productive hours a year as a number, like 20 or 12.5"
    assert _value(page, "salary") == "thirty thousand" and _value(page, "on_costs") == "6800"
    assert re.search(r'id="on_costs_kind-2"[^>]*value="pounds" checked', page)
    assert re.search(r'name="effective_from-year"[^>]*value="2030"', page)
    assert not _sent(fake_services, "POST", f"/staff/{STAFF_ID}/rates")

    fake_services.finance_answers[("POST", f"/staff/{STAFF_ID}/rates")] = (422, {"status": 422, "errors": {
        "productive_hours": ["Must be greater than or equal to 1 and less than or equal to 8784."],
        "effective_from": ["Not a valid date."]}})
    page = _after(finance, finance.post(f"/time/staff/{STAFF_ID}/rates", data=form | {
        "salary": "31500", "productive_hours": "9000", "effective_from-day": "31", "effective_from-month": "2"}))
    assert _field_message(page, "productive_hours") == "The productive hours a year must be between 1 and 8784"
    assert ("#effective_from-day", "The date the rate starts must be a real date") in _summary(page)
    assert _value(page, "productive_hours") == "9000" and _value(page, "salary") == "31500"


def test_issue_14_item_3_adding_a_staff_member_says_what_to_fix_and_finds_the_line_managers_again(
        logged_in, fake_services):
    fake_services.finance_answers[("GET", "/organisations")] = (200, [])
    manager = {"id": str(uuid.uuid4()), "name": "Grace Hopper", "employer_kind": "consortium",
               "organisation_name": None}
    fake_services.finance_answers[("GET", "/staff")] = (200, [manager])
    fake_services.finance_answers[("POST", "/staff")] = (422, {"status": 422, "errors": {
        "name": ["Field may not be null."], "employer_kind": ["Must be one of: consortium, host, member."]}})
    finance = logged_in("finance")
    token = csrf_token_from(finance.get("/time/staff/new?manager_name=grace").get_data(as_text=True))
    answer = finance.post("/time/staff", data={"csrf_token": token, "name": "", "employer_kind": "host",
                                              "organisation_id": "", "line_manager_id": manager["id"],
                                              "user_id": "", "manager_name": "grace"})
    assert answer.headers["Location"].endswith("/time/staff/new?manager_name=grace")
    page = _after(finance, answer)
    assert ("#name", "Enter the person's name") in _summary(page)
    assert _field_message(page, "name") == "Enter the person's name"
    assert _field_message(page, "employer_kind") == "Select who employs them"
    assert "Must be one of" not in page
    assert re.search(r'<option value="host" selected', page)
    assert re.search(rf'<option value="{manager["id"]}" selected', page)


WEEK = "2030-01-07"


def _sheet(staff_id: str) -> dict:
    monday = dt.date.fromisoformat(WEEK)
    minutes = [450, 0, 0, 0, 0, 0, 0]
    return {"id": str(uuid.uuid4()), "staff_id": staff_id, "staff_name": "Mo Manager", "week_starting": WEEK,
            "status": "draft", "days": [(monday + dt.timedelta(days=i)).isoformat() for i in range(7)],
            "closed_days": [], "rejection_reason": None, "entries": [], "day_totals": minutes, "total_minutes": 450,
            "rows": [{"cost_code_id": str(uuid.uuid4()), "code": "hub-bidding", "title": "Bidding",
                      "chargeable": True, "minutes": minutes, "total_minutes": 450}]}


def test_issue_14_item_3_a_refused_week_says_so_beside_the_cell_and_shows_the_grid_as_typed(
        logged_in, fake_services):
    """Hours not written as hours are refused before finance sees them; finance's refusal of an entry is put on
    the cell it came from. Either way the week's page shows the grid as it was typed, once."""
    staff_id = str(uuid.uuid4())
    sheet = _sheet(staff_id)
    code = sheet["rows"][0]["cost_code_id"]
    fake_services.finance_answers[("GET", "/timesheets/mine")] = (200, sheet)
    fake_services.finance_answers[("GET", "/cost-codes")] = (200, [])
    manager = logged_in("manager")
    token = csrf_token_from(manager.get(f"/time?week={WEEK}").get_data(as_text=True))
    form = {"csrf_token": token, "staff_id": staff_id, "week": WEEK, "rows": "3", "code-0": code,
            "h-0-0": "7.5", "h-0-1": "7.33", "h-0-2": "6:45", "action": "save"}
    page = _after(manager, manager.post("/time/week", data=form))
    assert ("#h-0-1", "Tuesday: Log time in quarter hours (15 minutes).") in _summary(page)
    assert _field_message(page, "h-0-1") == "Tuesday: Log time in quarter hours (15 minutes)."
    assert _value(page, "h-0-1") == "7.33" and _value(page, "h-0-2") == "6:45"
    assert not _sent(fake_services, "PUT", f"/timesheets/staff/{staff_id}")

    fake_services.finance_answers[("PUT", f"/timesheets/staff/{staff_id}/weeks/{WEEK}")] = (422, {
        "status": 422, "errors": {"entries": {"1": {"minutes": ["Not a valid integer."]}}}})
    page = _after(manager, manager.post("/time/week", data=form | {"h-0-1": "8"}))
    assert ("#h-0-1", "Enter the hours on Tuesday in row 1 as a number, like 12 or 7.5") in _summary(page)
    assert _field_message(page, "h-0-1") == "Enter the hours on Tuesday in row 1 as a number, like 12 or 7.5"
    assert _value(page, "h-0-1") == "8" and _value(page, "h-0-2") == "6:45"
    again = manager.get(f"/time?week={WEEK}").get_data(as_text=True)
    assert _value(again, "h-0-2") == "" and _value(again, "h-0-0") == "7.5"  # the saved week, once it is shown


# --------------------------------------------------------------------------------- income received (item 4)

def _income(due: list[tuple[str, str]]) -> list[dict]:
    return [{"id": str(uuid.uuid4()), "contract_id": str(uuid.uuid4()), "title": "Wellbeing hubs",
             "commissioner_name": "Leeds City Council", "fee_basis_points": 750, "fee_pence": 150_000,
             "value_pence": 2_000_000, "starts_on": "2030-04-01", "ends_on": "2031-03-31",
             "payment_terms": "Quarterly", "received_pence": 0, "scheduled_pence": 2_000_000,
             "instalments": [{"id": instalment_id, "position": n, "due_on": due_on, "amount_pence": 1_000_000,
                              "fee_pence": 75_000, "received_on": None, "received_by": None}
                             for n, (instalment_id, due_on) in enumerate(due)]}]


def test_issue_14_item_4_income_received_is_typed_in_the_gov_uk_date_input(logged_in, fake_services):
    """F4: the day income came in is typed as day, month and year (today's to start with), sent to finance as one
    date; finance's refusal is said beside that instalment's boxes, which alone get back what was typed."""
    first, second = str(uuid.uuid4()), str(uuid.uuid4())
    fake_services.finance_answers[("GET", "/income/contracts")] = (200, _income([(first, "2030-07-01"),
                                                                                (second, "2030-10-01")]))
    finance = logged_in("finance")
    page = finance.get("/money/income").get_data(as_text=True)
    today = clock.today()  # the boxes start at today's date
    for box, value in (("day", today.day), ("month", today.month), ("year", today.year)):
        assert re.search(rf'name="received-{first}-{box}"[^>]*value="{value}"', page)
    assert 'name="received_on"' not in page  # no longer one text box
    assert "Received on, for the income due 1 July 2030" in page

    fake_services.finance_answers[("POST", f"/income/instalments/{first}/received")] = (200, {})
    answer = finance.post(f"/money/income/instalments/{first}/received", data={
        "csrf_token": csrf_token_from(page), f"received-{first}-day": "3", f"received-{first}-month": "7",
        f"received-{first}-year": "2030"})
    assert answer.status_code == 302
    assert _sent(fake_services, "POST", f"/income/instalments/{first}/received")[-1]["json"] == {
        "received_on": "2030-07-03"}

    fake_services.finance_answers[("POST", f"/income/instalments/{first}/received")] = (422, {
        "status": 422, "errors": {"received_on": ["Not a valid date."]}})
    typed_day = "30" if today.day != 30 else "31"  # 30 or 31 February: never a real date, never today's day
    page = _after(finance, finance.post(f"/money/income/instalments/{first}/received", data={
        "csrf_token": csrf_token_from(page), f"received-{first}-day": typed_day, f"received-{first}-month": "2",
        f"received-{first}-year": "2030"}))
    assert (f"#received-{first}-day", "The day it was received must be a real date") in _summary(page)
    assert _field_message(page, f"received-{first}") == "The day it was received must be a real date"
    assert re.search(rf'name="received-{first}-day"[^>]*value="{typed_day}"', page)
    assert not re.search(rf'name="received-{second}-day"[^>]*value="{typed_day}"', page)  # the other row as it was
    assert re.search(rf'name="received-{second}-day"[^>]*value="{today.day}"', page)


# ------------------------------------------------------------------------------ payments sorted (item 7)

def _schedule(name: str) -> dict:
    return {"id": str(uuid.uuid4()), "subcontract_id": str(uuid.uuid4()), "contract_id": str(uuid.uuid4()),
            "organisation_id": str(uuid.uuid4()), "organisation_name": name, "purpose": "delivery",
            "value_pence": 1_200_000, "starts_on": "2030-04-01", "ends_on": "2031-03-31", "last_variation_id": None,
            "scheduled_pence": 1_200_000, "paid_pence": 0, "held_pence": 0, "instalments": []}


def test_issue_14_item_7_the_payment_schedules_are_sorted_as_asked_and_paged_in_that_order(logged_in, fake_services):
    fake_services.finance_answers[("GET", "/payments/subcontracts")] = (
        200, [_schedule("Wharfedale Carers")], {"X-Next-Cursor": "NEXT", "X-Prev-Cursor": "PREV"})
    fake_services.finance_answers[("GET", "/payments/payees")] = (200, [])
    member = logged_in("member")
    page = member.get("/money/payments?sort=value&cursor=HERE").get_data(as_text=True)
    assert _sent(fake_services, "GET", "/payments/subcontracts")[-1]["query"] == {
        "limit": "10", "sort": "value", "cursor": "HERE"}
    assert re.search(r'<option value="value" selected>Largest value first</option>', page)
    assert 'href="/money/payments?sort=value&amp;cursor=NEXT"' in page  # the next page keeps the order
    assert 'href="/money/payments?sort=value&amp;cursor=PREV"' in page
    assert "Payment schedule: Wharfedale Carers" in page

    page = member.get("/money/payments?sort=due_on").get_data(as_text=True)  # not an order offered: the default
    assert _sent(fake_services, "GET", "/payments/subcontracts")[-1]["query"] == {"limit": "10"}
    assert re.search(r'<option value="payee" selected>Payee, A to Z</option>', page)

    fake_services.finance_answers[("GET", "/payments/subcontracts")] = (422, {
        "status": 422, "errors": {"cursor": ["This cursor belongs to another list; start again without one."]}})
    answer = member.get("/money/payments?sort=newest&cursor=FROM-ANOTHER-ORDER")
    assert answer.status_code == 200 and "Payment schedule:" not in answer.get_data(as_text=True)
    assert "This cursor belongs to another list; start again without one." in answer.get_data(as_text=True)


def test_issue_14_item_3_a_refused_cost_code_and_write_off_say_why_beside_their_boxes(logged_in, fake_services):
    """The cost code's box keeps what was typed (it is not named "code", which is never kept); a write-off's month
    picker has a name of its own, so the subsidy filter's month above it is not filled with what was typed."""
    fake_services.finance_answers[("GET", "/cost-codes")] = (200, [])
    fake_services.finance_answers[("POST", "/cost-codes")] = (422, {"status": 422, "errors": {
        "code": ["Lower-case letters, digits and dashes."], "title": ["Field may not be null."]}})
    finance = logged_in("finance")
    token = csrf_token_from(finance.get("/time/cost-codes").get_data(as_text=True))
    page = _after(finance, finance.post("/time/cost-codes", data={
        "csrf_token": token, "cost_code": "Lottery Bid", "title": "", "chargeable": "no"}))
    assert _field_message(page, "title") == "Enter what the code is for"
    assert ("#code", "Lower-case letters, digits and dashes.") in _summary(page)
    assert _value(page, "cost_code") == "Lottery Bid"
    assert re.search(r'id="chargeable-2"[^>]*value="no" checked', page)
    assert _sent(fake_services, "POST", "/cost-codes")[-1]["json"] == {"code": "Lottery Bid", "title": None,
                                                                        "chargeable": False}

    employer = str(uuid.uuid4())
    fake_services.finance_answers[("GET", "/subsidy")] = (200, [{
        "organisation_id": employer, "organisation_name": "Leeds CVS", "month": "2030-01-01",
        "logged_minutes": 450, "logged_pence": 10_000, "approved_minutes": 450, "approved_pence": 10_000,
        "recharged_minutes": 0, "recharged_pence": 0, "subsidy_minutes": 450, "subsidy_pence": 10_000,
        "unrated_minutes": 0, "reasons": {"unapproved": {"minutes": 0, "pence": 0},
                                          "not_yet_invoiced": {"minutes": 450, "pence": 10_000},
                                          "written_off": {"minutes": 0, "pence": 0}, "rounding": {"pence": 0}}}])
    fake_services.finance_answers[("GET", "/subsidy/write-offs")] = (200, [])
    fake_services.finance_answers[("POST", "/subsidy/write-offs")] = (422, {"status": 422, "errors": {
        "reason": ["Field may not be null."], "month": ["Give the month as YYYY-MM."]}})
    page = _after(finance, finance.post("/time/subsidy/write-offs", data={
        "csrf_token": token, "organisation_id": employer, "write_off_month-month": "13",
        "write_off_month-year": "2030", "reason": ""}))
    assert _sent(fake_services, "POST", "/subsidy/write-offs")[-1]["json"] == {
        "organisation_id": employer, "month": "2030-13", "reason": None}
    assert _field_message(page, "wo-reason") == "Enter why the time is written off"
    assert ("#write_off_month-month", "The month must be a real month") in _summary(page)
    assert re.search(r'name="write_off_month-month"[^>]*value="13"', page)
    assert not re.search(r'name="month-month"[^>]*value="13"', page)  # the filter's month as it was


def test_the_pending_variations_page_answers_200(logged_in, fake_services):
    """The filter's value is not the page's HTTP status (render_page reads a context's `status` as that): gunicorn
    refused the answer "0 pending" as a server error."""
    fake_services.finance_answers[("GET", "/variations")] = (200, [])
    answer = logged_in("finance").get("/money/variations?status=pending")
    assert answer.status_code == 200 and answer.status == "200 OK"
    assert "Pending variations and virements" in answer.get_data(as_text=True)
    assert _sent(fake_services, "GET", "/variations")[-1]["query"] == {"status": "pending"}
