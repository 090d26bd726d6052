"""The walking skeleton across all four services through the broker, with real processes: on Tansu (make run's
broker) and on Apache Kafka (what is deployed).

A manager registers an organisation in membership; contracts and finance learn of it by events and
keep read copies; the application goes to governance for the board (M1); the board's decision comes
back by event and membership, contracts and finance all see the member as active.
"""
from __future__ import annotations

import uuid

import pytest
import requests

from hubkit.broker import ApacheKafkaBroker
from hubkit.testing import BROKERS, make_principal, wait_for
from governance.client import decide_at_a_meeting
from membership.client import complete_due_diligence

from .conftest import RunningHub

pytestmark = pytest.mark.e2e
CONSORTIUM = uuid.uuid4()


@pytest.fixture(scope="module", params=BROKERS)
def hub(request, databases, token_keys, tmp_path_factory):
    """The hub on each broker in turn: on Tansu the session's hub (shared with the browser journeys), on Apache Kafka
    one of this module's own, on a broker of its own, without the gateway (nothing here goes through it)."""
    if request.param == "tansu":
        yield request.getfixturevalue("hub")
        return
    folder = tmp_path_factory.mktemp("skeleton-kafka")
    with ApacheKafkaBroker(folder / "kafka") as broker:
        running = RunningHub(databases, broker, token_keys, folder, with_gateway=False)
        try:
            yield running.start()
        finally:
            running.stop()


def call(hub, sign, service, method, path, principal, **kwargs):
    headers = {"Authorization": sign(principal, service), "X-Correlation-ID": kwargs.pop("correlation", "e2e")}
    return requests.request(method, hub.url(service) + path, headers=headers, timeout=10, **kwargs)


def known_to(hub, sign, service, path, principal):
    response = call(hub, sign, service, "GET", path, principal)
    return response.json() if response.status_code == 200 else None


def test_m1_member_registered_is_known_everywhere_and_activated_by_the_boards_decision(hub, sign):
    manager = make_principal(("consortium_manager",), consortium_id=CONSORTIUM)
    board = make_principal(("board_member",), consortium_id=CONSORTIUM, username="skeleton-chair")

    created = call(hub, sign, "membership", "POST", "/organisations", manager,
                   json={"name": "Skeleton Community Trust", "legal_form": "cio", "postcode": "LS1 8AB"})
    assert created.status_code == 201, created.text
    org_id = created.json()["id"]

    # Read copies in two other services, through Kafka (the target is well within a second; we allow more).
    in_contracts = wait_for(lambda: known_to(hub, sign, "contracts", f"/members/{org_id}", manager), timeout=10,
                            what="contracts' read copy")
    in_finance = wait_for(lambda: known_to(hub, sign, "finance", f"/organisations/{org_id}", manager), timeout=10,
                          what="finance's read copy")
    assert in_contracts["name"] == in_finance["name"] == "Skeleton Community Trust"
    assert in_contracts["status"] == in_finance["status"] == "applicant"

    # Another consortium on the same deployment sees none of it.
    outsider = make_principal(("consortium_manager",))
    assert call(hub, sign, "contracts", "GET", f"/members/{org_id}", outsider).status_code == 404

    # M1: the application is submitted, due diligence done, and it goes to the board through governance.
    def send(method, path, body):
        response = call(hub, sign, "membership", method, path, manager, json=body)
        assert response.status_code < 300, response.text

    complete_due_diligence(send, org_id)
    submitted = call(hub, sign, "membership", "POST", f"/organisations/{org_id}/application", manager, json={})
    assert submitted.status_code == 202
    request = wait_for(lambda: next((r for r in call(hub, sign, "governance", "GET", "/decision-requests",
                                                     board).json() if r["subject"] == f"organisation/{org_id}"),
                                    None), timeout=10, what="governance's decision request")
    assert request["status"] == "pending" and request["kind"] == "membership_application"

    # The Partners Group meets, quorate, and its chair records the decision from the meeting (a body decides).
    def governance(principal):
        def send(method, path, body):
            response = call(hub, sign, "governance", method, path, principal, json=body)
            assert response.status_code < 300, response.text
            return response.json() if response.content else None
        return send

    for n in range(3):
        call(hub, sign, "membership", "POST", "/organisations", manager,
             json={"name": f"Skeleton Partner {n} {uuid.uuid4().hex[:4]}", "legal_form": "cio"})
    partners = [(f"Representative of {o['name']}", o["id"])
                for o in call(hub, sign, "membership", "GET", "/organisations", manager).json()]
    meeting = decide_at_a_meeting(governance(manager), governance(board), "skeleton-chair", "Sam Skeleton",
                                  [request], partners, note="Due diligence complete")
    again = call(hub, sign, "governance", "POST", f"/decision-requests/{request['id']}/decision", board,
                 json={"outcome": "rejected", "meeting_id": meeting["id"]})
    assert again.status_code == 409  # decided once

    wait_for(lambda: call(hub, sign, "membership", "GET", f"/organisations/{org_id}", manager).json()["status"]
             == "active", timeout=10, what="membership acting on the decision")
    for service, path in (("contracts", f"/members/{org_id}"), ("finance", f"/organisations/{org_id}")):
        wait_for(lambda: (known_to(hub, sign, service, path, manager) or {}).get("status") == "active", timeout=10,
                 what=f"{service} seeing the member active")


def test_every_service_serves_health_readiness_and_openapi(hub):
    for service in ("membership", "contracts", "finance", "governance"):
        health = requests.get(hub.url(service) + "/healthz", timeout=5)
        assert health.json()["status"] == "ok"
        assert "Server" not in health.headers, "gunicorn names itself unless run with hubkit.gunicorn_config"
        assert requests.get(hub.url(service) + "/readyz", timeout=5).json()["checks"]["broker"] == "ok"
        spec = requests.get(hub.url(service) + "/openapi.json", timeout=5).json()
        assert spec["info"]["title"].endswith(service)


def test_admin_status_shows_an_empty_backlog_once_the_relay_has_caught_up(hub, sign):
    admin = make_principal(("host_admin",), consortium_id=CONSORTIUM)
    for service in ("membership", "governance"):
        status = wait_for(lambda: (lambda s: s if s["outbox_backlog"] == 0 else None)(
            call(hub, sign, service, "GET", "/admin/status", admin).json()), timeout=10, what="empty backlog")
        assert status["dead_letters"] == 0
    manager = make_principal(("consortium_manager",), consortium_id=CONSORTIUM)
    assert call(hub, sign, "membership", "GET", "/admin/status", manager).status_code == 403
