"""Faults, on hubs of this module's own: on Tansu (make run's broker) and on Apache Kafka (what is deployed).

Tansu keeps its data in memory: after it restarts empty, relays notice the topics were made anew and replay their
kept outboxes; consumers read the new topics from the start and their inboxes drop what they had already applied. A
malformed message is dead-lettered by every consumer of its topic, and the host admin sees it on the health page
and can retry it.

On Apache Kafka the faults are Kafka's own, each met in the middle of a burst of 1,000 organisations registered in
membership, whose events contracts and finance apply to their read copies: the broker SIGKILLed and restarted with
its log kept; the broker wiped into a new empty cluster (the relays replay their outboxes); contracts' worker
SIGKILLed while applying a batch and started again (as `restart: unless-stopped` would); the broker paused (SIGSTOP)
for longer than the producers' request timeout. Each time every event is applied exactly once by each consumer,
nothing is dead-lettered, and the hub recovers with no help but the fault's own end.
"""
from __future__ import annotations

import threading
import uuid

import pytest
import requests
from kafka import KafkaProducer
from playwright.sync_api import expect
from sqlalchemy import create_engine, text

from gateway.demo import DEMO_PASSWORD
from hubkit.broker import ApacheKafkaBroker, TansuBroker
from hubkit.db import Database, Tenant
from hubkit.testing import make_principal, read_topic, wait_for
from hubkit.unit_of_work import UnitOfWork
from membership.app import SERVICE as MEMBERSHIP
from membership.service_layer.organisations import register_organisation

from .conftest import RunningHub

pytestmark = pytest.mark.e2e
CONSORTIUM = uuid.uuid4()
MANAGER = make_principal(("consortium_manager",), consortium_id=CONSORTIUM)
on_tansu = pytest.mark.parametrize("faulty", ["tansu"], indirect=True)
on_kafka = pytest.mark.parametrize("faulty", ["kafka"], indirect=True)


@pytest.fixture(scope="module")
def faulty(request, databases, token_keys, tmp_path_factory):
    """(hub, broker) of this module's own: Tansu with the gateway (for the admin's browser), or Apache Kafka.

    One kind at a time: pytest finishes the tests on one before it starts the other.
    """
    folder = tmp_path_factory.mktemp(f"faults-{request.param}")
    if request.param == "tansu":
        broker = TansuBroker(log_file=folder / "tansu.log").start()
    else:
        broker = ApacheKafkaBroker(folder / "kafka").start()
    running = RunningHub(databases, broker, token_keys, folder, with_gateway=request.param == "tansu")
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


@on_tansu
def test_broker_restarted_empty_hub_replays_and_read_copies_match_with_nothing_applied_twice(faulty, sign):
    hub, broker = faulty
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


@on_tansu
def test_a_malformed_message_is_dead_lettered_and_the_host_admin_sees_and_retries_it(faulty, sign, browser,
                                                                                   browser_context_args):
    hub, broker = faulty
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


# --- Apache Kafka's own faults, each in the middle of 1,000 events ---------------------------------------------------

BURST = 1000
CONSUMERS = ("contracts", "finance")  # the services keeping read copies of membership's organisations


class Burst:
    """BURST organisations registered in a consortium of their own by membership's own use case, each in its own
    transaction with its event in membership's outbox, for membership's worker (its relay) to publish.

    The hub's API would do the same one request at a time; calling the use case in-process makes 1,000 events in
    seconds rather than minutes, so that a fault meets consumers with a backlog.
    """

    def __init__(self, hub):
        self.hub = hub
        self.consortium = uuid.uuid4()
        self.names = [f"Burst Trust {n:04d}" for n in range(BURST)]
        self.db = Database(hub.env["MEMBERSHIP_DATABASE_URL"], MEMBERSHIP.kit)
        self.written = 0
        self._writer: threading.Thread | None = None
        self._error: BaseException | None = None

    def write(self, count: int) -> None:
        """Register the next `count` organisations, now."""
        for name in self.names[self.written:self.written + count]:
            with UnitOfWork(self.db, Tenant(self.consortium), actor="user:burst", service="membership") as uow:
                register_organisation(uow, {"name": name, "legal_form": "cic"})
            self.written += 1

    def write_rest_meanwhile(self) -> None:
        """Register the rest in a thread, while the test brings about the fault."""
        def run():
            try:
                self.write(BURST - self.written)
            except BaseException as exc:  # noqa: BLE001 - raised again in the test by finish_writing()
                self._error = exc

        self._writer = threading.Thread(target=run, daemon=True)
        self._writer.start()

    def finish_writing(self) -> None:
        if self._writer is not None:
            self._writer.join(timeout=120)
            assert not self._writer.is_alive(), "the burst's writer is stuck"
        if self._error is not None:
            raise self._error
        self.write(BURST - self.written)


class HubDatabases:
    """The hub's own databases, read directly: what each service applied, and how often."""

    def __init__(self, hub):
        self.engines = {name: create_engine(hub.env[f"{name.upper()}_DATABASE_URL"])
                        for name in ("membership", *CONSUMERS, "governance")}

    def rows(self, service: str, sql: str, **params) -> list[tuple]:
        with self.engines[service].connect() as conn:
            return [tuple(row) for row in conn.execute(text(sql), params)]

    def value(self, service: str, sql: str, **params):
        return self.rows(service, sql, **params)[0][0]

    def copies(self, service: str, consortium: uuid.UUID) -> int:
        return self.value(service, "SELECT count(*) FROM member_organisation WHERE consortium_id = :c", c=consortium)

    def dispose(self) -> None:
        for engine in self.engines.values():
            engine.dispose()


