"""Role home pages, member organisations and decisions, over a real upstream."""
import uuid

import pytest

from gateway_helpers import closed_port_url, csrf_token_from, gateway_environ
from gateway.app import create_app
from gateway.config import load_settings


@pytest.mark.parametrize("username, expected", [
    ("admin", "As host administrator"),
    ("manager", "As consortium manager"),
    ("finance", "As finance officer"),
    ("board", "As board member"),
    ("member", "Your organisation"),
])
def test_each_role_gets_its_own_home_page(logged_in, username, expected):
    html = logged_in(username).get("/").get_data(as_text=True)
    assert expected in html
    assert "Riverside Community Consortium" in html and "Sign out" in html


def test_navigation_shows_only_what_the_role_can_use(logged_in):
    board_html = logged_in("board").get("/").get_data(as_text=True)
    assert "/decisions" in board_html and "/admin/health" not in board_html


def test_member_user_home_shows_their_own_organisation(logged_in, fake_services, member_organisation_id):
    fake_services.organisations[str(member_organisation_id)] = {
        "id": str(member_organisation_id), "name": "Riverside Food Bank", "legal_form": "cio", "status": "active"}
    html = logged_in("member").get("/").get_data(as_text=True)
    assert "Riverside Food Bank" in html and "Charitable incorporated organisation" in html and "Active" in html


def test_member_user_cannot_see_the_register(logged_in):
    assert logged_in("member").get("/members").status_code == 403


def test_members_page_lists_organisations(logged_in, fake_services):
    fake_services.add_organisation("Oak Lane Youth Trust", status="active", legal_form="charitable_company")
    html = logged_in("finance").get("/members").get_data(as_text=True)
    assert "Oak Lane Youth Trust" in html and "Charitable company" in html
    assert "Register an organisation" not in html


