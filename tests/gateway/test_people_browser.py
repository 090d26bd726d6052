"""Headless Chromium (issue 13's "done"): the host admin creates a consortium and invites its manager; the invitation
is read from a real SMTP server; the manager follows the link, sets a password, signs in and invites a member user,
whose invitation arrives too; axe finds no violations on the new pages (and on "forgot your password")."""
import dataclasses
import json
import re
import uuid

import pytest
from playwright.sync_api import expect

from browser_checks import axe_violations
from gateway.app import create_app
from gateway.demo import DEMO_PASSWORD
from gateway_fake_services import ServedApp
from smtp_sink import smtp_sink  # noqa: F401  the fixture

pytestmark = pytest.mark.browser

MANAGER_PASSWORD = "hillside-manager-passphrase"


@pytest.fixture(scope="module")
def live_gateway(settings, smtp_sink):  # noqa: F811
    """A gateway sending mail to the SMTP sink, its links naming the address it is served on."""
    holder = {}
    served = ServedApp(lambda environ, start_response: holder["app"](environ, start_response))
    mail = dataclasses.replace(settings.mail, smtp_host=smtp_sink.host, smtp_port=smtp_sink.port, base_url=served.url)
    holder["app"] = create_app(dataclasses.replace(settings, mail=mail))
    with served:
        yield served.url


def no_violations(page):
    violations = axe_violations(page)
    assert violations == [], json.dumps(violations, indent=1)


def link_in(message) -> str:
    return re.search(r"(http://127\.0\.0\.1:\d+/invitation/[A-Za-z0-9_-]{43})", message.get_content()).group(1)


def sign_in(page, base: str, username: str, password: str):
    page.goto(f"{base}/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_a_host_sets_up_a_consortium_and_its_manager_invites_a_member_entirely_in_the_browser(
        browser, live_gateway, smtp_sink, fake_services):  # noqa: F811
    suffix = uuid.uuid4().hex[:6]
    name, manager, member = f"Hillside Consortium {suffix}", f"hana-{suffix}", f"mo-{suffix}"
    admin_context = browser.new_context(bypass_csp=True)  # so axe can be injected, as the `page` fixture's
    admin_page = admin_context.new_page()
    sign_in(admin_page, live_gateway, "admin", DEMO_PASSWORD)
    admin_page.get_by_role("link", name="Consortia").click()
    expect(admin_page.get_by_role("heading", name="Consortia")).to_be_visible()
    no_violations(admin_page)
    admin_page.get_by_role("button", name="Create a consortium").click()
    admin_page.get_by_role("button", name="Create consortium").click()  # nothing filled in
    expect(admin_page.get_by_role("link", name="Enter the consortium's name")).to_be_visible()
    no_violations(admin_page)
    admin_page.get_by_label("Name", exact=True).fill(name)
    admin_page.get_by_label("Short name").fill(f"hillside-{suffix}")
    admin_page.get_by_role("button", name="Create consortium").click()
    expect(admin_page.get_by_text(f"Consortium {name} is created")).to_be_visible()
    no_violations(admin_page)

    admin_page.get_by_role("button", name="Invite someone").click()
    no_violations(admin_page)
    admin_page.get_by_label("Full name").fill("Hana Hill")
    admin_page.get_by_label("Email address").fill(f"{manager}@example.org")
    admin_page.get_by_label("Username", exact=True).fill(manager)
    admin_page.get_by_role("checkbox", name="Consortium manager").check()
    admin_page.get_by_role("button", name="Send invitation").click()
    expect(admin_page.get_by_text(f"An email has been sent to {manager}@example.org")).to_be_visible()
    expect(admin_page.get_by_role("cell", name="Invited")).to_be_visible()
    admin_page.get_by_role("link", name="Hana Hill").click()
    expect(admin_page.get_by_role("heading", name="Hana Hill")).to_be_visible()
    no_violations(admin_page)

    invitation = smtp_sink.wait_for_message_to(f"{manager}@example.org")
    assert invitation["Subject"] == f"You are invited to {name} on Consortium Hub"
    manager_context = browser.new_context(bypass_csp=True)
    manager_page = manager_context.new_page()
    manager_page.goto(link_in(invitation))
    expect(manager_page.get_by_role("heading", name="Set your password")).to_be_visible()
    no_violations(manager_page)
    manager_page.get_by_label("New password", exact=True).fill(MANAGER_PASSWORD)
    manager_page.get_by_label("New password again").fill("something-else-entirely")
    manager_page.get_by_role("button", name="Set password and continue").click()
    expect(manager_page.get_by_role("link", name="The passwords do not match")).to_be_visible()
    no_violations(manager_page)
    manager_page.get_by_label("New password", exact=True).fill(MANAGER_PASSWORD)
    manager_page.get_by_label("New password again").fill(MANAGER_PASSWORD)
    manager_page.get_by_role("button", name="Set password and continue").click()
    expect(manager_page.get_by_text("Your password is set")).to_be_visible()

    manager_page.get_by_label("Username", exact=True).fill(manager)
    manager_page.get_by_label("Password").fill(MANAGER_PASSWORD)
    manager_page.get_by_role("button", name="Sign in").click()
    manager_page.get_by_role("link", name="People").click()
    expect(manager_page.locator("#main-content").get_by_text(name, exact=True)).to_be_visible()
    expect(manager_page.locator(".hub-logo__consortium")).to_have_text(name)  # the header: their consortium's name
    no_violations(manager_page)
    manager_page.get_by_role("button", name="Invite someone").click()
    expect(manager_page.get_by_role("checkbox", name="Host administrator")).to_have_count(0)
    manager_page.get_by_label("Full name").fill("Mo Member")
    manager_page.get_by_label("Email address").fill(f"{member}@example.org")
    manager_page.get_by_label("Username", exact=True).fill(member)
    manager_page.get_by_role("checkbox", name="Member organisation staff").check()
    manager_page.get_by_role("button", name="Send invitation").click()
    expect(manager_page.get_by_text(f"An email has been sent to {member}@example.org")).to_be_visible()
    no_violations(manager_page)

    member_invitation = smtp_sink.wait_for_message_to(f"{member}@example.org")
    assert member_invitation["Subject"] == f"You are invited to {name} on Consortium Hub"
    assert "Hana Hill has invited you" in member_invitation.get_content()
    manager_context.close()
    admin_context.close()


