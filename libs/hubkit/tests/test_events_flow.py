"""The outbox, relay and idempotent consumer against a real database and real brokers: Tansu and Apache Kafka."""
from __future__ import annotations

import json
import threading
import time
import uuid

import pytest
from kafka import KafkaProducer
from sqlalchemy import String, func, select
from sqlalchemy.orm import Mapped, mapped_column

from hubkit.consumer import EventConsumer, EventHandlers
from hubkit.db import ConsortiumScoped, Database, Tenant, declarative_base_for
from hubkit.read_copies import MemberOrganisationCopy, apply_organisation_event
from hubkit.relay import OutboxRelay
from hubkit.testing import read_topic, service_settings, wait_for
from hubkit.unit_of_work import UnitOfWork

Base = declarative_base_for("eventsflow")


class OrganisationCopy(MemberOrganisationCopy, Base):
    __tablename__ = "organisation_copy"


class Note(ConsortiumScoped, Base):
    __tablename__ = "note"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    text: Mapped[str] = mapped_column(String(100))


CONSORTIUM = uuid.uuid4()
CLASH_NOTE_ID = uuid.uuid4()


class Harness:
    """A producing side (membership's topic) and a consuming side (as contracts) over one database."""

    def __init__(self, database_url: str, broker, public_key):
        bootstrap, kafka = broker.bootstrap_servers, broker.kafka_settings()
        self.producer_settings = service_settings("membership", database_url, bootstrap, public_key, kafka=kafka)
        self.consumer_settings = service_settings("contracts", database_url, bootstrap, public_key,
                                                  consumer_max_tries=3, kafka=kafka)
        self.db = Database(database_url, Base.kit)
        Base.metadata.create_all(self.db.engine)
        self.relay = OutboxRelay(self.db, self.producer_settings, incarnation_check_s=0)
        self.applied: list[uuid.UUID] = []
        self.fail_names: set[str] = set()
        self.clash_names: set[str] = set()
        handlers = EventHandlers()

        @handlers.on("membership.organisation.registered")
        def _copy(uow, event):
            if event.data["name"] in self.fail_names:
                raise RuntimeError(f"cannot apply {event.data['name']}")
            apply_organisation_event(uow.session, OrganisationCopy, event)
            if event.data["name"] in self.clash_names:  # a write that breaks a unique key at commit
                uow.session.add(Note(id=CLASH_NOTE_ID, text=event.data["name"]))
            self.applied.append(event.id)

        self.consumer = EventConsumer(self.db, self.consumer_settings, handlers, resync_s=0.2,
                                      sleep=lambda s: None)

    def register(self, name: str, commit: bool = True, subject: str | None = None):
        uow = UnitOfWork(self.db, Tenant(CONSORTIUM), actor="user:test", service="membership")
        with uow:
            uow.session.add(Note(text=f"registered {name}"))
            event = uow.publish("membership.organisation.registered", subject=subject or f"organisation/{uuid.uuid4()}",
                                data={"organisation_id": uuid.uuid4(), "name": name, "legal_form": "charity",
                                      "status": "applicant"})
            if commit:
                uow.commit()
        return event

    def copies(self) -> dict[str, str]:
        with self.db.session(Tenant(CONSORTIUM)) as session:
            return {c.name: c.status for c in session.execute(select(OrganisationCopy)).scalars()}

    def count(self, table) -> int:
        with self.db.session(None) as session:
            return session.execute(select(func.count()).select_from(table)).scalar_one()

    def relay_until_sent(self):
        wait_for(lambda: self.relay.run_once() >= 0 and self.count_unsent() == 0, what="outbox sent")

    def count_unsent(self) -> int:
        with self.db.session(None) as session:
            return session.execute(select(func.count()).select_from(self.db.kit.outbox)
                                   .where(self.db.kit.outbox.c.sent_at.is_(None))).scalar_one()

    def consume_until(self, condition, what):
        wait_for(lambda: (self.consumer.run_once(timeout_ms=200), condition())[1], what=what)

    def close(self):
        self.relay.close()
        self.consumer.close()
        self.db.dispose()


@pytest.fixture
def harness_on(databases, token_keys):
    made = []

    def _make(broker):
        h = Harness(databases.create("events"), broker, token_keys[1])
        made.append(h)
        return h

    yield _make
    for h in made:
        h.close()


def ids_on_topic(bootstrap, topic="hub.membership") -> list[str]:
    return [m["id"] for m in read_topic(bootstrap, topic)]


