"""The idempotent consumer: each event applied once, in the same transaction as its inbox row and offset.

It assigns itself every partition of the topics it reads (one consumer per service, no group), keeps
its offsets in the service's database with the topic id they belong to, and starts a topic again
from the beginning when the broker has made it anew. A message that keeps failing is dead-lettered
(table + `hub.deadletter` topic, through the outbox) and the consumer goes on with the next.
"""
from __future__ import annotations

import dataclasses
import json
import logging
import threading
import time
import uuid
from typing import Callable, Iterable

from kafka import KafkaConsumer, TopicPartition
from kafka.errors import KafkaError
from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError

from .config import ServiceSettings
from .db import Database, Tenant, utcnow
from .events import Envelope, EventValidationError, parse_event
from .logs import correlation_id_var
from .topics import DEAD_LETTER_TOPIC, admin_client, describe
from .unit_of_work import UnitOfWork

log = logging.getLogger(__name__)
Handler = Callable[[UnitOfWork, Envelope], None]


@dataclasses.dataclass(frozen=True)
class Subscription:
    """A handler for one event type, and the versions of it that the handler understands."""

    event_type: str
    handler: Handler
    versions: tuple[int, ...] = (1,)


class EventHandlers:
    """The event types a service consumes; `@handlers.on("x.y.z")` registers one."""

    def __init__(self):
        self.by_type: dict[str, Subscription] = {}

    def on(self, event_type: str, versions: Iterable[int] = (1,)):
        def register(fn: Handler) -> Handler:
            self.by_type[event_type] = Subscription(event_type, fn, tuple(versions))
            return fn

        return register

    @property
    def topics(self) -> list[str]:
        return sorted({f"hub.{t.split('.', 1)[0]}" for t in self.by_type})


class PermanentFailure(Exception):
    """An event that can never be applied (malformed, or a version we do not handle)."""


