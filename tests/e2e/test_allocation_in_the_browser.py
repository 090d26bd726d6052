"""Fair allocation of work as the manager, a member and a board member use it, in Chromium over every real service
(C1-C7): membership's capability register reaches contracts by event, the manager opens a round, the member
declares and sends an expression of interest, the panel is refused with a declarer (C2) and confirmed, criteria are
fixed (C4), the board member scores their own sheet, the work is awarded and the report PDF downloads; zero axe
violations per page."""
from __future__ import annotations

import re
import subprocess
import sys
import uuid

import pytest
from playwright.sync_api import expect

from hubkit.testing import wait_for

from .journeys import Api, active_member, decided_by_the_body, no_violations, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


def capable_member(hub, name, area) -> str:
    """An active member whose register entry (M2) says it delivers mental health work in `area`, as contracts
    comes to know it by membership.capability.updated."""
    manager = Api(hub, "manager")
    org = active_member(manager, Api(hub, "board"), name)
    # Only once it is active: the register entry's event then carries the active status.
    manager("PATCH", f"/membership/organisations/{org['id']}", {"service_categories": ["mental_health"],
                                                                 "areas_served": [area]})
    wait_for(lambda: any(c["id"] == org["id"] and area in c["areas_served"]
                         for c in manager("GET", "/contracts/allocation/capabilities")),
             timeout=15, what="contracts knowing the member's capability")
    return org["id"]


