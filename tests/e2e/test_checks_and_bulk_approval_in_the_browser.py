"""Checks before sending and bulk approval in the browser (issue 14 item 7), on the real hub: a board member logs
a week, checks it on its own page and submits it; the finance officer ticks the weeks waiting and approves them
with one press, each through finance's own approval. Every page seen has zero axe violations and is no wider than
the viewport, at 1280 and at 375 px."""
from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
from playwright.sync_api import expect

from hubkit import clock

from .journeys import Api, at_each_width, page_is_usable, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


def _board_member_logs_time(hub) -> tuple[dict, str]:
    """The demo board member as consortium-employed staff (made once a hub), and their login's name."""
    finance = Api(hub, "finance")
    me = Api(hub, "board")("GET", "/finance/staff/whoami")
    name = f"Bea Board {uuid.uuid4().hex[:4]}"
    found = [s for s in finance("GET", "/finance/staff") if s.get("user_id") == me["user_id"]]
    if found:
        return found[0], found[0]["name"]
    staff = finance("POST", "/finance/staff", {"name": name, "employer_kind": "consortium", "user_id": me["user_id"]})
    finance("POST", f"/finance/staff/{staff['id']}/rates", {  # F3: time is approved at a full-cost rate
        "effective_from": f"{clock.today().year - 1}-01-01", "salary_pence": 3_000_000, "on_costs_percent": "20",
        "overhead_percent": "15", "productive_hours": "1650"})
    return staff, name


def test_a_week_is_checked_before_it_is_submitted_and_weeks_are_approved_in_bulk(hub, browser,
                                                                                 browser_context_args):
    gateway = hub.url("gateway")
    staff, name = _board_member_logs_time(hub)
    monday = clock.today() - dt.timedelta(days=clock.today().weekday() + 14)  # a fortnight ago: nothing closed
    board_api = Api(hub, "board")
    codes = {c["code"]: c["id"] for c in board_api("GET", "/finance/cost-codes")}
    earlier = monday - dt.timedelta(days=7)
    sheet = board_api("PUT", f"/finance/timesheets/staff/{staff['id']}/weeks/{earlier.isoformat()}", {"entries": [
        {"day": earlier.isoformat(), "cost_code_id": codes["hub-governance"], "minutes": 120}]})
    board_api("POST", f"/finance/timesheets/{sheet['id']}/submit")

    board = browser.new_context(**browser_context_args).new_page()
    sign_in(board, hub, "board")
    board.goto(f"{gateway}/time?week={monday.isoformat()}")
    bidding = board.locator("#code-0 option", has_text="hub-governance").get_attribute("value")
    board.get_by_label("Cost code for new row 1").select_option(bidding)
    board.get_by_label(re.compile("^Hours on Monday .* for new row 1$")).fill("3")
    board.get_by_label(re.compile("^Hours on Tuesday .* for new row 1$")).fill("1:30")
    board.get_by_role("button", name="Save and submit for approval").click()
    expect(board.get_by_role("heading", name="Check your week before you submit it")).to_be_visible()
    expect(board.get_by_text("4.5 hours")).to_be_visible()
    for _ in at_each_width(board):
        page_is_usable(board)
    board.get_by_role("button", name="Submit for approval").click()
    expect(board.get_by_text("Week submitted for approval.")).to_be_visible()

    finance = browser.new_context(**browser_context_args).new_page()
    sign_in(finance, hub, "finance")
    finance.goto(f"{gateway}/time/approvals?sort=newest")
    for _ in at_each_width(finance):
        page_is_usable(finance)
    for week in (monday, earlier):
        finance.get_by_label(re.compile(f"^Approve {name}, week starting {week.day} ")).check()
    finance.get_by_role("button", name="Approve the selected weeks").click()
    expect(finance.get_by_text("2 timesheets approved.")).to_be_visible()
    for _ in at_each_width(finance):
        page_is_usable(finance)
    mine = board_api("GET", f"/finance/timesheets/staff/{staff['id']}/weeks/{monday.isoformat()}")
    assert mine["status"] == "approved"
