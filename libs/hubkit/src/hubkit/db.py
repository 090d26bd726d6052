"""Databases for services: SQLAlchemy 2 sessions that are scoped to one consortium, and audited.

A session opened for a tenant adds `consortium_id = <tenant>` (and, for a member organisation's
staff, `organisation = <theirs>`) to every ORM query on tenant data, fills the consortium id on
new rows and refuses to flush a row of another tenant, so a handler cannot forget to scope.
"""
from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import decimal
import enum
import uuid
from typing import Any, Iterator

from sqlalchemy import (JSON, BigInteger, Column, DateTime, Index, Integer, LargeBinary, MetaData, String, Table,
                        Text, Uuid, create_engine, event, insert, inspect, text)
from sqlalchemy.types import TypeDecorator
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, ORMExecuteState, Session, mapped_column, sessionmaker, \
    with_loader_criteria

from .clock import utcnow  # noqa: F401 - also imported from here by the services

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s", "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s", "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SEQ = BigInteger().with_variant(Integer(), "sqlite")  # SQLite only autoincrements INTEGER primary keys


class UtcDateTime(TypeDecorator):
    """A timestamp stored in UTC and always read back time-zone aware (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous: use aware UTC times")
        return value.astimezone(dt.timezone.utc)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=dt.timezone.utc) if value.tzinfo is None else value.astimezone(dt.timezone.utc)


class TenancyError(RuntimeError):
    """Tenant data was touched without a tenant, or a row of another tenant was written."""


@dataclasses.dataclass(frozen=True)
class Tenant:
    """The consortium a session works for; organisation_id narrows it for member organisation staff."""

    consortium_id: uuid.UUID
    organisation_id: uuid.UUID | None = None


class ConsortiumScoped:
    """Mixin for every row that belongs to a consortium (the tenant)."""

    consortium_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True, nullable=False)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        _SCOPED_CLASSES.append(cls)  # its table is known once declarative has mapped it (`_scoped_classes`)


_SCOPED_CLASSES: list[type] = []
_SCOPED_BY_TABLE: dict = {"count": -1, "by_table": {}}


class OrganisationScoped(ConsortiumScoped):
    """Mixin for rows that a member organisation's staff may see only for their own organisation."""

    @classmethod
    def owning_organisation(cls):  # pragma: no cover - overridden
        """The column naming the organisation that owns the row."""
        return cls.organisation_id  # type: ignore[attr-defined]


@dataclasses.dataclass(frozen=True)
class KitTables:
    """The tables every service has for the kit's own work, kept in the service's metadata."""

    outbox: Table
    inbox: Table
    consumer_position: Table
    dead_letter: Table
    relay_state: Table
    audit_entry: Table
    consumer_worker: Table
    idempotent_request: Table


