"""One error pattern on every form (issue 14 item 3): a service's refusal is shown as GOV.UK's error summary, and on
the field's own message, in plain words; never a raw validator string, an enum's list or a rule's id alone."""
import datetime as dt
import html as html_text
import re
import uuid

from gateway_helpers import error_summary as _summary, field_message as _field_message, csrf_token_from
from hubkit import clock

OPPORTUNITY_ID = str(uuid.uuid4())


def _opportunity() -> dict:
    return {"opportunity": {
        "id": OPPORTUNITY_ID, "title": "Community wellbeing hubs", "stage": "identified",
        "commissioner_name": "Leeds City Council", "commissioner_type": "local_authority", "description": "",
        "estimated_value_pence": 45_000_000, "contract_length_months": 36, "service_categories": [], "areas": [],
        "notice_reference": None, "clarification_deadline": None, "submission_deadline": "2027-01-15",
        "award_expected_on": None, "start_expected_on": None, "go_no_go_request_id": None,
        "go_no_go_outcome": None, "go_no_go_note": None, "go_no_go_decided_by": None, "go_no_go_decided_at": None},
        "next_deadline": None, "lots": [], "bids": [], "history": [], "moves_by_hand": ["qualifying", "withdrawn"]}


def _signed_in_manager(logged_in, here: str) -> tuple:
    """The manager signed in, and the CSRF token of the form on their page at `here`."""
    manager = logged_in("manager")
    return manager, csrf_token_from(manager.get(here).get_data(as_text=True))


def _refused_and_shown(client, url: str, typed: dict, anchor: str, shown: str | None = None) -> str:
    """Post a form that is refused: it must redirect to the form (`anchor`); the page at `shown` (by default where
    it redirected) as it then reads."""
    answer = client.post(url, data=typed)
    assert answer.status_code == 302 and answer.headers["Location"].endswith(anchor)
    return client.get(shown or answer.headers["Location"]).get_data(as_text=True)


def test_issue_14_item_3_the_opportunity_form_says_what_to_fix_in_plain_words_beside_each_field(
        logged_in, fake_services):
    fake_services.contracts_answers[("GET", f"/opportunities/{OPPORTUNITY_ID}")] = (200, _opportunity())
    fake_services.contracts_answers[("PATCH", f"/opportunities/{OPPORTUNITY_ID}")] = (422, {
        "status": 422, "title": "Unprocessable Entity", "detail": "Some fields are missing or invalid: title",
        "errors": {"title": ["Field may not be null."],
                   "commissioner_type": ["Must be one of: local_authority, nhs, central_government, other."],
                   "submission_deadline": ["Not a valid date."]}})
    manager = logged_in("manager")
    form = manager.get(f"/pipeline/opportunities/{OPPORTUNITY_ID}/edit").get_data(as_text=True)
    answer = manager.post(f"/pipeline/opportunities/{OPPORTUNITY_ID}/edit", data={
        "csrf_token": csrf_token_from(form), "title": "", "commissioner_name": "Leeds City Council",
        "commissioner_type": "", "submission_deadline-day": "31", "submission_deadline-month": "2",
        "submission_deadline-year": "2027"})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422
    summary = _summary(page)
    assert ("#title", "Enter the opportunity's title") in summary
    assert ("#commissioner_type", "Select the type of commissioner") in summary
    assert ("#submission_deadline-day", "The submission deadline must be a real date") in summary
    assert _field_message(page, "title") == "Enter the opportunity's title"
    assert _field_message(page, "submission_deadline") == "The submission deadline must be a real date"
    for raw in ("Field may not be null", "Must be one of", "local_authority, nhs", "Not a valid date"):
        assert raw not in page
    # what was typed is kept: the date's boxes as the person left them
    day_box = re.search(r'<input[^>]*name="submission_deadline-day"[^>]*>', page).group(0)
    assert 'value="31"' in day_box and "govuk-input--error" in day_box


def test_issue_14_item_3_a_refused_change_after_a_redirect_is_summarised_in_plain_words(logged_in, fake_services):
    """A form that posts and goes back to its page (the lots form): the summary is at the top of the page it
    lands on, each message in plain words; a list's row is named, not "0: title: ..."."""
    fake_services.contracts_answers[("GET", f"/opportunities/{OPPORTUNITY_ID}")] = (200, _opportunity())
    fake_services.contracts_answers[("GET", "/bids/partner-candidates")] = (200, [])
    fake_services.contracts_answers[("POST", f"/opportunities/{OPPORTUNITY_ID}/lots")] = (422, {
        "status": 422, "title": "Unprocessable Entity",
        "errors": {"title": ["Shorter than minimum length 1."], "outputs": {"0": {"name": ["Field may not be null."]}}}})
    manager = logged_in("manager")
    html = manager.get(f"/pipeline/opportunities/{OPPORTUNITY_ID}").get_data(as_text=True)
    answer = manager.post(f"/pipeline/opportunities/{OPPORTUNITY_ID}/lots",
                          data={"csrf_token": csrf_token_from(html), "number": "1", "title": ""})
    assert answer.status_code == 302
    page = manager.get(answer.headers["Location"]).get_data(as_text=True)
    summary = _summary(page)
    assert ("#lot-title", "Enter the lot's title") in summary
    assert _field_message(page, "lot-title") == "Enter the lot's title"
    assert "Enter the name in row 1" in page  # a field the form does not show, still said plainly
    assert "Shorter than minimum length" not in page and "0: name" not in page and "Check title" not in page


def test_issue_14_item_3_a_rules_refusal_is_its_sentence_with_the_rule_id_as_a_hint(logged_in, fake_services):
    fake_services.contracts_answers[("GET", f"/opportunities/{OPPORTUNITY_ID}")] = (200, _opportunity())
    fake_services.contracts_answers[("GET", "/bids/partner-candidates")] = (200, [])
    fake_services.contracts_answers[("POST", f"/opportunities/{OPPORTUNITY_ID}/go-no-go")] = (409, {
        "status": 409, "title": "Conflict", "type": "urn:consortium-hub:rule:G3",
        "detail": "G3: the board is asked for a go/no-go once an opportunity is qualifying."})
    manager = logged_in("manager")
    html = manager.get(f"/pipeline/opportunities/{OPPORTUNITY_ID}").get_data(as_text=True)
    answer = manager.post(f"/pipeline/opportunities/{OPPORTUNITY_ID}/go-no-go",
                          data={"csrf_token": csrf_token_from(html), "detail": ""})
    page = html_text.unescape(manager.get(answer.headers["Location"]).get_data(as_text=True))
    summary = re.search(r'<div class="govuk-error-summary".*?</ul>', page, re.S).group(0)
    assert "The board is asked for a go/no-go once an opportunity is qualifying" in summary
    assert "(rule G3)" in summary and "G3:" not in summary


