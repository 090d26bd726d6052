"""Headless Chromium: the host admin reaches the audit trail from System health, filters and pages it, with no
accessibility violations (including the pagination and the filters' error summary)."""
import json

import pytest
from playwright.sync_api import expect

from browser_checks import axe_violations
from gateway import accounts
from gateway.demo import DEMO_PASSWORD
from gateway_fake_services import ServedApp

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live_gateway(app):
    with ServedApp(app) as served:
        yield served.url


def no_violations(page):
    violations = axe_violations(page)
    assert violations == [], json.dumps(violations, indent=1)


def test_host_admin_filters_and_pages_the_audit_trail(page, live_gateway, gateway_db, throwaway_user, monkeypatch):
    monkeypatch.setattr("gateway.admin.audit.PER_PAGE", 2)
    username = throwaway_user()
    with gateway_db.session() as session:
        accounts.set_roles(session, username, {"board_member", "finance_officer"}, actor="cli:alex")
        accounts.deactivate_user(session, username, actor="cli:alex")

    page.goto(f"{live_gateway}/login")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="System health").click()
    page.get_by_role("link", name="the audit trail").click()
    expect(page.get_by_role("heading", name="Audit trail")).to_be_visible()
    no_violations(page)

    page.get_by_label("User").fill(username)
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_text("3 entries matching the filters, newest first (page 1 of 2)")).to_be_visible()
    expect(page.get_by_role("cell", name="User deactivated")).to_be_visible()
    no_violations(page)
    page.get_by_role("link", name="Next").click()
    expect(page.get_by_role("cell", name="User created")).to_be_visible()
    no_violations(page)

    page.get_by_label("User").fill("nobody-by-this-name")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("link", name="There is no user called nobody-by-this-name")).to_be_visible()
    no_violations(page)