def test_c1_c2_c3_c4_c7_a_conflict_free_round_from_invitation_to_award_in_the_browser(hub, browser,
                                                                                        browser_context_args):
    area = f"Leeds {uuid.uuid4().hex[:6]}"  # an area of its own, so other tests' members are not invited
    title = f"East Leeds wellbeing {uuid.uuid4().hex[:6]}"
    bidder = f"Northfield Advice {uuid.uuid4().hex[:6]}"
    rival = f"Eastside Youth {uuid.uuid4().hex[:6]}"
    lead = f"Leeds Mind {uuid.uuid4().hex[:6]}"
    bidder_id = capable_member(hub, bidder, area)
    capable_member(hub, rival, area)
    capable_member(hub, lead, area)
    subprocess.run([sys.executable, "-m", "gateway.manage", "set-organisation", "member", bidder_id],
                   env=hub.env, check=True, stdout=subprocess.DEVNULL)

    # The manager opens the round: the capable members are invited.
    manager = browser.new_context(**browser_context_args).new_page()
    sign_in(manager, hub, "manager")
    manager.goto(hub.url("gateway") + "/allocation")
    expect(manager.get_by_role("heading", name="Allocating work")).to_be_visible()
    no_violations(manager)
    manager.get_by_label("Title").fill(title)
    manager.get_by_label("Specification").fill("Weekly wellbeing drop-ins in east Leeds.")
    manager.get_by_label("Value, in pounds (optional)").fill("150,000")
    manager.get_by_label("Service categories").fill("mental_health")
    manager.get_by_label("Areas").fill(area)
    manager.get_by_role("button", name="Open the round and invite members").click()
    expect(manager.get_by_text("The round is open; capable members are invited.")).to_be_visible()
    expect(manager.get_by_role("heading", name=title)).to_be_visible()
    invited = manager.locator("#invitations + ul")
    for name in (bidder, rival, lead):
        expect(invited).to_contain_text(name)
    no_violations(manager)
    round_url = manager.url

    # The member declares its interest (C2) from its invitations.
    member = browser.new_context(**browser_context_args).new_page()
    sign_in(member, hub, "member")
    member.goto(hub.url("gateway") + "/allocation/mine")
    expect(member.get_by_role("heading", name=title)).to_be_visible()
    no_violations(member)
    member.get_by_role("button", name=f"Declare our interest in {title}").click()
    expect(member.get_by_text("Your interest is declared.")).to_be_visible()

    # C2: a person from the declaring organisation cannot sit on the panel; the refusal names the rule.
    manager.reload()
    expect(manager.locator("#declarations + [role=region] table")).to_contain_text(bidder)
    panel = manager.locator("form[action$='/panel']")
    panel.get_by_label("Name", exact=True).fill("Nia North")
    panel.get_by_label("Role on the panel").select_option("member")
    panel.get_by_label("Their organisation").select_option(label=bidder)
    panel.get_by_role("button", name="Propose for the panel").click()
    expect(manager.get_by_text(re.compile(r"Nia North is from .* which declared an interest.*\(rule C2\)"))).to_be_visible()

    board_login = manager.locator("#panel-user option", has_text="(board)").first.get_attribute("value")
    people = [("Lee Lead", "lead_member", lead, board_login), ("Sam Staff", "hub_staff", None, None)]
    for name, role, organisation, login in people:
        if not panel.get_by_label("Role on the panel").is_visible():  # the form folds away once someone is on
            manager.get_by_text("Propose a person for the panel").click()
        panel.get_by_label("Name", exact=True).fill(name)
        panel.get_by_label("Role on the panel").select_option(role)
        if organisation:
            panel.get_by_label("Their organisation").select_option(label=organisation)
        if login:
            panel.get_by_label("Their login, so they can score their own sheet (optional)").select_option(login)
        panel.get_by_role("button", name="Propose for the panel").click()
        expect(manager.get_by_text(f"{name} proposed for the panel.")).to_be_visible()
    # Two people and no servicing member: C3 and C7 feedback in words, and confirmation is refused.
    feedback = manager.locator("#panel-feedback")
    expect(feedback).to_contain_text("C3: a panel needs at least 3 people")
    expect(feedback).to_contain_text("C7")
    no_violations(manager)
    manager.get_by_role("button", name="Confirm the panel").click()
    expect(manager.get_by_text(re.compile("C3: a panel needs at least 3 people")).first).to_be_visible()

    manager.get_by_text("Propose a person for the panel").click()
    panel.get_by_label("Name", exact=True).fill("Dr Ray Expert")
    panel.get_by_label("Role on the panel").select_option("outside_expert")
    panel.get_by_label("Expertise").fill("Community mental health")
    panel.get_by_role("button", name="Propose for the panel").click()
    expect(manager.get_by_text("Dr Ray Expert proposed for the panel.")).to_be_visible()
    servicing = manager.locator("form[action$='/servicing']")
    servicing.get_by_label("Name", exact=True).fill("Jo Board")
    servicing.get_by_label("As", exact=True).select_option("management_board")
    servicing.get_by_role("button", name="Save who services it").click()
    expect(manager.get_by_text("Servicing member recorded (C7).")).to_be_visible()
    expect(manager.locator("#panel-state")).to_contain_text("can be confirmed")
    manager.get_by_role("button", name="Confirm the panel").click()
    expect(manager.get_by_text("The panel is confirmed; declarations closed.")).to_be_visible()

    # C4: criteria and weights, then expressions of interest open and the criteria are fixed.
    manager.get_by_label("Name", exact=True).nth(0).fill("Quality of the service")
    manager.get_by_label("Weight (%)").nth(0).fill("60")
    manager.get_by_label("Name", exact=True).nth(1).fill("Reach into communities")
    manager.get_by_label("Weight (%)").nth(1).fill("30")
    manager.get_by_role("button", name="Save the criteria").click()
    for where in (".govuk-error-summary", ".govuk-error-message"):  # in the summary and beside the criteria
        expect(manager.locator(where, has_text=re.compile("weights must add up to 100; they add up to 90"))
               ).to_be_visible()
    manager.get_by_label("Name", exact=True).nth(0).fill("Quality of the service")
    manager.get_by_label("Weight (%)").nth(0).fill("60")
    manager.get_by_label("Name", exact=True).nth(1).fill("Reach into communities")
    manager.get_by_label("Weight (%)").nth(1).fill("40")
    manager.get_by_role("button", name="Save the criteria").click()
    expect(manager.get_by_text("Criteria and weights saved.")).to_be_visible()
    manager.get_by_role("button", name="Open for expressions of interest").click()
    expect(manager.get_by_text("Open for expressions of interest; criteria and weights are now fixed (C4).")
           ).to_be_visible()
    expect(manager.locator("#criteria-locked")).to_contain_text("can no longer change (C4)")
    no_violations(manager)

    # The member sends its expression of interest.
    member.reload()
    member.get_by_label("Expression of interest").fill("We run three wellbeing hubs in east Leeds already.")
    member.get_by_label("Proposed value, in pounds (optional)").fill("140,000")
    member.get_by_role("button", name=f"Send our expression of interest for {title}").click()
    expect(member.get_by_text("Your expression of interest is in.")).to_be_visible()
    expect(member.locator("#my-eois + [role=region] table")).to_contain_text(title)
    no_violations(member)

    manager.goto(round_url)
    manager.get_by_role("button", name="Close to expressions of interest and score").click()
    expect(manager.get_by_text("Expressions of interest closed; the panel scores.")).to_be_visible()
    expect(manager.locator("#eois + [role=region] table")).to_contain_text("Shortlisted")  # every EOI until the panel says not
    no_violations(manager)

    # The board member on the panel scores their own sheet; a score outside the scale is refused.
    board = browser.new_context(**browser_context_args).new_page()
    sign_in(board, hub, "board")
    board.goto(hub.url("gateway") + "/allocation/panels")
    board.get_by_role("link", name=title).click()
    expect(board.get_by_role("heading", name="Scoring sheet: Lee Lead")).to_be_visible()
    no_violations(board)
    board.get_by_label(f"Score for {bidder} on Quality of the service").fill("11")
    board.get_by_label(f"Score for {bidder} on Reach into communities").fill("7")
    board.get_by_role("button", name="Save my scores").click()
    for where in (".govuk-error-summary", ".govuk-error-message"):  # in the summary and beside the score's box
        expect(board.locator(where, has_text=re.compile("11 is outside the scale"))).to_be_visible()
    expect(board.get_by_label(f"Score for {bidder} on Quality of the service")).to_have_value("11")  # as typed
    board.get_by_label(f"Score for {bidder} on Quality of the service").fill("8")
    board.get_by_label(f"Score for {bidder} on Reach into communities").fill("7")
    board.get_by_role("button", name="Save my scores").click()
    expect(board.get_by_text("Scores saved.")).to_be_visible()

    # The manager enters the other two sheets (from paper), then awards by weighted score.
    for person in ("Sam Staff", "Dr Ray Expert"):
        manager.goto(round_url)
        manager.get_by_role("link", name=re.compile(f"scored by {person}")).click()
        manager.get_by_label(f"Score for {bidder} on Quality of the service").fill("9")
        manager.get_by_label(f"Score for {bidder} on Reach into communities").fill("6")
        manager.get_by_role("button", name="Save my scores").click()
        expect(manager.get_by_text("Scores saved.")).to_be_visible()
    manager.goto(round_url)
    expect(manager.locator("#standings")).to_contain_text("77.33")  # 60 x 26/30 + 40 x 19/30, exactly
    manager.get_by_role("button", name="Award by weighted score").click()
    expect(manager.get_by_text("The work is awarded by weighted score.")).to_be_visible()
    expect(manager.get_by_role("heading", name=f"Awarded to {bidder}")).to_be_visible()
    no_violations(manager)

    # The report for the Management Board and Partners Group, as a page and a PDF.
    manager.get_by_role("link", name="Report for the Management Board and Partners Group").click()
    expect(manager.get_by_role("heading", name=f"Allocation report: {title}")).to_be_visible()
    expect(manager.get_by_role("cell", name="Dr Ray Expert").first).to_be_visible()
    no_violations(manager)
    with manager.expect_download() as download:
        manager.get_by_role("link", name="Download the report as a PDF").click()
    path = download.value.path()
    with open(path, "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    assert download.value.suggested_filename.startswith("allocation-report-")

    member.reload()
    expect(member.locator("#my-eois + [role=region] table")).to_contain_text("Awarded to you")

    # The board reads the round and its report but changes nothing.
    board.goto(round_url)
    expect(board.get_by_role("heading", name=f"Awarded to {bidder}")).to_be_visible()
    assert board.get_by_role("button", name="Award by weighted score").count() == 0
    assert board.get_by_role("button", name="Propose for the panel").count() == 0
    no_violations(board)


def test_c1_c6_the_partners_groups_chosen_provider_decision_travels_by_event_and_a_failed_provider_reverts(hub):
    area = f"Wakefield {uuid.uuid4().hex[:6]}"
    provider = f"Specialist Eating Disorders {uuid.uuid4().hex[:6]}"
    provider_id = capable_member(hub, provider, area)
    manager, board = Api(hub, "manager"), Api(hub, "board")
    rnd = manager("POST", "/contracts/allocation-rounds", {"title": f"Eating disorder support {area}",
                                                             "service_categories": ["mental_health"], "areas": [area]})
    rid = rnd["round"]["id"]
    manager("POST", f"/contracts/allocation-rounds/{rid}/chosen-provider", {
        "organisation_id": provider_id, "reason": "The only specialist provider in the district."})
    request = wait_for(lambda: next((r for r in board("GET", "/governance/decision-requests")
                                     if r["subject"] == f"allocation_round/{rid}" and r["status"] == "pending"), None),
                       timeout=15, what="the chosen-provider request reaching governance")
    assert request["kind"] == "chosen_provider"
    decided_by_the_body(manager, board, [request], note="Clearly one credible provider (C1).")  # the Partners Group
    decided = wait_for(lambda: (lambda r: r if r["route"] == "chosen_provider" else None)(
        manager("GET", f"/contracts/allocation-rounds/{rid}")["round"]), timeout=15,
        what="the Partners Group's decision reaching contracts")
    assert decided["chosen_provider_outcome"] == "approved"
    after = manager("POST", f"/contracts/allocation-rounds/{rid}/chosen-provider/assessment",
                    {"meets_specification": False, "note": "No clinical supervision in place."})
    assert after["round"]["route"] == "open" and after["round"]["status"] == "declarations"  # C6