def test_issue_14_item_3_a_refused_form_that_redirects_keeps_what_was_typed_and_says_it_beside_each_field(
        logged_in, fake_services):
    """Scheduling a meeting posts and goes back to the body's page: after a refusal the page shows the message on
    the field it is about and puts back what was typed (the title, the date's boxes, the time, the place), once."""
    body_id = str(uuid.uuid4())
    fake_services.governance_answers[("GET", f"/bodies/{body_id}")] = (200, {
        "id": body_id, "kind": "partners_group", "name": "Partners Group", "seats": [], "warnings": [],
        "rules": {"min_members": 6, "max_members": 12, "max_co_opted": 3, "quorum": 1}})
    fake_services.governance_answers[("GET", f"/bodies/{body_id}/meetings")] = (200, [])
    fake_services.governance_answers[("POST", f"/bodies/{body_id}/meetings")] = (422, {
        "status": 422, "title": "Unprocessable Entity",
        "errors": {"location": ["Longer than maximum length 300."], "notice_given_on": ["Not a valid date."]}})
    manager = logged_in("manager")
    html = manager.get(f"/governance/bodies/{body_id}").get_data(as_text=True)
    answer = manager.post(f"/governance/bodies/{body_id}/meetings", data={
        "csrf_token": csrf_token_from(html), "title": "Spring partners' meeting", "date-day": "14",
        "date-month": "4", "date-year": "2031", "time": "18:30", "notice_given_on-day": "31",
        "notice_given_on-month": "2", "notice_given_on-year": "2031", "location": "Town hall " * 40})
    assert answer.status_code == 302
    page = manager.get(answer.headers["Location"]).get_data(as_text=True)
    assert ("#location", "Where it meets must be 300 characters or fewer") in _summary(page)
    assert _field_message(page, "location") == "Where it meets must be 300 characters or fewer"
    assert _field_message(page, "notice_given_on") == "The day notice was given must be a real date"
    assert 'value="Spring partners&#39; meeting"' in page or 'value="Spring partners\' meeting"' in page
    assert 'value="18:30"' in page
    assert re.search(r'name="date-day"[^>]*value="14"', page) and re.search(r'name="date-year"[^>]*value="2031"', page)
    assert re.search(r'name="notice_given_on-day"[^>]*value="31"', page)
    assert "csrf_token" not in re.sub(r'<input type="hidden" name="csrf_token"[^>]*>', "", page)
    again = manager.get(f"/governance/bodies/{body_id}").get_data(as_text=True)
    assert "Spring partners" not in again and 'value="18:30"' not in again  # put back once, not for ever


# --- the contracts, subcontract, return and allocation forms (issue 14 item 3) -------------------------------------

CONTRACT_ID = str(uuid.uuid4())
INDICATOR = {"id": str(uuid.uuid4()), "code": "O1", "name": "People helped", "kind": "output", "unit": "people",
             "higher_is_better": True}
PERIODS = [{"period": {"id": str(uuid.uuid4()), "number": n, "label": f"Q{n} 2030-31", "starts_on": "2030-04-01",
                       "ends_on": "2030-06-30", "return_due_on": "2030-07-14"}} for n in (1, 2)]
MEMBER = {"id": str(uuid.uuid4()), "name": "Northfield Advice", "status": "active"}


def _contract() -> dict:
    return {"contract": {"id": CONTRACT_ID, "title": "Community wellbeing hubs", "commissioner_name": "Leeds CC",
                         "status": "draft", "value_pence": 45_000_000, "management_fee_basis_points": 800,
                         "starts_on": "2030-04-01", "ends_on": "2033-03-31", "payment_terms": "", "income_schedule": [],
                         "rag_green_percent": 95, "rag_amber_percent": 80},
            "management_fee_pence": 3_600_000, "available_for_subcontracts_pence": 41_400_000,
            "subcontracted_pence": 0, "unallocated_pence": 41_400_000, "hub_model": None,
            "management_subcontract_missing": False, "indicators": [INDICATOR], "periods": PERIODS, "targets": [],
            "subcontracts": []}


def test_issue_14_item_3_a_new_contract_refused_says_each_field_in_plain_words_and_keeps_what_was_typed(
        logged_in, fake_services):
    """The contract form is shown again, as typed: the gateway's own refusal (an amount not in pounds) and
    contracts' (a date that is not real, a missing title, an indicator's code, named by the form's own row even
    when a row above it was left empty) each beside its field."""
    manager = logged_in("manager")
    form = manager.get("/contracts/new").get_data(as_text=True)
    typed = {"csrf_token": csrf_token_from(form), "title": "", "commissioner_name": "Leeds City Council",
             "value": "lots", "fee_percent": "8", "starts_on-day": "1", "starts_on-month": "4",
             "starts_on-year": "2030", "ends_on-day": "31", "ends_on-month": "2", "ends_on-year": "2033",
             "reporting_frequency": "quarterly", "return_due_days": "20", "income": "",
             "code-1": "people helped!", "name-1": "People helped"}
    refused = manager.post("/contracts/new", data=typed)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert _field_message(page, "value") == "Enter the contract's value in pounds, like 450,000 or 450,000.00"
    assert 'value="Leeds City Council"' in page and 'value="lots"' in page
    assert not [c for c in fake_services.calls if c["method"] == "POST"]  # nothing sent with a bad amount

    fake_services.contracts_answers[("POST", "/contracts")] = (422, {
        "status": 422, "title": "Unprocessable Entity", "errors": {
            "title": ["Missing data for required field."], "ends_on": ["Not a valid date."],
            "indicators": {"0": {"code": ["String does not match expected pattern."]}}}})
    page = manager.post("/contracts/new", data=typed | {"value": "450,000"}).get_data(as_text=True)
    sent = fake_services.last_call("contracts", "POST", "/contracts")["json"]
    assert [i["code"] for i in sent["indicators"]] == ["people helped!"]  # the form's second row, sent first
    assert ("#title", "Enter the contract's title") in _summary(page)
    assert ("#ends_on-day", "The end date must be a real date") in _summary(page)
    assert ("#code-1", "Enter the code of indicator 2 in the correct format") in _summary(page)
    assert _field_message(page, "code-1") == "Enter the code of indicator 2 in the correct format"
    assert _field_message(page, "ends_on") == "The end date must be a real date"
    for raw in ("Missing data for required field", "Not a valid date", "does not match expected pattern"):
        assert raw not in page
    assert 'value="people helped!"' in page and re.search(r'name="ends_on-day"[^>]*value="31"', page)


