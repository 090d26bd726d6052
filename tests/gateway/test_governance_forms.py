"""The governance forms as a person uses them (issue 14 item 3), over a fake governance: a refused form goes back to its
page with GOV.UK's error summary, each field's own message in plain words and what was typed put back, in that form
only; and the gateway, which keeps the hub's accounts, refuses a seat naming a username nobody signs in with."""
from __future__ import annotations

import html as html_text
import io
import re
import uuid

import pytest

from gateway import accounts
from gateway.domain.audit import DEMO_ACTOR
from gateway_helpers import error_summary as _summary, field_message as _field_message, csrf_token_from

BODY_ID, MEETING_ID, ITEM_ID, RESOLUTION_ID, SEAT_ID = (str(uuid.UUID(int=n)) for n in range(401, 406))
BODY = {"id": BODY_ID, "kind": "partners_group", "name": "Partners Group", "warnings": [],
        "rules": {"min_members": 6, "max_members": 12, "max_co_opted": 3, "quorum": 1},
        "seats": [{"id": SEAT_ID, "body_id": BODY_ID, "organisation_id": None, "person_name": "Asha Patel",
                   "role": "member", "deputy_for": None, "starts_on": "2026-01-01", "ends_on": None,
                   "lapsed_on": None, "account": None}]}




def _value(page: str, field_id: str) -> str | None:
    found = re.search(rf'<(input|textarea)[^>]*id="{re.escape(field_id)}"[^>]*>', page)
    assert found, f"no field {field_id}"
    if found.group(1) == "textarea":
        return html_text.unescape(page[found.end():page.index("</textarea>", found.end())])
    value = re.search(r'value="([^"]*)"', found.group(0))
    return html_text.unescape(value.group(1)) if value else None


def _selected(page: str, field_id: str) -> str | None:
    select = re.search(rf'<select[^>]*id="{re.escape(field_id)}".*?</select>', page, re.S)
    assert select, f"no select {field_id}"
    chosen = re.search(r'<option value="([^"]*)"[^>]*selected', select.group(0))
    return chosen.group(1) if chosen else None


@pytest.fixture
def governance(fake_services):
    answers = fake_services.governance_answers
    answers[("GET", f"/bodies/{BODY_ID}")] = (200, BODY)
    answers[("GET", f"/bodies/{BODY_ID}/meetings")] = (200, [])
    answers[("GET", f"/bodies/{BODY_ID}/written-resolutions")] = (200, [])
    return fake_services


def _seat_posts(fake) -> list[dict]:
    return [c for c in fake.calls if c["service"] == "governance" and c["method"] == "POST"
            and c["path"] == f"/bodies/{BODY_ID}/seats"]


def test_a_seat_naming_no_hub_user_is_refused_beside_the_username_and_nothing_is_sent(logged_in, governance):
    manager = logged_in("manager")
    page = manager.get(f"/governance/bodies/{BODY_ID}").get_data(as_text=True)
    answer = manager.post(f"/governance/bodies/{BODY_ID}/seats", data={
        "csrf_token": csrf_token_from(page), "form_name": "add-seat", "role": "member", "person_name": "Mo Mistyped",
        "account": "bord", "starts_on-day": "1", "starts_on-month": "2", "starts_on-year": "2027"})
    assert answer.status_code == 302 and answer.location.endswith("#add-seat")
    assert _seat_posts(governance) == []
    shown = manager.get(answer.location).get_data(as_text=True)
    assert ("#account", "There is no hub user with the username bord") in _summary(shown)
    assert _field_message(shown, "account") == "There is no hub user with the username bord"
    assert _value(shown, "person_name") == "Mo Mistyped" and _value(shown, "account") == "bord"
    assert re.search(r'name="starts_on-year"[^>]*value="2027"', shown)


def test_a_seat_names_an_active_hub_user_as_the_hub_keeps_the_username(logged_in, governance):
    manager = logged_in("manager")
    page = manager.get(f"/governance/bodies/{BODY_ID}").get_data(as_text=True)
    manager.post(f"/governance/bodies/{BODY_ID}/seats", data={
        "csrf_token": csrf_token_from(page), "role": "member", "person_name": "Mel Member", "account": " Member ",
        "starts_on-day": "1", "starts_on-month": "2", "starts_on-year": "2027"})
    [sent] = _seat_posts(governance)
    assert sent["json"]["account"] == "member" and sent["json"]["starts_on"] == "2027-02-01"


