"""Every consumer applies the golden example of every event version it claims, against its real schema, through a
real broker: Tansu and Apache Kafka.

Each golden example (hubkit/events/examples), raised now, is published once to its topic; each service's own
EventConsumer, in the mode its broker calls for (Kafka: a consumer group seeking to the offsets kept in the service's
database; Tansu: self-assigned), reads it, applies it once and records it in its inbox; the same message published
again is recognised and not applied a second time.
"""
from __future__ import annotations

import collections
from importlib import import_module

import pytest
from kafka import KafkaProducer
from sqlalchemy import func, select

from hubkit.broker import ApacheKafkaBroker, TansuBroker
from hubkit.consumer import EventConsumer, EventHandlers, dead_letter_count
from hubkit.db import Database
from hubkit.events import Envelope
from hubkit.testing import BROKERS, golden_event, service_settings, wait_for
from hubkit.topics import topic_for

SERVICES = ("membership", "contracts", "finance", "governance")


def claimed(service: str) -> list[tuple[str, int]]:
    """(event type, version) for every version of every event the service consumes."""
    handlers = import_module(f"{service}.app").SERVICE.handlers
    return [(s.event_type, v) for s in handlers.by_type.values() for v in s.versions]


def publish(broker, events) -> dict:
    """Send each event to its producer's topic, keyed by subject; {event id: (topic, partition, offset)}."""
    producer = KafkaProducer(**broker.kafka_settings().producer_config())
    try:
        sent = [(e.id, producer.send(topic_for(e.type.split(".", 1)[0]), key=e.subject.encode(),
                                     value=e.to_json().encode())) for e in events]
        producer.flush(timeout=30)
        return {event_id: (m.topic, m.partition, m.offset) for event_id, m in
                ((event_id, future.get(timeout=0)) for event_id, future in sent)}
    finally:
        producer.close()


@pytest.fixture(scope="module", params=BROKERS)
def golden_broker(request, tmp_path_factory):
    """A broker of this module's own, of each kind, holding every claimed golden example once.

    Not the session's broker: the hub of the end-to-end tests consumes from that one, and must not be sent these.
    """
    folder = tmp_path_factory.mktemp(f"golden-{request.param}")
    broker = TansuBroker(log_file=folder / "tansu.log") if request.param == "tansu" else ApacheKafkaBroker(folder)
    with broker:
        events = {key: golden_event(*key) for key in sorted({k for s in SERVICES for k in claimed(s)})}
        publish(broker, events.values())
        yield broker, events


@pytest.mark.parametrize("service", SERVICES)
def test_consumer_applies_every_claimed_event_version_once(service, golden_broker, databases, token_keys):
    broker, golden = golden_broker
    definition = import_module(f"{service}.app").SERVICE
    settings = service_settings(service, databases.create(f"contract_{service}"), broker.bootstrap_servers,
                                token_keys[1], kafka=broker.kafka_settings())
    definition.migrate(settings)
    db = Database(settings.database_url, definition.kit)
    # The service's own handlers, counted: a replay that reached a handler again would show.
    calls: collections.Counter = collections.Counter()
    counted = EventHandlers()
    for subscription in definition.handlers.by_type.values():
        def handler(uow, event: Envelope, _apply=subscription.handler):
            _apply(uow, event)
            calls[event.id] += 1

        counted.on(subscription.event_type, subscription.versions)(handler)
    consumer = EventConsumer(db, settings, counted, worker=f"contract-test-{service}")
    mine: list[Envelope] = [golden[key] for key in claimed(service)]
    kit = db.kit

    def inbox() -> set:
        with db.session(None) as session:
            return set(session.execute(select(kit.inbox.c.event_id).where(kit.inbox.c.consumer == service)).scalars())

    def consume_until(condition, what):
        return wait_for(lambda: (consumer.run_once(timeout_ms=200), condition())[1], timeout=60, what=what)

    def read_past(positions) -> bool:
        with db.session(None) as session:
            stored = {(r.topic, r.partition): r.next_offset for r in session.execute(select(kit.consumer_position))}
        return all(stored.get((topic, partition), 0) > offset for topic, partition, offset in positions)

    try:
        consume_until(lambda: {e.id for e in mine} <= inbox(), f"{service} applying its golden events")
        assert {e.type: calls[e.id] for e in mine} == {e.type: 1 for e in mine}

        replayed = publish(broker, mine)  # the same messages again, as a replayed outbox would send them
        consume_until(lambda: read_past(replayed.values()), f"{service} reading past the replays")
        assert {e.type: calls[e.id] for e in mine} == {e.type: 1 for e in mine}  # recognised: not applied again
        with db.session(None) as session:
            handled = session.execute(select(func.count()).select_from(kit.inbox)
                                      .where(kit.inbox.c.event_id.in_([e.id for e in mine]))).scalar_one()
        assert handled == len(mine)
        assert dead_letter_count(db) == 0
    finally:
        consumer.close()
        db.dispose()
