"""One error pattern on the people, account and notification forms (issue 14 item 3): GOV.UK's error summary and
each field's own message in plain words (never a role's code such as 'member_user', an id or a validator's
string), and the form shown again with what was typed, passwords and codes aside."""
from __future__ import annotations

import re
import uuid

import pytest

from gateway import accounts
from gateway.demo import DEMO_CONSORTIUM_ID
from gateway.domain.users import UserRuleBroken
from gateway.pages.people.forms import user_rule_errors
from gateway_helpers import error_summary as _summary, field_message as _field_message, THROWAWAY_PASSWORD, csrf_token_from




def _post(client, form_page: str, path: str, data: dict):
    token = csrf_token_from(client.get(form_page).get_data(as_text=True))
    return client.post(path, data=data | {"csrf_token": token})


def _checked(page: str, name: str) -> set[str]:
    return {value for value in re.findall(rf'<input[^>]*name="{name}"[^>]*value="([^"]+)"[^>]*checked', page)}


@pytest.mark.parametrize("problem, field, words", [
    ("Username pat is already taken", "username", "That username is already taken: choose another"),
    ("Username must be 2 to 64 lower-case letters, digits, dots, dashes or underscores", "username",
     "Enter a username of 2 to 64 lower-case letters, digits, dots, dashes or underscores"),
    ("A user needs at least one role", "roles", "Choose at least one role"),
    ("Unknown roles: wizard", "roles", "Choose roles from the list"),
    ("A member_user must belong to an organisation", "organisation_id",
     "Choose the organisation member organisation staff work for"),
    ("Only a member_user belongs to an organisation", "organisation_id",
     "Only member organisation staff belong to an organisation: leave it blank"),
    # a fixed id: every pytest-xdist worker must collect the same test names
    (f"No consortium with id {uuid.UUID(int=7)}", "_form", "This consortium no longer exists"),
])
def test_issue_14_item_3_the_account_rules_are_said_on_their_field_in_plain_words(problem, field, words):
    assert user_rule_errors(UserRuleBroken([problem])) == {field: [words]}
    assert user_rule_errors(UserRuleBroken([problem]), "roles") == {"roles": [words]}  # the one form on the page


def test_issue_14_item_3_a_refused_invitation_says_why_beside_the_field_and_keeps_what_was_typed(
        logged_in, gateway_db):
    taken = f"taken-{uuid.uuid4().hex[:8]}"
    with gateway_db.session() as session:
        accounts.create_user(session, username=taken, password=THROWAWAY_PASSWORD, consortium_id=DEMO_CONSORTIUM_ID,
                             roles={"board_member"}, actor="test:form-errors")
    manager = logged_in("manager")
    form = f"/consortia/{DEMO_CONSORTIUM_ID}/invite"
    refused = _post(manager, form, form, {"display_name": "Priya O'Neill", "email": "priya@example.org",
                                          "username": taken, "roles": ["board_member", "finance_officer"]})
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert _summary(page) == [("#username", "That username is already taken: choose another")]
    assert _field_message(page, "username") == "That username is already taken: choose another"
    assert f"Username {taken} is already taken" not in page
    assert re.search(r'id="display_name"[^>]*value="Priya O(&#39;|\')Neill"', page)
    assert re.search(r'id="email"[^>]*value="priya@example.org"', page)
    assert _checked(page, "roles") == {"board_member", "finance_officer"}

    none_ticked = _post(manager, form, form, {"display_name": "Priya", "email": "priya@example.org",
                                              "username": f"new-{uuid.uuid4().hex[:8]}"})
    assert none_ticked.status_code == 400
    assert _field_message(none_ticked.get_data(as_text=True), "roles") == "Choose at least one role"


def test_issue_14_item_3_a_refused_role_change_keeps_the_roles_ticked_with_the_reason_on_the_field(
        logged_in, gateway_db):
    username = f"person-{uuid.uuid4().hex[:8]}"
    with gateway_db.session() as session:
        person = accounts.create_user(session, username=username, password=THROWAWAY_PASSWORD,
                                      consortium_id=DEMO_CONSORTIUM_ID, roles={"board_member"},
                                      actor="test:form-errors", display_name="Sam Someone")
    manager = logged_in("manager")
    page = f"/consortia/{DEMO_CONSORTIUM_ID}/people/{person.id}"
    refused = _post(manager, page, page + "/roles", {"roles": ["finance_officer", "host_admin"]})
    assert refused.status_code == 403
    text = refused.get_data(as_text=True)
    assert _field_message(text, "roles") == "Only a host administrator can make someone a host administrator."
    assert _checked(text, "roles") == {"finance_officer"}  # as ticked (host admin is not offered to a manager)
    assert _checked(manager.get(page).get_data(as_text=True), "roles") == {"board_member"}  # nothing changed

    empty = _post(manager, page, page + "/roles", {})
    assert empty.status_code == 400 and _checked(empty.get_data(as_text=True), "roles") == set()
    assert _summary(empty.get_data(as_text=True)) == [("#roles", "Choose at least one role")]


def test_issue_14_item_3_a_refused_email_choice_names_its_kind_beside_it(logged_in):
    from gateway.notifications import domain

    client = logged_in("board")
    wanted = {kind: domain.IMMEDIATE for kind in domain.KINDS} | {domain.INVOICE_ISSUED: "hourly",
                                                                  domain.DECISION_REQUESTED: domain.DIGEST}
    refused = _post(client, "/notifications/choices", "/notifications/choices", wanted)
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    words = "Choose whether you are emailed when an invoice is issued for my organisation"
    assert _summary(page) == [(f"#{domain.INVOICE_ISSUED}", words)]
    assert _field_message(page, domain.INVOICE_ISSUED) == words
    assert re.search(rf'name="{domain.DECISION_REQUESTED}"[^>]*value="{domain.DIGEST}"[^>]*checked', page)


def test_issue_14_item_3_the_forgotten_password_form_keeps_the_address_typed_with_its_message(app):
    client = app.test_client()
    refused = _post(client, "/password/forgot", "/password/forgot", {"email": "not an address"})
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert _field_message(page, "email") == "Enter an email address in the correct format, like name@example.org"
    assert 'value="not an address"' in page
