"""The idempotent consumer: each event applied once, in the same transaction as its inbox row and offset.

Offsets live in the service's database (`consumer_position`, with the id of the topic they belong to),
never in the broker, so a broker that loses its data or a rebalance loses and doubles nothing. Two modes
(`KafkaSettings.consumer_mode`): `group`, where a service's workers share the partitions through a
Kafka consumer group and each seeks to the stored offsets when partitions are assigned to it; and
`self-assign` (Tansu, whose groups stall), where one worker takes every partition itself.

A poll's events of one partition are applied in one transaction (each with its inbox row, the offset moved
once), those of a set-wise handler together (each subject's events in their order: see `_set_wise_groups`);
if any of them fails, none is kept and they are taken again one by one, in the partition's order, so a failing
event is isolated and dead-lettered without losing the rest. Nothing a producer sends can stop the consumer: a message that cannot be applied (no value, not
UTF-8, not an event, a version we do not handle, or failing every try) is dead-lettered with its raw
bytes and the consumer moves on; any other failure restarts the loop with a growing backoff. Each
worker reports its state, lag and last applied event to `consumer_worker` for readiness and the
host's System health page.
"""
from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import json
import logging
import os
import socket
import threading
import time
import uuid
from typing import Callable, Iterable

from kafka import ConsumerRebalanceListener, KafkaConsumer, TopicPartition
from kafka.errors import KafkaError
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from .config import ServiceSettings
from .db import Database, Tenant, audit_in_one_statement, utcnow
from .events import Envelope, EventValidationError, parse_event
from .logs import correlation_id_var
from .topics import DEAD_LETTER_TOPIC, admin_client, describe
from .unit_of_work import UnitOfWork

log = logging.getLogger(__name__)
Handler = Callable[[UnitOfWork, Envelope], None]
ManyHandler = Callable[[UnitOfWork, list[Envelope]], None]

NOTICE_PAYLOAD_CHARS = 64 * 1024  # the dead-letter notice on Kafka carries a message's start, not all of it
REPORT_EVERY_S = 2.0
SILENT_AFTER = dt.timedelta(seconds=30)  # a worker that has not reported for this long is shown as silent
FORGET_AFTER = dt.timedelta(days=1)  # rows of workers gone this long are removed


@dataclasses.dataclass(frozen=True)
class Subscription:
    """A handler for one event type, and the versions of it that the handler understands."""

    event_type: str
    handler: Handler
    versions: tuple[int, ...] = (1,)
    # Optional: applies events of one consortium at once (each subject's in order, other subjects' events
    # possibly between them in the partition), with the same outcome as `handler` on each in turn;
    # subscriptions sharing one `many` are applied together in a batch.
    many: ManyHandler | None = None


def handler_actor(event: Envelope) -> str:
    """Who the audit trail says made a change an event's handler made."""
    return f"event:{event.type}"


class EventHandlers:
    """The event types a service consumes; `@handlers.on("x.y.z")` registers one."""

    def __init__(self):
        self.by_type: dict[str, Subscription] = {}

    def on(self, event_type: str, versions: Iterable[int] = (1,), many: ManyHandler | None = None):
        def register(fn: Handler) -> Handler:
            self.by_type[event_type] = Subscription(event_type, fn, tuple(versions), many)
            return fn

        return register

    @property
    def topics(self) -> list[str]:
        return sorted({f"hub.{t.split('.', 1)[0]}" for t in self.by_type})


class PermanentFailure(Exception):
    """An event that can never be applied (malformed, or a version we do not handle)."""


def storable_payload(raw: bytes | None) -> tuple[str, str]:
    """(text, encoding) that any database's text column can hold: UTF-8 as is, else base64."""
    if raw is None:
        return "", "tombstone"
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return base64.b64encode(raw).decode("ascii"), "base64"
    if "\x00" in text:  # PostgreSQL text cannot hold NUL
        return base64.b64encode(raw).decode("ascii"), "base64"
    return text, "utf-8"


def stored_payload(text: str, encoding: str) -> bytes | None:
    """The message's bytes back from `storable_payload`."""
    if encoding == "tombstone":
        return None
    return base64.b64decode(text) if encoding == "base64" else text.encode("utf-8")


