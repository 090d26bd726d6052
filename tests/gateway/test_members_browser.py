"""Headless Chromium through the membership pages: directory -> organisation -> due diligence, each page with
no accessibility violations, and evidence provided through the form without JavaScript help."""
import datetime as dt
import json
import re

import pytest
from playwright.sync_api import expect

from browser_checks import axe_violations
from gateway.demo import DEMO_PASSWORD
from gateway_fake_services import ServedApp

from hubkit import clock

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live_gateway(app):
    with ServedApp(app) as served:
        yield served.url


def no_violations(page):
    violations = axe_violations(page)
    assert violations == [], json.dumps(violations, indent=1)


def test_m1_manager_walks_directory_organisation_and_due_diligence(page, live_gateway, fake_services):
    organisation = fake_services.add_organisation(
        "Able Advice Leeds", status="in_due_diligence", legal_form="cio", service_categories=["advice"],
        areas_served=["Leeds"], diversity=["rural"], eligible_for_new_work=False,
        contacts=[{"role": "main", "name": "Ann Able", "email": "ann@able.org", "phone": None}],
        quality_marks=[{"name": "Advice Quality Standard", "expires_on": "2027-03-31"}])
    fake_services.add_organisation("Brook Street Youth", status="active", service_categories=["youth"],
                                   areas_served=["Bradford"], eligible_for_new_work=True)
    fake_services.history[organisation["id"]] = [{
        "from_status": "applicant", "to_status": "in_due_diligence", "reason": "Application submitted",
        "effective_on": "2026-11-01", "actor": "manager", "decision_id": None,
        "recorded_at": "2026-11-01T10:00:00+00:00"}]
    fake_services.evidence[organisation["id"]] = {"governing_document": {"provided_on": "2026-11-02"}}
    fake_services.outstanding[organisation["id"]] = ["Governing document is not verified",
                                                     "Public liability insurance is missing"]

    page.goto(f"{live_gateway}/login")
    page.get_by_label("Username").fill("manager")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Member organisations", exact=True).click()

    expect(page.get_by_role("heading", name="Member organisations", exact=True)).to_be_visible()
    no_violations(page)
    page.get_by_role("button", name="Register an organisation").click()  # a link styled as a button
    expect(page.get_by_role("heading", name="Register an organisation")).to_be_visible()
    # the end-to-end journey (tests/e2e) finds the register form's fields by these words: each must be unique
    for label in ("Name", "Postcode", "Charitable incorporated organisation"):
        expect(page.get_by_label(label)).to_have_count(1)
    expect(page.get_by_role("button", name=re.compile("Register"))).to_have_count(1)
    no_violations(page)
    page.get_by_role("link", name="Back to member organisations").click()
    page.get_by_label("Status").select_option("in_due_diligence")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("row").filter(has_text="Able Advice Leeds")).to_contain_text("In due diligence")
    expect(page.get_by_role("link", name="Brook Street Youth")).to_have_count(0)
    no_violations(page)

    page.get_by_role("link", name="Able Advice Leeds").click()
    expect(page.get_by_role("heading", name="Able Advice Leeds")).to_be_visible()
    expect(page.get_by_text("Not eligible for new work")).to_be_visible()
    no_violations(page)
    page.get_by_role("navigation", name="The organisation's pages").get_by_role("link", name="History").click()
    expect(page.get_by_text("Application submitted")).to_be_visible()
    no_violations(page)

    page.get_by_role("button", name="Put the application to the board").click()
    expect(page.get_by_text("The application cannot go to the board yet")).to_be_visible()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Public liability insurance is missing")
    no_violations(page)

    section = page.locator("#item-public_liability")
    expect(section).to_contain_text("Missing")
    today = clock.today()
    section.get_by_label("Day").first.fill(str(today.day))  # the date provided: today
    section.get_by_label("Month").first.fill(str(today.month))
    section.get_by_label("Year").first.fill(str(today.year))
    section.get_by_label("Amount of cover").fill("5,000,000")
    section.get_by_role("button", name="Save the evidence").click()
    expect(page.locator("#item-public_liability")).to_contain_text("Expires on")  # refused: expiry needed
    expect(page.locator(".govuk-error-summary")).to_contain_text("needs an expiry date")
    no_violations(page)
    section = page.locator("#item-public_liability")
    next_year = today + dt.timedelta(days=365)
    section.get_by_label("Day").nth(1).fill(str(next_year.day))
    section.get_by_label("Month").nth(1).fill(str(next_year.month))
    section.get_by_label("Year").nth(1).fill(str(next_year.year))
    section.get_by_role("button", name="Save the evidence").click()
    expect(page.get_by_text("The evidence is recorded")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="Public liability insurance")).to_contain_text(
        "Provided, not verified")
    assert fake_services.evidence[organisation["id"]]["public_liability"]["cover_pence"] == 500_000_000

    page.locator("#item-governing_document").get_by_role("button", name="Verify").click()
    expect(page.get_by_role("row").filter(has_text="Governing document")).to_contain_text("Verified")
    no_violations(page)

    upload = page.locator("#upload")
    upload.get_by_label("What the document is").select_option("public_liability")
    upload.get_by_label("File").set_input_files(files=[{"name": "insurance.pdf", "mimeType": "application/pdf",
                                                        "buffer": b"%PDF-1.7\n" + b"0" * 6000}])
    upload.get_by_label("Use it as the evidence for its checklist item").uncheck()  # kept only, for now
    upload.get_by_role("button", name="Upload the document").click()
    expect(page.get_by_text("insurance.pdf is uploaded")).to_be_visible()
    expect(page.get_by_role("link", name="insurance.pdf")).to_be_visible()  # on the organisation's documents
    no_violations(page)
    page.goto(f"{live_gateway}/members/{organisation['id']}/due-diligence")  # offered to its checklist item
    expect(page.locator("#item-public_liability-offer")).to_contain_text("Filled in from insurance.pdf")
    no_violations(page)

    page.goto(f"{live_gateway}/members/{organisation['id']}/edit")
    expect(page.get_by_label("Full name").first).to_have_value("Ann Able")
    no_violations(page)
    page.get_by_label("Paid staff").fill("lots")
    page.get_by_role("button", name="Save the profile").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("whole number")
    no_violations(page)


