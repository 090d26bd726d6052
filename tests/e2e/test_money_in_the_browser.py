"""Money in the browser (F1, F2, F4, G11) on the real hub: a budget whose £7,500 virement waits for the Management
Board (decided through governance's own decisions page) and then the accountable body before it changes a figure,
while a £500 one is approved at once by the finance officer; income and the management fee from an award; payment
schedules from subcontracts paid in a run whose bank file carries the pence exactly; an attendance claim with a
travel receipt; a member user sees only their own organisation's payments."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import subprocess
import sys
import uuid

import pytest
from playwright.sync_api import expect

from hubkit import clock
from hubkit.testing import wait_for

from .journeys import Api, active_member, management_board, meeting_held_by, no_violations, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
YEAR = 2030  # a financial year no other journey budgets for


def _amounts(page) -> dict[str, int]:
    """Each budget line's figure in force, as the page states it in pence."""
    rows = page.locator("#lines tbody tr[data-line]")
    return {rows.nth(i).get_attribute("data-line"): int(rows.nth(i).locator("[data-amount]").get_attribute(
        "data-amount")) for i in range(rows.count())}


def _request_virement(page, amount: str, reason: str) -> str:
    page.get_by_label("Virement: move money").check()
    page.get_by_label("From line (for a virement)").select_option(label=f"{YEAR}-{(YEAR + 1) % 100}: E2 Events")
    page.get_by_label("To line (or the line varied)").select_option(label=f"{YEAR}-{(YEAR + 1) % 100}: E1 Outreach")
    page.get_by_label("Amount, in pounds").fill(amount)
    page.get_by_label("Reason").fill(reason)
    page.get_by_role("button", name="Request the change").click()
    expect(page.get_by_text("Variation requested.")).to_be_visible()
    return page.url.rstrip("/").rsplit("/", 1)[-1]


def test_f1_a_virement_over_the_threshold_waits_for_the_board_and_the_accountable_body(
        hub, browser, browser_context_args):
    gateway = hub.url("gateway")
    finance_api, board_api = Api(hub, "finance"), Api(hub, "board")
    finance = browser.new_context(**browser_context_args).new_page()
    sign_in(finance, hub, "finance")

    # A budget for the year, its lines set while a draft, then adopted.
    finance.goto(gateway + "/money/budgets")
    no_violations(finance)
    finance.get_by_label("Financial year starting in").fill(str(YEAR))
    finance.get_by_role("button", name="Start budget").click()
    expect(finance.get_by_text("Draft budget made")).to_be_visible()
    for code, title, amount in (("E1", "Outreach", "20,000"), ("E2", "Events", "15000.00")):
        finance.get_by_label("Code").fill(code)
        finance.get_by_label("Line", exact=True).fill(title)
        finance.get_by_label("Amount, in pounds").fill(amount)
        finance.get_by_role("button", name="Add line").click()
        expect(finance.get_by_text("Line added.")).to_be_visible()
    no_violations(finance)
    finance.get_by_role("button", name="Adopt budget").click()
    expect(finance.get_by_text("Budget adopted")).to_be_visible()
    budget_url = finance.url
    assert _amounts(finance) == {"E1": 2_000_000, "E2": 1_500_000}
    no_violations(finance)

    # £7,500 is over the £5,000 threshold: it waits for the Management Board, and no figure moves.
    reason = f"Move unspent events money to outreach {uuid.uuid4().hex[:6]}"
    over = _request_virement(finance, "7,500", reason)
    expect(finance.get_by_text("Pending: waiting for the Management Board").first).to_be_visible()
    expect(finance.get_by_role("button", name="Approve variation")).to_have_count(0)
    expect(finance.get_by_role("button", name="Ratify for the accountable body")).to_have_count(0)
    no_violations(finance)

    # £500 is within it: the finance officer approves it directly and it takes effect at once.
    finance.goto(budget_url)
    under = _request_virement(finance, "500", "Small top-up for leaflets")
    expect(finance.get_by_text("Pending: waiting for the finance officer").first).to_be_visible()
    finance.get_by_role("button", name="Approve variation").click()
    expect(finance.get_by_text("Variation approved: it takes effect now.")).to_be_visible()
    expect(finance.locator("[data-variation-status]")).to_have_attribute("data-variation-status", "approved")
    finance.goto(budget_url)
    assert _amounts(finance) == {"E1": 2_050_000, "E2": 1_450_000}  # the £500 only; the £7,500 is pending
    expect(finance.locator("tr[data-line='E1'] [data-pending]")).to_have_attribute("data-pending", "750000")
    expect(finance.get_by_text("Pending: waiting for the Management Board").first).to_be_visible()
    no_violations(finance)
    assert finance_api("GET", f"/finance/variations/{under}")["status"] == "approved"

    # The Management Board meets (quorate) and its chair or secretary records its decision on governance's own
    # decisions page, where finance's request arrived by event, naming the meeting: nobody approves it alone.
    asked = wait_for(lambda: next((r for r in board_api("GET", "/governance/decision-requests")
                                   if r["subject"] == f"variation/{over}"), None),
                     timeout=20, what="the variation reaching governance")
    assert "£7,500.00" in asked["title"] and asked["kind"] == "budget_variation"
    meeting = meeting_held_by(Api(hub, "manager"), "budget_variation")
    board = browser.new_context(**browser_context_args).new_page()
    sign_in(board, hub, "board")
    board.goto(gateway + "/decisions")
    no_violations(board)
    board.locator(f"#meeting-{asked['id']}").select_option(meeting["id"])
    board.get_by_role("button", name=re.compile("^Approve " + re.escape(asked["title"]))).click()
    expect(board.get_by_text("Decision recorded: approved.")).to_be_visible()

    # Agreed by the board, it still waits for the accountable body: nothing moves yet.
    wait_for(lambda: finance_api("GET", f"/finance/variations/{over}")["status"] == "awaiting_ratification",
             timeout=20, what="finance learning the board's decision")
    finance.goto(f"{gateway}/money/variations/{over}")
    expect(finance.get_by_text("Pending: waiting for ratification by the accountable body")).to_be_visible()
    expect(finance.get_by_text("Management board approved")).to_be_visible()
    expect(finance.get_by_role("button", name="Approve variation")).to_have_count(0)
    no_violations(finance)
    finance.goto(budget_url)
    assert _amounts(finance) == {"E1": 2_050_000, "E2": 1_450_000}

    # Ratified on behalf of the accountable body: now, and only now, the budget changes.
    finance.goto(f"{gateway}/money/variations/{over}")
    finance.get_by_role("button", name="Ratify for the accountable body").click()
    expect(finance.get_by_text("Ratified on behalf of the accountable body: the budget changes now.")).to_be_visible()
    expect(finance.locator("[data-variation-status]")).to_have_attribute("data-variation-status", "ratified")
    finance.goto(budget_url)
    assert _amounts(finance) == {"E1": 2_800_000, "E2": 700_000}
    expect(finance.get_by_role("heading", name="Variations pending")).to_be_visible()
    finance.goto(gateway + "/money/variations?status=pending")
    expect(finance.get_by_role("link", name=re.compile("£7,500.00"))).to_have_count(0)
    no_violations(finance)


