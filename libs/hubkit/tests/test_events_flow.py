"""The outbox, relay and idempotent consumer against a real database and real brokers: Tansu and Apache Kafka."""
from __future__ import annotations

import dataclasses
import threading

from kafka import KafkaProducer
from sqlalchemy import func, select

from event_harness import (Note, assert_each_applied_once, current_topic_id, ids_on_topic, positions_total, pumping,
                           register_many)
from hubkit.consumer import EventConsumer, EventHandlers
from hubkit.read_copies import subscribe_organisation_copy
from hubkit.testing import OrganisationCopy, read_topic, wait_for

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
    events = register_many(h, 1000, "Burst Trust")
    with pumping(h):
        wait_for(lambda: len(h.applied) >= 100, timeout=60, what="the burst under way")
        own_kafka_broker.kill()  # SIGKILL mid-burst; its log stays on disk
        half_seen = len(h.applied)
        own_kafka_broker.restart(create_topics=False)  # the topics survive in the log
        wait_for(lambda: len(set(h.applied)) == len(events), timeout=120, what="every event applied after the restart")
    assert half_seen < len(events)  # the kill really came mid-stream
    assert_each_applied_once(h, events)


def test_a_producer_cut_off_by_a_paused_apache_kafka_resumes_and_loses_and_doubles_nothing(harness_on,
                                                                                          own_kafka_broker):
    """The broker stops answering (SIGSTOP) mid-stream for longer than the producer's timeouts, then comes back:
    the relay's sends time out, it starts again, and 1,000 events are each applied once."""
    h = harness_on(own_kafka_broker, request_timeout_ms=2000, max_block_ms=2000)
    events = register_many(h, 500, "Paused Trust")
    with pumping(h):
        wait_for(lambda: len(h.applied) >= 100, timeout=60, what="the stream under way")
        own_kafka_broker.pause()
        try:
            # Events keep being written while the broker is silent; the relay's sends time out and it keeps
            # the error on the oldest unsent row.
            events += register_many(h, 500, "Paused Trust (written during the pause)")
            wait_for(lambda: last_relay_error(h), timeout=60, what="the relay cut off")
            cut_off_at = h.count(h.db.kit.inbox)
        finally:
            own_kafka_broker.resume()
        wait_for(lambda: len(set(h.applied)) == len(events), timeout=120, what="every event applied after the pause")
    assert cut_off_at < len(events)
    assert_each_applied_once(h, events)


def last_relay_error(h) -> str | None:
    outbox = h.db.kit.outbox
    with h.db.session(None) as session:
        return session.execute(select(outbox.c.last_error).where(outbox.c.last_error.is_not(None)).limit(1)).scalar()


def test_a_new_empty_apache_kafka_cluster_mid_stream_gets_the_outbox_again_and_nothing_is_applied_twice(
        harness_on, own_kafka_broker):
    """The log is wiped mid-stream (a new cluster, new topic ids): the relay replays the kept outbox, the consumer
    starts the new topics at 0, and of 1,000 events each is applied once."""
    h = harness_on(own_kafka_broker)
    events = register_many(h, 1000, "Wiped Trust")
    with pumping(h):
        wait_for(lambda: len(h.applied) >= 100, timeout=60, what="the stream under way")
        old_topic = current_topic_id(own_kafka_broker)
        own_kafka_broker.wipe()
        wiped_at = len(h.applied)
        wait_for(lambda: len(set(h.applied)) == len(events), timeout=180, what="every event applied after the wipe")
        # The consumer read the whole new topic (the replay) from 0, under the new topic id.
        new_topic = current_topic_id(own_kafka_broker)
        wait_for(lambda: positions_total(h, topic_id=new_topic) >= len(events), timeout=60,
                 what="the replayed topic read to its end")
    assert new_topic != old_topic and wiped_at < len(events)
    assert_each_applied_once(h, events)