def _printable(text: str, limit: int = 4000) -> str:
    return text.replace("\x00", "\\x00")[:limit]


class EventApplier:
    """Applies one message exactly once; shared by the consumer loop and the admin's retry button."""

    def __init__(self, db: Database, settings: ServiceSettings, handlers: EventHandlers):
        self.db, self.settings, self.handlers = db, settings, handlers
        self.consumer_name = settings.service

    def decode(self, raw: bytes | None) -> Envelope | None:
        """The event, or None for a type this service does not consume; PermanentFailure if it cannot be one."""
        if raw is None:
            raise PermanentFailure("a message with no value (a tombstone) is not an event")
        try:
            # Another service's business, or a type newer than us, is None once its envelope is read: passed over,
            # as Kafka clients do, without validating data nobody here reads.
            event = parse_event(raw, self.handlers.by_type)
        except EventValidationError as exc:
            raise PermanentFailure(str(exc)) from exc
        except Exception as exc:  # noqa: BLE001 - whatever the bytes, the message is unreadable, not the consumer
            raise PermanentFailure(f"unreadable message: {type(exc).__name__}: {exc}") from exc
        if event is None:
            return None
        subscription = self.handlers.by_type[event.type]
        if event.version not in subscription.versions:
            raise PermanentFailure(f"{event.type} v{event.version} is not handled (handles {subscription.versions})")
        return event

    def _unit_of_work(self, event: Envelope, connection=None) -> UnitOfWork:
        correlation_id_var.set(event.correlation_id)
        return UnitOfWork(self.db, Tenant(event.consortium_id), actor=handler_actor(event),
                          service=self.settings.service, correlation_id=event.correlation_id,
                          causation_id=str(event.id), connection=connection)

    def _apply_in(self, uow: UnitOfWork, event: Envelope) -> bool:
        """The handler and the inbox row, unless the inbox has the event already; True if applied now."""
        kit = self.db.kit
        seen = uow.session.execute(select(kit.inbox.c.event_id).where(
            kit.inbox.c.consumer == self.consumer_name, kit.inbox.c.event_id == event.id)).first()
        if seen is None:
            self.handlers.by_type[event.type].handler(uow, event)
            uow.session.execute(insert(kit.inbox).values(consumer=self.consumer_name, event_id=event.id,
                                                         event_type=event.type, handled_at=utcnow()))
        return seen is None

    def apply_run(self, events: list[Envelope | None], position: tuple[str, int, int]) -> int:
        """Apply one partition's events, in order, in a single transaction with the offset moved to `position`;
        None stands for a message passed over. Returns how many were applied now; raises, keeping nothing,
        if any fails (the caller then takes them one by one)."""
        kit = self.db.kit
        inbox = kit.inbox.c
        wanted = [e for e in events if e is not None]
        with self.db.engine.connect() as connection:
            with connection.begin():
                with self.db.session(None, connection=connection) as session:  # one look at the inbox for the run
                    seen = set(session.execute(select(inbox.event_id).where(
                        inbox.consumer == self.consumer_name, inbox.event_id.in_([e.id for e in wanted]))).scalars())
                fresh = []  # not applied before, each once even if the run holds it twice
                for event in wanted:
                    if event.id not in seen:
                        seen.add(event.id)
                        fresh.append(event)
                handled = []
                with audit_in_one_statement(connection, kit):
                    for group in self._set_wise_groups(fresh):
                        uow = self._unit_of_work(group[0], connection)
                        with uow:
                            subscription = self.handlers.by_type[group[0].type]
                            if len(group) > 1:
                                subscription.many(uow, group)
                            else:
                                subscription.handler(uow, group[0])
                            uow.commit()  # a flush: the connection's transaction commits them all
                        handled += [{"consumer": self.consumer_name, "event_id": event.id, "event_type": event.type,
                                     "handled_at": utcnow()} for event in group]
                with self.db.session(None, connection=connection) as session:
                    if handled:
                        session.execute(insert(kit.inbox), handled)
                    self._advance(session, *position)
                    session.commit()
        return len(handled)

    def _set_wise_groups(self, events: list[Envelope]) -> list[list[Envelope]]:
        """The events in the order they are applied, those sharing a set-wise handler and a consortium grouped.

        Each subject's events keep their order (the message key: the only order a topic keeps, within a
        partition), and events without a set-wise handler keep theirs among themselves; a set-wise event may
        go before another subject's events, so that, say, every organisation's copy is written at once, then each
        capability update is applied, then every activation. In turn: the events without a set-wise handler that
        are ready (no earlier event of their subject waiting), in order; else a set-wise group: every event of one
        handler and consortium whose subject has no earlier event left out of it, for the events holding up the
        first waiting one without a set-wise handler (or the first event, when there is none)."""
        by_type = self.handlers.by_type
        remaining, groups = list(events), []
        while remaining:
            waiting: set[str] = set()  # subjects with an event still to apply, before the one looked at
            kept: list[Envelope] = []
            held_up: str | None = None  # the subject of the first event without a set-wise handler left waiting
            for index, event in enumerate(remaining):
                if by_type[event.type].many is not None:
                    waiting.add(event.subject)
                    kept.append(event)
                elif event.subject in waiting:
                    held_up = event.subject
                    kept += remaining[index:]
                    break
                else:
                    groups.append([event])
            if len(kept) < len(remaining):
                remaining = kept
                continue
            first = next(e for e in remaining if e.subject == held_up) if held_up else remaining[0]
            many, consortium = by_type[first.type].many, first.consortium_id
            group, kept, waiting = [], [], set()
            for event in remaining:
                if event.subject not in waiting and event.consortium_id == consortium and \
                        by_type[event.type].many is many:
                    group.append(event)
                else:
                    waiting.add(event.subject)
                    kept.append(event)
            groups.append(group)
            remaining = kept
        return groups

    def apply(self, event: Envelope, position: tuple[str, int, int] | None = None) -> bool:
        """Apply the event once; returns False if it had been applied before. Moves the offset too."""
        uow = self._unit_of_work(event)
        with uow:
            seen = not self._apply_in(uow, event)
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
            return not seen

    def _in_inbox(self, event_id: uuid.UUID) -> bool:
        kit = self.db.kit
        with self.db.session(None) as session:
            return session.execute(select(kit.inbox.c.event_id).where(
                kit.inbox.c.consumer == self.consumer_name, kit.inbox.c.event_id == event_id)).first() is not None

    def _advance(self, session, topic: str, partition: int, next_offset: int) -> None:
        # Only forward: a worker that lost the partition in a rebalance and finishes late cannot
        # move back the offset its successor has passed.
        kit = self.db.kit
        position = kit.consumer_position.c
        session.execute(update(kit.consumer_position).where(
            position.consumer == self.consumer_name, position.topic == topic, position.partition == partition,
            position.next_offset < next_offset).values(next_offset=next_offset))

    def skip(self, topic: str, partition: int, next_offset: int) -> None:
        with self.db.session(None) as session:
            self._advance(session, topic, partition, next_offset)
            session.commit()

    def dead_letter(self, raw: bytes | None, error: str, tries: int, topic: str, partition: int, offset: int) -> None:
        """Store the message's bytes with its error, publish a notice to the dead-letter topic, move past it."""
        kit = self.db.kit
        event_id = event_type = consortium_id = None
        try:
            payload = json.loads(raw)
            event_id = uuid.UUID(str(payload.get("id")))
            event_type = _printable(str(payload.get("type")), 200)
            consortium_id = uuid.UUID(str(payload.get("consortium_id")))
        except Exception:  # noqa: BLE001 - a malformed message keeps what can be read of it
            pass
        text, encoding = storable_payload(raw)
        error = _printable(error)
        dead_id = uuid.uuid4()
        with self.db.session(None) as session:
            session.execute(insert(kit.dead_letter).values(
                id=dead_id, consumer=self.consumer_name, topic=topic, partition=partition, offset=offset,
                event_id=event_id, event_type=event_type, payload=text, payload_encoding=encoding, error=error,
                tries=tries, status="dead", created_at=utcnow()))
            notice = {"dead_letter_id": str(dead_id), "consumer": self.consumer_name, "topic": topic,
                      "partition": partition, "offset": offset, "error": error, "tries": tries,
                      "payload": text[:NOTICE_PAYLOAD_CHARS], "payload_encoding": encoding,
                      "payload_truncated": len(text) > NOTICE_PAYLOAD_CHARS}
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
            event = self.decode(stored_payload(row.payload, row.payload_encoding))
            applied = self.apply(event) if event is not None else False
            message = "applied" if applied else "already applied earlier; nothing to do"
            ok = True
        except Exception as exc:  # noqa: BLE001 - the admin sees the error
            ok, message = False, _printable(f"failed again: {exc}")
        with self.db.session(None) as session:
            values = {"status": "retried", "retried_at": utcnow()} if ok else {
                "tries": row.tries + 1, "error": message}
            session.execute(update(kit.dead_letter).where(kit.dead_letter.c.id == dead_letter_id).values(**values))
            session.commit()
        return ok, message