def test_reports_and_capability_pages_have_no_accessibility_violations(page, live_gateway, fake_services):
    active = fake_services.add_organisation("Able Advice Leeds", status="active", service_categories=["advice"],
                                   areas_served=["Leeds"], eligible_for_new_work=True)
    fake_services.gaps = {"threshold": 2, "categories": [{"key": "youth", "label": "Youth work", "members": 0},
                                                          {"key": "advice", "label": "Advice and advocacy", "members": 3}],
                          "areas": [{"area": "Leeds", "members": 3}]}
    fake_services.diversity = {"active_members": 3,
                               "characteristics": [{"key": "rural", "label": "Rural", "count": 1, "share_percent": 33.3}],
                               "by_area": [{"area": "Leeds", "total": 3, "characteristics": {"rural": 1}}],
                               "over_time": [{"year": 2026, "active_members": 3, "characteristics": {"rural": 1}}]}
    page.goto(f"{live_gateway}/login")
    page.get_by_label("Username").fill("board")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Signed in as")).to_be_visible()
    page.goto(f"{live_gateway}/members/reports")
    expect(page.get_by_role("img", name="Active members by service category. Youth work: 0; Advice and advocacy: 3")) \
        .to_be_visible()
    no_violations(page)
    page.goto(f"{live_gateway}/members/capability")
    page.get_by_label("Service to be delivered").select_option("advice")
    page.get_by_label("Area", exact=True).fill("Leeds")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_role("link", name="Able Advice Leeds")).to_be_visible()
    no_violations(page)
    page.goto(f"{live_gateway}/members/expiring")
    no_violations(page)
    page.goto(f"{live_gateway}/login")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in to Consortium Hub")).to_be_visible()
    page.get_by_label("Username").fill("manager")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Signed in as")).to_be_visible()
    page.goto(f"{live_gateway}/members/checklist")
    page.get_by_role("button", name=re.compile(r"Make optional\W+Governing document")).click()
    expect(page.get_by_text("Governing document is now optional")).to_be_visible()
    no_violations(page)
    page.goto(f"{live_gateway}/members/{active['id']}/membership")
    page.get_by_label("Suspend").check()
    page.get_by_role("button", name="Record the change").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the date it takes effect")
    no_violations(page)