def test_a_failing_event_in_a_batch_is_dead_lettered_alone_and_the_rest_applied_once_in_order(harness_on, any_broker):
    """One partition's poll is applied in one transaction; when one of its events fails none is kept and they are
    taken again one by one: the failing one dead-lettered, every other applied once, in the partition's order."""
    h = harness_on(any_broker)
    names = [f"Batch Trust {n}" for n in range(30)]
    h.fail_names = {"Batch Trust 17"}
    events = [h.register(name, subject="organisation/one-partition") for name in names]
    h.relay_until_sent()
    ours = {e.id for e in events}  # the session's broker also holds other tests' events
    kit = h.db.kit

    def dead_and_handled():
        with h.db.session(None) as session:
            dead = [r for r in session.execute(select(kit.dead_letter)) if r.event_id in ours]
            handled = [i for i in session.execute(select(kit.inbox.c.event_id).order_by(kit.inbox.c.handled_at))
                       .scalars() if i in ours]
        return dead, handled

    h.consume_until(lambda: len(dead_and_handled()[0]) + len(dead_and_handled()[1]) == 30, "the batch handled")
    [dead], handled = dead_and_handled()
    assert dead.event_id == events[17].id and dead.tries == 3
    assert handled == [e.id for e in events if e.id != events[17].id]  # each once, in order
    assert set(names) - {"Batch Trust 17"} <= set(h.copies()) and "Batch Trust 17" not in h.copies()
    # Every copy made has its audit row, whichever way it was applied (none lost to the failed run's rollback).
    with h.db.session(None) as session:
        audited = session.execute(select(kit.audit_entry.c.after).where(
            kit.audit_entry.c.entity == "OrganisationCopy", kit.audit_entry.c.action == "create")).scalars().all()
    assert sorted(a["name"] for a in audited if a["name"] in names) == sorted(set(names) - {"Batch Trust 17"})

    # Later work on the same pooled connections audits itself as before.
    later = h.register("After the batch")
    h.relay_until_sent()
    h.consume_until(lambda: "After the batch" in h.copies(), "a later event applied")
    with h.db.session(None) as session:
        assert session.execute(select(func.count()).select_from(kit.audit_entry).where(
            kit.audit_entry.c.entity == "OrganisationCopy",
            kit.audit_entry.c.correlation_id == later.correlation_id)).scalar_one() == 1


def test_on_postgresql_a_commit_wakes_the_relay_and_without_it_the_poll_still_publishes(harness_on, broker):
    """The relay listens for commits that wrote to the outbox (LISTEN/NOTIFY); the poll is the fallback."""
    h = harness_on(broker)
    h.relay_until_sent()
    listening = h.db.engine.dialect.name == "postgresql"
    poll_ms = 600_000 if listening else 50  # on PostgreSQL, only the commit's NOTIFY can wake it in time
    h.relay.settings = dataclasses.replace(h.relay.settings, relay_poll_interval_ms=poll_ms)
    stop = threading.Event()
    relay = threading.Thread(target=h.relay.run_forever, args=(stop,), daemon=True)
    relay.start()
    try:
        wait_for(lambda: h.count_unsent() == 0, what="the relay started")
        for n in range(3):  # each commit wakes it, however long the poll interval
            event = h.register(f"Wake Trust {n}")
            wait_for(lambda: str(event.id) in ids_on_topic(broker.bootstrap_servers), timeout=20,
                     what="the event published without waiting for the poll")
    finally:
        stop.set()
        relay.join(timeout=30)
    assert not relay.is_alive()


def test_read_copy_events_in_a_batch_are_applied_set_wise_once_each(harness_on, any_broker):
    """Consecutive organisation events of one consortium go to the set-wise handler together; each is applied
    once, and the copies end as one-by-one application would leave them."""
    h = harness_on(any_broker)
    handlers = EventHandlers()
    subscribe_organisation_copy(handlers, OrganisationCopy)
    calls = []
    for subscription in handlers.by_type.values():
        original = subscription.many
        handlers.by_type[subscription.event_type] = dataclasses.replace(
            subscription, many=lambda uow, events, original=original: (calls.append(len(events)),
                                                                        original(uow, events)))
    consumer = EventConsumer(h.db, h.consumer_settings, handlers, sleep=lambda s: None)
    events = [h.register(f"Set-wise Trust {n}", subject="organisation/set-wise") for n in range(40)]
    h.relay_until_sent()
    ours = {e.id for e in events}

    def applied() -> int:
        with h.db.session(None) as session:
            return sum(1 for i in session.execute(select(h.db.kit.inbox.c.event_id)).scalars() if i in ours)

    wait_for(lambda: consumer.run_once(timeout_ms=200) >= 0 and applied() == 40, what="the forty applied")
    consumer.close()
    assert max(calls) > 1  # they went through the set-wise handler together
    assert {f"Set-wise Trust {n}" for n in range(40)} <= set(h.copies())
    assert h.count(h.db.kit.dead_letter) == 0
