"""Role home pages, member organisations and decisions, over a real upstream."""
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


def test_member_page_shows_what_contracts_and_finance_know(logged_in, fake_services):
    organisation = fake_services.add_organisation("Brook Street Advice")
    fake_services.contracts_members[organisation["id"]] = {
        "id": organisation["id"], "name": "Brook Street Advice", "status": "applicant", "updated_at": "2026-01-05"}
    html = logged_in("board").get(f"/members/{organisation['id']}").get_data(as_text=True)
    assert "Known to contracts" in html and "Yes: Brook Street Advice" in html
    assert "Known to finance" in html and "Not yet" in html
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


def test_board_member_approves_a_pending_decision(logged_in, fake_services):
    item = fake_services.add_decision_request("Membership application: Canal Arts", "organisation/1")
    client = logged_in("board")
    page = client.get("/decisions").get_data(as_text=True)
    assert "Membership application: Canal Arts" in page and "Approve" in page
    response = client.post(f"/decisions/{item['id']}/decision",
                           data={"csrf_token": csrf_token_from(page), "outcome": "approved"})
    assert response.status_code == 302
    assert fake_services.decision_requests[item["id"]]["outcome"] == "approved"
    assert "Decision recorded: approved" in client.get("/decisions").get_data(as_text=True)


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
    from gateway.ui.views import when

    with app.app_context():
        assert when("2026-07-01T14:05:00+00:00") == "1 July 2026 at 3:05pm"  # British Summer Time
        assert when("2026-12-01T09:30:00") == "1 December 2026 at 9:30am"  # naive means UTC
        assert when(None) == ""