NO_TOPICS_YET = "no topics yet"  # why a worker waits on a fresh broker: reported, but not an error


class WorkerReport:
    """One worker's consumer state in `consumer_worker`, written on a change of state and every few seconds.

    States: starting, running, idle (no partitions: more workers than partitions), waiting (for the
    broker or the topics), failing (the loop is backing off after an error), stopped.
    """

    def __init__(self, db: Database, consumer: str, worker: str, mode: str):
        self.db, self.consumer, self.worker, self.mode = db, consumer, worker, mode
        self.state = "starting"
        self.partitions: list[str] = []
        self.lag: int | None = None
        self.last_applied_at: dt.datetime | None = None
        self.last_error: str | None = None
        self.error_at: dt.datetime | None = None
        self._written = 0.0

    def applied(self) -> None:
        self.last_applied_at = utcnow()

    def set(self, state: str, error: str | None = None) -> None:
        changed = state != self.state
        self.state = state
        if error:
            self.last_error, self.error_at = _printable(error, 2000), utcnow()
        if changed or error:
            self.write()

    def write_if_due(self) -> None:
        if time.monotonic() - self._written >= REPORT_EVERY_S:
            self.write()

    def write(self) -> None:
        """Best effort: a database that is down must not stop the consumer from saying so later."""
        kit = self.db.kit
        row = kit.consumer_worker.c
        values = {"mode": self.mode, "state": self.state, "partitions": self.partitions, "lag": self.lag,
                  "last_applied_at": self.last_applied_at, "last_error": self.last_error, "error_at": self.error_at,
                  "seen_at": utcnow()}
        try:
            with self.db.session(None) as session:
                done = session.execute(update(kit.consumer_worker).where(
                    row.consumer == self.consumer, row.worker == self.worker).values(**values)).rowcount
                if not done:
                    session.execute(insert(kit.consumer_worker).values(consumer=self.consumer, worker=self.worker,
                                                                       **values))
                    session.execute(delete(kit.consumer_worker).where(
                        row.consumer == self.consumer, row.seen_at < utcnow() - FORGET_AFTER))
                session.commit()
            self._written = time.monotonic()
        except Exception as exc:  # noqa: BLE001
            log.warning("could not record the consumer's state: %s", exc)


