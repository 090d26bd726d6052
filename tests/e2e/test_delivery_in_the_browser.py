"""Contracts and performance as the manager and a member use them, in Chromium over every real service (P1):
a contract with two indicators and quarterly periods, a subcontract to the demo member's organisation (F2),
returns for two quarters with evidence, one accepted and one queried, the RAG dashboard (SVG heat map with the
RAG in words) and the commissioner's report with its PDF and XLSX; zero axe violations on every page."""
from __future__ import annotations

import re
import subprocess
import sys
import uuid

import pytest
from playwright.sync_api import expect

from .journeys import Api, active_member, fill_date, no_violations, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
PDF = b"%PDF-1.7\n% attendance register\n" + b"0" * 500


def test_p1_contract_subcontract_returns_dashboard_and_report_in_the_browser(hub, browser, browser_context_args):
    title = f"Community wellbeing hubs {uuid.uuid4().hex[:6]}"
    organisation = f"Northfield Advice {uuid.uuid4().hex[:6]}"
    organisation_id = active_member(Api(hub, "manager"), Api(hub, "board"), organisation)["id"]
    subprocess.run([sys.executable, "-m", "gateway.manage", "set-organisation", "member", organisation_id],
                   env=hub.env, check=True, stdout=subprocess.DEVNULL)

    manager = browser.new_context(**browser_context_args).new_page()
    sign_in(manager, hub, "manager")
    manager.goto(hub.url("gateway") + "/contracts")
    expect(manager.get_by_role("heading", name="Contracts and performance")).to_be_visible()
    no_violations(manager)
    manager.get_by_role("link", name="Record a contract").click()
    expect(manager.get_by_label("Title")).to_be_visible()
    no_violations(manager)
    manager.get_by_label("Title").fill(title)
    manager.get_by_label("Commissioner").fill("Leeds City Council")
    manager.get_by_label("Value in pounds").fill("450,000")
    manager.get_by_label("Hub's management fee, per cent").fill("8")
    fill_date(manager, "starts_on", "2025-04-01")  # GOV.UK's date input (issue 14 item 4)
    fill_date(manager, "ends_on", "2026-03-31")
    manager.get_by_label("Income schedule").fill("2025-07-30, 112500\n2025-10-30, 112500")
    manager.locator("#code-0").fill("O1")
    manager.locator("#name-0").fill("People helped")
    manager.locator("#code-1").fill("W1")
    manager.locator("#name-1").fill("Days waited for a first appointment")
    manager.locator("#kind-1").select_option("outcome")
    manager.locator("#unit-1").fill("days")
    manager.locator("#lower-1").check()
    manager.get_by_role("button", name="Record the contract").click()
    expect(manager.get_by_role("heading", name=title)).to_be_visible()
    expect(manager.get_by_text("Contract recorded.")).to_be_visible()
    for quarter in (1, 2, 3, 4):
        manager.locator(f"#target-O1-{quarter}").fill("100")
        manager.locator(f"#target-W1-{quarter}").fill("10")
    manager.get_by_role("button", name="Save targets").click()
    expect(manager.get_by_text("Targets saved.")).to_be_visible()
    expect(manager.locator("#target-O1-2")).to_have_value("100")
    no_violations(manager)

    manager.get_by_label("Member organisation").select_option(label=organisation)
    manager.get_by_label("Value in pounds").fill("200,000")
    manager.get_by_label("Share of O1 (People helped) each period").fill("50")
    manager.get_by_label("Share of W1 (Days waited for a first appointment) each period").fill("10")
    manager.get_by_label("Payment by results: pounds paid for each period's accepted return").fill("25000")
    manager.get_by_role("button", name="Issue the subcontract").click()
    expect(manager.get_by_text("Subcontract issued.")).to_be_visible()
    manager.get_by_role("link", name=organisation).click()
    expect(manager.get_by_role("heading", name=f"Subcontract: {organisation}")).to_be_visible()
    expect(manager.get_by_text("payment by results").first).to_be_visible()
    no_violations(manager)

    member = browser.new_context(**browser_context_args).new_page()
    sign_in(member, hub, "member")
    for quarter, people, days, narrative in ((1, "48", "9", "Opened the Harehills hub."),
                                            (2, "20", "30", "Staff sickness over the summer.")):
        member.goto(hub.url("gateway") + "/contracts/mine")
        expect(member.get_by_role("heading", name="My subcontracts and returns")).to_be_visible()
        if quarter == 1:
            no_violations(member)
        member.get_by_role("link", name=f"Submit the return for Q{quarter}").click()
        if quarter == 1:
            no_violations(member)
        member.get_by_label("O1: People helped (people)").fill(people)
        member.get_by_label("W1: Days waited for a first appointment (days)").fill(days)
        member.get_by_label("What happened in the period").fill(narrative)
        member.get_by_role("button", name="Continue").click()  # check your answers (issue 14 item 7)
        expect(member.get_by_role("heading", name=f"Check your return for Q{quarter}")).to_be_visible()
        expect(member.locator("#return-answers")).to_contain_text(narrative)
        if quarter == 1:
            no_violations(member)
        member.get_by_label("Evidence (optional").set_input_files(
            files=[{"name": "register.pdf", "mimeType": "application/pdf", "buffer": PDF}])
        member.get_by_role("button", name="Submit the return").click()
        expect(member.get_by_text("Return submitted.")).to_be_visible()
        expect(member.get_by_role("link", name="register.pdf")).to_be_visible()
    no_violations(member)

    manager.goto(hub.url("gateway") + "/contracts/returns")
    expect(manager.get_by_role("heading", name="Returns to review")).to_be_visible()
    no_violations(manager)
    for quarter, decision, comment in ((1, "Accept the return", "Thank you."),
                                       (2, "Query it", "Is the waiting time right?")):
        manager.goto(hub.url("gateway") + "/contracts/returns")
        manager.get_by_role("link", name=re.compile(f"{organisation}.*Q{quarter} ")).click()
        expect(manager.get_by_label(decision)).to_be_visible()  # the return's page, loaded
        if quarter == 1:
            no_violations(manager)
        manager.get_by_label(decision).check()
        manager.get_by_label("Comment (needed for a query)").fill(comment)
        manager.get_by_role("button", name="Record the review").click()
        expect(manager.locator("#return-status")).to_contain_text("Accepted" if quarter == 1 else "Queried")

    manager.goto(hub.url("gateway") + "/contracts")
    manager.get_by_role("link", name=title).click()
    manager.get_by_role("link", name="Performance dashboard").click()
    expect(manager.get_by_role("heading", name="Performance dashboard")).to_be_visible()
    chart = manager.locator("svg#heat-map")
    expect(chart).to_be_visible()
    expect(chart).to_contain_text("Green")
    expect(chart).to_contain_text("Red")
    table = manager.locator("#dashboard-table")
    expect(table).to_contain_text("48 of 50")
    expect(table).to_contain_text("Green")
    expect(table).to_contain_text("Red")
    expect(table).to_contain_text("Queried")
    no_violations(manager)

    manager.get_by_role("link", name=f"Back to {title}").click()
    manager.get_by_role("link", name="Commissioner report").click()
    expect(manager.get_by_role("heading", name="Commissioner report")).to_be_visible()
    expect(manager.locator("#report-table")).to_contain_text("No accepted return")
    expect(manager.get_by_text("Opened the Harehills hub.")).to_be_visible()
    no_violations(manager)
    pdf = manager.request.get(hub.url("gateway") + manager.get_by_role("link", name="PDF").get_attribute("href"))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf" and pdf.body()[:5] == b"%PDF-"
    xlsx = manager.request.get(hub.url("gateway") + manager.get_by_role("link", name="spreadsheet (XLSX)").get_attribute("href"))
    assert xlsx.status == 200 and xlsx.body()[:2] == b"PK"
    assert "spreadsheetml" in xlsx.headers["content-type"]