class EventApplier:
    """Applies one message exactly once; shared by the consumer loop and the admin's retry button."""

    def __init__(self, db: Database, settings: ServiceSettings, handlers: EventHandlers):
        self.db, self.settings, self.handlers = db, settings, handlers
        self.consumer_name = settings.service

    def decode(self, raw: bytes) -> Envelope | None:
        """The event, or None for a type this service does not consume; PermanentFailure if malformed."""
        try:
            event = parse_event(raw)
        except EventValidationError as exc:
            raise PermanentFailure(str(exc)) from exc
        subscription = self.handlers.by_type.get(event.type)
        if subscription is None:
            return None
        if event.version not in subscription.versions:
            raise PermanentFailure(f"{event.type} v{event.version} is not handled (handles {subscription.versions})")
        return event

    def apply(self, event: Envelope, position: tuple[str, int, int] | None = None) -> bool:
        """Apply the event once; returns False if it had been applied before. Moves the offset too."""
        kit = self.db.kit
        correlation_id_var.set(event.correlation_id)
        uow = UnitOfWork(self.db, Tenant(event.consortium_id), actor=f"event:{event.type}",
                         service=self.settings.service, correlation_id=event.correlation_id,
                         causation_id=str(event.id))
        with uow:
            seen = uow.session.execute(select(kit.inbox.c.event_id).where(
                kit.inbox.c.consumer == self.consumer_name, kit.inbox.c.event_id == event.id)).first()
            if seen is None:
                self.handlers.by_type[event.type].handler(uow, event)
                uow.session.execute(insert(kit.inbox).values(consumer=self.consumer_name, event_id=event.id,
                                                             event_type=event.type, handled_at=utcnow()))
            if position:
                self._advance(uow.session, *position)
            try:
                uow.commit()
            except IntegrityError:
                if not self._in_inbox(event.id):
                    raise  # the handler's own write clashed: a failure, retried then dead-lettered
                # Another process applied it between our check and commit: the inbox key caught it.
                if position:
                    self.skip(*position)
                return False
            return seen is None

    def _in_inbox(self, event_id: uuid.UUID) -> bool:
        kit = self.db.kit
        with self.db.session(None) as session:
            return session.execute(select(kit.inbox.c.event_id).where(
                kit.inbox.c.consumer == self.consumer_name, kit.inbox.c.event_id == event_id)).first() is not None

    def _advance(self, session, topic: str, partition: int, next_offset: int) -> None:
        kit = self.db.kit
        session.execute(update(kit.consumer_position).where(
            kit.consumer_position.c.consumer == self.consumer_name, kit.consumer_position.c.topic == topic,
            kit.consumer_position.c.partition == partition).values(next_offset=next_offset))

    def skip(self, topic: str, partition: int, next_offset: int) -> None:
        with self.db.session(None) as session:
            self._advance(session, topic, partition, next_offset)
            session.commit()

    def dead_letter(self, raw: bytes, error: str, tries: int, topic: str, partition: int, offset: int) -> None:
        """Store the message with its error, publish it to the dead-letter topic, move past it."""
        kit = self.db.kit
        event_id = event_type = None
        consortium_id = None
        try:
            payload = json.loads(raw)
            event_id = uuid.UUID(str(payload.get("id")))
            event_type = str(payload.get("type"))[:200]
            consortium_id = uuid.UUID(str(payload.get("consortium_id")))
        except Exception:  # noqa: BLE001 - a malformed message keeps what can be read of it
            pass
        text = raw.decode("utf-8", errors="replace")
        dead_id = uuid.uuid4()
        with self.db.session(None) as session:
            session.execute(insert(kit.dead_letter).values(
                id=dead_id, consumer=self.consumer_name, topic=topic, partition=partition, offset=offset,
                event_id=event_id, event_type=event_type, payload=text, error=error[:4000], tries=tries,
                status="dead", created_at=utcnow()))
            notice = {"dead_letter_id": str(dead_id), "consumer": self.consumer_name, "topic": topic,
                      "partition": partition, "offset": offset, "error": error[:4000], "tries": tries,
                      "payload": text}
            session.execute(insert(kit.outbox).values(
                event_id=uuid.uuid4(), topic=DEAD_LETTER_TOPIC, key=f"{self.consumer_name}/{dead_id}",
                event_type="deadletter", consortium_id=consortium_id, payload=json.dumps(notice), publish_count=0))
            self._advance(session, topic, partition, offset + 1)
            session.commit()
        log.error("dead-lettered %s from %s[%d]@%d after %d tries: %s", event_type, topic, partition, offset,
                  tries, error)

    def retry_dead_letter(self, dead_letter_id: uuid.UUID) -> tuple[bool, str]:
        """The admin's retry: apply the stored message now; (ok, message)."""
        kit = self.db.kit
        with self.db.session(None) as session:
            row = session.execute(select(kit.dead_letter).where(kit.dead_letter.c.id == dead_letter_id)).first()
        if row is None:
            raise LookupError(dead_letter_id)
        if row.status != "dead":
            return False, "already retried"
        try:
            event = self.decode(row.payload.encode())
            applied = self.apply(event) if event is not None else False
            message = "applied" if applied else "already applied earlier; nothing to do"
            ok = True
        except Exception as exc:  # noqa: BLE001 - the admin sees the error
            ok, message = False, f"failed again: {exc}"
        with self.db.session(None) as session:
            values = {"status": "retried", "retried_at": utcnow()} if ok else {
                "tries": row.tries + 1, "error": message[:4000]}
            session.execute(update(kit.dead_letter).where(kit.dead_letter.c.id == dead_letter_id).values(**values))
            session.commit()
        return ok, message


