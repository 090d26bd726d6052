"""Pages sized to their task (issue 14 item 8), over fake services: the directory without its registration form (a
page of its own), an organisation's one long page split into profile, capability, documents, history and membership
pages under one sub-navigation, and the payment schedules a page at a time (finance's limit and cursor)."""
import re
import uuid

import pytest

from gateway_helpers import csrf_token_from

SECTIONS = ("", "/capability", "/documents", "/history")


def _subnav(html: str) -> list[str]:
    nav = html[html.index('aria-label="The organisation&#39;s pages"'):]
    nav = nav[:nav.index("</nav>")]
    return re.findall(r">([A-Z][a-z ]+)</a>", nav)


# ---------------------------------------------------------------- the directory and registering

def test_the_directory_has_no_registration_form_and_links_to_its_own_page(logged_in, fake_services):
    fake_services.add_organisation("Able Advice", status="active")
    manager = logged_in("manager")
    directory = manager.get("/members").get_data(as_text=True)
    assert "Able Advice" in directory and 'href="/members/new"' in directory
    assert 'name="legal_form"' not in directory and 'method="post" action="/members"' not in directory
    form = manager.get("/members/new")
    html = form.get_data(as_text=True)
    assert form.status_code == 200 and "<title>Register an organisation" in html
    assert 'action="/members" novalidate' in html and 'name="legal_form"' in html and "Able Advice" not in html


@pytest.mark.parametrize("user", ["finance", "board"])
def test_only_the_consortium_manager_is_offered_the_registration_page(logged_in, user):
    client = logged_in(user)
    assert 'href="/members/new"' not in client.get("/members").get_data(as_text=True)
    assert client.get("/members/new").status_code == 403


def test_a_refused_registration_is_shown_on_the_registration_page_keeping_what_was_typed(logged_in, fake_services):
    fake_services.add_organisation("First Trust", charity_number="1234567")
    manager = logged_in("manager")
    token = csrf_token_from(manager.get("/members/new").get_data(as_text=True))
    response = manager.post("/members", data={"csrf_token": token, "name": "Second Trust", "legal_form": "charity",
                                              "charity_number": "1234567"})
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "<title>Error: Register an organisation" in html
    assert "govuk-error-summary" in html and 'value="Second Trust"' in html and "First Trust" not in html


# ---------------------------------------------------------------- an organisation's pages

def test_an_organisations_page_is_split_by_task_under_one_sub_navigation(logged_in, fake_services):
    organisation = fake_services.add_organisation(
        "Able Advice", status="active", capacity="Room for 200 more clients a year",
        past_contracts=[{"title": "Debt advice", "commissioner": "Leeds City Council", "value_pence": 100,
                         "year": 2025}])
    fake_services.history[organisation["id"]] = [{
        "from_status": "awaiting_decision", "to_status": "active", "reason": "Approved by the board",
        "effective_on": "2026-02-01", "actor": "manager", "decision_id": None,
        "recorded_at": "2026-02-01T10:00:00+00:00"}]
    manager = logged_in("manager")
    base = f"/members/{organisation['id']}"
    pages = {section: manager.get(base + section) for section in (*SECTIONS, "/membership")}
    assert {section: page.status_code for section, page in pages.items()} == dict.fromkeys(pages, 200)
    html = {section: page.get_data(as_text=True) for section, page in pages.items()}
    for section, page in html.items():  # each names the organisation and its status, then the same sub-navigation
        assert "<h1 class=\"govuk-heading-l\">Able Advice</h1>" in page and 'id="organisation-status"' in page
        assert _subnav(page) == ["Profile", "Capability", "Documents", "Due diligence", "History", "Membership"]
        assert f'href="{base}{section}" aria-current="page"' in page, section
    assert "<title>History – Able Advice" in html["/history"] and "<title>Able Advice" in html[""]
    # each part on its own page only
    only = {"": "Registered address", "/capability": "Add a past contract", "/documents": "No documents uploaded yet",
            "/history": "Approved by the board", "/membership": "Change the membership"}
    for section, text in only.items():
        assert [s for s, page in html.items() if text in page] == [section], text