def test_issue_14_item_3_a_subcontracts_targets_refused_are_said_beside_each_share_and_kept(
        logged_in, fake_services):
    """Issuing a subcontract posts and goes back to the contract's page: a share that is not a number is refused
    by the gateway beside its field, contracts' refusal of a target is said on the share it came from (its
    targets are one per period), and what was typed is back in the form, once."""
    fake_services.contracts_answers[("GET", f"/contracts/{CONTRACT_ID}")] = (200, _contract())
    fake_services.contracts_answers[("GET", "/members")] = (200, [MEMBER])
    here = f"/contracts/{CONTRACT_ID}"
    manager, token = _signed_in_manager(logged_in, here)
    share = f"share-{INDICATOR['id']}"
    answer = manager.post(f"{here}/subcontracts", data={
        "csrf_token": token, "organisation_id": MEMBER["id"], "purpose": "delivery", "value": "120,000",
        share: "about forty", "per_period": "5,000"})
    assert answer.status_code == 302 and answer.headers["Location"].endswith("#issue")
    page = manager.get(answer.headers["Location"].split("#")[0]).get_data(as_text=True)
    assert _field_message(page, share) == "Enter the share of O1 each period as a number of 0 or more, like 40 or 12.5"
    assert (f"#{share}", "Enter the share of O1 each period as a number of 0 or more, like 40 or 12.5") in _summary(page)
    assert re.search(rf'id="{share}" name="{share}" type="text" value="about forty"', page)
    assert re.search(r'id="sub-value" name="value" type="text" value="120,000"', page)
    assert re.search(rf'<option value="{MEMBER["id"]}" selected>', page)
    assert not [c for c in fake_services.calls if c["method"] == "POST"]

    fake_services.contracts_answers[("POST", f"/contracts/{CONTRACT_ID}/subcontracts")] = (422, {
        "status": 422, "title": "Unprocessable Entity", "errors": {
            "targets": {"1": {"target": ["Not a valid number."]}}, "value_pence": ["Missing data for required field."]}})
    answer = manager.post(f"{here}/subcontracts", data={
        "csrf_token": token, "organisation_id": MEMBER["id"], "purpose": "delivery", "value": "120,000", share: "40"})
    targets = fake_services.last_call("contracts", "POST", f"/contracts/{CONTRACT_ID}/subcontracts")["json"]["targets"]
    assert [t["period"] for t in targets] == [p["period"]["id"] for p in PERIODS]  # one a period
    page = manager.get(answer.headers["Location"].split("#")[0]).get_data(as_text=True)
    assert _field_message(page, share) == "Enter the share of O1 each period as a number, like 12 or 7.5"
    assert _field_message(page, "sub-value") == "Enter the subcontract's value"
    assert re.search(rf'id="{share}" name="{share}" type="text" value="40"', page)
    again = manager.get(here).get_data(as_text=True)
    assert 'value="120,000"' not in again and "govuk-error-message" not in again  # once, not for ever


def test_a_contracts_targets_typed_when_the_contract_cannot_be_read_are_said_and_kept(logged_in, fake_services):
    """Saving a contract's targets reads the contract first (its indicators and periods name the boxes): when that
    read fails (contracts down, or the contract gone), the page says why and the targets typed are back in their
    boxes, instead of nothing sent and nothing said."""
    fake_services.contracts_answers[("GET", f"/contracts/{CONTRACT_ID}")] = (200, _contract())
    fake_services.contracts_answers[("GET", "/members")] = (200, [MEMBER])
    here = f"/contracts/{CONTRACT_ID}"
    manager, token = _signed_in_manager(logged_in, here)
    box = f"target-{INDICATOR['code']}-2"
    for failed, said in (((503, {"title": "Service Unavailable"}), "The contracts service had a problem (503)."),
                         ((404, {"title": "Not Found"}), "That contract could not be found.")):
        fake_services.contracts_answers[("GET", f"/contracts/{CONTRACT_ID}")] = failed
        answer = manager.post(f"{here}/targets", data={"csrf_token": token, box: "7.5"})
        assert answer.status_code == 302 and answer.headers["Location"].endswith("#targets")
        fake_services.contracts_answers[("GET", f"/contracts/{CONTRACT_ID}")] = (200, _contract())
        page = manager.get(here).get_data(as_text=True)
        assert said in html_text.unescape(page)
        assert re.search(rf'id="{box}" name="{box}" type="text" inputmode="decimal" value="7.5"', page)
        again = manager.get(here).get_data(as_text=True)
        assert said not in html_text.unescape(again) and 'value="7.5"' not in again  # once, not for ever
    assert not [c for c in fake_services.calls if c["method"] == "PUT"]


