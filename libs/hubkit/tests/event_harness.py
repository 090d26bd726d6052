"""A small producing and consuming service over one database, for the outbox, relay and consumer suites."""
from __future__ import annotations

import contextlib
import threading
import time
import uuid

from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from hubkit.config import KafkaSettings
from hubkit.consumer import EventConsumer, EventHandlers
from hubkit.db import Database, Tenant
from hubkit.read_copies import apply_organisation_event
from hubkit.relay import OutboxRelay
from hubkit.testing import EventsFlowBase, Note, OrganisationCopy, read_topic, service_settings, wait_for
from hubkit.topics import admin_client, describe
from hubkit.unit_of_work import UnitOfWork

Base = EventsFlowBase

CONSORTIUM = uuid.uuid4()
CLASH_NOTE_ID = uuid.uuid4()


class Harness:
    """A producing side (membership's topic) and a consuming side (as contracts) over one database."""

    def __init__(self, database_url: str, broker, public_key, **kafka_overrides):
        bootstrap, kafka = broker.bootstrap_servers, broker.kafka_settings(**kafka_overrides)
        self.producer_settings = service_settings("membership", database_url, bootstrap, public_key, kafka=kafka)
        self.consumer_settings = service_settings("contracts", database_url, bootstrap, public_key,
                                                  consumer_max_tries=3, kafka=kafka)
        self.db = Database(database_url, Base.kit)
        Base.metadata.create_all(self.db.engine)
        self.relay = OutboxRelay(self.db, self.producer_settings, incarnation_check_s=0)
        self.applied: list[uuid.UUID] = []
        self.fail_names: set[str] = set()
        self.clash_names: set[str] = set()
        self.database_away_for = 0  # the next n applications find the database gone
        handlers = EventHandlers()

        @handlers.on("membership.organisation.registered")
        def _copy(uow, event):
            if self.database_away_for:
                self.database_away_for -= 1
                raise OperationalError("SELECT 1", {}, ConnectionError("the database went away"))
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
            return session.execute(select(func.count()).select_from(table)
                                   .execution_options(hubkit_all_tenants=True)).scalar_one()  # every consortium's

    def relay_until_sent(self):
        wait_for(lambda: self.relay.run_once() >= 0 and self.count_unsent() == 0, what="outbox sent")

    def count_unsent(self) -> int:
        with self.db.session(None) as session:
            return session.execute(select(func.count()).select_from(self.db.kit.outbox)
                                   .where(self.db.kit.outbox.c.sent_at.is_(None))).scalar_one()

    def consume_until(self, condition, what, timeout: float = 60.0):
        # a generous limit (met at once on a quiet machine): a ten-megabyte message on a machine at load 15 took
        # longer than wait_for's 15 s to fetch and dead-letter, and failed a date sweep for no fault of the code
        wait_for(lambda: (self.consumer.run_once(timeout_ms=200), condition())[1], timeout=timeout, what=what)

    def close(self):
        self.relay.close()
        self.consumer.close()
        self.db.dispose()


def ids_on_topic(bootstrap, topic="hub.membership") -> list[str]:
    return [m["id"] for m in read_topic(bootstrap, topic)]




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
    admin = admin_client(KafkaSettings(bootstrap_servers=broker.bootstrap_servers))
    try:
        return describe(admin, ["hub.membership"])["hub.membership"][0]
    finally:
        admin.close()


def register_many(h: "Harness", total: int, prefix: str, per_commit: int = 100) -> list:
    """`total` organisations registered, `per_commit` to a transaction: their events wait in the outbox."""
    events = []
    for batch in range(0, total, per_commit):
        with UnitOfWork(h.db, Tenant(CONSORTIUM), actor="user:test", service="membership") as uow:
            for n in range(batch, min(batch + per_commit, total)):
                events.append(uow.publish(
                    "membership.organisation.registered", subject=f"organisation/{uuid.uuid4()}",
                    data={"organisation_id": uuid.uuid4(), "name": f"{prefix} {n}", "legal_form": "charity",
                          "status": "applicant"}))
            uow.commit()
    return events


@contextlib.contextmanager
def pumping(h: "Harness"):
    """The worker's loop in a thread: relay and consumer, carrying on through a broker's absence."""
    stop = threading.Event()

    def pump():
        while not stop.is_set():
            for step in (h.relay.run_once, lambda: h.consumer.run_once(timeout_ms=100)):
                try:
                    step()
                except Exception:  # noqa: BLE001 - the broker is away for a while; the worker keeps going
                    time.sleep(0.05)

    worker = threading.Thread(target=pump, daemon=True)
    worker.start()
    try:
        yield
    finally:
        stop.set()
        worker.join(timeout=30)


def assert_each_applied_once(h: "Harness", events: list) -> None:
    """None lost, none applied twice: the handler ran once per event, and inbox and copies match."""
    assert sorted(h.applied) == sorted(e.id for e in events)
    assert h.count(h.db.kit.inbox) == len(events) and h.count_unsent() == 0
    assert len(h.copies()) == len(events)
    assert h.count(h.db.kit.dead_letter) == 0
