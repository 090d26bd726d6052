"""Nothing a producer sends stops a consumer (issue 15): whatever a message's bytes, it is applied, passed over or
dead-lettered with those bytes kept, and the next message on its partition is applied. Tried on Tansu, as a faulty
producer would; each test puts the poison and then a good event on one partition."""
from __future__ import annotations

import base64
import json
import threading
import uuid

import pytest
from kafka import KafkaProducer
from sqlalchemy import select

from event_harness import CONSORTIUM
from hubkit.consumer import consumer_check, consumer_workers, stored_payload
from hubkit.testing import golden_event, read_topic, wait_for

KEY = "organisation/poison"


def envelope(**changes) -> bytes:
    event = json.loads(golden_event("membership.organisation.registered", consortium_id=CONSORTIUM,
                                    subject=KEY).to_json())
    return json.dumps(event | changes).encode()


POISON = {
    "tombstone": None,
    "nul-bytes": b"\x00\x01\x02binary\x00payload",
    "invalid-utf8": b'{"id": "\xff\xfe not text"}',
    "ten-megabytes": b'{"padding": "' + b"x" * (10 * 1024 * 1024) + b'"}',
    "future-version": envelope(version=99),
}


def produce(broker, value: bytes | None, key: str = KEY) -> None:
    producer = KafkaProducer(**broker.kafka_settings().producer_config(), max_request_size=12 * 1024 * 1024)
    producer.send("hub.membership", key=key.encode(), value=value)
    producer.flush()
    producer.close()


def dead_letters(h) -> list:
    with h.db.session(None) as session:
        return session.execute(select(h.db.kit.dead_letter)).all()


@pytest.mark.parametrize("kind", sorted(POISON))
def test_a_poison_message_is_dead_lettered_with_its_bytes_and_the_next_event_is_applied(kind, harness_on, own_broker):
    h = harness_on(own_broker)
    produce(own_broker, POISON[kind])
    good = h.register(f"After {kind}", subject=KEY)
    h.relay_until_sent()
    h.consume_until(lambda: good.id in h.applied, f"the event after the {kind} applied")

    [dead] = dead_letters(h)
    assert stored_payload(dead.payload, dead.payload_encoding) == POISON[kind]  # the exact bytes, kept
    assert dead.payload_encoding == {"tombstone": "tombstone", "nul-bytes": "base64", "invalid-utf8": "base64"}.get(
        kind, "utf-8")
    assert dead.tries == 1 and dead.status == "dead"
    if kind == "future-version":
        assert "v99 is not handled" in dead.error and dead.event_type == "membership.organisation.registered"

    # A worker started again reads on from the stored offset: the poison is not met twice.
    h.consumer.close()
    h.register("After the restart", subject=KEY)
    h.relay_until_sent()
    h.consume_until(lambda: "After the restart" in h.copies(), "the consumer carrying on after a restart")
    assert len(dead_letters(h)) == 1

    # The notice on hub.deadletter carries the bytes too (the start of them, for a big message).
    h.relay_until_sent()
    [notice] = read_topic(own_broker.bootstrap_servers, "hub.deadletter")
    assert notice["payload_encoding"] == dead.payload_encoding
    assert notice["payload_truncated"] is (kind == "ten-megabytes")
    if dead.payload_encoding == "base64":
        assert base64.b64decode(notice["payload"]) == POISON[kind]

    # The admin's retry fails again, saying why, and loses nothing.
    ok, message = h.consumer.applier.retry_dead_letter(dead.id)
    assert not ok and message.startswith("failed again")


def test_an_event_type_no_handler_knows_is_passed_over_and_the_next_is_applied(harness_on, own_broker):
    h = harness_on(own_broker)
    produce(own_broker, envelope(type="membership.organisation.renamed_in_a_later_release"))
    good = h.register("After an unknown type", subject=KEY)
    h.relay_until_sent()
    h.consume_until(lambda: good.id in h.applied, "the event after the unknown type applied")
    assert dead_letters(h) == []  # a later release's event is not ours to apply, nor an error


def test_an_event_whose_text_holds_nul_is_applied_or_dead_lettered_and_the_next_is_applied(harness_on, own_broker):
    """Valid JSON with \\u0000 in a name: SQLite stores it, PostgreSQL's text cannot; either way the consumer goes on."""
    h = harness_on(own_broker)
    nul = golden_event("membership.organisation.registered", consortium_id=CONSORTIUM, subject=KEY,
                       data={"organisation_id": str(uuid.uuid4()), "name": "Nul\x00Trust"})
    produce(own_broker, nul.to_json().encode())
    good = h.register("After a NUL", subject=KEY)
    h.relay_until_sent()
    h.consume_until(lambda: good.id in h.applied, "the event after the NUL applied")
    letters = dead_letters(h)
    with h.db.session(None) as session:
        applied = session.execute(select(h.db.kit.inbox.c.event_id).where(h.db.kit.inbox.c.event_id == nul.id)).first()
    assert bool(applied) != bool(letters)  # one or the other, never both, never neither
    for dead in letters:
        assert dead.event_id == nul.id and dead.tries == 3
        assert stored_payload(dead.payload, dead.payload_encoding) == nul.to_json().encode()


def test_a_database_away_is_not_the_events_fault_the_loop_backs_off_and_applies_it_once(harness_on, own_broker):
    """Any failure but the message's own restarts the loop with backoff; the state says so meanwhile."""
    h = harness_on(own_broker)
    h.database_away_for = 4  # more than consumer_max_tries: counted as tries, it would be dead-lettered
    event = h.register("Patient Trust")
    h.relay_until_sent()
    stop = threading.Event()
    seen_states = set()

    def state():
        workers = consumer_workers(h.db)
        seen_states.update((w["state"], consumer_check(workers, True)) for w in workers)
        return workers

    worker = threading.Thread(target=h.consumer.run_forever, args=(stop,), kwargs={"max_backoff_s": 1.0}, daemon=True)
    worker.start()
    try:
        wait_for(lambda: state() and event.id in h.applied, timeout=60, what="the event applied once the database is back")
        wait_for(lambda: state()[0]["state"] == "running" and state()[0]["last_applied_at"], timeout=10,
                 what="the worker reporting itself running again")
    finally:
        stop.set()
        worker.join(timeout=30)
    assert any(s == "failing" and check.startswith("failing: OperationalError") for s, check in seen_states)
    assert h.applied == [event.id] and dead_letters(h) == []
    [report] = consumer_workers(h.db)
    assert report["state"] == "stopped" and "the database went away" in report["last_error"]
    assert consumer_check([report], True) == "not started"