def kit_tables(metadata: MetaData) -> KitTables:
    tz = UtcDateTime()
    return KitTables(
        outbox=Table(
            "outbox_message", metadata,
            Column("seq", SEQ, primary_key=True, autoincrement=True),
            Column("event_id", Uuid, nullable=False, unique=True),
            Column("topic", String(200), nullable=False),
            Column("key", String(300), nullable=False),
            Column("event_type", String(200), nullable=False),
            Column("consortium_id", Uuid, nullable=True),
            Column("payload", Text, nullable=False),
            Column("created_at", tz, nullable=False, default=utcnow),
            Column("sent_at", tz, nullable=True),
            Column("publish_count", Integer, nullable=False, default=0),
            Column("last_error", Text, nullable=True),
            Index("ix_outbox_message_unsent", "sent_at", "seq"),
        ),
        inbox=Table(
            "inbox_event", metadata,
            Column("consumer", String(100), primary_key=True),
            Column("event_id", Uuid, primary_key=True),
            Column("event_type", String(200), nullable=False),
            Column("handled_at", tz, nullable=False, default=utcnow),
        ),
        consumer_position=Table(
            "consumer_position", metadata,
            Column("consumer", String(100), primary_key=True),
            Column("topic", String(200), primary_key=True),
            Column("partition", Integer, primary_key=True),
            Column("topic_id", String(64), nullable=False),
            Column("next_offset", BigInteger, nullable=False),
        ),
        dead_letter=Table(
            "dead_letter", metadata,
            Column("id", Uuid, primary_key=True, default=uuid.uuid4),
            Column("consumer", String(100), nullable=False),
            Column("topic", String(200), nullable=False),
            Column("partition", Integer, nullable=False),
            Column("offset", BigInteger, nullable=False),
            Column("event_id", Uuid, nullable=True),
            Column("event_type", String(200), nullable=True),
            Column("payload", Text, nullable=False),
            # "utf-8" when the message was text; "base64" for bytes no text column can hold (NUL, bad UTF-8)
            Column("payload_encoding", String(10), nullable=False, default="utf-8", server_default="utf-8"),
            Column("error", Text, nullable=False),
            Column("tries", Integer, nullable=False),
            Column("status", String(20), nullable=False, default="dead"),
            Column("created_at", tz, nullable=False, default=utcnow),
            Column("retried_at", tz, nullable=True),
            # GET /admin/dead-letters: newest first (hubkit.web), the page read off the index's end
            Index("ix_dead_letter_newest", "created_at", "id"),
        ),
        relay_state=Table(
            "relay_state", metadata,
            Column("topic", String(200), primary_key=True),
            Column("topic_id", String(64), nullable=False),
        ),
        audit_entry=Table(
            "audit_entry", metadata,
            Column("id", SEQ, primary_key=True, autoincrement=True),
            Column("consortium_id", Uuid, nullable=True),
            Column("actor", String(200), nullable=False),
            Column("action", String(10), nullable=False),
            Column("entity", String(100), nullable=False),
            Column("entity_id", String(100), nullable=False),
            Column("before", JSON, nullable=True),
            Column("after", JSON, nullable=True),
            Column("at", tz, nullable=False, default=utcnow),
            Column("request_id", String(100), nullable=True),
            Column("correlation_id", String(100), nullable=True),
            # refusals only (hubkit.audit_trail): how many the row of its actor, kind and hour counts
            Column("occurrences", Integer, nullable=True),
            *audit_read_indexes(),
        ),
        consumer_worker=Table(
            # What each worker's consumer loop last reported, for readiness and the host's System health.
            "consumer_worker", metadata,
            Column("consumer", String(100), primary_key=True),
            Column("worker", String(200), primary_key=True),
            Column("mode", String(20), nullable=False),
            Column("state", String(20), nullable=False),
            Column("partitions", JSON, nullable=True),
            Column("lag", BigInteger, nullable=True),
            Column("last_applied_at", tz, nullable=True),
            Column("last_error", Text, nullable=True),
            Column("error_at", tz, nullable=True),
            Column("seen_at", tz, nullable=False),
        ),
        idempotent_request=Table(
            # A state-changing request's first answer, replayed for a retry with the same Idempotency-Key
            # (hubkit.idempotency). A row without status_code is a reservation: `attempt` is the request
            # working on it, since `created_at`.
            "idempotent_request", metadata,
            Column("principal", String(200), primary_key=True),
            Column("key", String(200), primary_key=True),
            Column("attempt", String(32), nullable=False),
            Column("method", String(10), nullable=False),
            Column("path", String(1000), nullable=False),
            Column("request_hash", String(64), nullable=False),
            Column("status_code", Integer, nullable=True),
            Column("response_body", LargeBinary, nullable=True),
            Column("response_headers", JSON, nullable=True),
            Column("created_at", tz, nullable=False, default=utcnow),
            Index("ix_idempotent_request_created_at", "created_at"),
        ),
    )


def audit_read_indexes() -> tuple[Index, ...]:
    """The audit trail's indexes for reading it (hubkit.audit_trail), each list's filter then its order (newest
    first, read backwards): a consortium's rows (and by day), its rows of one kind of record, by one actor, and a
    record's rows (its id leads: also how refused access finds whose a record is, in any consortium; a record's
    id is one consortium's, so the consortium is only checked on its few rows); and one refusal row per
    consortium, actor, kind of record and hour."""
    refused = text("action = 'refused'")
    return (Index("ix_audit_entry_consortium_at", "consortium_id", "at", "id"),
            Index("ix_audit_entry_consortium_entity_at", "consortium_id", "entity", "at", "id"),
            Index("ix_audit_entry_consortium_actor_at", "consortium_id", "actor", "at", "id"),
            Index("ix_audit_entry_subject_at", "entity_id", "at", "id"),
            Index("ux_audit_entry_refused_per_hour", "consortium_id", "actor", "entity", "at", unique=True,
                  postgresql_where=refused, sqlite_where=refused))