def test_the_membership_actions_page_is_the_managers_only(logged_in, fake_services):
    organisation = fake_services.add_organisation("Able Advice", status="active")
    board = logged_in("board")
    profile = board.get(f"/members/{organisation['id']}").get_data(as_text=True)
    assert "Membership" not in _subnav(profile) and "History" in _subnav(profile)
    assert board.get(f"/members/{organisation['id']}/membership").status_code == 403


def test_a_refused_membership_change_is_shown_on_the_membership_page(logged_in, fake_services):
    organisation = fake_services.add_organisation("Able Advice", status="active")
    manager = logged_in("manager")
    token = csrf_token_from(manager.get(f"/members/{organisation['id']}/membership").get_data(as_text=True))
    response = manager.post(f"/members/{organisation['id']}/membership-changes", data={"csrf_token": token})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "<title>Error: Membership – Able Advice" in html
    assert 'href="#to_status"' in html and "Registered address" not in html


def test_member_staff_see_their_own_organisations_pages_and_no_one_elses(logged_in, fake_services,
                                                                         member_organisation_id):
    fake_services.organisations[str(member_organisation_id)] = {
        "id": str(member_organisation_id), "name": "Riverside Food Bank", "legal_form": "cio", "status": "active",
        "contacts": [], "quality_marks": [], "past_contracts": []}
    theirs = fake_services.add_organisation("Someone Else Trust", status="active")
    member = logged_in("member")
    for section in SECTIONS:
        assert member.get(f"/members/{member_organisation_id}{section}").status_code == 200, section
        assert member.get(f"/members/{theirs['id']}{section}").status_code == 404, section
    page = member.get(f"/members/{member_organisation_id}").get_data(as_text=True)
    assert "Membership" not in _subnav(page)
    assert member.get(f"/members/{member_organisation_id}/membership").status_code == 403


# ---------------------------------------------------------------- payment schedules, a page at a time

SCHEDULE = {"id": str(uuid.uuid4()), "subcontract_id": str(uuid.uuid4()), "contract_id": str(uuid.uuid4()),
            "organisation_id": str(uuid.uuid4()), "organisation_name": "Wharfedale Carers", "purpose": "delivery",
            "value_pence": 1_200_000, "starts_on": "2026-04-01", "ends_on": "2027-03-31", "last_variation_id": None,
            "scheduled_pence": 1_200_000, "paid_pence": 0, "held_pence": 0, "instalments": []}
RELEASED = {"id": str(uuid.uuid4()), "organisation_name": "Dales Transport", "amount_pence": 50_000,
            "due_on": "2026-05-01", "status": "released"}


def test_the_payments_page_pages_its_schedules_and_offers_every_released_payment(logged_in, fake_services):
    fake_services.finance_answers[("GET", "/payments/subcontracts")] = (
        200, [SCHEDULE], {"X-Next-Cursor": "NEXT", "X-Prev-Cursor": "PREV"})
    fake_services.finance_answers[("GET", "/payments/instalments")] = (200, [RELEASED])
    page = logged_in("finance").get("/money/payments?cursor=HERE")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    asked = fake_services.last_call("finance", "GET", "/payments/subcontracts")
    assert asked["query"] == {"limit": "10", "cursor": "HERE"}
    assert fake_services.last_call("finance", "GET", "/payments/instalments")["query"]["status"] == "released"
    assert "Payment schedule: Wharfedale Carers" in html
    assert 'href="/money/payments?cursor=NEXT"' in html and 'href="/money/payments?cursor=PREV"' in html
    assert "Dales Transport: £500.00 due 1 May 2026" in html  # released on another page, still in the run's form
