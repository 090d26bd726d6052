"""Faults, on a hub of this module's own: a broker that restarts empty, and a message no one can apply.

After the broker restarts empty, relays notice the topics were made anew and replay their kept
outboxes; consumers read the new topics from the start and their inboxes drop what they had already
applied. A malformed message is dead-lettered by every consumer of its topic, and the host admin
sees it on the health page and can retry it.
"""
from __future__ import annotations

import uuid

import pytest
import requests
from kafka import KafkaProducer
from playwright.sync_api import expect
from sqlalchemy import create_engine, text

from hubkit.broker import TansuBroker
from gateway.demo import DEMO_PASSWORD
from hubkit.testing import make_principal, read_topic, wait_for

from .conftest import RunningHub

pytestmark = pytest.mark.e2e
CONSORTIUM = uuid.uuid4()
MANAGER = make_principal(("consortium_manager",), consortium_id=CONSORTIUM)


@pytest.fixture(scope="module")
def restartable(databases, token_keys, tmp_path_factory):
    broker = TansuBroker(log_file=tmp_path_factory.mktemp("tansu") / "tansu.log").start()
    running = RunningHub(databases, broker, token_keys, tmp_path_factory.mktemp("faults-logs"), with_gateway=True)
    try:
        yield running.start(), broker
    finally:
        running.stop()
        broker.stop()


def copies(hub, sign, service, path):
    response = requests.get(hub.url(service) + path, headers={"Authorization": sign(MANAGER, service)}, timeout=10)
    return {o["name"]: o["status"] for o in response.json()}


def wait_for_copies(hub, sign, service, path, expected, timeout):
    """Wait until a service's read copies are exactly `expected`; on timeout, say what it holds instead."""
    try:
        wait_for(lambda: copies(hub, sign, service, path) == expected, timeout=timeout, what=f"{service}'s copies")
    except AssertionError as exc:
        raise AssertionError(f"{exc}: it holds {copies(hub, sign, service, path)}, not {expected}") from None


def audit_of_copies(hub) -> list[tuple[str, str]]:
    engine = create_engine(hub.env["CONTRACTS_DATABASE_URL"])
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT entity_id, action FROM audit_entry WHERE entity = 'MemberOrganisation' "
                                 "ORDER BY id")).all()
    engine.dispose()
    return [tuple(r) for r in rows]


def test_broker_restarted_empty_hub_replays_and_read_copies_match_with_nothing_applied_twice(restartable, sign):
    hub, broker = restartable
    names = [f"Restart Trust {n}" for n in range(3)]
    for name in names:
        response = requests.post(hub.url("membership") + "/organisations", json={"name": name, "legal_form": "cic"},
                                 headers={"Authorization": sign(MANAGER, "membership")}, timeout=10)
        assert response.status_code == 201
    # What membership holds (other tests in this module may have registered organisations first, in any order).
    expected = copies(hub, sign, "membership", "/organisations")
    assert {name: expected.get(name) for name in names} == {name: "applicant" for name in names}
    # This module's hub starts while other suites run on the same two cores: allow it time to settle.
    wait_for_copies(hub, sign, "contracts", "/members", expected, timeout=40)
    wait_for_copies(hub, sign, "finance", "/organisations", expected, timeout=40)
    audit_before = audit_of_copies(hub)

    broker.restart()  # everything the broker held is gone
    late = requests.post(hub.url("membership") + "/organisations", json={"name": "After Restart Trust",
                                                                          "legal_form": "cio"},
                         headers={"Authorization": sign(MANAGER, "membership")}, timeout=10)
    assert late.status_code == 201
    expected["After Restart Trust"] = "applicant"

    # The relay replays all four organisations' events into the new topic...
    wait_for(lambda: len([m for m in read_topic(broker.bootstrap_servers, "hub.membership")
                          if m["type"] == "membership.organisation.registered"]) >= 4, timeout=20,
             what="membership's outbox replayed")
    # ...and both consumers end where they would have been, having applied only the new event.
    wait_for_copies(hub, sign, "contracts", "/members", expected, timeout=20)
    wait_for_copies(hub, sign, "finance", "/organisations", expected, timeout=20)
    audit_after = audit_of_copies(hub)
    assert audit_after[:len(audit_before)] == audit_before
    assert [action for _, action in audit_after[len(audit_before):]] == ["create"]


def test_a_malformed_message_is_dead_lettered_and_the_host_admin_sees_and_retries_it(restartable, sign, browser,
                                                                                   browser_context_args):
    hub, broker = restartable
    producer = KafkaProducer(bootstrap_servers=broker.bootstrap_servers, enable_idempotence=False)
    producer.send("hub.membership", key=b"organisation/garbled", value=b'{"id": "not-even-an-event"')
    producer.flush()
    producer.close()
    admin = make_principal(("host_admin",))
    dead = wait_for(lambda: [d for d in requests.get(hub.url("contracts") + "/admin/dead-letters", timeout=10,
                                                     headers={"Authorization": sign(admin, "contracts")}).json()
                             if "not JSON" in d["error"] and d["status"] == "dead"], what="contracts dead letter")
    assert dead[0]["tries"] == 1  # malformed: no point retrying it automatically
    # The consumer carried on: a registration after the bad message still reaches contracts.
    created = requests.post(hub.url("membership") + "/organisations", json={"name": "After Garble Trust",
                                                                            "legal_form": "cic"},
                            headers={"Authorization": sign(MANAGER, "membership")}, timeout=10)
    assert created.status_code == 201
    wait_for(lambda: "After Garble Trust" in copies(hub, sign, "contracts", "/members"), what="consumer carried on")

    page = browser.new_context(**browser_context_args).new_page()
    page.goto(hub.url("gateway") + "/login")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(hub.url("gateway") + "/admin/health")
    expect(page.get_by_text("message is not JSON").first).to_be_visible()
    page.get_by_role("button", name="Retry").first.click()
    expect(page.get_by_text("failed again").first).to_be_visible()  # still malformed: it stays dead, tries + 1