def test_rolled_back_transaction_publishes_nothing(harness_on, any_broker):
    h = harness_on(any_broker)
    event = h.register("Rolled Back Trust", commit=False)
    h.relay.run_once()
    assert h.count(h.db.kit.outbox) == 0
    assert h.count(Note.__table__) == 0
    assert str(event.id) not in ids_on_topic(any_broker.bootstrap_servers)


def test_committed_transaction_publishes_exactly_once(harness_on, any_broker):
    h = harness_on(any_broker)
    event = h.register("Committed Trust")
    h.relay_until_sent()
    h.relay.run_once()  # a second pass sends nothing more
    assert ids_on_topic(any_broker.bootstrap_servers).count(str(event.id)) == 1


def test_event_committed_while_broker_down_is_published_when_it_returns(harness_on, any_own_broker):
    h = harness_on(any_own_broker)
    h.relay_until_sent()
    any_own_broker.kill()
    event = h.register("Broker Down Trust")
    assert h.relay.run_once() == 0
    assert h.count_unsent() == 1  # kept, not lost
    any_own_broker.restart()
    h.relay_until_sent()
    assert ids_on_topic(any_own_broker.bootstrap_servers).count(str(event.id)) == 1


def test_same_event_delivered_twice_is_applied_once(harness_on, any_broker):
    h = harness_on(any_broker)
    event = h.register("Twice Delivered Trust")
    h.relay_until_sent()
    with h.db.session(None) as session:  # the relay sends it again, as after a crash before marking sent
        session.execute(h.db.kit.outbox.update().values(sent_at=None))
        session.commit()
    h.relay_until_sent()
    assert ids_on_topic(any_broker.bootstrap_servers).count(str(event.id)) == 2
    on_topic = len(ids_on_topic(any_broker.bootstrap_servers))
    h.consume_until(lambda: positions_total(h) == on_topic, "every message on the topic read")
    assert h.applied.count(event.id) == 1
    with h.db.session(None) as session:
        inbox = h.db.kit.inbox
        assert session.execute(select(func.count()).select_from(inbox).where(inbox.c.event_id == event.id)).scalar() == 1


def test_broker_wiped_replay_restores_read_copies_without_double_applying(harness_on, any_own_broker):
    h = harness_on(any_own_broker)
    events = [h.register(f"Replay Trust {n}") for n in range(5)]
    h.relay_until_sent()
    h.consume_until(lambda: len(h.copies()) == 5, "five copies")
    before = h.copies()

    any_own_broker.wipe()  # a new empty cluster (Tansu: any restart): every topic, message and offset is gone
    assert ids_on_topic(any_own_broker.bootstrap_servers) == []
    wait_for(lambda: h.relay.run_once() >= 0 and len(ids_on_topic(any_own_broker.bootstrap_servers, )) == 5,
             what="relay replays the kept outbox")
    # The consumer notices the new topic and reads it from the start; the inbox drops every replayed event.
    new_topic_id = current_topic_id(any_own_broker)
    h.consume_until(lambda: positions_total(h, topic_id=new_topic_id) == 5, "consumer re-read the replayed topic")
    assert h.copies() == before
    assert sorted(h.applied) == sorted(e.id for e in events)
    assert h.count(h.db.kit.inbox) == 5


def positions_total(h, topic_id: str | None = None) -> int:
    """Messages read from hub.membership, counting only offsets kept for topic_id when given."""
    kit = h.db.kit
    position = kit.consumer_position
    query = select(func.coalesce(func.sum(position.c.next_offset), 0)).where(position.c.topic == "hub.membership")
    if topic_id:
        query = query.where(position.c.topic_id == topic_id)
    with h.db.session(None) as session:
        return session.execute(query).scalar_one()


def current_topic_id(broker) -> str:
    from hubkit.config import KafkaSettings
    from hubkit.topics import admin_client, describe

    admin = admin_client(KafkaSettings(bootstrap_servers=broker.bootstrap_servers))
    try:
        return describe(admin, ["hub.membership"])["hub.membership"][0]
    finally:
        admin.close()


