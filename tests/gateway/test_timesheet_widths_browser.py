"""The timesheet grid at two widths (issue 14 item 6, WCAG 1.4.10), over a fake finance: at 1280 px the whole week
shows, Sunday and the week's total inside the page; at 375 px it is a list, day by day, each hours box labelled with
its cost code, and the page no wider than the screen. Zero axe violations at both."""
import datetime as dt
import uuid

import pytest
from playwright.sync_api import expect

from browser_checks import axe_violations, horizontal_overflow
from gateway.demo import DEMO_PASSWORD
from gateway_fake_services import ServedApp
from hubkit import clock

pytestmark = pytest.mark.browser


def week_of(monday: dt.date) -> dict:
    days = [(monday + dt.timedelta(days=n)).isoformat() for n in range(7)]
    rows = [{"cost_code_id": str(uuid.uuid4()), "code": code, "title": title, "chargeable": True,
             "minutes": minutes, "total_minutes": sum(minutes)}
            for code, title, minutes in (("WH-1", "Wellbeing hubs delivery", [450, 450, 0, 240, 450, 0, 60]),
                                         ("ADM", "Consortium administration", [0, 0, 450, 210, 0, 0, 0]))]
    return {"id": None, "staff_id": str(uuid.uuid4()), "staff_name": "Mel Member", "week_starting": days[0],
            "status": "draft", "days": days, "rows": rows, "closed_days": [], "rejection_reason": None,
            "day_totals": [sum(r["minutes"][d] for r in rows) for d in range(7)],
            "total_minutes": sum(r["total_minutes"] for r in rows)}


@pytest.fixture(scope="module")
def live_gateway(app):
    with ServedApp(app) as served:
        yield served.url


def _box(locator) -> dict:
    return locator.bounding_box()


def test_the_timesheet_shows_the_whole_week_at_1280_and_a_day_by_day_list_at_375(page, live_gateway, fake_services):
    monday = clock.today() - dt.timedelta(days=clock.today().weekday())
    fake_services.finance_answers[("GET", "/timesheets/mine")] = (200, week_of(monday))
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_gateway}/login")
    page.get_by_label("Username").fill("member")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Signed in as")).to_be_visible()
    page.goto(f"{live_gateway}/time")
    grid = page.locator("#timesheet-grid")
    expect(grid).to_be_visible()

    # 1280: a grid, Monday to Sunday and the total inside its region without scrolling it
    region = _box(page.get_by_role("region", name="Hours by cost code and day"))
    sunday = _box(page.locator("#h-0-6"))
    total = _box(page.locator("[data-week-total]"))
    assert sunday["x"] + sunday["width"] <= region["x"] + region["width"]
    assert total["x"] + total["width"] <= region["x"] + region["width"]
    assert _box(page.locator("#h-0-0"))["y"] == sunday["y"]  # one row a cost code
    expect(page.locator("[data-week-total]")).to_have_text("38.5")
    assert horizontal_overflow(page) is None and axe_violations(page) == []

    # 375: a list, day by day: Monday's heading, its hours by cost code, its total, then Tuesday's...
    page.set_viewport_size({"width": 375, "height": 900})
    assert horizontal_overflow(page) is None
    y = lambda selector: _box(page.locator(selector))["y"]  # noqa: E731
    headings = page.locator("#timesheet-grid thead th.hub-grid__day-heading")
    assert [_box(headings.nth(d))["y"] for d in range(7)] == sorted(_box(headings.nth(d))["y"] for d in range(7))
    assert _box(headings.nth(0))["y"] < y("#h-0-0") < y("#h-1-0") < _box(headings.nth(1))["y"] < y("#h-0-1")
    assert _box(headings.nth(6))["y"] < y("#h-0-6") < y("#h-1-6") < y("[data-week-total]")
    label = page.locator("label[for='h-1-0']")
    expect(label).to_be_visible()
    expect(label).to_contain_text("ADM – Consortium administration")
    expect(page.get_by_label(f"Hours on Monday {monday.day}", exact=False).first).to_have_value("7.5")
    # typing still adds up, the day's and the week's totals
    page.locator("#h-1-5").fill("2")
    expect(page.locator("[data-day-total='5']")).to_have_text("2")
    expect(page.locator("[data-week-total]")).to_have_text("40.5")
    assert axe_violations(page) == []