def test_issue_14_item_3_a_refused_return_says_which_figure_beside_it_and_keeps_the_figures(logged_in, fake_services):
    """A member's return refused by contracts (an actual over its bound) is shown again as typed, the message on
    that indicator's own box in plain words; a figure that is not a number is the gateway's own refusal there."""
    ended = clock.today() - dt.timedelta(days=10)  # a period that has ended: no figures-so-far to confirm
    subcontract_id = str(uuid.uuid4())
    period = PERIODS[0]["period"] | {"starts_on": (ended - dt.timedelta(days=90)).isoformat(),
                                     "ends_on": ended.isoformat(), "return_due_on": ended.isoformat()}
    detail = {"subcontract": {"id": subcontract_id}, "contract_title": "Community wellbeing hubs",
              "indicators": [INDICATOR], "periods": [period],
              "scorecard": {"periods": [{"period": period, "return_id": None}], "trends": []}}
    fake_services.contracts_answers[("GET", f"/subcontracts/{subcontract_id}")] = (200, detail)
    fake_services.contracts_answers[("POST", f"/subcontracts/{subcontract_id}/returns")] = (422, {
        "status": 422, "title": "Unprocessable Entity",
        "errors": {"actuals": {"O1": ["Must be less than or equal to 1000000000."]}}})
    member = logged_in("member")
    url = f"/contracts/mine/{subcontract_id}/returns/{period['id']}"
    token = csrf_token_from(member.get(url).get_data(as_text=True))
    box = f"actual-{INDICATOR['id']}"
    refused = member.post(url, data={"csrf_token": token, box: "2000000000", "narrative": "A busy quarter.",
                                     "step": "submit"})
    page = refused.get_data(as_text=True)
    assert _field_message(page, box) == "People helped must be 1000000000 or less"
    assert (f"#{box}", "People helped must be 1000000000 or less") in _summary(page)
    assert 'value="2000000000"' in page and "A busy quarter." in page and "Must be less than" not in page
    page = member.post(url, data={"csrf_token": token, box: "forty", "step": "check"}).get_data(as_text=True)
    assert _field_message(page, box) == "Enter People helped as a number, like 12 or 7.5"
    assert 'value="forty"' in page


def test_issue_14_item_3_a_new_allocation_round_refused_keeps_what_was_typed_beside_each_field(
        logged_in, fake_services):
    """Opening a round posts and goes back to the allocation page: contracts' refusal (a date that is not real,
    a title too long) is said beside each field, the gateway's own (a value not in pounds) too, and the title,
    specification and date boxes come back as typed."""
    fake_services.contracts_answers[("GET", "/allocation-rounds")] = (200, [])
    fake_services.contracts_answers[("GET", "/contracts")] = (200, [{"id": CONTRACT_ID, "title": "Community wellbeing "
                                                                     "hubs", "commissioner_name": "Leeds CC"}])
    fake_services.contracts_answers[("POST", "/allocation-rounds")] = (422, {
        "status": 422, "title": "Unprocessable Entity",
        "errors": {"title": ["Longer than maximum length 300."], "decision_by": ["Not a valid date."]}})
    manager = logged_in("manager")
    token = csrf_token_from(manager.get("/allocation").get_data(as_text=True))
    typed = {"csrf_token": token, "contract_id": CONTRACT_ID, "title": "Youth work " * 40,
             "specification": "Detached youth work in Harehills.", "value": "", "service_categories": "Youth work",
             "areas": "Leeds", "decision_by-day": "30", "decision_by-month": "2", "decision_by-year": "2031"}
    page = _refused_and_shown(manager, "/allocation/rounds", typed, "#new-round")
    assert _field_message(page, "round-title") == "The round's title must be 300 characters or fewer"
    assert _field_message(page, "decision_by") == "The day of the decision must be a real date"
    assert ("#decision_by-day", "The day of the decision must be a real date") in _summary(page)
    assert "Detached youth work in Harehills." in page and 'value="Youth work"' in page
    assert re.search(r'name="decision_by-day"[^>]*value="30"', page)
    assert re.search(rf'<option value="{CONTRACT_ID}" selected>', page)
    answer = manager.post("/allocation/rounds", data=typed | {"title": "Youth work", "value": "lots"})
    page = manager.get(answer.headers["Location"]).get_data(as_text=True)
    assert _field_message(page, "round-value") == "Enter the round's value in pounds, like 150,000 or 150,000.00"
    assert 'value="lots"' in page and 'value="Youth work"' in page


# --- the improvement plans and their reviews (issue 14 item 3) ------------------------------------------------------

SUBCONTRACT_ID = str(uuid.uuid4())
PLAN_ID = str(uuid.uuid4())


def _red_subcontract(plans: list) -> dict:
    return {"subcontract": {"id": SUBCONTRACT_ID, "contract_id": CONTRACT_ID, "organisation_name": "Northfield Advice",
                            "purpose": "delivery", "value_pence": 12_000_000, "starts_on": "2030-04-01",
                            "ends_on": "2033-03-31", "overall_rag": "red"},
            "contract_title": "Community wellbeing hubs", "indicators": [INDICATOR], "periods": [],
            "targets": [], "scorecard": {"periods": [], "trends": []}, "payment_schedule": [], "variations": [],
            "improvement_plans": plans}