def declarative_base_for(service: str) -> type[DeclarativeBase]:
    """A declarative base with its own metadata (naming convention + the kit's tables) for one service."""
    metadata = MetaData(naming_convention=NAMING_CONVENTION, info={"service": service})

    class Base(DeclarativeBase):
        pass

    Base.metadata = metadata
    Base.registry.metadata = metadata
    Base.kit = kit_tables(metadata)  # type: ignore[attr-defined]
    return Base


class Database:
    """One service's engine and session factory, with tenancy and audit listeners attached."""

    def __init__(self, url: str, kit: KitTables, *, echo: bool = False):
        self.url = url
        self.kit = kit
        self.engine = make_engine(url, echo=echo)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def session(self, tenant: Tenant | None, *, actor: str = "system", request_id: str | None = None,
                correlation_id: str | None = None, connection: Connection | None = None) -> Session:
        """A session for one tenant; tenant=None is for the kit's own tables only.

        With `connection` (already in a transaction) the session works inside that transaction: its commit
        only flushes, and the connection's owner commits or rolls back the lot (the consumer's batches).
        """
        session = self._sessions(bind=connection, join_transaction_mode="rollback_only") if connection else \
            self._sessions()
        session.info.update(tenant=tenant, actor=actor, request_id=request_id, correlation_id=correlation_id,
                            kit=self.kit)
        return session

    def ping(self) -> None:
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    def dispose(self) -> None:
        self.engine.dispose()


def make_engine(url: str, *, echo: bool = False) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, echo=echo, connect_args={"timeout": 15})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # WAL lets the web and worker processes share the file
            dbapi_conn.isolation_level = None  # we say BEGIN ourselves (below), not the driver
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=15000")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin_immediate(conn):
            # SQLite ignores FOR UPDATE, and a transaction that read before writing fails at once when another
            # wrote meanwhile. Taking the write lock at BEGIN makes writers queue (busy_timeout) instead, so the
            # row locks PostgreSQL gives (gap-free numbers, one-at-a-time changes) hold on SQLite too.
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True, pool_size=5, max_overflow=5)


# --- tenancy ---------------------------------------------------------------------------------------

# An execution option for a select that reads a consortium table as a plain Table (`Model.__table__`, for speed)
# and filters it by the tenant's consortium itself: the ORM's criteria reach only mapped classes, so such a read
# is refused unless it says so.
FILTERED_BY_HAND = "hubkit_tenant_filtered_by_hand"


def _scoped_in_from(statement) -> tuple[set[type], set[type]]:
    """The consortium-scoped classes whose tables a select reads from, found by walking its FROM clauses; and those
    of its own FROM list (not a subquery's) that are not named as mapped classes there: read as plain Tables
    (`Model.__table__`), unless the statement's entities name them (the caller checks `all_mappers`)."""
    from sqlalchemy import Join, Table
    from sqlalchemy.sql.util import find_tables

    scoped = _scoped_classes()
    found = set()
    for table in find_tables(statement, include_aliases=True, include_joins=True):
        cls = scoped.get(getattr(table, "element", table)) if hasattr(table, "name") else None
        if cls is not None:
            found.add(cls)
    plain: set[type] = set()
    froms = list(statement.get_final_froms()) if found else []  # no consortium table: nothing to look for
    while froms:
        part = froms.pop()
        if isinstance(part, Join):  # its two sides; a subquery's own FROM list is its own statement's
            froms += [part.left, part.right]
            continue
        cls = scoped.get(part) if isinstance(part, Table) else None
        if cls is not None and "parententity" not in getattr(part, "_annotations", {}):
            plain.add(cls)
    return found, plain


def _scoped_classes() -> dict:
    """Each consortium-scoped mapped class by its table, rebuilt only when a class was defined since."""
    if _SCOPED_BY_TABLE["count"] != len(_SCOPED_CLASSES):
        _SCOPED_BY_TABLE["by_table"] = {cls.__table__: cls for cls in _SCOPED_CLASSES
                                        if getattr(cls, "__table__", None) is not None}
        _SCOPED_BY_TABLE["count"] = len(_SCOPED_CLASSES)
    return _SCOPED_BY_TABLE["by_table"]