class EventConsumer:
    """The consumer loop for one service."""

    def __init__(self, db: Database, settings: ServiceSettings, handlers: EventHandlers, *,
                 resync_s: float = 2.0, sleep: Callable[[float], None] = time.sleep):
        self.db, self.settings, self.handlers = db, settings, handlers
        self.applier = EventApplier(db, settings, handlers)
        self.topics = handlers.topics
        self.resync_s = resync_s
        self.sleep = sleep
        self._consumer: KafkaConsumer | None = None
        self._admin = None
        self._topic_ids: dict[str, str] = {}
        self._assigned: dict[str, tuple[str, int]] | None = None
        self._last_sync = 0.0

    @property
    def name(self) -> str:
        return self.applier.consumer_name

    def _connect(self) -> None:
        if self._admin is None:
            self._admin = admin_client(self.settings.kafka)
        if self._consumer is None:
            self._consumer = KafkaConsumer(**self.settings.kafka.consumer_config(), group_id=None,
                                           client_id=f"{self.name}-consumer")

    def _reset(self) -> None:
        for client in (self._consumer, self._admin):
            try:
                if client is not None:
                    client.close()
            except Exception:  # noqa: BLE001
                pass
        self._consumer = self._admin = None
        self._topic_ids = {}
        self._assigned = None

    close = _reset

    def sync_assignment(self) -> None:
        """Assign every partition of our topics and seek to the stored offsets; restart renewed topics."""
        kit = self.db.kit
        current = describe(self._admin, self.topics)
        self._last_sync = time.monotonic()
        if current and current == self._assigned:
            return  # nothing changed: keep the fetch positions and what is already buffered
        partitions: list[TopicPartition] = []
        offsets: dict[TopicPartition, int] = {}
        with self.db.session(None) as session:
            stored = {(r.topic, r.partition): r for r in session.execute(select(kit.consumer_position).where(
                kit.consumer_position.c.consumer == self.name))}
            for topic, (topic_id, count) in current.items():
                for p in range(count):
                    tp = TopicPartition(topic, p)
                    partitions.append(tp)
                    row = stored.get((topic, p))
                    if row is None:
                        session.execute(insert(kit.consumer_position).values(
                            consumer=self.name, topic=topic, partition=p, topic_id=topic_id, next_offset=0))
                        offsets[tp] = 0
                    elif row.topic_id != topic_id:
                        log.warning("topic %s was made anew (broker restart): reading it from the start", topic)
                        session.execute(update(kit.consumer_position).where(
                            kit.consumer_position.c.consumer == self.name, kit.consumer_position.c.topic == topic,
                            kit.consumer_position.c.partition == p).values(topic_id=topic_id, next_offset=0))
                        offsets[tp] = 0
                    else:
                        offsets[tp] = row.next_offset
            session.commit()
        self._consumer.assign(partitions)
        for tp, offset in offsets.items():
            self._consumer.seek(tp, offset)
        self._topic_ids = {topic: topic_id for topic, (topic_id, _) in current.items()}
        self._assigned = dict(current)

    def _topics_unchanged(self) -> bool:
        current = describe(self._admin, self.topics)
        return {t: i for t, (i, _) in current.items()} == self._topic_ids

    def run_once(self, timeout_ms: int = 500) -> int:
        """Poll once and handle what came; return the number of messages handled (applied, skipped or dead)."""
        try:
            self._connect()
            if not self._topic_ids or time.monotonic() - self._last_sync >= self.resync_s:
                self.sync_assignment()
                if not self._topic_ids:
                    self.sleep(timeout_ms / 1000)
                    return 0
            batches = self._consumer.poll(timeout_ms=timeout_ms, max_records=200)
            if not batches:
                return 0
            # Records fetched before this check came from the topics we assigned; if a topic was made
            # anew meanwhile, drop the batch and start that topic again.
            if not self._topics_unchanged():
                self.sync_assignment()
                return 0
            handled = 0
            for tp, records in batches.items():
                for record in records:
                    self.handle(record.topic, record.partition, record.offset, record.value)
                    handled += 1
            return handled
        except KafkaError as exc:
            log.warning("consumer lost the broker: %s", exc)
            self._reset()
            self.sleep(0.5)
            return 0

    def handle(self, topic: str, partition: int, offset: int, raw: bytes) -> None:
        position = (topic, partition, offset + 1)
        try:
            event = self.applier.decode(raw)
        except PermanentFailure as exc:
            self.applier.dead_letter(raw, str(exc), 1, topic, partition, offset)
            return
        if event is None:
            self.applier.skip(*position)
            return
        tries, max_tries = 0, self.settings.consumer_max_tries
        while True:
            tries += 1
            try:
                self.applier.apply(event, position)
                return
            except Exception as exc:  # noqa: BLE001 - any failure is retried, then dead-lettered
                log.warning("handling %s %s failed (try %d of %d): %s", event.type, event.id, tries, max_tries, exc)
                if tries >= max_tries:
                    self.applier.dead_letter(raw, f"{type(exc).__name__}: {exc}", tries, topic, partition, offset)
                    return
                self.sleep(self.settings.consumer_retry_backoff_ms / 1000 * tries)

    def run_forever(self, stop: threading.Event) -> None:
        while not stop.is_set():
            self.run_once()
        self.close()


def dead_letter_count(db: Database) -> int:
    kit = db.kit
    with db.session(None) as session:
        return session.execute(select(func.count()).select_from(kit.dead_letter)
                               .where(kit.dead_letter.c.status == "dead")).scalar_one()