@pytest.fixture
def dbs(faulty):
    made = HubDatabases(faulty[0])
    yield made
    made.dispose()


@pytest.fixture
def burst(faulty):
    made = Burst(faulty[0])
    yield made
    made.db.dispose()


def mid_stream(dbs: HubDatabases, burst: Burst) -> int:
    """Write half the burst and wait until contracts has started applying it; return how many it has applied."""
    burst.write(BURST // 2)
    return wait_for(lambda: dbs.copies("contracts", burst.consortium), timeout=180,
                    what="contracts applying the burst")


def assert_every_event_applied_exactly_once(hub, dbs: HubDatabases, burst: Burst) -> None:
    """Wait for both consumers to catch up by themselves, then check each event was applied once, and only once."""
    for service in CONSUMERS:
        wait_for(lambda: dbs.copies(service, burst.consortium) == BURST, timeout=180, interval=0.5,
                 what=f"{service} applying all {BURST} events (logs in {hub.log_dir})")
    events = {str(event_id) for event_id, in dbs.rows(
        "membership", "SELECT event_id FROM outbox_message WHERE consortium_id = :c", c=burst.consortium)}
    assert len(events) == BURST  # one registration, one event
    assert dbs.value("membership", "SELECT count(*) FROM outbox_message WHERE sent_at IS NULL") == 0
    for service in CONSUMERS:
        handled = {str(event_id) for event_id, in dbs.rows(
            service, "SELECT event_id FROM inbox_event WHERE consumer = :s", s=service)}
        assert events <= handled, f"{service} lost {len(events - handled)} events"
        names = [name for name, in dbs.rows(
            service, "SELECT name FROM member_organisation WHERE consortium_id = :c", c=burst.consortium)]
        assert sorted(names) == burst.names
        # Each copy made once and never touched again: an event applied twice would show as a second entry.
        audit = dbs.rows(service, "SELECT entity_id, action FROM audit_entry WHERE entity = 'MemberOrganisation' "
                                  "AND consortium_id = :c", c=burst.consortium)
        assert len(audit) == BURST and {action for _, action in audit} == {"create"}
        assert len({entity_id for entity_id, _ in audit}) == BURST
    for service in dbs.engines:
        assert dbs.value(service, "SELECT count(*) FROM dead_letter") == 0, f"{service} dead-lettered events"
    # The consumers say so too: every service ready, its consumer running, with no person having done anything.
    for service in dbs.engines:
        wait_for(lambda: requests.get(hub.url(service) + "/readyz", timeout=10).status_code == 200, timeout=60,
                 what=f"{service} ready")


@on_kafka
def test_kafka_killed_mid_burst_and_restarted_with_its_log_loses_and_doubles_nothing(faulty, burst, dbs):
    hub, broker = faulty
    applied_before = mid_stream(dbs, burst)
    broker.kill()  # SIGKILL: whatever was acknowledged is on disk
    burst.write(BURST - burst.written)  # the rest is committed while the broker is down
    broker.restart(create_topics=False)  # same cluster, same log, same topics
    assert_every_event_applied_exactly_once(hub, dbs, burst)
    assert applied_before < BURST


@on_kafka
def test_kafka_wiped_into_a_new_empty_cluster_mid_burst_relays_replay_nothing_applied_twice(faulty, burst, dbs):
    hub, broker = faulty
    applied_before = mid_stream(dbs, burst)
    replays_before = dbs.value("membership", "SELECT count(*) FROM outbox_message WHERE publish_count > 1")
    burst.write_rest_meanwhile()
    broker.wipe()  # a new cluster: every topic made anew, empty, with new ids
    burst.finish_writing()
    assert_every_event_applied_exactly_once(hub, dbs, burst)
    assert applied_before < BURST
    # The relay replayed what it had sent before the wipe (the consumers' inboxes dropped it).
    assert dbs.value("membership", "SELECT count(*) FROM outbox_message WHERE publish_count > 1") > replays_before


@on_kafka
def test_a_consumer_killed_mid_batch_and_started_again_applies_the_rest_once(faulty, burst, dbs):
    hub, _ = faulty
    applied_before = mid_stream(dbs, burst)
    hub.kill("contracts-worker")  # SIGKILL while it applies a batch: the event in hand is rolled back
    applied_at_kill = dbs.copies("contracts", burst.consortium)
    burst.write(BURST - burst.written)
    hub.start_again("contracts-worker")  # as the deployment's restart policy would
    assert_every_event_applied_exactly_once(hub, dbs, burst)
    assert applied_before <= applied_at_kill < BURST // 2  # it was killed with half the burst's first half to go


@on_kafka
def test_a_broker_paused_longer_than_the_producers_timeout_mid_burst_loses_and_doubles_nothing(faulty, burst, dbs):
    hub, broker = faulty
    applied_before = mid_stream(dbs, burst)
    broker.pause()  # SIGSTOP: connections stay open, nothing answers
    try:
        burst.write(BURST - burst.written)
        # The relay's producer gives up on the frozen broker (its request timeout) and says so on the outbox.
        wait_for(lambda: dbs.value("membership", "SELECT count(*) FROM outbox_message WHERE last_error IS NOT NULL"),
                 timeout=120, interval=0.5, what="membership's relay timing out on the paused broker")
    finally:
        broker.resume()
    assert_every_event_applied_exactly_once(hub, dbs, burst)
    assert applied_before < BURST
