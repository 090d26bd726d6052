"""End-to-end event latency: from a committed change to its effect in another service's database.

    python bench/event_latency.py [--samples 200]

The relay and the consumer run as they do in a worker (their `run_forever` loops in threads, with the
production defaults: relay poll 100 ms, fetch wait 100 ms). One event at a time is committed through
the outbox, and the time until the consumer's read copy holds it is measured. The target for the
walking skeleton is well under a second.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

from sqlalchemy import select

from hubkit.broker import TansuBroker
from hubkit.consumer import EventConsumer, EventHandlers
from hubkit.db import Database, Tenant, declarative_base_for
from hubkit.read_copies import MemberOrganisationCopy, apply_organisation_event
from hubkit.relay import OutboxRelay
from hubkit.testing import Databases, service_settings
from hubkit.tokens import generate_keypair
from hubkit.unit_of_work import UnitOfWork

Base = declarative_base_for("latency")
CONSORTIUM = uuid.uuid4()


class OrganisationCopy(MemberOrganisationCopy, Base):
    __tablename__ = "organisation_copy"


def measure(samples: int) -> list[float]:
    databases = Databases()
    stop = threading.Event()
    with tempfile.TemporaryDirectory(prefix="hub-latency-") as tmp:
        _private, public = generate_keypair(Path(tmp) / "keys")
        broker = TansuBroker(log_file=Path(tmp) / "tansu.log").start()
        db = None
        try:
            url = databases.create("latency")
            db = Database(url, Base.kit)
            Base.metadata.create_all(db.engine)
            handlers = EventHandlers()
            handlers.on("membership.organisation.registered")(
                lambda uow, event: apply_organisation_event(uow.session, OrganisationCopy, event))
            relay = OutboxRelay(db, service_settings("membership", url, broker.bootstrap_servers, public))
            consumer = EventConsumer(db, service_settings("contracts", url, broker.bootstrap_servers, public), handlers)
            threads = [threading.Thread(target=relay.run_forever, args=(stop,), daemon=True),
                       threading.Thread(target=consumer.run_forever, args=(stop,), daemon=True)]
            for thread in threads:
                thread.start()
            latencies = []
            for i in range(samples + 10):  # the first ten warm up connections and assignment
                org_id = uuid.uuid4()
                started = time.perf_counter()
                with UnitOfWork(db, Tenant(CONSORTIUM), actor="user:bench", service="membership") as uow:
                    uow.publish("membership.organisation.registered", subject=f"organisation/{org_id}",
                                data={"organisation_id": org_id, "name": f"Latency Trust {i}",
                                      "legal_form": "charity", "status": "applicant"})
                    uow.commit()
                deadline = started + 30
                while True:
                    with db.session(Tenant(CONSORTIUM)) as session:
                        if session.execute(select(OrganisationCopy.id).where(OrganisationCopy.id == org_id)).first():
                            break
                    if time.perf_counter() > deadline:
                        raise RuntimeError(f"event {i} not applied within 30 s")
                    time.sleep(0.002)
                if i >= 10:
                    latencies.append(time.perf_counter() - started)
            return latencies
        finally:
            stop.set()
            time.sleep(0.5)
            if db is not None:
                db.dispose()
            broker.stop()
            databases.drop_all()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=200)
    args = parser.parse_args(argv)
    latencies = sorted(measure(args.samples))
    ms = [x * 1000 for x in latencies]
    p = lambda q: ms[min(len(ms) - 1, int(q * len(ms)))]  # noqa: E731
    print(f"event_latency: {len(ms)} events, commit -> applied in another service's read copy")
    print(f"  p50 {p(0.50):6.1f} ms   p95 {p(0.95):6.1f} ms   p99 {p(0.99):6.1f} ms   max {ms[-1]:6.1f} ms")
    print(f"  mean {statistics.mean(ms):6.1f} ms; ratio p99 / 1 s target = {p(0.99) / 1000:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