def test_malformed_and_failing_events_are_dead_lettered_and_the_consumer_carries_on(harness_on, any_own_broker):
    h = harness_on(any_own_broker)
    h.fail_names = {"Failing Trust"}
    producer = KafkaProducer(bootstrap_servers=any_own_broker.bootstrap_servers, enable_idempotence=False)
    producer.send("hub.membership", key=b"organisation/x", value=b"{not json")
    producer.flush()
    producer.close()
    failing = h.register("Failing Trust")
    good = h.register("Good Trust")
    h.relay_until_sent()
    # Partitions are independent: wait for the good event and both bad ones, in whatever order.
    h.consume_until(lambda: "Good Trust" in h.copies() and h.count(h.db.kit.dead_letter) == 2,
                    "the good event applied and both bad ones dead-lettered")

    kit = h.db.kit
    with h.db.session(None) as session:
        dead = {(r.event_type, r.tries): r for r in session.execute(select(kit.dead_letter))}
    assert ("membership.organisation.registered", 3) in dead  # retried the configured 3 times
    assert any(event_type is None and tries == 1 for event_type, tries in dead)  # malformed: not retryable
    assert "cannot apply Failing Trust" in dead[("membership.organisation.registered", 3)].error
    assert good.id in h.applied and failing.id not in h.applied

    h.relay_until_sent()  # the dead-letter notices go out through the outbox
    notices = read_topic(any_own_broker.bootstrap_servers, "hub.deadletter")
    assert {n["consumer"] for n in notices} == {"contracts"} and len(notices) == 2

    # The admin fixes the cause and retries: applied once, and a second retry does nothing.
    h.fail_names = set()
    dead_id = dead[("membership.organisation.registered", 3)].id
    assert h.consumer.applier.retry_dead_letter(dead_id) == (True, "applied")
    assert h.consumer.applier.retry_dead_letter(dead_id) == (False, "already retried")
    assert h.applied.count(failing.id) == 1
    assert "Failing Trust" in h.copies()


def test_a_handler_whose_own_write_clashes_is_dead_lettered_not_taken_for_a_duplicate(harness_on, any_own_broker):
    h = harness_on(any_own_broker)
    h.clash_names = {"Clash Trust A", "Clash Trust B"}
    h.register("Clash Trust A", subject="organisation/clash")  # one subject: one partition, in order
    second = h.register("Clash Trust B", subject="organisation/clash")
    h.relay_until_sent()
    kit = h.db.kit
    h.consume_until(lambda: h.count(kit.dead_letter) == 1, "the clashing event dead-lettered")
    with h.db.session(None) as session:
        dead = session.execute(select(kit.dead_letter)).one()
    assert dead.event_id == second.id and "IntegrityError" in dead.error and dead.tries == 3
    assert set(h.copies()) == {"Clash Trust A"}


def test_apache_kafka_killed_mid_burst_and_restarted_with_its_log_loses_and_doubles_nothing(harness_on,
                                                                                            own_kafka_broker):
    """1,000 events relayed and consumed while the broker is SIGKILLed mid-stream: each applied exactly once."""
    h = harness_on(own_kafka_broker)
    total = 1000
    events = []
    for batch in range(10):
        with UnitOfWork(h.db, Tenant(CONSORTIUM), actor="user:test", service="membership") as uow:
            for n in range(total // 10):
                events.append(uow.publish(
                    "membership.organisation.registered", subject=f"organisation/{uuid.uuid4()}",
                    data={"organisation_id": uuid.uuid4(), "name": f"Burst Trust {batch}-{n}", "legal_form": "charity",
                          "status": "applicant"}))
            uow.commit()
    stop = threading.Event()

    def pump():  # the worker's loop: relay and consumer, carrying on through the broker's absence
        while not stop.is_set():
            for step in (h.relay.run_once, lambda: h.consumer.run_once(timeout_ms=100)):
                try:
                    step()
                except Exception:  # noqa: BLE001 - the broker is down for a while; the worker keeps going
                    time.sleep(0.05)

    worker = threading.Thread(target=pump, daemon=True)
    worker.start()
    try:
        wait_for(lambda: len(h.applied) >= 100, timeout=60, what="the burst under way")
        own_kafka_broker.kill()  # SIGKILL mid-burst; its log stays on disk
        half_seen = len(h.applied)
        own_kafka_broker.restart(create_topics=False)  # the topics survive in the log
        wait_for(lambda: len(set(h.applied)) == total, timeout=120, what="every event applied after the restart")
    finally:
        stop.set()
        worker.join(timeout=30)
    assert half_seen < total  # the kill really came mid-stream
    assert sorted(h.applied) == sorted(e.id for e in events)  # none lost, none applied twice
    assert h.count(h.db.kit.inbox) == total and h.count_unsent() == 0
    assert len(h.copies()) == total