def test_issue_14_item_3_an_improvement_plan_refused_says_each_action_beside_its_row_and_keeps_what_was_typed(
        logged_in, fake_services):
    """Opening an improvement plan posts and goes back to the subcontract's page: a plan without an action is the
    gateway's own refusal, contracts' (an owner left empty, a due date that is not real) is said beside the row the
    action was typed on (even with a row above it left empty), and the reason, actions and dates come back as typed."""
    fake_services.contracts_answers[("GET", f"/subcontracts/{SUBCONTRACT_ID}")] = (200, _red_subcontract([]))
    here = f"/contracts/subcontracts/{SUBCONTRACT_ID}"
    manager, token = _signed_in_manager(logged_in, here)
    typed = {"csrf_token": token, "form": "plan", "reason": "Two quarters under profile",
             "review_on-day": "15", "review_on-month": "1", "review_on-year": "2031"}
    page = _refused_and_shown(manager, f"{here}/improvement-plans", typed, "#plans", here)
    assert _field_message(page, "action-0") == "Enter at least one action, with its owner and the day it is due"
    assert re.search(r'id="plan-reason" name="reason" type="text" value="Two quarters under profile"', page)
    assert not [c for c in fake_services.calls if c["method"] == "POST"]

    fake_services.contracts_answers[("POST", f"/subcontracts/{SUBCONTRACT_ID}/improvement-plans")] = (422, {
        "status": 422, "title": "Unprocessable Entity", "errors": {
            "actions": {"0": {"owner": ["Field may not be null."], "due_on": ["Not a valid date."]}},
            "review_on": ["Not a valid date."]}})
    answer = manager.post(f"{here}/improvement-plans", data=typed | {
        "action-1": "Weekly outreach sessions", "due-1-day": "31", "due-1-month": "2", "due-1-year": "2031"})
    sent = fake_services.last_call("contracts", "POST", f"/subcontracts/{SUBCONTRACT_ID}/improvement-plans")["json"]
    assert sent["actions"] == [{"action": "Weekly outreach sessions", "owner": None, "due_on": "2031-02-31"}]
    page = manager.get(answer.headers["Location"].split("#")[0]).get_data(as_text=True)
    assert _field_message(page, "owner-1") == "Enter the owner of action 2"
    assert _field_message(page, "due-1") == "The day action 2 is due must be a real date"
    assert _field_message(page, "plan-review") == "The day of the first review must be a real date"
    assert ("#due-1-day", "The day action 2 is due must be a real date") in _summary(page)
    assert ("#owner-1", "Enter the owner of action 2") in _summary(page)
    assert "may not be null" not in page and "Not a valid date" not in page
    assert re.search(r'id="action-1" name="action-1" type="text" value="Weekly outreach sessions"', page)
    assert re.search(r'name="due-1-day"[^>]*value="31"', page) and re.search(r'name="review_on-day"[^>]*value="15"',
                                                                            page)
    again = manager.get(here).get_data(as_text=True)
    assert "Weekly outreach sessions" not in again and "govuk-error-message" not in again  # once, not for ever


def test_issue_14_item_3_an_improvement_plans_review_refused_says_so_beside_its_fields_and_keeps_the_note(
        logged_in, fake_services):
    plan = {"id": PLAN_ID, "subcontract_id": SUBCONTRACT_ID, "reason": "Two quarters under profile", "actions": [],
            "reviews": [], "review_on": "2031-01-15", "status": "open", "opened_at": "2030-12-01T09:00:00Z",
            "closed_at": None, "closing_note": None}
    fake_services.contracts_answers[("GET", f"/subcontracts/{SUBCONTRACT_ID}")] = (200, _red_subcontract([plan]))
    fake_services.contracts_answers[("POST", f"/improvement-plans/{PLAN_ID}/reviews")] = (422, {
        "status": 422, "title": "Unprocessable Entity", "errors": {
            "note": ["Length must be between 1 and 5000."], "next_review_on": ["Not a valid date."]}})
    here = f"/contracts/subcontracts/{SUBCONTRACT_ID}"
    manager, token = _signed_in_manager(logged_in, here)
    page = _refused_and_shown(manager, f"/contracts/improvement-plans/{PLAN_ID}/reviews", {
        "csrf_token": token, "subcontract_id": SUBCONTRACT_ID, "form": f"review-{PLAN_ID}",
        "note": "Outreach " * 3, "next_review_on-day": "30", "next_review_on-month": "2", "next_review_on-year": "2031"},
        "#plans", here)
    assert _field_message(page, f"note-{PLAN_ID}") == "The review note must be between 1 and 5000 characters"
    assert _field_message(page, f"next-{PLAN_ID}") == "The day of the next review must be a real date"
    assert (f"#next-{PLAN_ID}-day", "The day of the next review must be a real date") in _summary(page)
    assert re.search(rf'id="note-{PLAN_ID}" name="note" type="text" value="Outreach Outreach Outreach ', page)
    assert re.search(r'name="next_review_on-day"[^>]*value="30"', page)


# --- a round's panel, criteria and moderation forms (issue 14 item 3) ----------------------------------------------

ROUND_ID = str(uuid.uuid4())
CRITERION = {"id": str(uuid.uuid4()), "position": 1, "name": "Local reach", "description": "", "weight": 100}
EOI = {"id": str(uuid.uuid4()), "round_id": ROUND_ID, "organisation_id": MEMBER["id"],
       "organisation_name": "Northfield Advice", "statement": "We run three hubs.", "proposed_value_pence": None,
       "shortlisted": True, "shortlist_note": "", "submitted_by": "member"}


def _round(status: str, **view) -> dict:
    return {"round": {"id": ROUND_ID, "title": "Youth work in Harehills", "specification": "Detached youth work",
                      "contract_id": None, "opportunity_id": None, "lot_id": None, "value_pence": 15_000_000,
                      "service_categories": ["Youth work"], "areas": ["Leeds"], "status": status,
                      "declarations_close_on": None, "eois_close_on": None, "decision_by": None, "route": "open",
                      "chosen_provider_name": None, "chosen_provider_reason": None,
                      "chosen_provider_request_id": None, "chosen_provider_outcome": None,
                      "chosen_provider_note": None, "specification_met": None, "specification_note": None,
                      "servicing_name": None, "servicing_organisation_id": None, "servicing_capacity": None,
                      "servicing_note": "", "scale_max": 10, "tie_break": "heaviest_criterion",
                      "panel_confirmed_at": None, "eois_opened_at": None, "awarded_organisation_name": None,
                      "awarded_score": None, "decision_explanation": None},
            "invitations": [], "declarations": [], "panel": [], "panel_feedback": [], "criteria": [],
            "criteria_locked": False, "eois": [], "moderated": [], "standings": [], "steps": [],
            "chosen_provider_pending": False, "chosen_provider_candidates": []} | view


def _round_answered(fake_services, view: dict) -> str:
    """The round's path at contracts, which answers it with `view` (a _round) and the members list."""
    path = f"/allocation-rounds/{ROUND_ID}"
    fake_services.contracts_answers[("GET", path)] = (200, view)
    fake_services.contracts_answers[("GET", "/members")] = (200, [MEMBER])
    return path


