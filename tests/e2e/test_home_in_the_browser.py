"""Each role's home page in Chromium over the real services (issue 14 item 1): built from the four services'
summaries, at 1280 and 375 px with zero axe violations and no horizontal overflow (walk_pages); a count and an
item followed to the page that acts on them."""
from __future__ import annotations

import datetime as dt
import subprocess
import sys
import uuid

import pytest
from playwright.sync_api import expect

from hubkit import clock

from .journeys import Api, sign_in, walk_pages

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

PANELS = {
    "manager": ("Contracts, bids and allocation", "Decisions", "Members' evidence"),
    "member": ("Your returns and invitations", "Your time", "Your organisation's documents"),
    "finance": ("Time and money",),
    "board": ("Your meetings and votes",),
}


def organisation_with_evidence_expiring_today(hub) -> tuple[str, str]:
    """A registered organisation whose public liability insurance expires today, through the API."""
    manager = Api(hub, "manager")
    name = f"Home Page Trust {uuid.uuid4().hex[:6]}"
    org = manager("POST", "/membership/organisations", {"name": name, "legal_form": "cio"})
    manager("PUT", f"/membership/organisations/{org['id']}/due-diligence/public_liability", {
        "provided_on": (clock.today() - dt.timedelta(days=300)).isoformat(),
        "expires_on": clock.today().isoformat(), "cover_pence": 500_000_000})
    return org["id"], name


@pytest.mark.parametrize("username", sorted(PANELS))
def test_each_roles_home_shows_its_panels_from_the_services_at_1280_and_375(hub, browser, browser_context_args,
                                                                          username):
    if username == "member":  # member staff see their own organisation's: the demo member is linked to one
        organisation_id, _ = organisation_with_evidence_expiring_today(hub)
        subprocess.run([sys.executable, "-m", "gateway.manage", "set-organisation", "member", organisation_id],
                       env=hub.env, check=True, stdout=subprocess.DEVNULL)
    page = browser.new_context(**browser_context_args).new_page()
    sign_in(page, hub, username)
    walk_pages(page, hub, ["/"])  # zero axe violations and no overflow, at 1280 and at 375 px
    for title in PANELS[username]:
        expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible()
    assert "cannot show its figures" not in page.content() and "had a problem" not in page.content()
    if username == "member":
        documents = page.locator("#panel-member-documents")
        expect(documents.get_by_text("1 document expiring or expired")).to_be_visible()
        documents.get_by_role("link", name="Public liability insurance").click()
        expect(page).to_have_url(f"{hub.url('gateway')}/members/{organisation_id}/due-diligence")


def test_the_managers_home_counts_members_evidence_expiring_and_links_to_its_page(hub, browser, browser_context_args):
    organisation_id, name = organisation_with_evidence_expiring_today(hub)
    page = browser.new_context(**browser_context_args).new_page()
    sign_in(page, hub, "manager")
    panel = page.locator("#panel-manager-members")
    expect(panel.get_by_text("expiring or expired").first).to_be_visible()
    panel.get_by_role("link", name=f"Public liability insurance, {name}").click()
    expect(page).to_have_url(f"{hub.url('gateway')}/members/{organisation_id}/due-diligence")
