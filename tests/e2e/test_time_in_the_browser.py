"""Shared-staff time in the browser (H4, F3, F4): a rate, a month of time, approval, the host's recharge invoice
(PDF) and the subsidy falling to zero, on the real hub."""
from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
from browser_checks import axe_violations
from playwright.sync_api import expect

from hubkit import clock
from hubkit.testing import wait_for

from governance import client as governance_client

from .journeys import Api, fill_date, governance_send, partners, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


def outsource_the_hub_to(manager: Api, officer: Api, host_id: str) -> None:
    """H1: the Management Board decides, by a hub-model motion at a quorate meeting it has held, to outsource the
    hub to the host; its chair or secretary (the demo board member) records the show of hands; the change cites
    that decision."""
    send = governance_send(manager)
    board = governance_client.seat_officer(send, governance_client.deciding_body(send, "budget_variation"), "board",
                                           "Bo Board")
    board = governance_client.seat_members(send, board, partners(manager))
    meeting = governance_client.hold_meeting(send, board, "Management Board: the hub model")
    present = [a["seat_id"] for a in manager("GET", f"/governance/meetings/{meeting['id']}")["attendance"]]
    item = manager("POST", f"/governance/meetings/{meeting['id']}/agenda-items", {
        "title": "Outsource the hub to the CVS", "kind": "business", "notified_on": None})["agenda"][-1]
    motion = manager("POST", f"/governance/meetings/{meeting['id']}/motions", {
        "agenda_item_id": item["id"], "text": "Outsource the hub to the CVS", "kind": "hub_model"})
    decision = officer("POST", f"/governance/meetings/{meeting['id']}/motions/{motion['id']}/votes", {
        "votes": [{"seat_id": seat_id, "vote": "for"} for seat_id in present]})
    governance_client.retrying(lambda: manager("POST", "/governance/hub/model", {  # once governance knows the host
        "model": "outsourced_to_member", "effective_from": "2026-01-01", "decision_id": decision["id"],
        "host_organisation_id": host_id}))


def working_weeks(today: dt.date) -> tuple[str, list[dt.date]]:
    """Last month, and the Mondays whose Monday to Friday all fall in it."""
    month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    mondays = [month + dt.timedelta(days=d) for d in range(31)
               if (month + dt.timedelta(days=d)).weekday() == 0
               and (month + dt.timedelta(days=d + 4)).month == month.month
               and (month + dt.timedelta(days=d)).month == month.month]
    return month.strftime("%Y-%m"), mondays