def test_issue_14_item_3_a_rounds_panel_and_criteria_refused_say_each_field_beside_it_and_keep_what_was_typed(
        logged_in, fake_services):
    """Proposing a panel member and setting the criteria post and go back to the round's page: contracts' refusal
    (a name too long, a role not chosen; a criterion's weight out of range, named by the row it was typed on) and
    the gateway's own (a weight that is not a whole number) are said beside each box, in plain words, and the forms
    come back open, as typed, each with its own values only."""
    path = _round_answered(fake_services, _round("declarations"))
    fake_services.contracts_answers[("POST", f"{path}/panel")] = (422, {
        "status": 422, "title": "Unprocessable Entity", "errors": {
            "name": ["Longer than maximum length 200."],
            "role": ["Must be one of: lead_member, member, hub_staff, outside_expert."]}})
    here = f"/allocation/rounds/{ROUND_ID}"
    manager, token = _signed_in_manager(logged_in, here)
    page = _refused_and_shown(manager, f"{here}/panel", {
        "csrf_token": token, "form": "panel", "name": "Asha Patel", "role": "", "organisation_id": MEMBER["id"],
        "expertise": "Youth justice"}, "#panel", here)
    assert _field_message(page, "panel-name") == "The person's name must be 200 characters or fewer"
    assert _field_message(page, "panel-role") == "Select their role on the panel"
    assert ("#panel-role", "Select their role on the panel") in _summary(page)
    assert "Must be one of" not in page and "maximum length" not in page
    assert re.search(r'id="panel-expertise" name="expertise" type="text" value="Youth justice"', page)
    assert re.search(r'id="panel-name" name="name" type="text" value="Asha Patel"', page)
    assert re.search(rf'<option value="{MEMBER["id"]}" selected>', page)
    assert "Asha Patel" not in page.split('id="servicing-name"')[1][:80]  # back in its own form only

    fake_services.contracts_answers[("PUT", f"{path}/criteria")] = (422, {
        "status": 422, "title": "Unprocessable Entity", "errors": {
            "criteria": {"0": {"weight": ["Must be greater than or equal to 1 and less than or equal to 100."]}}}})
    criteria = {"csrf_token": token, "form": "criteria", "criterion-1": "Local reach", "weight-1": "140",
                "description-1": "Sessions in the area", "scale_max": "10", "tie_break": "earliest_submission"}
    manager.post(f"{here}/criteria", data=criteria)
    sent = fake_services.last_call("contracts", "PUT", f"{path}/criteria")["json"]
    assert sent["criteria"] == [{"name": "Local reach", "weight": 140, "description": "Sessions in the area"}]
    page = manager.get(here).get_data(as_text=True)
    assert _field_message(page, "weight-1") == "The weight of criterion 2 must be between 1 and 100"
    assert ("#weight-1", "The weight of criterion 2 must be between 1 and 100") in _summary(page)
    assert re.search(r'id="criterion-1" name="criterion-1" type="text" value="Local reach"', page)
    assert re.search(r'<option value="earliest_submission" selected>', page)
    calls = len(fake_services.calls)
    manager.post(f"{here}/criteria", data=criteria | {"weight-1": "forty"})
    assert not [c for c in fake_services.calls[calls:] if c["method"] == "PUT"]  # the gateway's own refusal
    page = manager.get(here).get_data(as_text=True)
    assert _field_message(page, "weight-1") == "Enter the weight of criterion 2 as a whole number of percent, like 40"
    assert re.search(r'id="weight-1" name="weight-1" type="text" value="forty"', page)


def test_issue_14_item_3_a_moderated_score_refused_is_said_beside_its_boxes_and_kept(logged_in, fake_services):
    path = _round_answered(fake_services, _round("scoring", criteria=[CRITERION], eois=[EOI]))
    fake_services.contracts_answers[("PUT", f"{path}/moderation")] = (422, {
        "status": 422, "title": "Unprocessable Entity", "errors": {"reason": ["Field may not be null."]}})
    here = f"/allocation/rounds/{ROUND_ID}"
    manager, token = _signed_in_manager(logged_in, here)
    typed = {"csrf_token": token, "form": "moderation", "eoi_id": EOI["id"], "criterion_id": CRITERION["id"],
             "score": "seven", "reason": ""}
    page = _refused_and_shown(manager, f"{here}/moderation", typed, "#moderation", here)
    assert _field_message(page, "mod-score") == "Enter the agreed score as a whole number, like 7"
    assert re.search(r'id="mod-score" name="score" type="text" value="seven"', page)
    assert not [c for c in fake_services.calls if c["method"] == "PUT"]
    manager.post(f"{here}/moderation", data=typed | {"score": "7"})
    assert fake_services.last_call("contracts", "PUT", f"{path}/moderation")["json"]["reason"] is None
    page = manager.get(here).get_data(as_text=True)
    assert _field_message(page, "mod-reason") == "Enter the reason for the moderated score"
    assert re.search(r'id="mod-score" name="score" type="text" value="7"', page)
    assert re.search(r'<details class="govuk-details" open>\s*<summary[^>]*><span[^>]*>Record a moderated score', page)