def test_the_host_admin_sets_a_consortiums_settings_and_its_people_see_them_in_the_header(
        browser, live_gateway, fake_services, gateway_db):
    """Consortium settings (issue 13, item 1): display name and logo text in the page header of the consortium's
    people, and F1's threshold's owner, saved to finance (faked here); axe finds nothing on the page, with or without
    errors."""
    from gateway import accounts

    suffix = uuid.uuid4().hex[:6]
    name, person = f"Hillside Consortium {suffix}", f"bo-{suffix}"
    with gateway_db.session() as session:
        made = accounts.create_consortium(session, name, f"hillside-settings-{suffix}", actor="test:browser")
        accounts.create_user(session, username=person, password=MANAGER_PASSWORD, consortium_id=made.id,
                             roles={"board_member"}, actor="test:browser")
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    sign_in(page, live_gateway, "admin", DEMO_PASSWORD)
    page.get_by_role("link", name="Consortia").click()
    page.get_by_role("link", name=name).click()
    page.get_by_role("link", name="Change its display name, logo text and who sets the variation threshold").click()
    expect(page.get_by_role("heading", name="Settings")).to_be_visible()
    expect(page.get_by_text("The threshold is £5,000.00 now")).to_be_visible()
    no_violations(page)
    page.get_by_label("Logo text").fill("H" * 41)
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_role("link", name="The logo text must be 40 characters or fewer")).to_be_visible()
    no_violations(page)
    page.get_by_label("Display name").fill("Hillside Together")
    page.get_by_label("Logo text").fill("HVA Hub")
    page.get_by_role("radio", name=re.compile("The host administrator")).check()
    page.get_by_label("Threshold, in pounds").fill("2,500")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text(f"The settings of {name} are saved")).to_be_visible()
    no_violations(page)
    assert fake_services.last_call("finance", "PUT", "/money/settings/variation-threshold")["json"] == {
        "variation_threshold_owner": "host_admin", "variation_threshold_pence": 250_000}
    expect(page.locator(".hub-logo")).to_have_text("Consortium Hub")  # the host admin's own consortium's header
    context.close()

    theirs = browser.new_context(bypass_csp=True)
    their_page = theirs.new_page()
    sign_in(their_page, live_gateway, person, MANAGER_PASSWORD)
    expect(their_page.locator(".hub-logo")).to_have_text("HVA Hub")
    expect(their_page.locator(".hub-logo__consortium")).to_have_text("Hillside Together")
    no_violations(their_page)
    theirs.close()


def test_forgot_your_password_pages_have_no_accessibility_violations(page, live_gateway):
    page.goto(f"{live_gateway}/login")
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_role("heading", name="Reset your password")).to_be_visible()
    no_violations(page)
    page.get_by_role("button", name="Send me a link").click()
    expect(page.get_by_role("link", name=re.compile("Enter an email address"))).to_be_visible()
    no_violations(page)
    page.get_by_label("Email address").fill(f"nobody-{uuid.uuid4().hex[:6]}@example.org")
    page.get_by_role("button", name="Send me a link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    no_violations(page)
    page.goto(f"{live_gateway}/invitation/{'x' * 43}")
    expect(page.get_by_role("heading", name="This link does not work")).to_be_visible()
    no_violations(page)


def test_the_outbox_page_has_no_accessibility_violations(page, app, gateway_db):
    """The test app has no SMTP server, as under `make run`: an invitation waits in the Outbox."""
    from gateway import mail

    with gateway_db.session() as session:
        mail.keep(session, mail.Message(to="someone@example.org", subject="You are invited",
                                        body="Hello,\n\nhttp://127.0.0.1:8000/invitation/" + "y" * 43 + "\n"))
    with ServedApp(app) as served:
        sign_in(page, served.url, "admin", DEMO_PASSWORD)
        page.goto(f"{served.url}/admin/outbox")
        expect(page.get_by_role("heading", name="Outbox")).to_be_visible()
        expect(page.get_by_text("No mail server is configured")).to_be_visible()
        no_violations(page)
