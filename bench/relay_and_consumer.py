"""Outbox relay and idempotent consumer throughput on each broker, beside raw kafka-python on the same messages.

    python bench/relay_and_consumer.py [--broker tansu|kafka|both] [--db postgresql|sqlite] [--events 2000]
                                       [--mix lifecycle|registered]

Per broker, in one run (bench/_harness.py builds the broker and the two services):

1. membership commits N events of the mix (`--mix`, bench/_harness.py MIXES: by default "lifecycle", contracts'
   share of membership's topic as members join: 3 in 5 for its read copy, set-wise; 1 in 5 for a rule of its own,
   one at a time; 1 in 5 not its business, passed over; "registered" is the read copy's best case, every event a new
   organisation) to its outbox, each with a row of its own (100 to a transaction, to set up quickly: each is still
   a message of its own, relayed and consumed alone);
2. relay: `OutboxRelay.run_once()` (connected beforehand) until the outbox has no unsent row (events/s), beside a
   raw kafka-python producer with the same settings sending the same N payloads to a topic of its own (messages/s);
3. raw: a kafka-python consumer (same settings, every partition assigned, connected and its positions known)
   reads the N relayed messages and does nothing with them: messages/s from its first poll to the last batch;
4. hub: contracts' `EventConsumer.run_once()`, as its worker calls it, until every event is applied in contracts'
   database (read copy or its own row + inbox row + offset) or passed over: events (all N) per second from the
   first event applied to the last (the inbox rows' handled_at), so connecting and, on Kafka, joining the consumer group stay out of it (they are in the note
   printed under the table). Whatever the consumer does per call (one transaction per event today, batches
   later) is what is measured. The consumer only starts once the events are there: a group member that stopped
   polling while they were committed would be dropped from its group and rejoin, which a real worker never does.

Every event is then checked to have been applied exactly once (or passed over), with nothing dead-lettered. The
note under the table gives the consumer's cost per event that does not depend on the machine's load: its process's
CPU time per event (kafka-python's fetching included) and the SQL statements per transaction.
"""
from __future__ import annotations

import logging
import sys
import time

from sqlalchemy import event

import _harness as h

TIME_LIMIT_S = 180.0
COMMIT_BATCH = 100


def rate(n: int, seconds: float) -> float:
    return n / seconds if seconds > 0 else float("inf")


def until(n: int, step, what: str, done=None) -> float:
    """Call step() (which returns how many it did) until n are done; the seconds it took."""
    started = time.perf_counter()
    total, checked = 0, started
    while total < n:
        total += step() or 0
        now = time.perf_counter()
        if done is not None and now - checked > 0.5:  # the count from the database, whatever step() returns
            checked = now
            if done():
                break
        if now - started > TIME_LIMIT_S:
            raise RuntimeError(f"{what}: only {total}/{n} in {TIME_LIMIT_S:.0f} s")
    return time.perf_counter() - started


def measure(services: h.Services, n: int) -> dict[str, float]:
    # the relay connects and checks its topics on an empty outbox first, not on the clock
    services.relay.run_once()

    # 1. the events, committed to the outbox 100 to a transaction (quicker to set up; each is its own message)
    for done in range(0, n, COMMIT_BATCH):
        services.commit_event(min(COMMIT_BATCH, n - done))
    assert services.unsent() == n, "every committed event should wait in the outbox"

    # 2. relay, then a raw producer with the same messages
    start_offsets = h.end_offsets(services, services.topic)
    relay_s = until(n, services.relay.run_once, "relay", done=lambda: services.unsent() == 0)
    messages = services.payloads()
    producer = h.raw_producer(services)
    try:
        producer.send(h.RAW_TOPIC, key=b"warm-up", value=messages[0][1]).get(timeout=10)
        started = time.perf_counter()
        for key, value in messages:
            producer.send(h.RAW_TOPIC, key=key, value=value)
        producer.flush(timeout=TIME_LIMIT_S)
        raw_produce_s = time.perf_counter() - started
    finally:
        producer.close(timeout=5)

    # 3. raw consumption of the relayed messages, from the first poll (connected, positions known) to the last batch
    consumer = h.raw_consumer(services, services.topic, start_offsets)
    try:
        raw_consume_s = until(n, lambda: sum(len(r) for r in consumer.poll(timeout_ms=200).values()), "raw consumer")
    finally:
        consumer.close()

    # 4. the service's consumer, cold (it connects, and on Kafka joins its group, now: that is the "wall" figure),
    # from the first event applied to the last as committed in its database (handled_at, whatever it batches)
    statements, transactions = [0], [0]

    def count_statement(*_):
        statements[0] += 1

    def count_commit(*_):
        transactions[0] += 1

    engine = services.consumer_db.engine
    event.listen(engine, "before_cursor_execute", count_statement)
    event.listen(engine, "commit", count_commit)
    cpu_started = time.process_time()
    try:
        wall_s = until(n, lambda: services.consumer.run_once(timeout_ms=200), "consumer",
                       done=lambda: services.applied_count() >= services.handled(n))
    finally:
        cpu_s = time.process_time() - cpu_started
        event.remove(engine, "before_cursor_execute", count_statement)
        event.remove(engine, "commit", count_commit)
    services.check_exactly_once(n)
    first_applied, last_applied = services.applied_span()
    return {"relay_eps": rate(n, relay_s), "raw_produce_mps": rate(n, raw_produce_s),
            "consume_eps": rate(n - 1, last_applied - first_applied), "consume_wall_eps": rate(n, wall_s),
            "raw_consume_mps": rate(n, raw_consume_s), "cpu_us_per_event": cpu_s / n * 1e6,
            "statements_per_transaction": statements[0] / max(1, transactions[0]), "transactions": transactions[0]}


def main(argv: list[str] | None = None) -> int:
    p = h.parser(__doc__)
    p.add_argument("--events", type=int, default=2000, help="events per broker (default 2000)")
    p.add_argument("--mix", choices=sorted(h.MIXES), default="lifecycle",
                   help="the events given to the consumer (default lifecycle; see bench/_harness.py MIXES)")
    args = h.parse(p, argv)
    logging.basicConfig(level=logging.WARNING)
    h.print_header_once()
    table = h.Table(f"relay_and_consumer: {args.events} events pre-published ({args.mix} mix), {args.db}; "
                    "hub = OutboxRelay / "
                    "EventConsumer (effect + inbox + offset committed), raw = kafka-python on the same messages")
    notes = []
    for kind in h.kinds(args.broker):
        started = time.perf_counter()
        with h.services_on(kind, args.db, args.mix) as services:
            r = measure(services, args.events)
        table.add(kind, "relay throughput", r["relay_eps"], r["raw_produce_mps"], "/s", digits=0)
        table.add(kind, "consumer throughput", r["consume_eps"], r["raw_consume_mps"], "/s", digits=0)
        notes.append(f"  {h.BROKER_NAMES[kind]}: hub consumer from its first poll, connecting (and joining its "
                     f"group) included: {r['consume_wall_eps']:,.0f}/s; its process's CPU "
                     f"{r['cpu_us_per_event']:,.0f} µs per event; {r['transactions']} transactions, "
                     f"{r['statements_per_transaction']:.1f} SQL statements each")
        print(f"  {h.BROKER_NAMES[kind]}: measured in {time.perf_counter() - started:.0f} s; "
              f"{args.events} applied once each or passed over, 0 dead-lettered", flush=True)
    table.print()
    for line in notes:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