def test_issue_14_item_3_a_scoring_sheet_refused_says_which_score_beside_its_box_and_keeps_the_scores(
        logged_in, fake_services):
    """A panel member's sheet posts and comes back to itself: a score that is not a whole number is the gateway's
    own refusal on its box; contracts' (a score outside the round's scale, named by its place in the list sent)
    is said on the box it was typed in, and every score and comment typed is back."""
    panel_member = str(uuid.uuid4())
    second = CRITERION | {"id": str(uuid.uuid4()), "position": 2, "name": "Value for money", "weight": 40}
    path = f"/allocation-rounds/{ROUND_ID}/panel/{panel_member}/scores"
    fake_services.contracts_answers[("GET", path)] = (200, {
        "round": {"id": ROUND_ID, "title": "Youth work in Harehills"}, "panel_member": {"name": "Asha Patel"},
        "scale_max": 10, "editable": True, "criteria": [CRITERION | {"weight": 60}, second],
        "eois": [{"eoi": EOI, "scores": []}]})
    fake_services.contracts_answers[("PUT", path)] = (422, {
        "status": 422, "title": "Unprocessable Entity",
        "errors": {"scores.0.score": ["A score must be from 0 to 10; 12 is outside the scale."]}})
    here = f"/allocation/rounds/{ROUND_ID}/sheets/{panel_member}"
    manager, token = _signed_in_manager(logged_in, here)
    first_box, second_box = f"score-{EOI['id']}-{CRITERION['id']}", f"score-{EOI['id']}-{second['id']}"
    answer = manager.post(here, data={"csrf_token": token, first_box: "", second_box: "lots",
                                      f"comment-{EOI['id']}-{second['id']}": "Costed carefully"})
    assert answer.status_code == 302
    page = manager.get(here).get_data(as_text=True)
    assert _field_message(page, second_box) == \
        "Enter the score for Northfield Advice on Value for money as a whole number, like 7"
    assert (f"#{second_box}", "Enter the score for Northfield Advice on Value for money as a whole number, like 7") \
        in _summary(page)
    assert re.search(rf'id="{second_box}" name="{second_box}" type="text" value="lots"', page)
    assert "Costed carefully" in page
    assert not [c for c in fake_services.calls if c["method"] == "PUT"]

    manager.post(here, data={"csrf_token": token, first_box: "", second_box: "12"})
    assert fake_services.last_call("contracts", "PUT", path)["json"]["scores"][0]["criterion_id"] == second["id"]
    page = manager.get(here).get_data(as_text=True)
    assert _field_message(page, second_box) == "A score must be from 0 to 10; 12 is outside the scale."
    assert re.search(rf'id="{second_box}" name="{second_box}" type="text" value="12"', page)
    assert f'id="{first_box}-error"' not in page  # not on the first box, left empty and not sent


def test_issue_14_item_3_an_expression_of_interest_refused_says_so_beside_its_boxes_and_keeps_the_statement(
        logged_in, fake_services):
    """A member's expression of interest posts and goes back to their invitations: a value not in pounds is the
    gateway's own refusal beside the value; contracts' (a statement left empty, a value over the limit) is said
    beside each box of that round's form in plain words; the statement and value come back as typed."""
    invitation = {"invitation": {"id": str(uuid.uuid4()), "round_id": ROUND_ID, "organisation_id": MEMBER["id"],
                                 "organisation_name": "Northfield Advice", "invited_at": "2026-11-02T10:00:00+00:00"},
                  "round": {"id": ROUND_ID, "title": "Youth work in Harehills", "status": "eois_open",
                            "value_pence": 15_000_000, "specification": "Detached youth work",
                            "declarations_close_on": None, "eois_close_on": None},
                  "criteria": [CRITERION], "declaration": None, "eoi": None, "may_declare": False,
                  "may_express_interest": True, "why_no_eoi": None}
    fake_services.contracts_answers[("GET", "/allocation/invitations")] = (200, [invitation])
    fake_services.contracts_answers[("POST", f"/allocation-rounds/{ROUND_ID}/eois")] = (422, {
        "status": 422, "title": "Unprocessable Entity", "errors": {
            "statement": ["Field may not be null."],
            "proposed_value_pence": ["Must be greater than or equal to 0 and less than or equal to 100000000000."]}})
    member = logged_in("member")
    token = csrf_token_from(member.get("/allocation/mine").get_data(as_text=True))
    typed = {"csrf_token": token, "form": f"eoi-{ROUND_ID}", "statement": "Three hubs, five days a week.",
             "proposed_value": "about 140k"}
    page = _refused_and_shown(member, f"/allocation/mine/{ROUND_ID}/eoi", typed, f"#round-{ROUND_ID}",
                              "/allocation/mine")
    assert _field_message(page, f"value-{ROUND_ID}") == "Enter the proposed value in pounds, like 140,000 or 140,000.00"
    assert "Three hubs, five days a week." in page and 'value="about 140k"' in page
    assert not [c for c in fake_services.calls if c["method"] == "POST"]

    member.post(f"/allocation/mine/{ROUND_ID}/eoi", data=typed | {"statement": "", "proposed_value": "2,000,000,000"})
    assert fake_services.last_call("contracts", "POST", f"/allocation-rounds/{ROUND_ID}/eois")["json"] == {
        "statement": None, "proposed_value_pence": 200_000_000_000}
    page = member.get("/allocation/mine").get_data(as_text=True)
    assert _field_message(page, f"statement-{ROUND_ID}") == "Enter your expression of interest"
    assert _field_message(page, f"value-{ROUND_ID}") == "The proposed value must be between £0.00 and £1,000,000,000.00"
    assert (f"#statement-{ROUND_ID}", "Enter your expression of interest") in _summary(page)
    assert "may not be null" not in page and 'value="2,000,000,000"' in page


def test_issue_14_item_3_a_chosen_provider_request_a_declaration_and_an_assessment_refused_say_so_beside_each_box(
        logged_in, fake_services):
    """The round page's other forms: asking the Partners Group for a chosen provider (C1), recording a member's
    declaration (C2) and assessing the chosen provider (C6) each say what to fix beside the box, and come back open
    and as typed, in their own form only."""
    path = _round_answered(fake_services, _round(
        "declarations", chosen_provider_candidates=[{"id": MEMBER["id"], "name": MEMBER["name"]}]))
    fake_services.contracts_answers[("POST", f"{path}/chosen-provider")] = (422, {
        "status": 422, "title": "Unprocessable Entity", "errors": {"reason": ["Field may not be null."]}})
    fake_services.contracts_answers[("POST", f"{path}/declarations")] = (422, {
        "status": 422, "title": "Unprocessable Entity",
        "errors": {"organisation_id": ["Name the organisation that declares."]}})
    here = f"/allocation/rounds/{ROUND_ID}"
    manager, token = _signed_in_manager(logged_in, here)
    manager.post(f"{here}/chosen-provider", data={"csrf_token": token, "form": "chosen-provider",
                                                  "organisation_id": MEMBER["id"], "reason": ""})
    assert fake_services.last_call("contracts", "POST", f"{path}/chosen-provider")["json"]["reason"] is None
    page = manager.get(here).get_data(as_text=True)
    assert _field_message(page, "cp-reason") == "Enter why it is clearly the one credible provider"
    assert re.search(r'<details class="govuk-details" open>\s*<summary[^>]*><span[^>]*>Ask the Partners Group', page)
    assert re.search(rf'<option value="{MEMBER["id"]}" selected>', page.split('id="cp-org"')[1])

    manager.post(f"{here}/declaration", data={"csrf_token": token, "form": "declaration", "organisation_id": "",
                                              "detail": "Runs the youth club next door"})
    page = manager.get(here).get_data(as_text=True)
    assert _field_message(page, "decl-org") == "Name the organisation that declares."
    assert re.search(r'id="decl-detail" name="detail" type="text" value="Runs the youth club next door"', page)

    fake_services.contracts_answers[("GET", path)] = (200, _round(
        "declarations", route="chosen_provider") | {"round": _round("declarations")["round"] | {
            "route": "chosen_provider", "chosen_provider_name": "Northfield Advice"}})
    manager.post(f"{here}/assessment", data={"csrf_token": token, "form": "assessment", "note": "Visited the hubs"})
    page = manager.get(here).get_data(as_text=True)
    assert _field_message(page, "meets") == "Select whether the chosen provider meets the specification"
    assert ("#meets", "Select whether the chosen provider meets the specification") in _summary(page)
    assert "Visited the hubs" in page
    assert not [c for c in fake_services.calls if c["path"].endswith("/assessment")]