def test_a_seat_naming_a_deactivated_hub_user_is_refused(logged_in, governance, throwaway_user, gateway_db):
    gone = throwaway_user()
    with gateway_db.session() as session:
        accounts.deactivate_user(session, gone, actor=DEMO_ACTOR)
    manager = logged_in("manager")
    page = manager.get(f"/governance/bodies/{BODY_ID}").get_data(as_text=True)
    answer = manager.post(f"/governance/bodies/{BODY_ID}/seats", data={
        "csrf_token": csrf_token_from(page), "role": "member", "person_name": "Gone Away", "account": gone})
    assert _seat_posts(governance) == []
    assert "has been deactivated" in _field_message(manager.get(answer.location).get_data(as_text=True), "account")


def _meeting(you=None):
    return {"id": MEETING_ID, "body_id": BODY_ID, "body_name": "Partners Group", "title": "Partners Group, spring",
            "starts_at": "2020-01-01T18:00:00+00:00", "notice_given_on": "2019-12-01", "location": None,
            "minutes": None, "quorum": {"required": 1, "present": 1, "quorate": True}, "chairing": {}, "papers": [],
            "attendance": [], "actions": [], "you": you,
            "agenda": [{"id": ITEM_ID, "position": 1, "title": "Grant to Northfield", "kind": "business",
                        "notified_on": "2019-12-01", "decision_request_id": None, "papers": [], "declarations": [],
                        "motions": []}]}


def test_issue_14_item_3_circulating_a_written_resolution_keeps_what_was_typed_and_says_it_beside_each_field(
        logged_in, governance):
    governance.governance_answers[("POST", f"/bodies/{BODY_ID}/written-resolutions")] = (422, {
        "status": 422, "title": "Unprocessable Entity",
        "errors": {"text": ["Longer than maximum length 5000."], "deadline": ["Not a valid datetime."]}})
    manager = logged_in("manager")
    page = manager.get(f"/governance/bodies/{BODY_ID}").get_data(as_text=True)
    assert _value(page, "resolution-text") == "" and "None" not in page  # an empty box says nothing (item 5)
    answer = manager.post(f"/governance/bodies/{BODY_ID}/written-resolutions", data={
        "csrf_token": csrf_token_from(page), "form_name": "circulate", "text": "Adopt the revised terms of reference",
        "deadline_date-day": "31", "deadline_date-month": "2", "deadline_date-year": "2031", "deadline_time": "16:00"})
    shown = manager.get(answer.location).get_data(as_text=True)
    assert ("#resolution-text", "The resolution must be 5000 characters or fewer") in _summary(shown)
    assert _field_message(shown, "resolution-text") == "The resolution must be 5000 characters or fewer"
    assert ("#deadline_date-day", "The day answers are due by must be a real date") in _summary(shown)
    assert _value(shown, "deadline_time") == "16:00"
    assert _value(shown, "resolution-text") == "Adopt the revised terms of reference"
    assert re.search(r'name="deadline_date-day"[^>]*value="31"', shown)
    assert "Not a valid" not in shown and "maximum length" not in shown


def test_issue_14_item_3_adding_a_seat_says_what_to_fix_beside_each_field_and_keeps_the_form(logged_in, governance):
    governance.governance_answers[("POST", f"/bodies/{BODY_ID}/seats")] = (422, {
        "status": 422, "title": "Unprocessable Entity",
        "errors": {"person_name": ["Shorter than minimum length 1."], "role": ["Must be one of: chair, member."],
                   "ends_on": ["Not a valid date."]}})
    manager = logged_in("manager")
    page = manager.get(f"/governance/bodies/{BODY_ID}").get_data(as_text=True)
    answer = manager.post(f"/governance/bodies/{BODY_ID}/seats", data={
        "csrf_token": csrf_token_from(page), "form_name": "add-seat", "role": "co_opted", "person_name": " ",
        "deputy_for": SEAT_ID, "account": "", "ends_on-day": "30", "ends_on-month": "2", "ends_on-year": "2031"})
    shown = manager.get(answer.location).get_data(as_text=True)
    assert _field_message(shown, "person_name") == "Enter the person's name"
    assert _field_message(shown, "role") == "Select the seat's role"
    assert _field_message(shown, "ends_on") == "The day the term ends must be a real date"
    assert ("#ends_on-day", "The day the term ends must be a real date") in _summary(shown)
    assert _selected(shown, "role") == "co_opted" and _selected(shown, "deputy_for") == SEAT_ID
    assert "Must be one of" not in shown


