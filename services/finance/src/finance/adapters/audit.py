"""Audit rows for changes made set-wise (issue 16): rows written by bulk INSERT, UPDATE or DELETE statements do not
go through the session, so hubkit's audit trail (hubkit.db `_write_audit_trail`, one row per object flushed) does
not see them. The use case that makes such a change writes its audit rows here, in the same transaction and the
same shape (actor, action, entity, entity id, before, after, request and correlation ids), in one statement."""
from __future__ import annotations

import datetime as dt
import decimal
import uuid
from typing import Any, Iterable

from hubkit.db import DEFERRED_AUDIT, utcnow

from .bulk import insert_rows


def _plain(value: Any) -> Any:
    if isinstance(value, (uuid.UUID, decimal.Decimal)):
        return str(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def audit_rows(session, action: str, entity: str, changes: Iterable[tuple[Any, dict | None, dict | None]]) -> None:
    """One audit row per (entity id, before, after) of `entity`, as the session would have written them."""
    kit = session.info.get("kit")
    if kit is None:
        return
    tenant = session.info.get("tenant")
    now = utcnow()
    rows = [{"consortium_id": tenant.consortium_id if tenant else None, "actor": session.info.get("actor") or "system",
             "action": action, "entity": entity, "entity_id": str(entity_id), "before": _plain(before),
             "after": _plain(after), "at": now, "request_id": session.info.get("request_id"),
             "correlation_id": session.info.get("correlation_id")} for entity_id, before, after in changes]
    if not rows:
        return
    connection = session.connection()
    deferred = connection.info.get(DEFERRED_AUDIT)
    if deferred is not None:  # a consumer's batch writes them with its own, at its end
        deferred.extend(rows)
    else:
        insert_rows(session, kit.audit_entry, rows)  # one statement however many (a month-end run: thousands)
