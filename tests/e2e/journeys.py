"""What the browser journeys share: signing in, the axe check, the gateway's API as a demo user, active members."""
from __future__ import annotations

import requests
from browser_checks import axe_violations
from playwright.sync_api import expect

from gateway.demo import DEMO_PASSWORD
from hubkit.testing import wait_for
from membership.client import complete_due_diligence


def sign_in(page, hub, username: str) -> None:
    """Sign a demo user in through the real login form."""
    page.goto(hub.url("gateway") + "/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Signed in as")).to_be_visible()


def no_violations(page) -> None:
    """Zero axe-core violations on the page as it stands."""
    violations = axe_violations(page)
    assert violations == [], (page.url, violations)


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
    board("POST", f"/governance/decision-requests/{application['id']}/decision", {"outcome": "approved", "note": ""})
    wait_for(lambda: any(m["id"] == org["id"] and m["status"] == "active" for m in manager("GET", "/contracts/members")),
             timeout=15, what="contracts knowing the member is active")
    return manager("GET", f"/membership/organisations/{org['id']}")


def management_board(manager: Api) -> dict:
    """The consortium's Management Board (there is only one): the one another test made, or a new one."""
    existing = next((b for b in manager("GET", "/governance/bodies") if b["kind"] == "management_board"), None)
    return existing or manager("POST", "/governance/bodies", {"kind": "management_board", "name": "Management Board",
                                                              "rules": {}})