class _SeekToStoredOffsets(ConsumerRebalanceListener):
    """Group mode: partitions given to this worker start at the offsets kept in the service's database."""

    def __init__(self, consumer: "EventConsumer"):
        self.consumer = consumer

    def on_partitions_revoked(self, revoked):
        self.consumer._owned.difference_update(revoked)

    def on_partitions_assigned(self, assigned):
        self.consumer._take(list(assigned))


class EventConsumer:
    """The consumer loop of one worker of a service."""

    def __init__(self, db: Database, settings: ServiceSettings, handlers: EventHandlers, *,
                 resync_s: float = 2.0, sleep: Callable[[float], None] = time.sleep, worker: str | None = None,
                 max_records: int = 500):
        self.db, self.settings, self.handlers = db, settings, handlers
        self.applier = EventApplier(db, settings, handlers)
        self.topics = handlers.topics
        self.mode = settings.kafka.consumer_mode
        self.worker = worker or f"{socket.gethostname()}:{os.getpid()}"
        self.report = WorkerReport(db, self.name, self.worker, self.mode)
        self.resync_s = resync_s
        self.sleep = sleep
        self.max_records = max_records  # per poll; each partition's share is applied in one transaction
        self._consumer: KafkaConsumer | None = None
        self._admin = None
        self._topic_ids: dict[str, str] = {}
        self._assigned: dict[str, tuple[str, int]] | None = None
        self._owned: set[TopicPartition] = set()
        self._next: dict[TopicPartition, int] = {}  # the offset after the last message handled, per partition
        self._last_sync = 0.0
        self._idle_since: float | None = None
        self.client_id = f"{self.name}-consumer-{self.worker}"
        self.stuck_after_s = 2 * settings.kafka.session_timeout_ms / 1000

    @property
    def name(self) -> str:
        return self.applier.consumer_name

    def _stuck_without_partitions(self) -> bool:
        """Group mode: idle although the group should have work for us (or has forgotten us)?"""
        group = self.settings.kafka.group_id(self.name)
        try:
            members = (self._admin.describe_groups([group]).get(group) or {}).get("members") or []
            widest = max((count for _, count in describe(self._admin, self.topics).values()), default=0)
        except Exception:  # noqa: BLE001 - cannot tell: joining again is harmless
            return True
        ours = any(member.get("client_id") == self.client_id for member in members)
        return not ours or len(members) <= widest  # each member gets a partition of the widest topic
    def _connect(self) -> None:
        if self._admin is None:
            self._admin = admin_client(self.settings.kafka)
        if self._consumer is None:
            group = self.settings.kafka.group_id(self.name) if self.mode == "group" else None
            self._consumer = KafkaConsumer(**self.settings.kafka.consumer_config(), group_id=group,
                                           client_id=self.client_id)
            if group:
                # Topic metadata first: a join made before it arrives is sometimes left with no partitions
                # for good by kafka-python 3.0 (the watchdog in run_once catches what this does not).
                for topic in self.topics:
                    self._consumer.partitions_for_topic(topic)
                self._consumer.subscribe(topics=self.topics, listener=_SeekToStoredOffsets(self))
            self._idle_since = None

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
        self._owned = set()
        self._next = {}

    def close(self) -> None:
        self._reset()
        self.report.partitions, self.report.lag = [], None
        self.report.set("stopped")

    # -- where to read from -------------------------------------------------------------------------
    def _stored_offsets(self, partitions: list[TopicPartition], current: dict[str, tuple[str, int]]
                        ) -> dict[TopicPartition, int]:
        """The stored next offset of each partition; a partition not seen before, or of a topic the
        broker has made anew (a new topic id), starts at 0."""
        kit = self.db.kit
        position = kit.consumer_position.c
        offsets: dict[TopicPartition, int] = {}
        with self.db.session(None) as session:
            stored = {(r.topic, r.partition): r for r in session.execute(select(kit.consumer_position).where(
                position.consumer == self.name))}
            for tp in partitions:
                if tp.topic not in current:
                    continue
                topic_id = current[tp.topic][0]
                row = stored.get((tp.topic, tp.partition))
                if row is None:
                    session.execute(insert(kit.consumer_position).values(
                        consumer=self.name, topic=tp.topic, partition=tp.partition, topic_id=topic_id, next_offset=0))
                    offsets[tp] = 0
                elif row.topic_id != topic_id:
                    log.warning("topic %s was made anew (an empty broker): reading it from the start", tp.topic)
                    session.execute(update(kit.consumer_position).where(
                        position.consumer == self.name, position.topic == tp.topic,
                        position.partition == tp.partition).values(topic_id=topic_id, next_offset=0))
                    offsets[tp] = 0
                else:
                    offsets[tp] = row.next_offset
            session.commit()
        return offsets

    def _seek(self, offsets: dict[TopicPartition, int], current: dict[str, tuple[str, int]]) -> None:
        for tp, offset in offsets.items():
            self._consumer.seek(tp, offset)
            self._next[tp] = offset
        self._topic_ids.update({topic: topic_id for topic, (topic_id, _) in current.items()})
        self.report.partitions = sorted(f"{tp.topic}/{tp.partition}" for tp in self._owned)

    def _take(self, partitions: list[TopicPartition]) -> None:
        """Group mode: start the partitions just assigned to this worker at their stored offsets."""
        current = describe(self._admin, sorted({tp.topic for tp in partitions}))
        offsets = self._stored_offsets(partitions, current)
        self._owned.update(partitions)
        self._seek(offsets, current)
        log.info("partitions assigned", extra={"worker": self.worker, "partitions": self.report.partitions})

    def sync_assignment(self) -> None:
        """Self-assign mode: take every partition of our topics, at the stored offsets; restart renewed topics."""
        current = describe(self._admin, self.topics)
        self._last_sync = time.monotonic()
        if current and current == self._assigned:
            return  # nothing changed: keep the fetch positions and what is already buffered
        partitions = [TopicPartition(topic, p) for topic, (_, count) in current.items() for p in range(count)]
        offsets = self._stored_offsets(partitions, current)
        self._consumer.assign(partitions)
        self._owned = set(partitions)
        self._topic_ids = {}
        self._seek(offsets, current)
        self._assigned = dict(current)

    def _topics_renewed(self) -> bool:
        current = describe(self._admin, sorted(self._topic_ids))
        return {t: i for t, (i, _) in current.items()} != self._topic_ids

    def _restart_renewed_topics(self) -> None:
        if self.mode == "group":
            self._take(sorted(self._owned))
        else:
            self._assigned = None
            self.sync_assignment()

    # -- the loop -------------------------------------------------------------------------------------
    def run_once(self, timeout_ms: int = 500) -> int:
        """Poll once and handle what came; return the number of messages handled (applied, skipped or dead).

        Loses the broker quietly (reconnects next time); any other failure is raised to `run_forever`.
        """
        try:
            self._connect()
            if self.mode == "self-assign" and (not self._topic_ids or time.monotonic() - self._last_sync >= self.resync_s):
                self.sync_assignment()
                if not self._topic_ids:
                    self.report.set("waiting", NO_TOPICS_YET)
                    self.sleep(timeout_ms / 1000)
                    return 0
            batches = self._consumer.poll(timeout_ms=timeout_ms, max_records=self.max_records)
            self._note_lag()
            if self.mode == "group" and not self._owned:
                self.report.set("idle")  # more workers than partitions, or a join that went wrong
                now = time.monotonic()
                self._idle_since = self._idle_since or now
                if now - self._idle_since > self.stuck_after_s and self._stuck_without_partitions():
                    log.warning("in group %s with no partitions for %.0f s: joining again",
                                self.settings.kafka.group_id(self.name), now - self._idle_since)
                    self._reset()
                return 0
            self._idle_since = None
            self.report.set("running")
            if not batches:
                return 0
            # Records fetched before this check came from the topics we started on; if a topic was made
            # anew meanwhile (an empty broker), drop the batch and read that topic again from its start.
            if self._topics_renewed():
                self._restart_renewed_topics()
                return 0
            handled = 0
            for tp, records in batches.items():
                if tp in self._owned:
                    handled += self.handle_records(tp, records)
            self._note_lag()
            return handled
        except KafkaError as exc:
            log.warning("consumer lost the broker: %s", exc)
            self._reset()
            self.report.set("waiting", f"broker: {type(exc).__name__}: {exc}")
            self.sleep(0.5)
            return 0

    def _note_lag(self) -> None:
        """Messages behind the end of each owned partition, as of the consumer's last fetch."""
        lag, known = 0, False
        for tp in self._owned:
            end = self._consumer.highwater(tp)
            if end is not None and tp in self._next:
                lag += max(0, end - self._next[tp])
                known = True
        self.report.lag = lag if known else None
        self.report.partitions = sorted(f"{tp.topic}/{tp.partition}" for tp in self._owned)
        self.report.write_if_due()

    def handle_records(self, tp: TopicPartition, records: list) -> int:
        """One partition's messages in order: runs of good events applied many to a transaction; a message
        that cannot be an event dead-lettered between runs; a run that fails taken again one by one."""
        run: list[Envelope | None] = []
        run_records: list = []

        def apply_run() -> None:
            if not run_records:
                return
            last = run_records[-1]
            try:
                if self.applier.apply_run(run, (last.topic, last.partition, last.offset + 1)):
                    self.report.applied()
            except OperationalError:
                raise  # the database is away: the loop backs off and reads them again
            except Exception as exc:  # noqa: BLE001 - nothing was kept; each is retried on its own
                log.info("a run of %d events failed (%s); applying them one by one", len(run_records), exc)
                for record in run_records:
                    self.handle(record.topic, record.partition, record.offset, record.value)
            self._next[tp] = last.offset + 1
            run.clear()
            run_records.clear()

        for record in records:
            try:
                run.append(self.applier.decode(record.value))
                run_records.append(record)
            except PermanentFailure:
                apply_run()
                self.handle(record.topic, record.partition, record.offset, record.value)  # dead-letters it
                self._next[tp] = record.offset + 1
        apply_run()
        return len(records)

    def handle(self, topic: str, partition: int, offset: int, raw: bytes | None) -> None:
        """Apply, pass over or dead-letter one message; only a database that is away makes it raise."""
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
                if self.applier.apply(event, position):
                    self.report.applied()
                return
            except OperationalError:
                raise  # the database is away, not the event's fault: the loop backs off and reads it again
            except Exception as exc:  # noqa: BLE001 - any failure is retried, then dead-lettered
                log.warning("handling %s %s failed (try %d of %d): %s", event.type, event.id, tries, max_tries, exc)
                if tries >= max_tries:
                    self.applier.dead_letter(raw, f"{type(exc).__name__}: {exc}", tries, topic, partition, offset)
                    return
                self.sleep(self.settings.consumer_retry_backoff_ms / 1000 * tries)

    def run_forever(self, stop: threading.Event, max_backoff_s: float = 30.0) -> None:
        """Consume until stopped; a failure restarts the loop (reconnect, re-read stored offsets) with backoff."""
        backoff = 0.5
        while not stop.is_set():
            try:
                self.run_once()
                backoff = 0.5
            except Exception as exc:  # noqa: BLE001 - nothing may end the loop; the state says what is wrong
                log.exception("consumer loop failed; starting it again in %.1f s", backoff)
                self._reset()
                self.report.set("failing", f"{type(exc).__name__}: {exc}")
                stop.wait(backoff)
                backoff = min(backoff * 2, max_backoff_s)
        self.close()


