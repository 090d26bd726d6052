"""The performance dashboard page (P1) over a fake contracts answering as the real one: one page of subcontracts
at a time from contracts' matrix (issue 16: the biggest contract's 60 subcontracts at once made a 1.4 MB page),
its overall-RAG filter and its GOV.UK Previous/Next links keeping the filter; refusals shown, not a broken page."""
import uuid

import pytest
from playwright.sync_api import expect

from browser_checks import axe_violations
from gateway.demo import DEMO_PASSWORD
from gateway_fake_services import ServedApp

CONTRACT_ID = str(uuid.uuid4())
MATRIX = f"/contracts/{CONTRACT_ID}/dashboard/matrix"
PERIODS = [{"id": str(uuid.uuid4()), "number": n, "label": f"Q{n} 2026", "starts_on": "2026-04-01",
            "ends_on": "2026-06-30", "return_due_on": "2026-07-15"} for n in (1, 2)]
INDICATORS = [{"id": str(uuid.uuid4()), "code": code, "name": name, "kind": "output", "unit": "people",
               "higher_is_better": True} for code, name in (("O1", "People helped"), ("W1", "Sessions run"))]
ROW = {"id": str(uuid.uuid4()), "organisation_id": str(uuid.uuid4()), "organisation_name": "Wharfedale Carers",
       "overall": "red",
       "by_period": [{"status": "accepted", "late": True, "return_id": str(uuid.uuid4()), "overall": "red"},
                     {"status": "overdue", "late": False, "return_id": None, "overall": None}],
       "rag": [["amber", None], ["red", None]], "target": [[50.0, 50.0], [10.0, 10.0]],
       "actual": [[48.0, None], [7.0, None]], "percent": [[96.0, None], [70.0, None]],
       "trends": ["not enough data", "worsening"]}
BODY = {"contract": {"id": CONTRACT_ID, "title": "Community wellbeing hubs", "reporting_frequency": "quarterly"},
        "thresholds": {"green_percent": 95, "amber_percent": 80}, "indicators": INDICATORS, "periods": PERIODS,
        "counts": {"all": 60, "green": 35, "amber": 12, "red": 13, "not_rated": 0}, "overall_filter": "red",
        "subcontracts": [ROW]}


def test_p1_the_dashboard_shows_one_page_of_subcontracts_with_its_filter_and_links(logged_in, fake_services):
    fake_services.contracts_answers[("GET", MATRIX)] = (200, BODY, {"X-Next-Cursor": "NEXT", "X-Prev-Cursor": "PREV"})
    page = logged_in("manager").get(f"/contracts/{CONTRACT_ID}/dashboard?overall=red&cursor=HERE")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    calls = [c for c in fake_services.calls if c["path"] == MATRIX]
    assert len(calls) == 1 and calls[0]["query"] == {"limit": "10", "overall": "red", "cursor": "HERE"}
    assert f'href="/contracts/{CONTRACT_ID}/dashboard?overall=red&amp;cursor=NEXT"' in html
    assert f'href="/contracts/{CONTRACT_ID}/dashboard?overall=red&amp;cursor=PREV"' in html
    assert '<option value="red" selected>Red (13)</option>' in html and "All (60)" in html
    assert "1 of the 13 red delivery subcontracts on this page" in html
    # the heat map: a row per indicator and the overall, RAG in words; the table's figures by period
    assert "Wharfedale Carers: O1" in html and "Wharfedale Carers: overall" in html and "Q1 Amber" in html
    assert "48 of 50 (96.0%)" in html and "7 of 10 (70.0%)" in html
    assert "Accepted (late)" in html and "Overdue: not received" in html
    assert "Wharfedale Carers: overall Red; O1 People helped not enough data, W1 Sessions run worsening" in html
    assert "O1 People helped: actual of target, RAG" in html  # issue 14 item 8: each indicator named in full


def test_the_dashboards_first_page_asks_for_every_rag_and_says_when_a_filter_matches_nothing(logged_in,
                                                                                             fake_services):
    fake_services.contracts_answers[("GET", MATRIX)] = (200, BODY | {"subcontracts": [], "overall_filter": None})
    board = logged_in("board")
    html = board.get(f"/contracts/{CONTRACT_ID}/dashboard").get_data(as_text=True)
    assert fake_services.last_call("contracts", "GET", MATRIX)["query"] == {"limit": "10"}
    assert "No delivery subcontracts yet." in html and "govuk-pagination" not in html
    html = board.get(f"/contracts/{CONTRACT_ID}/dashboard?overall=green").get_data(as_text=True)
    assert "No green delivery subcontracts." in html


def test_the_dashboard_says_why_it_cannot_show_a_page(logged_in, fake_services):
    manager = logged_in("manager")
    fake_services.contracts_answers[("GET", MATRIX)] = (422, {"title": "Unprocessable Content", "errors": {
        "cursor": ["Not a cursor this list gave out; start again without one."]}})
    refused = manager.get(f"/contracts/{CONTRACT_ID}/dashboard?cursor=junk")
    html = refused.get_data(as_text=True)
    assert "start again without one" in html and "Start again from the first page" in html
    del fake_services.contracts_answers[("GET", MATRIX)]  # the fake answers 404, as contracts does for no contract
    assert manager.get(f"/contracts/{CONTRACT_ID}/dashboard").status_code == 404


def test_the_dashboard_is_not_for_member_organisations_staff(logged_in, fake_services):
    fake_services.contracts_answers[("GET", MATRIX)] = (200, BODY)
    assert logged_in("member").get(f"/contracts/{CONTRACT_ID}/dashboard").status_code == 403
    assert not [c for c in fake_services.calls if c["path"] == MATRIX]


@pytest.fixture(scope="module")
def live_gateway(app):
    with ServedApp(app) as served:
        yield served.url


@pytest.mark.browser
def test_the_dashboards_filter_and_pages_work_in_a_browser_without_accessibility_violations(page, live_gateway,
                                                                                           fake_services):
    fake_services.contracts_answers[("GET", MATRIX)] = (200, BODY, {"X-Next-Cursor": "NEXT"})
    page.goto(f"{live_gateway}/login")
    page.get_by_label("Username").fill("manager")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Signed in as")).to_be_visible()
    page.goto(f"{live_gateway}/contracts/{CONTRACT_ID}/dashboard")
    expect(page.get_by_role("heading", name="Performance dashboard")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_label("Subcontracts whose overall RAG is").select_option("red")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#dashboard-table")).to_contain_text("48 of 50 (96.0%)")
    assert fake_services.last_call("contracts", "GET", MATRIX)["query"] == {"limit": "10", "overall": "red"}
    page.get_by_role("link", name="Next page").click()
    assert fake_services.last_call("contracts", "GET", MATRIX)["query"] == {"limit": "10", "overall": "red",
                                                                          "cursor": "NEXT"}
    assert axe_violations(page) == []
