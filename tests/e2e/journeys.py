"""What the browser journeys share: signing in, the axe check, the no-horizontal-overflow check at 1280 and 375 px
(walk_pages), the gateway's API as a demo user, active members."""
from __future__ import annotations

import uuid

import requests
from browser_checks import axe_violations, horizontal_overflow
from playwright.sync_api import expect

from gateway.demo import DEMO_PASSWORD
from hubkit.testing import wait_for
from governance import client as governance_client
from governance.client import decide_at_a_meeting
from membership.client import complete_due_diligence


def sign_in(page, hub, username: str) -> None:
    """Sign a demo user in through the real login form."""
    page.goto(hub.url("gateway") + "/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Signed in as")).to_be_visible()


def fill_date(where, name: str, day, *, month_only: bool = False) -> None:
    """Type a date (a datetime.date or 'YYYY-MM-DD'; 'YYYY-MM' for a month picker) into the GOV.UK date input whose
    boxes are named "<name>-day", "<name>-month", "<name>-year" (common/_date_input.html), within `where`."""
    parts = str(day).split("-")
    boxes = (("month", parts[1]), ("year", parts[0])) if month_only else \
        (("day", parts[2]), ("month", parts[1]), ("year", parts[0]))
    for box, value in boxes:
        where.locator(f'input[name="{name}-{box}"]').fill(str(int(value)) if box != "year" else value)


def no_violations(page) -> None:
    """Zero axe-core violations on the page as it stands."""
    violations = axe_violations(page)
    assert violations == [], (page.url, violations)


# The widths every journey looks at: a laptop, and a phone (WCAG 1.4.10 asks for reflow down to 320 CSS px).
DESKTOP, PHONE = 1280, 375
WIDTHS = (DESKTOP, PHONE)


def no_horizontal_overflow(page) -> None:
    """WCAG 1.4.10 reflow: the document is no wider than the viewport (document.documentElement.scrollWidth <=
    window.innerWidth), so nobody scrolls the whole page sideways; a wide table scrolls inside its own container."""
    overflow = horizontal_overflow(page)
    assert overflow is None, overflow


def page_is_usable(page) -> None:
    """What every page a journey visits must be, at whatever width it is shown: zero axe violations and no
    horizontal overflow."""
    no_violations(page)
    no_horizontal_overflow(page)


def at_width(page, width: int) -> None:
    """Show the page at this width (CSS px; e.g. PHONE or DESKTOP), keeping its height."""
    height = (page.viewport_size or {}).get("height", 800)
    page.set_viewport_size({"width": width, "height": height})


def at_each_width(page, widths=WIDTHS):
    """`for width in at_each_width(page): ...` runs the loop's body with the page shown at each width in turn
    (1280 then 375 by default), and leaves it at the first width afterwards."""
    try:
        for width in widths:
            at_width(page, width)
            yield width
    finally:
        at_width(page, widths[0])


def walk_pages(page, hub, paths, widths=WIDTHS) -> None:
    """Visit each gateway page (a path such as "/members") at each width: it answers, has zero axe violations and
    is no wider than the viewport. The page must already be signed in (sign_in)."""
    for _ in at_each_width(page, widths):
        for path in paths:
            response = page.goto(hub.url("gateway") + path)
            assert response is not None and response.ok, (path, response and response.status)
            page_is_usable(page)


class Api:
    """The gateway's API as one demo user, with a bearer token."""

    def __init__(self, hub, username: str):
        self.base = hub.url("gateway") + "/api"
        token = requests.post(f"{self.base}/auth/token", json={"username": username, "password": DEMO_PASSWORD},
                              timeout=10).json()["access_token"]
        self.headers = {"Authorization": f"Bearer {token}"}

    def __call__(self, method, path, body=None, ok=(200, 201, 202)):
        response = requests.request(method, self.base + path, json=body, headers=self.headers, timeout=15)
        assert response.status_code in ok, (path, response.status_code, response.text)
        return response.json() if response.content else None


def active_member(manager: Api, board: Api, name: str) -> dict:
    """An organisation taken through due diligence and approved by the board (M1), once contracts knows it active."""
    org = manager("POST", "/membership/organisations", {"name": name, "legal_form": "cio"})
    complete_due_diligence(lambda method, path, body: manager(method, "/membership" + path, body), org["id"])
    manager("POST", f"/membership/organisations/{org['id']}/application", {})
    application = wait_for(lambda: next((r for r in board("GET", "/governance/decision-requests")
                                         if r["subject"] == f"organisation/{org['id']}" and r["status"] == "pending"),
                                        None), timeout=15, what="the application reaching governance")
    decided_by_the_body(manager, board, [application])
    wait_for(lambda: any(m["id"] == org["id"] and m["status"] == "active" for m in manager("GET", "/contracts/members")),
             timeout=15, what="contracts knowing the member is active")
    return manager("GET", f"/membership/organisations/{org['id']}")


def governance_send(api: Api):
    """governance.client's `send(method, path, json)` over the gateway's API as one demo user."""
    return lambda method, path, body: api(method, "/governance" + path, body)


def partners(manager: Api, count: int = 4) -> list[tuple[str, str]]:
    """Organisations on the register to seat on a body (registered if there are too few), as (person, id)."""
    organisations = manager("GET", "/membership/organisations")
    while len(organisations) < count:
        organisations.append(manager("POST", "/membership/organisations",
                                     {"name": f"Partner Trust {uuid.uuid4().hex[:6]}", "legal_form": "cio"}))
    return [(f"Representative of {o['name']}", o["id"]) for o in organisations]


def decided_by_the_body(manager: Api, board: Api, requests_: list[dict], outcome: str = "approved",
                        note: str = "") -> dict:
    """The body that decides the requests meets today, quorate (run by the manager), and its chair or secretary,
    the demo board member, records the decision: the meeting it returns."""
    return decide_at_a_meeting(governance_send(manager), governance_send(board), "board", "Bo Board", requests_,
                               partners(manager), outcome, note)


def meeting_held_by(manager: Api, kind: str) -> dict:
    """A meeting today, quorate, of the body that decides requests of this kind, with the demo board member
    ("Bo Board") as its chair or secretary: where they record its decisions from the Decisions page."""
    send = governance_send(manager)
    body = governance_client.deciding_body(send, kind)
    body = governance_client.seat_members(send, governance_client.seat_officer(send, body, "board", "Bo Board"),
                                          partners(manager))
    return governance_client.hold_meeting(send, body, f"{body['name']} meeting")


def management_board(manager: Api) -> dict:
    """The consortium's Management Board (there is only one): the one another test made, or a new one."""
    existing = next((b for b in manager("GET", "/governance/bodies") if b["kind"] == "management_board"), None)
    return existing or manager("POST", "/governance/bodies", {"kind": "management_board", "name": "Management Board",
                                                              "rules": {}})
