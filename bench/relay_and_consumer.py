"""Outbox relay and idempotent consumer throughput, against a real Tansu broker and real PostgreSQL.

    python bench/relay_and_consumer.py [--events 2000]

1. commits N `membership.organisation.registered` events, one UnitOfWork (one transaction) each,
   together with a row of the producer's own (as a real command would);
2. times `OutboxRelay.run_once()` until the outbox has no unsent row (events/s);
3. times an `EventConsumer` (as contracts, keeping a read copy of the organisations) until every
   event is applied (events/s), and prints the consumer/relay ratio.

Objects are built as in libs/hubkit/tests/test_events_flow.py (Harness), but with the relay's and
consumer's production defaults (incarnation check every 1 s, resync every 2 s). Connections are
opened before the clocks start, so the figures are steady-state throughput. The database is made
under a unique name on TEST_DATABASE_URL's server (default postgres@127.0.0.1:55432, the cluster scripts/ensure-postgres starts) and dropped.
"""
from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import String, func, select
from sqlalchemy.orm import Mapped, mapped_column

from hubkit.broker import TansuBroker
from hubkit.consumer import EventConsumer, EventHandlers
from hubkit.db import ConsortiumScoped, Database, Tenant, declarative_base_for
from hubkit.read_copies import MemberOrganisationCopy, apply_organisation_event
from hubkit.relay import OutboxRelay
from hubkit.testing import Databases, service_settings
from hubkit.tokens import generate_keypair
from hubkit.unit_of_work import UnitOfWork

Base = declarative_base_for("bench")
CONSORTIUM = uuid.uuid4()
TIME_LIMIT_S = 120.0


class OrganisationCopy(MemberOrganisationCopy, Base):
    __tablename__ = "organisation_copy"


class Note(ConsortiumScoped, Base):
    __tablename__ = "note"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    text: Mapped[str] = mapped_column(String(100))


def count(db: Database, query) -> int:
    with db.session(None) as session:
        return session.execute(query).scalar_one()


def rate(n: int, seconds: float) -> float:
    return n / seconds if seconds > 0 else float("inf")


def run(n: int) -> dict[str, float]:
    databases = Databases()
    with tempfile.TemporaryDirectory(prefix="hub-bench-") as tmp:
        _private, public = generate_keypair(Path(tmp) / "keys")
        broker = TansuBroker(log_file=Path(tmp) / "tansu.log").start()
        db = relay = consumer = None
        try:
            url = databases.create("bench")
            producer_settings = service_settings("membership", url, broker.bootstrap_servers, public)
            consumer_settings = service_settings("contracts", url, broker.bootstrap_servers, public,
                                                 consumer_max_tries=3)
            db = Database(url, Base.kit)
            Base.metadata.create_all(db.engine)
            kit = db.kit
            relay = OutboxRelay(db, producer_settings)
            handlers = EventHandlers()

            @handlers.on("membership.organisation.registered")
            def _copy(uow, event):
                apply_organisation_event(uow.session, OrganisationCopy, event)

            consumer = EventConsumer(db, consumer_settings, handlers)

            # Warm up: connect both clients, check topics, assign partitions (not timed).
            relay.run_once()
            consumer.run_once(timeout_ms=100)

            # 1. Commit N events through the outbox, one transaction each.
            started = time.perf_counter()
            for i in range(n):
                with UnitOfWork(db, Tenant(CONSORTIUM), actor="user:bench", service="membership") as uow:
                    uow.session.add(Note(text=f"registered Bench Trust {i}"))
                    org_id = uuid.uuid4()
                    uow.publish("membership.organisation.registered", subject=f"organisation/{org_id}",
                                data={"organisation_id": org_id, "name": f"Bench Trust {i}",
                                      "legal_form": "charity", "status": "applicant"})
                    uow.commit()
            commit_s = time.perf_counter() - started
            unsent = select(func.count()).select_from(kit.outbox).where(kit.outbox.c.sent_at.is_(None))
            assert count(db, unsent) == n, "every committed event should wait in the outbox"

            # 2. Relay until the outbox is empty.
            started = time.perf_counter()
            sent = 0
            while sent < n:
                sent += relay.run_once()
                if time.perf_counter() - started > TIME_LIMIT_S:
                    raise RuntimeError(f"relay sent only {sent}/{n} in {TIME_LIMIT_S}s")
            relay_s = time.perf_counter() - started
            assert count(db, unsent) == 0

            # 3. Consume until every event is applied (one transaction per event: effect + inbox + offset).
            started = time.perf_counter()
            handled = 0
            while handled < n:
                handled += consumer.run_once(timeout_ms=200)
                if time.perf_counter() - started > TIME_LIMIT_S:
                    raise RuntimeError(f"consumer handled only {handled}/{n} in {TIME_LIMIT_S}s")
            consume_s = time.perf_counter() - started

            # Check the outcome: each event applied exactly once, nothing dead-lettered.
            applied = count(db, select(func.count()).select_from(kit.inbox))
            copies = count(db, select(func.count()).select_from(OrganisationCopy.__table__))
            dead = count(db, select(func.count()).select_from(kit.dead_letter))
            if not (applied == copies == n and dead == 0):
                raise RuntimeError(f"expected {n} applied, got inbox={applied} copies={copies} dead={dead}")
        finally:
            for closable in (relay, consumer):
                if closable is not None:
                    closable.close()
            if db is not None:
                db.dispose()
            broker.stop()
            databases.drop_all()

    results = {
        "events": n,
        "commit_s": commit_s, "commit_eps": rate(n, commit_s),
        "relay_s": relay_s, "relay_eps": rate(n, relay_s),
        "consume_s": consume_s, "consume_eps": rate(n, consume_s),
    }
    results["consumer_relay_ratio"] = results["consume_eps"] / results["relay_eps"]
    results["end_to_end_eps"] = rate(n, relay_s + consume_s)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2000, help="events to commit, relay and consume")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    r = run(args.events)
    print(f"relay_and_consumer: {r['events']} events (Tansu broker, PostgreSQL, 3 partitions)")
    print(f"  commit   (UnitOfWork.publish, 1 tx/event) {r['commit_s']:7.2f} s {r['commit_eps']:9.0f} events/s")
    print(f"  relay    (OutboxRelay.run_once, acks=all) {r['relay_s']:7.2f} s {r['relay_eps']:9.0f} events/s")
    print(f"  consumer (EventConsumer, 1 tx/event)      {r['consume_s']:7.2f} s {r['consume_eps']:9.0f} events/s")
    print(f"  ratio consumer/relay   {r['consumer_relay_ratio']:.2f}")
    print(f"  ratio relay/commit     {r['relay_eps'] / r['commit_eps']:.2f}")
    print(f"  relay + consumer       {r['end_to_end_eps']:9.0f} events/s")
    print(f"  checked: {r['events']} applied once each, 0 dead-lettered")
    return 0


if __name__ == "__main__":
    sys.exit(main())