def _submitted_return(fake_services) -> str:
    """A new submitted return's id, its page answered by contracts."""
    return_id = str(uuid.uuid4())
    detail = {"performance_return": {"id": return_id, "status": "submitted", "late": False,
                                     "submitted_at": "2030-07-10T11:00:00+00:00", "review_comment": None},
              "period": PERIODS[0]["period"], "subcontract_id": SUBCONTRACT_ID, "organisation_name": MEMBER["name"],
              "contract_id": CONTRACT_ID, "contract_title": "Community wellbeing hubs", "lines": [], "overall": None,
              "evidence": [], "history": [], "imported": False}
    fake_services.contracts_answers[("GET", f"/returns/{return_id}")] = (200, detail)
    return return_id


def test_issue_14_item_3_a_returns_review_refused_says_so_beside_the_decision_and_keeps_the_comment(
        logged_in, fake_services):
    """Reviewing a return posts and goes back to the return's page: no decision is the gateway's own refusal
    beside the radios; contracts' refusal of the comment is said beside it; the comment comes back as typed."""
    return_id = _submitted_return(fake_services)
    fake_services.contracts_answers[("POST", f"/returns/{return_id}/review")] = (422, {
        "status": 422, "title": "Unprocessable Entity", "errors": {"comment": ["Longer than maximum length 5000."]}})
    here = f"/contracts/returns/{return_id}"
    manager, token = _signed_in_manager(logged_in, here)
    manager.post(f"{here}/review", data={"csrf_token": token, "comment": "Is the waiting time right?"})
    page = manager.get(here).get_data(as_text=True)
    assert _field_message(page, "decision") == "Select whether to accept or query the return"
    assert ("#decision", "Select whether to accept or query the return") in _summary(page)
    assert "Is the waiting time right?</textarea>" in page
    assert not [c for c in fake_services.calls if c["method"] == "POST"]
    manager.post(f"{here}/review", data={"csrf_token": token, "decision": "query", "comment": "Why?"})
    page = manager.get(here).get_data(as_text=True)
    assert _field_message(page, "comment") == "The comment must be 5000 characters or fewer"
    assert re.search(r'value="query" checked', page) and "Why?</textarea>" in page


def test_issue_14_item_3_leaving_an_eoi_off_the_shortlist_without_a_reason_says_so_beside_its_box(
        logged_in, fake_services):
    """C4: an expression of interest left off the shortlist needs the reason; contracts' refusal is said beside
    that EOI's reason box, not on another's and not only for the whole page."""
    other = EOI | {"id": str(uuid.uuid4()), "organisation_name": "Riverside Food Bank"}
    path = _round_answered(fake_services, _round("scoring", criteria=[CRITERION], eois=[EOI, other]))
    fake_services.contracts_answers[("PUT", f"{path}/eois/{EOI['id']}/shortlist")] = (422, {
        "status": 422, "title": "Unprocessable Entity",
        "errors": {"reason": ["Say why the expression of interest is not shortlisted."]}})
    here = f"/allocation/rounds/{ROUND_ID}"
    manager, token = _signed_in_manager(logged_in, here)
    answer = manager.post(f"{here}/shortlist", data={"csrf_token": token, "eoi_id": EOI["id"], "shortlisted": "no",
                                                     "reason": "  "})
    assert answer.headers["Location"].endswith("#eois")
    page = manager.get(here).get_data(as_text=True)
    assert _field_message(page, f"reason-{EOI['id']}") == "Say why the expression of interest is not shortlisted."
    assert (f"#reason-{EOI['id']}", "Say why the expression of interest is not shortlisted.") in _summary(page)
    assert f'id="reason-{other["id"]}-error"' not in page


def test_issue_14_item_3_a_file_of_evidence_refused_is_said_beside_the_file_box(logged_in, fake_services):
    """A return's evidence upload goes back to the return's page: no file chosen, an empty file (the gateway's own
    refusals) and contracts' refusal of the file are each said beside the file box and in the error summary."""
    import io
    return_id = _submitted_return(fake_services)
    fake_services.contracts_answers[("POST", f"/returns/{return_id}/evidence")] = (422, {
        "status": 422, "title": "Unprocessable Entity",
        "errors": {"file": ["Evidence must be a PDF, an office document, a PNG or a JPEG."]}})
    here = f"/contracts/returns/{return_id}"
    manager, token = _signed_in_manager(logged_in, here)
    for sent, said in (({}, "Select a file of evidence to upload"),
                       ({"evidence": (io.BytesIO(b""), "empty.pdf")}, "The selected file is empty, so it was not sent"),
                       ({"evidence": (io.BytesIO(b"MZ"), "tool.exe")},
                        "Evidence must be a PDF, an office document, a PNG or a JPEG.")):
        answer = manager.post(f"{here}/evidence", data={"csrf_token": token} | sent,
                              content_type="multipart/form-data")
        assert answer.headers["Location"].endswith("#evidence")
        page = manager.get(here).get_data(as_text=True)
        assert _field_message(page, "evidence-file") == said
        assert ("#evidence-file", said) in _summary(page)
