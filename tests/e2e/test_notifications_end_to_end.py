"""Notifications on the real hub (issue 13, item 3): an event a service publishes reaches the gateway's
notifications worker through the broker, and the right people are told once, in the hub and by email (kept in the
Outbox, `make run`'s way, as no SMTP server is set)."""
from __future__ import annotations

import uuid

import pytest
import requests
from sqlalchemy import create_engine, text

from hubkit.testing import wait_for
from governance.client import deciding_body, seat_officer
from membership.client import complete_due_diligence

from .journeys import Api

pytestmark = pytest.mark.e2e


def test_an_application_waiting_for_the_board_tells_the_board_member_once_in_the_hub_and_by_email(hub):
    manager = Api(hub, "manager")
    # the demo's board member holds an office on the body that decides applications: those seated on it are told
    governance = lambda method, path, body: manager(method, "/governance" + path, body)  # noqa: E731
    seat_officer(governance, deciding_body(governance, "membership_application"), "board", "Bo Board")
    name = f"Northside Advice {uuid.uuid4().hex[:6]}"
    org = manager("POST", "/membership/organisations", {"name": name, "legal_form": "cio"})
    complete_due_diligence(lambda method, path, body: manager(method, "/membership" + path, body), org["id"])
    manager("POST", f"/membership/organisations/{org['id']}/application", {})

    engine = create_engine(hub.env["GATEWAY_DATABASE_URL"])
    try:
        def told() -> list:
            with engine.connect() as conn:
                return conn.execute(text(
                    "SELECT u.username, n.link, r.role FROM notification n JOIN user_account u ON u.id = n.recipient_id "
                    "LEFT JOIN user_role r ON r.user_id = u.id AND r.role = 'board_member' "
                    "WHERE n.title LIKE :name"), {"name": f"%{name}%"}).all()
        rows = wait_for(told, timeout=60, what="the board member being told (gateway-worker's log in the hub logs)")
        usernames = [username for username, _, _ in rows]
        assert usernames.count("board") == 1  # the demo's board member, once
        assert "manager" not in usernames and "finance" not in usernames and "member" not in usernames
        assert all(role == "board_member" and link.startswith("/decisions#request-") for _, link, role in rows)

        def kept() -> list:
            with engine.connect() as conn:
                return conn.execute(text("SELECT recipient, body FROM mail_outbox WHERE subject LIKE :name "
                                         "AND recipient = 'board@riverside.example'"), {"name": f"%{name}%"}).all()
        [(_, body)] = wait_for(kept, timeout=60, what="the email kept in the Outbox")
        assert "/decisions#request-" in body and name in body
    finally:
        engine.dispose()

    session = requests.Session()  # and the board member sees it in the hub
    login = session.get(hub.url("gateway") + "/login", timeout=10).text
    token = login.split('name="csrf_token" value="')[1].split('"')[0]
    session.post(hub.url("gateway") + "/login", timeout=10,
                 data={"username": "board", "password": "demo-password-2026", "csrf_token": token})
    assert name in session.get(hub.url("gateway") + "/notifications", timeout=10).text


def test_system_health_shows_the_gateway_notifications_worker_beside_the_services(hub):
    """Issue 13, item 3: the gateway's worker reports its consumer in the gateway's database; the host admin sees it
    on System health like the services' consumers, with no error."""
    session = requests.Session()
    login = session.get(hub.url("gateway") + "/login", timeout=10).text
    token = login.split('name="csrf_token" value="')[1].split('"')[0]
    session.post(hub.url("gateway") + "/login", timeout=10,
                 data={"username": "admin", "password": "demo-password-2026", "csrf_token": token})

    def section() -> str | None:
        html = session.get(hub.url("gateway") + "/admin/health", timeout=30).text
        start = html.index("Gateway notifications worker")
        found = html[start:html.index("Membership service", start)]
        return found if "data-consumer-worker=" in found else None
    shown = wait_for(section, timeout=60, what="the gateway worker's consumer report on System health")
    assert "Running" in shown or "Waiting" in shown
    assert "Failing" not in shown and "Silent" not in shown and "Last error" not in shown
    assert "Dead letters" in shown