def test_manager_registers_an_organisation(logged_in, fake_services):
    client = logged_in("manager")
    token = csrf_token_from(client.get("/members").get_data(as_text=True))
    response = client.post("/members", data={"csrf_token": token, "name": "Hillside Hub", "legal_form": "cic",
                                             "postcode": "RG1 1AA"})
    assert response.status_code == 302
    created = next(o for o in fake_services.organisations.values() if o["name"] == "Hillside Hub")
    assert created["postcode"] == "RG1 1AA" and created["charity_number"] is None
    assert "Hillside Hub is registered" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_registration_errors_from_membership_are_shown_by_field_keeping_what_was_typed(logged_in):
    client = logged_in("manager")
    token = csrf_token_from(client.get("/members").get_data(as_text=True))
    response = client.post("/members", data={"csrf_token": token, "name": "Typed Name",
                                             "postcode": "NOT A POSTCODE"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "govuk-error-summary" in html and 'href="#legal_form"' in html
    assert "Choose a legal form from the list." in html and "Enter a real postcode" in html
    assert 'value="Typed Name"' in html and 'value="NOT A POSTCODE"' in html


def test_issue_14_item_5_the_member_page_is_the_organisation_not_what_other_services_know(logged_in, fake_services):
    organisation = fake_services.add_organisation("Brook Street Advice")
    fake_services.contracts_members[organisation["id"]] = {
        "id": organisation["id"], "name": "Brook Street Advice", "status": "applicant", "updated_at": "2026-01-05"}
    html = logged_in("board").get(f"/members/{organisation['id']}").get_data(as_text=True)
    assert "Brook Street Advice" in html
    assert "Known to contracts" not in html and "Known to finance" not in html
    assert not [c for c in fake_services.calls if c["service"] in ("contracts", "finance")]  # nor asks them
    assert "Put the application to the board" not in html


def test_m1_manager_submits_a_draft_application(logged_in, fake_services):
    organisation = fake_services.add_organisation("Weir Lane Carers")
    client = logged_in("manager")
    page = client.get(f"/members/{organisation['id']}").get_data(as_text=True)
    assert "Submit the application" in page and "Put the application to the board" not in page
    response = client.post(f"/members/{organisation['id']}/application/submission",
                           data={"csrf_token": csrf_token_from(page)})
    assert response.status_code == 302
    assert fake_services.organisations[organisation["id"]]["status"] == "in_due_diligence"
    assert "Due diligence can start" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_manager_puts_an_application_to_the_board(logged_in, fake_services):
    organisation = fake_services.add_organisation("Canal Arts", status="in_due_diligence")
    client = logged_in("manager")
    page = client.get(f"/members/{organisation['id']}").get_data(as_text=True)
    assert "Put the application to the board" in page
    response = client.post(f"/members/{organisation['id']}/application", data={"csrf_token": csrf_token_from(page)})
    assert response.status_code == 302
    assert fake_services.organisations[organisation["id"]]["status"] == "awaiting_decision"
    assert "Awaiting decision" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_m1_the_board_records_a_decision_from_the_meeting_that_took_it(logged_in, fake_services):
    item = fake_services.add_decision_request("Membership application: Canal Arts", "organisation/1")
    held = {"id": str(uuid.uuid4()), "body_id": str(uuid.uuid4()), "body_name": "Partners Group",
            "title": "Partners Group meeting", "starts_at": "2020-03-04T18:00:00+00:00",
            "notice_given_on": "2020-02-01", "location": None}
    upcoming = held | {"id": str(uuid.uuid4()), "title": "Next quarter", "starts_at": "2999-01-01T18:00:00+00:00"}
    fake_services.governance_answers[("GET", "/meetings")] = (200, [held, upcoming])
    client = logged_in("board")
    page = client.get("/decisions").get_data(as_text=True)
    assert "Membership application: Canal Arts" in page and "Approve" in page and "Decided at" in page
    assert held["id"] in page and upcoming["id"] not in page  # only a meeting that has taken place decides
    token = csrf_token_from(page)
    refused = client.post(f"/decisions/{item['id']}/decision", data={"csrf_token": token, "outcome": "approved"})
    assert refused.status_code == 302 and fake_services.decision_requests[item["id"]].get("outcome") is None
    assert "Choose the meeting that took the decision" in client.get("/decisions").get_data(as_text=True)
    response = client.post(f"/decisions/{item['id']}/decision",
                           data={"csrf_token": token, "outcome": "approved", "meeting_id": held["id"]})
    assert response.status_code == 302
    decided = fake_services.decision_requests[item["id"]]
    assert decided["outcome"] == "approved" and decided["decided_at_meeting"] == held["id"]
    assert "Decision recorded: approved" in client.get("/decisions").get_data(as_text=True)


def test_m1_without_a_meeting_held_there_is_nothing_to_approve_by_hand(logged_in, fake_services):
    fake_services.add_decision_request("Membership application: Canal Arts", "organisation/1")
    fake_services.governance_answers[("GET", "/meetings")] = (200, [])
    page = logged_in("manager").get("/decisions").get_data(as_text=True)
    assert "Membership application: Canal Arts" in page and "Approve" not in page
    assert "once the meeting has taken place" in page


def test_finance_officer_cannot_see_decisions(logged_in):
    assert logged_in("finance").get("/decisions").status_code == 403


@pytest.fixture
def client_with_services_down(gateway_database_url, token_keys, demo_users):
    app = create_app(load_settings(gateway_environ(gateway_database_url, token_keys, closed_port_url())))
    return app.test_client()


def test_pages_say_clearly_when_a_service_is_down(client_with_services_down):
    from gateway_helpers import Browser

    Browser(client_with_services_down).login("manager")
    response = client_with_services_down.get("/members")
    assert response.status_code == 503
    assert "The membership service cannot be reached" in response.get_data(as_text=True)
    decisions = client_with_services_down.get("/decisions")
    assert decisions.status_code == 503 and "governance service cannot be reached" in decisions.get_data(as_text=True)


def test_times_from_services_are_shown_in_the_hubs_time_zone(app):
    from gateway.pages.common.dates import when

    with app.app_context():
        assert when("2026-07-01T14:05:00+00:00") == "1 July 2026 at 3:05pm"  # British Summer Time
        assert when("2026-12-01T09:30:00") == "1 December 2026 at 9:30am"  # naive means UTC
        assert when(None) == ""