def dead_letter_count(db: Database) -> int:
    kit = db.kit
    with db.session(None) as session:
        return session.execute(select(func.count()).select_from(kit.dead_letter)
                               .where(kit.dead_letter.c.status == "dead")).scalar_one()


def consumer_workers(db: Database) -> list[dict]:
    """What each worker's consumer last reported, freshest first, with `silent` set for the quiet ones."""
    kit = db.kit
    with db.session(None) as session:
        rows = [dict(r._mapping) for r in session.execute(
            select(kit.consumer_worker).order_by(kit.consumer_worker.c.seen_at.desc()))]
    for row in rows:
        row["silent"] = row["seen_at"] < utcnow() - SILENT_AFTER
    return rows


def consumer_check(workers: list[dict], consumes: bool) -> str:
    """Readiness of a service's event consumption: "ok", "not started", or what is wrong."""
    if not consumes:
        return "ok"
    live = [w for w in workers if not w["silent"] and w["state"] != "stopped"]
    if not workers or (not live and all(w["state"] == "stopped" for w in workers)):
        return "not started"
    if not live:
        return f"silent since {workers[0]['seen_at']:%Y-%m-%d %H:%M:%S} UTC"
    failing = [w for w in live if w["state"] == "failing"]
    if failing and len(failing) == len(live):
        return f"failing: {failing[0]['last_error']}"
    if all(w["state"] == "idle" for w in live):
        return "idle: no worker owns a partition"
    return "ok"