def _subcontract(manager: Api, contract_id: str, organisation_id: str, amounts: list[int]) -> None:
    manager("POST", f"/contracts/contracts/{contract_id}/subcontracts", {
        "organisation_id": organisation_id, "value_pence": sum(amounts),
        "payment_schedule": [{"due_on": "2025-06-30", "amount_pence": a} for a in amounts]})


def test_f2_f4_g11_payments_and_a_claim_are_paid_in_a_run_whose_bank_file_is_exact_to_the_penny(
        hub, browser, browser_context_args):
    gateway = hub.url("gateway")
    manager_api, board_api, finance_api = Api(hub, "manager"), Api(hub, "board"), Api(hub, "finance")
    tag = uuid.uuid4().hex[:6]
    ours, theirs = f"Harehills Advice {tag}", f"Seacroft Together {tag}"
    ours_id = active_member(manager_api, board_api, ours)["id"]
    theirs_id = active_member(manager_api, board_api, theirs)["id"]
    subprocess.run([sys.executable, "-m", "gateway.manage", "set-organisation", "member", ours_id],
                   env=hub.env, check=True, stdout=subprocess.DEVNULL)

    # Contracts awards a contract and issues two subcontracts with payments by date, already due.
    title = f"Neighbourhood advice {tag}"
    contract = manager_api("POST", "/contracts/contracts", {
        "title": title, "commissioner_name": "Leeds City Council", "value_pence": 200_000_000,
        "management_fee_basis_points": 750, "starts_on": "2025-04-01", "ends_on": "2027-03-31",
        "income_schedule": [{"due_on": "2025-07-30", "amount_pence": 100_000_000},
                            {"due_on": "2026-07-30", "amount_pence": 100_000_000}]})["contract"]
    _subcontract(manager_api, contract["id"], ours_id, [123_457, 1])
    _subcontract(manager_api, contract["id"], theirs_id, [99_999_999])
    wait_for(lambda: {s["organisation_id"] for s in finance_api("GET", "/finance/payments/subcontracts")}
             >= {ours_id, theirs_id}, timeout=20, what="finance learning the subcontracts")

    # G11: a member of our organisation attends a meeting; finance makes the claim from governance's event.
    person = f"Asha Patel {tag}"
    body = management_board(manager_api)
    seat = manager_api("POST", f"/governance/bodies/{body['id']}/seats", {
        "role": "member", "person_name": person, "starts_on": "2025-01-01", "organisation_id": ours_id})
    starts = max(dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=10), clock.start_of_day(clock.today()))
    meeting = manager_api("POST", f"/governance/bodies/{body['id']}/meetings", {  # held: attendance is recorded after
        "starts_at": starts.isoformat(), "notice_given_on": (clock.today() - dt.timedelta(days=21)).isoformat()})
    manager_api("POST", f"/governance/meetings/{meeting['id']}/attendance", {"seat_id": seat["id"],
                                                                            "status": "present"})
    claim = wait_for(lambda: next((c for c in finance_api("GET", "/finance/claims") if c["person_name"] == person),
                                  None), timeout=20, what="finance making the attendance claim")
    assert claim["daily_rate_pence"] == 40_000

    # The member sees only their own organisation's payments and claims, and adds a travel cost with its receipt.
    member = browser.new_context(**browser_context_args).new_page()
    sign_in(member, hub, "member")
    member.goto(gateway + "/money/payments")
    expect(member.get_by_role("heading", name=ours)).to_be_visible()
    expect(member.get_by_text(theirs)).to_have_count(0)
    expect(member.get_by_text("£999,999.99")).to_have_count(0)
    no_violations(member)
    member.goto(gateway + "/money/claims")
    no_violations(member)
    member.get_by_role("link", name=re.compile("^" + re.escape(person))).click()
    member.get_by_label("Kind of travel").select_option("rail")
    member.get_by_label("Description").fill("Return train Leeds to York")
    member.get_by_label("Amount, in pounds").fill("12.34")
    member.get_by_label("Receipt (PDF, PNG or JPEG)").set_input_files(
        files=[{"name": "ticket.png", "mimeType": "image/png", "buffer": PNG}])
    member.get_by_role("button", name="Add travel cost").click()
    expect(member.get_by_text("Travel cost added with its receipt.")).to_be_visible()
    expect(member.locator("[data-total]")).to_have_attribute("data-total", "41234")
    expect(member.get_by_role("link", name="ticket.png")).to_be_visible()
    no_violations(member)

    # The finance officer sees the income and the fee top-slice, approves the claim and makes a payment run.
    finance = browser.new_context(**browser_context_args, accept_downloads=True).new_page()
    sign_in(finance, hub, "finance")
    wait_for(lambda: any(c["contract_id"] == contract["id"] for c in finance_api("GET", "/finance/income/contracts")),
             timeout=20, what="finance learning the award")
    finance.goto(gateway + "/money/income")
    expect(finance.get_by_role("heading", name=title)).to_be_visible()
    expect(finance.get_by_text("£150,000.00 (7.50% top-slice)")).to_be_visible()  # £2,000,000 x 7.5%
    no_violations(finance)
    finance.goto(f"{gateway}/money/claims/{claim['id']}")
    finance.get_by_role("button", name="Approve claim").click()
    expect(finance.get_by_text("Claim approved")).to_be_visible()

    finance.goto(gateway + "/money/payments")
    no_violations(finance)
    for box in finance.locator("input[name=instalment_ids], input[name=claim_ids]").all():
        box.uncheck()  # other journeys' payments may be released too: this run pays ours only
    for label in (f"{ours}: £1,234.57", f"{ours}: £0.01", f"{theirs}: £999,999.99", f"Claim: {person}"):
        finance.get_by_label(re.compile("^" + re.escape(label))).check()
    finance.get_by_role("button", name="Make a draft payment run").click()
    expect(finance.get_by_text("Draft payment run made.")).to_be_visible()
    total = 123_457 + 1 + 99_999_999 + 41_234
    expect(finance.locator("[data-total]")).to_have_attribute("data-total", str(total))
    no_violations(finance)
    finance.get_by_role("button", name="Approve payment run").click()
    expect(finance.get_by_text("Payment run approved")).to_be_visible()
    with finance.expect_download() as download:
        finance.get_by_role("link", name="Download the bank file (CSV)").click()
    text = open(download.value.path(), encoding="utf-8").read()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert sorted((r["Payee name"], r["Amount"]) for r in rows) == sorted([
        (ours, "1234.57"), (ours, "0.01"), (theirs, "999999.99"), (ours, "412.34")])
    assert sum(int(r["Amount"].replace(".", "")) for r in rows) == total  # F4: exact pence, no float anywhere
    with finance.expect_download() as download:
        finance.get_by_role("link", name="Download for Xero (bills CSV)").click()
    xero = list(csv.DictReader(io.StringIO(open(download.value.path(), encoding="utf-8").read())))
    assert sorted(r["*UnitAmount"] for r in xero) == ["0.01", "1234.57", "412.34", "999999.99"]
    with finance.expect_download() as download:
        finance.get_by_role("link", name="Download (XLSX)").click()
    assert open(download.value.path(), "rb").read(2) == b"PK"
    finance.get_by_role("button", name="Mark as paid by the bank").click()
    expect(finance.get_by_text("Payment run marked as paid.")).to_be_visible()
    for path in ("/money", "/money/payment-runs", "/money/exports", "/money/claims"):
        finance.goto(gateway + path)
        no_violations(finance)
    with finance.expect_download() as download:
        finance.goto(gateway + "/money/exports")
        finance.get_by_role("link", name=re.compile("^Download budgets, variations")).click()
    assert open(download.value.path(), "rb").read(2) == b"PK"

    # The member sees their payments paid, and still nothing of the other organisation's.
    member.goto(gateway + "/money/payments")
    expect(member.get_by_text("Paid", exact=True).first).to_be_visible()
    expect(member.get_by_text(theirs)).to_have_count(0)
    member.goto(gateway + "/money")
    no_violations(member)
