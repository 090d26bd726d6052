"""The pipeline as a manager uses it, in Chromium over every real service: an opportunity from identified to won,
with the board's go/no-go decided in governance and reaching contracts by event; zero axe violations per page."""
from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
from playwright.sync_api import expect

from hubkit import clock
from hubkit.testing import wait_for

from .journeys import Api, active_member, fill_date, meeting_held_by, no_violations, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


def test_manager_takes_an_opportunity_from_identified_to_won_in_the_browser(hub, browser, browser_context_args):
    title = f"Community wellbeing hubs {uuid.uuid4().hex[:6]}"
    partner = f"Northfield Advice {uuid.uuid4().hex[:6]}"
    active_member(Api(hub, "manager"), Api(hub, "board"), partner)
    today = clock.today()

    manager = browser.new_context(**browser_context_args).new_page()
    sign_in(manager, hub, "manager")
    manager.goto(hub.url("gateway") + "/pipeline")
    expect(manager.get_by_role("heading", name="Pipeline and bids")).to_be_visible()
    no_violations(manager)
    manager.get_by_role("link", name="Add an opportunity").click()
    expect(manager.get_by_label("Title")).to_be_visible()
    no_violations(manager)
    manager.get_by_label("Title").fill(title)
    manager.get_by_label("Commissioner", exact=True).fill("Leeds City Council")
    manager.get_by_label("Type of commissioner").select_option("local_authority")
    manager.get_by_label("Estimated value, in pounds").fill("450,000")
    manager.get_by_label("Contract length, in months").fill("36")
    manager.get_by_label("Areas").fill("Leeds\nBradford")
    fill_date(manager, "clarification_deadline", today + dt.timedelta(days=30))
    fill_date(manager, "submission_deadline", today + dt.timedelta(days=5))
    manager.get_by_role("button", name="Add the opportunity").click()
    # The clarification deadline after the submission deadline is refused, naming the field.
    expect(manager.get_by_role("link", name=re.compile("clarification deadline cannot be after"))).to_be_visible()
    fill_date(manager, "clarification_deadline", today + dt.timedelta(days=2))
    manager.get_by_role("button", name="Add the opportunity").click()
    expect(manager.get_by_text(f"{title} is in the pipeline")).to_be_visible()
    expect(manager.get_by_role("heading", name=title)).to_be_visible()
    expect(manager.locator("#stage")).to_contain_text("Identified")
    expect(manager.locator("#next-deadline")).to_contain_text("Due in 2 days")
    no_violations(manager)

    manager.get_by_label("Move to qualifying").check()
    manager.get_by_role("button", name="Move the opportunity").click()
    expect(manager.locator("#stage")).to_contain_text("Qualifying")
    manager.get_by_role("button", name="Ask the board for a go/no-go decision").click()
    expect(manager.locator("#stage")).to_contain_text("Go/no-go requested")
    # Issue 12 item 1: the manager records no decision here; the page waits for the board and links to its request.
    expect(manager.locator("#waiting-for-the-board")).to_contain_text("Waiting for the board")
    expect(manager.get_by_role("button", name=re.compile("Record the decision"))).to_have_count(0)
    request_link = manager.get_by_role("link", name=re.compile("The decision request"))
    expect(request_link).to_have_attribute("href", re.compile(r"/decisions#request-[0-9a-f-]{36}$"))
    decisions_path, anchor = request_link.get_attribute("href").split("#")
    no_violations(manager)
    opportunity_url = manager.url

    # The Management Board decides at its meeting; its chair or secretary records that in governance, naming the
    # meeting; the decision reaches contracts by event.
    meeting = meeting_held_by(Api(hub, "manager"), "bid_go_no_go")
    board = browser.new_context(**browser_context_args).new_page()
    sign_in(board, hub, "board")
    wait_for(lambda: (board.goto(hub.url("gateway") + decisions_path), board.locator(f"#{anchor}").count() == 1)[1],
             timeout=15, what="the go/no-go request reaching governance")
    row = board.locator(f"#{anchor}")
    expect(row).to_contain_text(f"Go/no-go: {title}")
    row.locator("select").select_option(meeting["id"])
    row.get_by_role("button", name="Approve").click()
    expect(board.get_by_text("Decision recorded: approved")).to_be_visible()
    wait_for(lambda: (manager.reload(), "Go: the consortium bids" in manager.content())[1], timeout=15,
             what="the board's decision reaching contracts")
    expect(manager.locator("#stage")).to_contain_text("Bidding")

    manager.get_by_label("Bid lead (a person)").fill("Priya Shah")
    manager.get_by_role("button", name="Start the bid").click()
    expect(manager.get_by_text("The bid is started")).to_be_visible()
    expect(manager.get_by_role("heading", name=f"Bid: {title}")).to_be_visible()
    no_violations(manager)
    bid_url = manager.url

    manager.get_by_text("Add a task").click()
    manager.get_by_label("Task", exact=True).fill("Method statement")
    manager.get_by_label("Owner").fill("Priya Shah")
    fill_date(manager, "due_on", today + dt.timedelta(days=3))
    manager.get_by_role("button", name="Add the task").click()
    expect(manager.get_by_text("Task added")).to_be_visible()
    manager.get_by_role("button", name=re.compile("^Mark done")).click()
    expect(manager.get_by_text("Task marked done")).to_be_visible()

    manager.get_by_label("Total price, in pounds").fill("450000")
    manager.get_by_label("Hub's management fee, per cent").fill("8")
    manager.get_by_role("button", name="Save the pricing").click()
    expect(manager.get_by_text("Pricing saved")).to_be_visible()
    expect(manager.locator("#pricing + dl")).to_contain_text("£36,000.00")  # the fee, shown
    manager.get_by_label("Member organisation").select_option(label=partner)
    manager.get_by_label("Proposed share of the value, in pounds").fill("500000")
    manager.get_by_role("button", name="Add the partner").click()
    # More than the price less the fee is refused, naming the rule's limit.
    expect(manager.get_by_text(re.compile(r"exceed the price less the hub's management fee \(£414,000\)"))).to_be_visible()
    manager.get_by_label("Member organisation").select_option(label=partner)
    manager.get_by_label("Proposed share of the value, in pounds").fill("400000")
    manager.get_by_label("Outputs they will deliver").fill("300 people helped a year")
    manager.get_by_role("button", name="Add the partner").click()
    expect(manager.get_by_text("Partner added")).to_be_visible()
    expect(manager.get_by_role("cell", name=partner, exact=True)).to_be_visible()

    manager.get_by_label("What the document is").select_option("method_statement")
    manager.get_by_label("Upload a file").set_input_files(
        {"name": "method-statement.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.7\n% bid\n"})
    manager.get_by_role("button", name="Upload the document").click()
    expect(manager.get_by_text("method-statement.pdf is uploaded")).to_be_visible()
    no_violations(manager)

    # The board reads the bid but cannot change it.
    board.goto(bid_url)
    expect(board.get_by_role("cell", name=partner, exact=True)).to_be_visible()
    assert board.get_by_role("button", name="Submit the bid").count() == 0
    no_violations(board)

    manager.get_by_role("button", name="Submit the bid").click()
    expect(manager.get_by_text("The bid is submitted")).to_be_visible()
    manager.get_by_label("Won").check()
    manager.get_by_label("Criterion 1").fill("Quality")
    manager.get_by_label("Score 1", exact=True).fill("52")
    manager.get_by_label("Maximum score 1").fill("60")
    manager.get_by_label("The commissioner's feedback").fill("Strong local partnership.")
    manager.get_by_role("button", name="Record the outcome").click()
    expect(manager.get_by_text("Outcome recorded: won")).to_be_visible()
    expect(manager.get_by_role("cell", name="Quality")).to_be_visible()
    no_violations(manager)

    manager.goto(opportunity_url)
    expect(manager.locator("#stage")).to_contain_text("Won")
    manager.goto(hub.url("gateway") + "/pipeline")
    manager.get_by_label("Stage", exact=True).select_option("won")  # the list's stage filter (issue 14 item 7)
    manager.get_by_role("button", name="Show").click()
    expect(manager.get_by_label("Stage", exact=True)).to_have_value("won")
    expect(manager.get_by_role("link", name=title)).to_be_visible()
    no_violations(manager)
