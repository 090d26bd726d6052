"""A unit of work: one transaction in which a state change and the events it causes commit together."""
from __future__ import annotations

import uuid

from sqlalchemy import insert, text
from sqlalchemy.orm import Session

from .db import Database, Tenant
from .events import Envelope, new_event
from .topics import topic_for

OUTBOX_CHANNEL = "hub_outbox"  # PostgreSQL LISTEN/NOTIFY channel, one per service database


class UnitOfWork:
    """`with uow: ...; uow.commit()` — leaving the block without commit rolls everything back."""

    def __init__(self, db: Database, tenant: Tenant | None, *, actor: str, service: str,
                 correlation_id: str | None = None, causation_id: str | None = None, request_id: str | None = None,
                 connection=None):
        self.db, self.tenant, self.actor, self.service = db, tenant, actor, service
        self.connection = connection  # a transaction this unit of work joins (see Database.session)
        self.correlation_id = correlation_id or uuid.uuid4().hex
        self.causation_id = causation_id
        self.request_id = request_id
        self.session: Session | None = None

    def __enter__(self) -> "UnitOfWork":
        self.session = self.db.session(self.tenant, actor=self.actor, request_id=self.request_id,
                                       correlation_id=self.correlation_id, connection=self.connection)
        return self

    def __exit__(self, *exc) -> None:
        assert self.session is not None
        # close() rolls back anything uncommitted but, unlike rollback(), leaves loaded rows readable
        # for the response that is built after the block.
        self.session.close()

    def commit(self) -> None:
        assert self.session is not None
        self.session.commit()

    def publish(self, type_: str, *, subject: str, data: dict, version: int = 1) -> Envelope:
        """Record an event in the outbox, inside this transaction; the relay sends it after commit."""
        if self.tenant is None:
            raise RuntimeError("events carry a consortium id: publish needs a tenant")
        event = new_event(type_, subject=subject, data=data, version=version, consortium_id=self.tenant.consortium_id,
                          actor=self.actor, correlation_id=self.correlation_id, causation_id=self.causation_id,
                          producer=self.service)
        record_in_outbox(self.session, self.db, event)
        return event


def in_every_consortium(db: Database, holding: type, task, *, actor: str, service: str,
                        first_claim_wins: bool = False) -> int:
    """A system task (a worker's periodic review) run for each consortium with rows of `holding`, each in its own
    unit of work as `actor`; `task(uow)` returns how many things it did, and the total is returned. With
    `first_claim_wins`, for a task that claims each thing it does by a unique row (a reminder sent once), a
    consortium whose run another worker committed first (that row's IntegrityError) is passed over: nothing is lost,
    and nothing is done twice. Any other task's IntegrityError is a fault, and is raised."""
    import logging

    from sqlalchemy.exc import IntegrityError

    from .db import consortia_holding

    done = 0
    for consortium_id in consortia_holding(db, holding):
        try:
            with UnitOfWork(db, Tenant(consortium_id), actor=actor, service=service) as uow:
                done += task(uow)
        except IntegrityError:
            if not first_claim_wins:
                raise
            logging.getLogger(__name__).info("%s for %s: another worker was first", actor, consortium_id)
    return done


def record_in_outbox(session: Session, db: Database, event: Envelope, topic: str | None = None) -> None:
    session.execute(insert(db.kit.outbox).values(
        event_id=event.id, topic=topic or topic_for(event.producer), key=event.subject, event_type=event.type,
        consortium_id=event.consortium_id, payload=event.to_json(), publish_count=0,
    ))
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"NOTIFY {OUTBOX_CHANNEL}"))  # wakes the relay when (and only if) this commits
