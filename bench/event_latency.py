"""End-to-end event latency on each broker, beside raw kafka-python produce-to-consume on the same broker.

    python bench/event_latency.py [--broker tansu|kafka|both] [--db postgresql|sqlite] [--samples 200] [--gap-ms 20]

Per broker, in one run (bench/_harness.py builds the broker and the two services):

- hub: membership commits an organisation through its outbox; the clock starts when that transaction has
  committed and stops when contracts' read copy of it is committed in contracts' database (polled every 2 ms).
  The relay and the consumer run as in a worker (their `run_forever` loops in threads, production defaults:
  relay poll 100 ms, fetch wait 100 ms).
- raw: a kafka-python producer sends an event of the same size to a topic of its own and a kafka-python consumer
  (assigned every partition, the same client settings) receives it; send() to the record in the consumer's hands.

Events go one at a time, each after the previous one arrived and a gap: --gap-ms plus a random part up to the
relay's poll interval, so commits land anywhere in the relay's polling cycle (as users' do) rather than locked to
its phase. The first ten of each warm up connections and assignment and are not counted.
"""
from __future__ import annotations

import logging
import random
import sys
import threading
import time

import _harness as h

WARM_UP = 10


def pause(services: h.Services, gap_s: float) -> None:
    time.sleep(gap_s + random.uniform(0, services.producer_settings.relay_poll_interval_ms / 1000))


def hub_latencies(services: h.Services, samples: int, gap_s: float) -> tuple[list[float], list[float]]:
    """(commit -> applied, commit -> relayed) for each event: the second is how long it waited in the outbox."""
    services.start_worker()
    try:
        latencies, relayed = [], []
        for i in range(WARM_UP + samples):
            org_id = services.commit_event()
            committed, committed_wall = time.perf_counter(), time.time()
            seen = services.wait_until(lambda: services.applied(org_id), 30, f"event {i} applied", interval=0.002)
            if i >= WARM_UP:
                latencies.append(seen - committed)
                relayed.append(services.sent_at(org_id) - committed_wall)
            pause(services, gap_s)
        return latencies, relayed
    finally:
        services.stop_worker()


def raw_latencies(services: h.Services, samples: int, gap_s: float) -> list[float]:
    producer = h.raw_producer(services)
    consumer = h.raw_consumer(services, h.RAW_TOPIC)
    arrived: dict[bytes, float] = {}
    got = threading.Condition()
    stop = threading.Event()

    def consume() -> None:
        while not stop.is_set():
            for records in consumer.poll(timeout_ms=100).values():
                now = time.perf_counter()
                with got:
                    for record in records:
                        arrived[record.key] = now
                    got.notify_all()

    reader = threading.Thread(target=consume, daemon=True)
    reader.start()
    try:
        latencies = []
        for i in range(WARM_UP + samples):
            key, value = h.sample_event(i)
            sent = time.perf_counter()
            producer.send(h.RAW_TOPIC, key=key, value=value)
            with got:
                if not got.wait_for(lambda: key in arrived, timeout=30):
                    raise RuntimeError(f"raw message {i} not consumed within 30 s")
            if i >= WARM_UP:
                latencies.append(arrived[key] - sent)
            pause(services, gap_s)
        return latencies
    finally:
        stop.set()
        reader.join(timeout=5)
        producer.close(timeout=5)
        consumer.close()


def main(argv: list[str] | None = None) -> int:
    p = h.parser(__doc__)
    p.add_argument("--samples", type=int, default=200, help="events counted per broker and per client (default 200)")
    p.add_argument("--gap-ms", type=float, default=20, help="pause after each event arrived (default 20 ms)")
    args = h.parse(p, argv)
    logging.basicConfig(level=logging.WARNING)
    h.print_header_once()
    table = h.Table(f"event_latency: {args.samples} events one at a time ({args.gap_ms:g} ms + up to a relay poll "
                    f"apart), {args.db}; "
                    "hub = outbox commit -> read copy committed in the consumer's database, "
                    "raw = kafka-python send() -> record polled")
    notes = []
    for kind in h.kinds(args.broker):
        started = time.perf_counter()
        with h.services_on(kind, args.db) as services:
            raw = sorted(raw_latencies(services, args.samples, args.gap_ms / 1000))
            hub, relayed = map(sorted, hub_latencies(services, args.samples, args.gap_ms / 1000))
        for label, q in (("latency p50", 0.50), ("latency p95", 0.95), ("latency p99", 0.99)):
            table.add(kind, label, h.percentile(hub, q) * 1000, h.percentile(raw, q) * 1000, "ms")
        print(f"  {h.BROKER_NAMES[kind]}: measured in {time.perf_counter() - started:.0f} s", flush=True)
        notes.append(f"  {h.BROKER_NAMES[kind]}: hub max {hub[-1] * 1000:.0f} ms, raw max {raw[-1] * 1000:.0f} ms; "
                     f"hub commit -> relayed (acked, marked sent) p50 {h.percentile(relayed, 0.5) * 1000:.0f} ms, "
                     f"p95 {h.percentile(relayed, 0.95) * 1000:.0f} ms")
    table.print()
    for line in notes:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
