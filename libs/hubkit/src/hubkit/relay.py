"""The outbox relay: publishes committed outbox rows to Kafka (acks=all) and marks them sent.

Rows are kept after sending. When the broker comes back empty (Tansu keeps data in memory, so its
topics are made anew with new ids), the relay notices the new topic id and sends every row again;
consumers drop what they have already applied.
"""
from __future__ import annotations

import logging
import threading
import time

from kafka import KafkaProducer
from kafka.errors import KafkaError
from sqlalchemy import func, select, update
from sqlalchemy.engine import make_url

from .config import ServiceSettings
from .db import Database, utcnow
from .topics import TOPICS, admin_client, describe, ensure_topics
from .unit_of_work import OUTBOX_CHANNEL

log = logging.getLogger(__name__)


class OutboxWakeUp:
    """Waits for a commit that wrote to the outbox: PostgreSQL's LISTEN/NOTIFY where the database has it,
    a plain timed wait otherwise (SQLite) or while the listening connection is down (the poll as fallback)."""

    def __init__(self, database_url: str):
        url = make_url(database_url)
        self.url = url.set(drivername="postgresql").render_as_string(hide_password=False) \
            if url.get_backend_name() == "postgresql" else None
        self._connection = None

    def listen(self) -> None:
        """Start listening (before the relay looks at the outbox, so no commit falls between the two)."""
        if self.url is None or self._connection is not None:
            return
        import psycopg  # only on PostgreSQL: not loaded by a SQLite hub's processes (make run, lighter at rest)

        try:
            self._connection = psycopg.connect(self.url, autocommit=True, connect_timeout=5)
            self._connection.execute(f"LISTEN {OUTBOX_CHANNEL}")
        except psycopg.Error as exc:
            log.warning("relay cannot listen for commits (%s); polling", exc)
            self.close()

    def wait(self, timeout_s: float, stop: threading.Event) -> None:
        """Until a commit that wrote to the outbox since `listen`, or timeout_s."""
        if self._connection is None:
            stop.wait(timeout_s)
            return
        import psycopg

        deadline = time.monotonic() + timeout_s
        try:
            while not stop.is_set() and (left := deadline - time.monotonic()) > 0:
                # In slices, so that a stop is noticed within half a second however long the poll interval.
                if list(self._connection.notifies(timeout=min(left, 0.5), stop_after=1)):
                    return
        except psycopg.Error as exc:
            log.warning("relay stopped listening for commits (%s); polling", exc)
            self.close()
            stop.wait(timeout_s)

    def close(self) -> None:
        if self._connection is not None:
            import psycopg

            try:
                self._connection.close()
            except psycopg.Error:
                pass
            self._connection = None


