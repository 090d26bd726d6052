"""Headless Chromium: sign in to the home page, and no accessibility violations on either page."""
import json

import pytest
from playwright.sync_api import expect

from gateway.demo import DEMO_PASSWORD
from browser_checks import axe_violations
from gateway_fake_services import ServedApp

pytestmark = pytest.mark.browser



@pytest.fixture(scope="module")
def live_gateway(app):
    with ServedApp(app) as served:
        yield served.url


def test_manager_signs_in_and_sees_their_home_with_no_accessibility_violations(page, live_gateway):
    page.goto(f"{live_gateway}/login")
    expect(page.get_by_role("heading", name="Sign in to Consortium Hub")).to_be_visible()
    assert axe_violations(page) == [], json.dumps(axe_violations(page), indent=1)

    page.get_by_label("Username").fill("manager")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name="Welcome, Morgan Manager")).to_be_visible()
    expect(page.get_by_text("As consortium manager")).to_be_visible()
    expect(page.get_by_role("link", name="Member organisations", exact=True)).to_be_visible()
    assert axe_violations(page) == []


def test_govuk_frontend_javascript_starts_under_our_csp(browser, live_gateway):
    context = browser.new_context()  # the real CSP applies here
    page = context.new_page()
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(f"{live_gateway}/login")
    expect(page.locator("body.govuk-frontend-supported")).to_have_count(1)
    assert errors == []
    context.close()