def test_issue_14_item_3_a_declaration_refused_is_said_on_its_own_items_form_only(logged_in, governance):
    """The meeting page has a "declare my interest" form on each item, and the chair's form for others: a refusal
    goes back beside the box it is about, the typed interest kept there and nowhere else."""
    governance.governance_answers[("GET", f"/meetings/{MEETING_ID}")] = (200, _meeting(you={
        "seat_id": SEAT_ID, "person_name": "Bo Board", "role": "chair", "votes": True, "records_for_others": True}))
    governance.governance_answers[("POST", f"/meetings/{MEETING_ID}/my-declarations")] = (422, {
        "status": 422, "title": "Unprocessable Entity", "errors": {"interest": ["Longer than maximum length 500."]}})
    governance.governance_answers[("POST", f"/meetings/{MEETING_ID}/declarations")] = (422, {
        "status": 422, "title": "Unprocessable Entity", "errors": {"interest": ["Missing data for required field."],
                                                                  "seat_id": ["Not a valid UUID."]}})
    board = logged_in("board")
    page = board.get(f"/governance/meetings/{MEETING_ID}").get_data(as_text=True)
    answer = board.post(f"/governance/meetings/{MEETING_ID}/my-declarations", data={
        "csrf_token": csrf_token_from(page), "form_name": f"my-interest-{ITEM_ID}", "agenda_item_id": ITEM_ID,
        "interest": "Trustee of Northfield, " * 20})
    assert answer.location.endswith(f"#item-{ITEM_ID}")
    shown = board.get(answer.location).get_data(as_text=True)
    assert _field_message(shown, f"my-interest-{ITEM_ID}") == "Your interest must be 500 characters or fewer"
    assert _value(shown, f"my-interest-{ITEM_ID}").startswith("Trustee of Northfield")
    assert not _value(shown, "declare-interest")  # the chair's own form, another form: left as it was
    assert re.search(r'<details class="govuk-details[^"]*" open>', shown)  # the item's form is shown open

    answer = board.post(f"/governance/meetings/{MEETING_ID}/declarations", data={
        "csrf_token": csrf_token_from(page), "form_name": "declarations", "agenda_item_id": ITEM_ID,
        "seat_id": "", "interest": ""})
    shown = board.get(answer.location).get_data(as_text=True)
    assert _field_message(shown, "declare-interest") == "Enter the interest"
    assert _field_message(shown, "declare-seat") == "Select who declared it"


def test_issue_14_item_3_attaching_a_paper_says_what_is_wrong_with_the_file_and_keeps_the_title(logged_in,
                                                                                               governance):
    governance.governance_answers[("GET", f"/meetings/{MEETING_ID}")] = (200, _meeting())
    manager = logged_in("manager")
    page = manager.get(f"/governance/meetings/{MEETING_ID}").get_data(as_text=True)
    answer = manager.post(f"/governance/meetings/{MEETING_ID}/papers", data={
        "csrf_token": csrf_token_from(page), "form_name": "paper", "title": "Budget paper",
        "agenda_item_id": ITEM_ID}, content_type="multipart/form-data")
    assert answer.location.endswith("#papers")
    shown = manager.get(answer.location).get_data(as_text=True)
    assert ("#paper-file", "Choose a file to attach") in _summary(shown)
    assert _field_message(shown, "paper-file") == "Choose a file to attach"
    assert _value(shown, "paper-title") == "Budget paper" and _selected(shown, "paper-item") == ITEM_ID
    assert not governance.governance_uploads

    governance.governance_answers[("POST", f"/meetings/{MEETING_ID}/papers")] = (415, {
        "status": 415, "title": "Unsupported Media Type",
        "detail": "Attach a PDF, office document, PNG or JPEG: this file is none of them."})
    answer = manager.post(f"/governance/meetings/{MEETING_ID}/papers", data={
        "csrf_token": csrf_token_from(page), "form_name": "paper", "title": "Budget paper", "agenda_item_id": "",
        "file": (io.BytesIO(b"MZ\x90\x00"), "budget.exe")}, content_type="multipart/form-data")
    shown = manager.get(answer.location).get_data(as_text=True)
    assert _field_message(shown, "paper-file").startswith("Attach a PDF, office document, PNG or JPEG")
    assert _value(shown, "paper-title") == "Budget paper"