@event.listens_for(Session, "do_orm_execute")
def _scope_to_tenant(state: ORMExecuteState) -> None:
    if not (state.is_select or state.is_update or state.is_delete):
        return
    if state.execution_options.get("hubkit_all_tenants"):
        return
    entities = {m.class_ for m in state.all_mappers if issubclass(m.class_, ConsortiumScoped)}
    scoped, plain = set(entities), set()
    if state.is_select:  # an entity named only in FROM (`select(func.count()).select_from(Model)`) is not a mapper
        in_from, plain = _scoped_in_from(state.statement)
        scoped |= in_from
        plain -= entities
    if not scoped and not plain:
        return
    tenant: Tenant | None = state.session.info.get("tenant")
    if tenant is None:
        raise TenancyError("a query on consortium data was made without a tenant")
    if plain and not state.execution_options.get(FILTERED_BY_HAND):
        raise TenancyError(f"{', '.join(sorted(c.__tablename__ for c in plain))} read as a plain table, which the "
                           f"tenant's criteria do not reach: select the mapped class, or filter by the consortium "
                           f"and say so with execution_options({FILTERED_BY_HAND}=True)")
    if not scoped:
        return
    options = []
    for cls in scoped:
        options.append(with_loader_criteria(cls, cls.consortium_id == tenant.consortium_id, include_aliases=True))
        if tenant.organisation_id is not None and issubclass(cls, OrganisationScoped):
            options.append(with_loader_criteria(cls, cls.owning_organisation() == tenant.organisation_id,
                                                include_aliases=True))
    state.statement = state.statement.options(*options)


@event.listens_for(Session, "before_flush")
def _check_tenant_on_write(session: Session, _ctx, _instances) -> None:
    tenant: Tenant | None = session.info.get("tenant")
    new = session.new  # one set: `session.new` builds another at each reading (a big flush was quadratic)
    for obj in list(new) + list(session.dirty) + list(session.deleted):
        if not isinstance(obj, ConsortiumScoped):
            continue
        if tenant is None:
            raise TenancyError(f"{type(obj).__name__} written without a tenant")
        if obj in new and obj.consortium_id is None:
            obj.consortium_id = tenant.consortium_id
        if obj.consortium_id != tenant.consortium_id:
            raise TenancyError(f"{type(obj).__name__} belongs to another consortium")
        if tenant.organisation_id is not None and isinstance(obj, OrganisationScoped):
            owner = getattr(obj, obj.owning_organisation().key)
            if owner != tenant.organisation_id:
                raise TenancyError(f"{type(obj).__name__} belongs to another organisation")


# --- audit trail -----------------------------------------------------------------------------------