def test_h4_f3_f4_a_month_of_shared_staff_time_is_recharged_and_the_subsidy_falls_to_zero(
        hub, browser, browser_context_args):
    gateway = hub.url("gateway")
    manager_api = Api(hub, "manager")
    host_name = f"Riverside CVS {uuid.uuid4().hex[:4]}"
    host = manager_api("POST", "/membership/organisations", {"name": host_name, "legal_form": "cio"})
    finance_api = Api(hub, "finance")
    wait_for(lambda: any(o["id"] == host["id"] for o in finance_api("GET", "/finance/organisations")), timeout=20,
             what="finance learning of the host")
    outsource_the_hub_to(manager_api, Api(hub, "board"), host["id"])
    wait_for(lambda: finance_api("GET", "/finance/invoices/hub-model")["model"] == "outsourced_to_member",
             timeout=20, what="finance learning the hub model")
    month, mondays = working_weeks(clock.today())

    # The finance officer records the hub manager as host-employed shared staff and sets a full-cost rate (F3).
    finance = browser.new_context(**browser_context_args, accept_downloads=True).new_page()
    sign_in(finance, hub, "finance")
    finance.goto(gateway + "/time/staff")
    assert axe_violations(finance) == []
    finance.get_by_role("link", name="Add a staff member").click()
    assert axe_violations(finance) == []
    finance.get_by_label("Name").fill("Mo Manager")
    finance.get_by_label("Employed by").select_option("host")
    finance.get_by_label("Employing organisation").select_option(label=host_name)
    login = finance.locator("#user_id option", has_text="(manager)").get_attribute("value")
    finance.get_by_label("Their login").select_option(login)
    finance.get_by_role("button", name="Add staff member").click()
    expect(finance.get_by_text("Staff member added.")).to_be_visible()
    fill_date(finance, "effective_from", "2026-01-01")  # GOV.UK's date input (issue 14 item 4)
    finance.get_by_label("Salary a year, in pounds").fill("30000")
    finance.get_by_label("Employer on-costs (National").fill("20")
    finance.get_by_label("Overheads, as a percentage").fill("25")
    finance.get_by_label("Productive hours a year").fill("1500")
    finance.get_by_role("button", name="Set rate").click()
    expect(finance.get_by_text("Rate set.")).to_be_visible()
    expect(finance.get_by_role("cell", name="£30.00").first).to_be_visible()
    assert axe_violations(finance) == []

    # The manager logs the month in the grid: the first week by hand, the rest by copying last week.
    manager = browser.new_context(**browser_context_args).new_page()
    sign_in(manager, hub, "manager")
    for index, monday in enumerate(mondays):
        manager.goto(f"{gateway}/time?week={monday.isoformat()}")
        if index == 0:
            bidding = manager.locator("#code-0 option", has_text="hub-bidding").get_attribute("value")
            manager.get_by_label("Cost code for new row 1").select_option(bidding)
            for day in ("Monday", "Tuesday", "Wednesday", "Thursday"):
                manager.get_by_label(re.compile(f"^Hours on {day} .* for new row 1$")).fill("7.5")
            manager.get_by_label(re.compile("^Hours on Friday .* for new row 1$")).fill("7:30")
            assert axe_violations(manager) == []
        else:
            manager.get_by_role("button", name="Copy last week").click()
            expect(manager.get_by_text("Last week's codes and hours copied")).to_be_visible()
            expect(manager.locator("[data-week-total]")).to_have_text("37.5")  # worked out on the server
        manager.get_by_role("button", name="Save and submit for approval").click()
        expect(manager.get_by_role("heading", name="Check your week before you submit it")).to_be_visible()
        manager.get_by_role("button", name="Submit for approval").click()  # checked (issue 14 item 7)
        expect(manager.get_by_text("Week submitted for approval.")).to_be_visible()
        expect(manager.get_by_text("Submitted", exact=True)).to_be_visible()
    assert axe_violations(manager) == []

    # The finance officer approves each week.
    finance.goto(gateway + "/time/approvals")
    assert axe_violations(finance) == []
    for _ in mondays:
        finance.get_by_role("link", name=re.compile("^Mo Manager")).first.click()
        expect(finance.get_by_role("button", name=re.compile("^Approve"))).to_be_visible()
        assert axe_violations(finance) == []
        finance.get_by_role("button", name=re.compile("^Approve")).click()
        expect(finance.get_by_text("Timesheet approved.")).to_be_visible()
    expect(finance.get_by_text("No timesheets are waiting for you.")).to_be_visible()

    # Before recharging, the subsidy report shows the month as a subsidy not yet invoiced.
    finance.goto(f"{gateway}/time/subsidy?month={month}")
    hours = len(mondays) * 37.5
    expected_pence = int(hours * 3000)
    expect(finance.locator("[data-subsidy]")).to_have_attribute("data-subsidy", str(expected_pence))
    expect(finance.get_by_text("Not yet invoiced")).to_be_visible()
    assert axe_violations(finance) == []

    # The host's recharge invoice: draft, issue, PDF.
    finance.goto(gateway + "/time/invoices")
    assert axe_violations(finance) == []
    finance.get_by_label("Employer").select_option(label=host_name)
    fill_date(finance, "month", month, month_only=True)  # a month picker
    finance.get_by_role("button", name="Draft invoice").click()
    expect(finance.get_by_text("Draft invoice made.")).to_be_visible()
    net = f"£{expected_pence // 100:,}.00"
    expect(finance.get_by_role("cell", name=net).first).to_be_visible()
    assert axe_violations(finance) == []
    finance.get_by_role("button", name="Issue invoice").click()
    expect(finance.get_by_text("Invoice issued.")).to_be_visible()
    expect(finance.get_by_role("heading", name="Invoice INV-00001")).to_be_visible()
    with finance.expect_download() as download:
        finance.get_by_role("link", name="Download PDF").click()
    pdf = download.value
    assert pdf.suggested_filename == "INV-00001.pdf"
    assert open(pdf.path(), "rb").read(5) == b"%PDF-"
    with finance.expect_download() as download:
        finance.get_by_role("link", name="Download for Xero (CSV)").click()
    xero = open(download.value.path(), encoding="utf-8").read()
    assert xero.startswith("*ContactName,") and "INV-00001" in xero and "20% (VAT on Income)" in xero

    finance.goto(gateway + "/time/invoices")
    with finance.expect_download() as download:
        finance.get_by_role("link", name="Download issued invoices (XLSX)").click()
    assert open(download.value.path(), "rb").read(2) == b"PK"

    # The subsidy falls to zero for the month.
    finance.goto(f"{gateway}/time/subsidy?month={month}")
    expect(finance.locator("[data-subsidy]")).to_have_attribute("data-subsidy", "0")
    expect(finance.get_by_text("Fully recharged: no subsidy")).to_be_visible()
    assert axe_violations(finance) == []
    report = finance_api("GET", f"/finance/subsidy?month={month}")
    assert report[0]["recharged_pence"] == report[0]["logged_pence"] == expected_pence

    # The remaining pages: cost codes and closing a month.
    for path in ("/time/cost-codes", "/time/periods"):
        finance.goto(gateway + path)
        assert axe_violations(finance) == []
