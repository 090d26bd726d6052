"""Shared-staff time pages over a fake finance: the approvals queue a page at a time (issue 16)."""
from __future__ import annotations

import uuid


def waiting_week(name: str) -> dict:
    return {"id": str(uuid.uuid4()), "staff_name": name, "week_starting": "2030-01-07", "total_minutes": 450,
            "chargeable_minutes": 300, "submitted_at": "2030-01-12T17:00:00+00:00"}


def test_the_approvals_queue_shows_one_page_at_a_time(logged_in, fake_services):
    """Thousands of weeks can wait at a month's start: the page reads the page its cursor names, not the whole queue."""
    fake_services.finance_answers[("GET", "/timesheets")] = (200, [waiting_week("Ada Lovelace")], {
        "X-Next-Cursor": "NEXT", "X-Prev-Cursor": "PREV"})
    page = logged_in("finance").get("/time/approvals?cursor=HERE").get_data(as_text=True)
    assert "Ada Lovelace" in page
    assert fake_services.last_call("finance", "GET", "/timesheets")["query"] == {"status": "submitted",
                                                                                 "cursor": "HERE"}
    assert len([c for c in fake_services.calls if c["path"] == "/timesheets"]) == 1  # the next page is not fetched
    assert 'href="/time/approvals?cursor=NEXT"' in page and 'href="/time/approvals?cursor=PREV"' in page


def test_an_approvals_queue_on_one_page_has_no_page_links(logged_in, fake_services):
    fake_services.finance_answers[("GET", "/timesheets")] = (200, [waiting_week("Grace Hopper")])
    page = logged_in("finance").get("/time/approvals").get_data(as_text=True)
    assert "Grace Hopper" in page and "cursor=" not in page


def person(name: str) -> dict:
    return {"id": str(uuid.uuid4()), "name": name, "employer_kind": "member", "organisation_id": str(uuid.uuid4()),
            "organisation_name": "Leeds CVS", "line_manager_id": None, "user_id": None, "current_rate_pence": 3000}


def _select(page: str, name: str) -> str:
    start = page.index(f'<select class="govuk-select" id="{name}"')
    return page[start:page.index("</select>", start)]


def test_the_staff_listing_shows_one_page_and_asks_for_no_one_else(logged_in, fake_services):
    """Over a thousand staff and 300 organisations: the listing makes one call, for the page its cursor names, and
    shows each row's employer by the name finance gives it; the add-a-person form, which needs every organisation
    and the consortium's logins, is a page of its own (issue 16: about 24 calls, then 300 organisations and every
    login, before)."""
    fake_services.finance_answers[("GET", "/staff")] = (200, [person("Ada Lovelace")], {
        "X-Next-Cursor": "NEXT", "X-Prev-Cursor": "PREV"})
    page = logged_in("finance").get("/time/staff?cursor=HERE").get_data(as_text=True)
    assert "Ada Lovelace" in page and "Leeds CVS" in page
    assert [(c["method"], c["path"], c["query"]) for c in fake_services.calls] == [("GET", "/staff",
                                                                                    {"cursor": "HERE"})]
    assert 'href="/time/staff?cursor=NEXT"' in page and 'href="/time/staff?cursor=PREV"' in page
    assert 'id="organisation_id"' not in page and 'id="user_id"' not in page
    assert 'href="/time/staff/new"' in page


def test_the_add_a_person_page_offers_organisations_and_logins_and_asks_for_no_staff(logged_in, fake_services,
                                                                                    demo_users):
    leeds = {"id": str(uuid.uuid4()), "name": "Leeds CVS"}
    fake_services.finance_answers[("GET", "/organisations")] = (200, [leeds])
    page = logged_in("finance").get("/time/staff/new").get_data(as_text=True)
    assert f'<option value="{leeds["id"]}">Leeds CVS</option>' in _select(page, "organisation_id")
    assert "(manager)</option>" in _select(page, "user_id")
    assert [c["path"] for c in fake_services.calls] == ["/organisations"]  # no staff until a manager is sought
    assert "Find the line manager by name above first." in page


def test_only_those_who_keep_the_money_add_staff(logged_in, fake_services):
    fake_services.finance_answers[("GET", "/staff")] = (200, [person("Ada Lovelace")])
    manager = logged_in("manager")
    assert "Ada Lovelace" in manager.get("/time/staff").get_data(as_text=True)
    assert 'href="/time/staff/new"' not in manager.get("/time/staff").get_data(as_text=True)
    assert manager.get("/time/staff/new").status_code == 403


def test_the_line_manager_is_chosen_from_the_people_whose_name_holds_what_was_typed(logged_in, fake_services):
    ada = person("Ada Lovelace")
    fake_services.finance_answers[("GET", "/staff")] = (200, [ada], {"X-Next-Cursor": "MORE"})
    browser = logged_in("finance")
    page = browser.get("/time/staff/new?manager_name=+love+").get_data(as_text=True)
    searched = [c["query"] for c in fake_services.calls if c["path"] == "/staff" and "name" in c["query"]]
    assert searched == [{"name": "love", "limit": "20"}]  # one page of matches, never followed
    assert f'<option value="{ada["id"]}">Ada Lovelace (Leeds CVS)</option>' in _select(page, "line_manager_id")
    assert 'value="love"' in page and "type more of it to find someone else" in page
    fake_services.finance_answers[("GET", "/staff")] = (200, [])
    page = browser.get("/time/staff/new?manager_name=zz").get_data(as_text=True)
    assert 'id="line_manager_id-hint">Nobody\'s name holds "zz": try another part of it.</div>' in page