def _plain(value: Any) -> Any:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return f"<{len(value)} bytes>"  # file contents are not copied into the audit trail
    if isinstance(value, (uuid.UUID, decimal.Decimal)):
        return str(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _columns(obj: Any) -> dict[str, Any]:
    mapper = inspect(obj).mapper
    return {attr.key: _plain(getattr(obj, attr.key)) for attr in mapper.column_attrs}


def _before(obj: Any) -> dict[str, Any]:
    state = inspect(obj)
    values = {}
    for attr in state.mapper.column_attrs:
        history = state.attrs[attr.key].history
        if history.deleted:
            values[attr.key] = _plain(history.deleted[0])
        elif history.unchanged:
            values[attr.key] = _plain(history.unchanged[0])
        else:
            values[attr.key] = None
    return values


def _entity_id(obj: Any) -> str:
    identity = inspect(obj).identity or tuple(getattr(obj, c.key) for c in inspect(obj).mapper.primary_key)
    return ",".join(str(part) for part in identity)


@event.listens_for(Session, "after_flush")
def _write_audit_trail(session: Session, _ctx) -> None:
    kit: KitTables | None = session.info.get("kit")
    if kit is None:
        return
    rows = []
    by_event = session.info.pop(AUDIT_BY_EVENT, None) or {}
    for action, objects in (("create", session.new), ("update", session.dirty), ("delete", session.deleted)):
        for obj in objects:
            if not isinstance(obj, ConsortiumScoped):
                continue
            if action == "update" and not session.is_modified(obj, include_collections=False):
                continue
            if action != "delete" and id(obj) in by_event:
                rows += _rows_by_event(obj, action, by_event[id(obj)][1])
                continue
            rows.append({
                "consortium_id": obj.consortium_id, "actor": session.info.get("actor") or "system",
                "action": action, "entity": type(obj).__name__, "entity_id": _entity_id(obj),
                "before": None if action == "create" else _before(obj),
                "after": None if action == "delete" else _columns(obj),
                "at": utcnow(), "request_id": session.info.get("request_id"),
                "correlation_id": session.info.get("correlation_id"),
            })
    if rows:
        connection = session.connection()
        deferred = connection.info.get(DEFERRED_AUDIT)
        if deferred is not None:  # a batch on this connection writes them at its end, in one statement
            deferred.extend(rows)
        else:
            connection.execute(insert(kit.audit_entry), rows)


AUDIT_BY_EVENT = "hubkit.audit_by_event"


def audit_as_event(session: Session, obj: Any, event: Any) -> None:
    """In a set-wise event handler (hubkit.consumer), after applying `event` to `obj`: its audit rows are then one
    per event that changed it, each by that event's actor with its correlation id, as applying the events one by
    one writes them (not one row per object, by the batch's first event). Cheap: a copy of its columns."""
    notes = session.info.setdefault(AUDIT_BY_EVENT, {})
    notes.setdefault(id(obj), (obj, []))[1].append((event, _columns(obj)))  # the object kept alive till the flush


def _rows_by_event(obj: Any, action: str, notes: list) -> list[dict]:
    """The audit rows of an object a set-wise handler changed, one per event that changed it (see
    `audit_as_event`): the first a create (or an update from the stored row), each next an update from the last."""
    from .consumer import handler_actor  # here: the consumer imports this module

    rows, before = [], None if action == "create" else _before(obj)
    for n, (event, after) in enumerate(notes):
        if n == len(notes) - 1:
            after = _columns(obj)  # with what the flush itself filled in (defaults)
        if rows and after == before:
            continue  # this event changed nothing (an older one, say): no row, as one by one
        rows.append({"consortium_id": obj.consortium_id, "actor": handler_actor(event),
                     "action": "create" if not rows and action == "create" else "update",
                     "entity": type(obj).__name__, "entity_id": _entity_id(obj),
                     "before": None if not rows and action == "create" else before, "after": after,
                     "at": utcnow(), "request_id": None, "correlation_id": event.correlation_id})
        before = after
    return rows


def audit_event(session: Session, consortium_id: uuid.UUID, action: str, entity: str, entity_id: str,
                after: dict) -> None:
    """An audit row for what is not one stored row's change (a file imported, say), by the session's actor and in
    its transaction: it stands or falls with what it records."""
    kit: KitTables = session.info["kit"]
    session.execute(insert(kit.audit_entry).values(
        consortium_id=consortium_id, actor=session.info.get("actor") or "system", action=action[:10],
        entity=entity, entity_id=str(entity_id)[:100], before=None, after=_plain(after), at=utcnow(),
        request_id=session.info.get("request_id"), correlation_id=session.info.get("correlation_id")))


DEFERRED_AUDIT = "hubkit.deferred_audit_rows"


@contextlib.contextmanager
def audit_in_one_statement(connection: Connection, kit: KitTables) -> Iterator[None]:
    """Within the block, the audit rows of every session on `connection` are kept back and written in one
    statement at its end (same transaction); on an error they are dropped with it. Either way the pooled
    connection is left as it was, so later sessions on it write their own rows again."""
    connection.info[DEFERRED_AUDIT] = []
    try:
        yield
        rows = connection.info[DEFERRED_AUDIT]
        if rows:
            connection.execute(insert(kit.audit_entry), rows)
    finally:
        connection.info.pop(DEFERRED_AUDIT, None)


def consortia_holding(db: Database, model: type) -> list[uuid.UUID]:
    """Every consortium with rows of `model`: for system tasks that then work tenant by tenant."""
    from sqlalchemy import select

    with db.session(None) as session:
        return list(session.execute(select(model.consortium_id).distinct()
                                    .execution_options(hubkit_all_tenants=True)).scalars())
