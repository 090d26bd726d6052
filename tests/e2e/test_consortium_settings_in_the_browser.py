"""The host admin's consortium settings (issue 13, item 1) in Chromium over every real service: the display name and
logo text its people see in the page header, and F1's variation threshold's owner, which finance keeps and enforces
(while the host admin owns it, the consortium's finance officer cannot move it). Zero axe violations, no sideways
scrolling, on each page the journey visits."""
from __future__ import annotations

import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import requests
from playwright.sync_api import expect

from gateway.demo import DEMO_PASSWORD

from .journeys import page_is_usable

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

ROOT = Path(__file__).resolve().parents[2]


def sign_in_as(page, hub, username: str, password: str) -> None:
    page.goto(hub.url("gateway") + "/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Signed in as")).to_be_visible()


def test_f1_the_host_admin_sets_a_consortiums_header_and_owns_its_variation_threshold(
        hub, browser, browser_context_args):
    suffix = uuid.uuid4().hex[:6]
    name, slug, officer, password = f"Hillside Consortium {suffix}", f"hillside-{suffix}", f"fo-{suffix}", \
        uuid.uuid4().hex

    def manage(*args, stdin=None):
        subprocess.run([sys.executable, "-m", "gateway.manage", *args], env=hub.env, cwd=ROOT, check=True,
                       input=stdin, text=True, capture_output=True)

    manage("create-consortium", "--name", name, "--slug", slug)
    manage("create-user", officer, "--consortium", slug, "--role", "finance_officer", "--password-stdin",
           stdin=password + "\n")

    admin = browser.new_context(**browser_context_args).new_page()
    sign_in_as(admin, hub, "admin", DEMO_PASSWORD)
    admin.goto(hub.url("gateway") + "/admin/consortia")
    admin.get_by_role("link", name=name).click()
    admin.get_by_role("link", name="Change its display name, logo text and who sets the variation threshold").click()
    expect(admin.get_by_role("heading", name="Settings")).to_be_visible()
    expect(admin.get_by_text("The threshold is £5,000.00 now")).to_be_visible()  # finance's default (the seed's)
    page_is_usable(admin)
    admin.get_by_role("radio", name=re.compile("The host administrator")).check()
    admin.get_by_label("Threshold, in pounds").fill("five thousand")
    admin.get_by_role("button", name="Save settings").click()
    expect(admin.get_by_role("link", name="Enter the threshold in pounds, like 5000 or 5,000.00")).to_be_visible()
    page_is_usable(admin)
    admin.get_by_label("Display name").fill("Hillside Together")
    admin.get_by_label("Logo text").fill("HVA Hub")
    admin.get_by_label("Threshold, in pounds").fill("2,500")
    admin.get_by_role("button", name="Save settings").click()
    expect(admin.get_by_text(f"The settings of {name} are saved")).to_be_visible()
    page_is_usable(admin)

    finance = browser.new_context(**browser_context_args).new_page()
    sign_in_as(finance, hub, officer, password)
    expect(finance.locator(".hub-logo")).to_have_text("HVA Hub")
    expect(finance.locator(".hub-logo__consortium")).to_have_text("Hillside Together")
    finance.goto(hub.url("gateway") + "/money")
    expect(finance.get_by_text("Variation threshold (F1): £2,500.00, set by the host administrator")).to_be_visible()
    page_is_usable(finance)

    # Finance enforces it whoever asks: the consortium's finance officer cannot move the host's threshold.
    token = requests.post(hub.url("gateway") + "/api/auth/token", json={"username": officer, "password": password},
                          timeout=10).json()["access_token"]
    api = hub.url("gateway") + "/api/finance/money/settings"
    headers = {"Authorization": f"Bearer {token}"}
    refused = requests.put(api, json={"variation_threshold_pence": 1_000_000}, headers=headers, timeout=10)
    assert refused.status_code == 403 and "host administrator" in refused.json()["detail"]
    kept = requests.get(api, headers=headers, timeout=10).json()
    assert kept["variation_threshold_owner"] == "host_admin" and kept["variation_threshold_pence"] == 250_000
