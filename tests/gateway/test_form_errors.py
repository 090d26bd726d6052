"""One error pattern on every form (issue 14 item 3): a service's refusal is shown as GOV.UK's error summary, and on
the field's own message, in plain words; never a raw validator string, an enum's list or a rule's id alone."""
import html as html_text
import re
import uuid

from gateway_helpers import csrf_token_from

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


def _summary(page: str) -> list[tuple[str, str]]:
    """The error summary's (link target, words)."""
    found = re.search(r'<div class="govuk-error-summary".*?</ul>', page, re.S)
    assert found, "no error summary"
    return [(href, html_text.unescape(re.sub(r"<[^>]+>", "", words)).strip())
            for href, words in re.findall(r'<a href="([^"]*)"[^>]*>(.*?)</a>', found.group(0), re.S)]


def _field_message(page: str, field_id: str) -> str:
    found = re.search(rf'<p id="{field_id}-error" class="govuk-error-message">(.*?)</p>', page, re.S)
    assert found, f"no message on {field_id}"
    return html_text.unescape(re.sub(r"<[^>]+>", "", found.group(1))).replace("Error:", "").strip()


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