class OutboxRelay:
    def __init__(self, db: Database, settings: ServiceSettings, *, batch_size: int = 200,
                 incarnation_check_s: float = 1.0):
        self.db, self.settings, self.batch_size = db, settings, batch_size
        self.incarnation_check_s = incarnation_check_s
        self._producer: KafkaProducer | None = None
        self._admin = None
        self._last_check = 0.0

    # -- broker connections, rebuilt after any failure ---------------------------------------------
    def _connect(self) -> None:
        if self._admin is None:
            self._admin = admin_client(self.settings.kafka)
        if self._producer is None:
            self._producer = KafkaProducer(**self.settings.kafka.producer_config())

    def _reset(self) -> None:
        for client in (self._producer, self._admin):
            try:
                if client is not None:
                    client.close(timeout=1) if isinstance(client, KafkaProducer) else client.close()
            except Exception:  # noqa: BLE001 - closing a broken client
                pass
        self._producer = self._admin = None

    def close(self) -> None:
        self._reset()

    # -- broker restarts ----------------------------------------------------------------------------
    def check_incarnation(self) -> bool:
        """Make sure our topics exist; if a topic was made anew since we last sent, queue every row again.

        Returns True when a replay was queued.
        """
        kit = self.db.kit
        ensure_topics(self._admin, self.settings.kafka.topic_partitions, TOPICS)
        with self.db.session(None) as session:
            topics = [row[0] for row in session.execute(select(kit.outbox.c.topic).distinct())]
            topics = sorted(set(topics) | {self.settings.topic})
            current = describe(self._admin, topics)
            known = dict(session.execute(select(kit.relay_state.c.topic, kit.relay_state.c.topic_id)).all())
            replayed = False
            for topic, (topic_id, _partitions) in current.items():
                if known.get(topic) == topic_id:
                    continue
                if topic in known:
                    count = session.execute(update(kit.outbox).where(kit.outbox.c.topic == topic)
                                            .values(sent_at=None)).rowcount
                    log.warning("broker lost topic %s (new id); replaying %d outbox rows", topic, count)
                    replayed = True
                    session.execute(update(kit.relay_state).where(kit.relay_state.c.topic == topic)
                                    .values(topic_id=topic_id))
                else:
                    session.execute(kit.relay_state.insert().values(topic=topic, topic_id=topic_id))
            session.commit()
        self._last_check = time.monotonic()
        return replayed

    # -- publishing ---------------------------------------------------------------------------------
    def run_once(self) -> int:
        """Publish one batch of unsent rows in outbox order; return how many were sent."""
        kit = self.db.kit
        try:
            self._connect()
            if time.monotonic() - self._last_check >= self.incarnation_check_s:
                self.check_incarnation()
            with self.db.session(None) as session:
                rows = session.execute(
                    select(kit.outbox.c.seq, kit.outbox.c.topic, kit.outbox.c.key, kit.outbox.c.payload)
                    .where(kit.outbox.c.sent_at.is_(None)).order_by(kit.outbox.c.seq).limit(self.batch_size)
                    .with_for_update(skip_locked=True)
                ).all()
                if not rows:
                    return 0
                futures = [(row.seq, self._producer.send(row.topic, key=row.key.encode(), value=row.payload.encode())) for row in rows]
                self._producer.flush(timeout=self.settings.kafka.request_timeout_ms / 1000)
                sent = []
                for seq, future in futures:
                    future.get(timeout=0)  # raises the send's error, if any
                    sent.append(seq)
                session.execute(update(kit.outbox).where(kit.outbox.c.seq.in_(sent))
                                .values(sent_at=utcnow(), publish_count=kit.outbox.c.publish_count + 1,
                                        last_error=None))
                session.commit()
                return len(sent)
        except (KafkaError, OSError) as exc:
            log.warning("relay could not publish: %s", exc)
            self._reset()
            self._record_error(repr(exc))
            return 0

    def _record_error(self, error: str) -> None:
        kit = self.db.kit
        with self.db.session(None) as session:
            first = session.execute(select(func.min(kit.outbox.c.seq)).where(kit.outbox.c.sent_at.is_(None))).scalar()
            if first is not None:
                session.execute(update(kit.outbox).where(kit.outbox.c.seq == first).values(last_error=error[:2000]))
                session.commit()

    def run_forever(self, stop: threading.Event) -> None:
        """Publish until stopped: woken by each commit that wrote to the outbox (PostgreSQL), else every poll
        interval; backing off while the broker is away."""
        interval = self.settings.relay_poll_interval_ms / 1000
        wake_up = OutboxWakeUp(self.db.url)
        backoff = interval
        while not stop.is_set():
            wake_up.listen()
            sent = self.run_once()
            if sent:
                backoff = interval
                continue
            if self._producer is None:  # the broker is away: back off, however many commits come
                backoff = min(backoff * 2, 5.0)
                stop.wait(backoff)
            else:
                backoff = interval
                wake_up.wait(interval, stop)
        wake_up.close()
        self.close()


def outbox_backlog(db: Database) -> tuple[int, object]:
    """Unsent rows and the time of the oldest, for the admin page."""
    kit = db.kit
    with db.session(None) as session:
        row = session.execute(select(func.count(), func.min(kit.outbox.c.created_at))
                              .where(kit.outbox.c.sent_at.is_(None))).one()
        return int(row[0]), row[1]
