"""Reads for the audit trail page: the gateway's own trail a consortium at a time, paged as the services page theirs
(hubkit.paging, hubkit.audit_trail's order), and the names of the people and consortia it mentions."""
from __future__ import annotations

import datetime as dt
import uuid

from hubkit import clock
from hubkit.audit_trail import actor_label, actors_matching, audit_order
from hubkit.paging import Cursor, Page
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain.audit import ACTIONS, CONSORTIUM, USER
from .orm import AuditEntryRow, ConsortiumRow, UserRow

ENTITY_LABELS = {USER: "User account", CONSORTIUM: "Consortium"}


def user_id_in(actor: str) -> str | None:
    """The user an actor of the gateway's trail names (the gateway writes a signed-in user's id alone)."""
    try:
        return str(uuid.UUID(actor.removeprefix("user:")))
    except ValueError:
        return None


def gateway_trail(session: Session, consortium_id: uuid.UUID, filters: dict, limit: int,
                  cursor: str | None) -> tuple[list[dict], bool]:
    """(rows newest first, whether there are more beyond them) of the consortium's rows of the gateway's own trail,
    in the shape of the services' `GET /audit` rows."""
    query = select(AuditEntryRow).where(AuditEntryRow.consortium_id == consortium_id)
    if filters.get("subject"):
        query = query.where(AuditEntryRow.entity.in_((USER, CONSORTIUM)),
                            AuditEntryRow.entity_id == filters["subject"])
    if filters.get("entity"):
        query = query.where(AuditEntryRow.entity == filters["entity"])
    if filters.get("actor"):
        query = query.where(AuditEntryRow.actor.in_(actors_matching(filters["actor"])))
    if filters.get("from"):
        query = query.where(AuditEntryRow.at >= clock.start_of_day(dt.date.fromisoformat(filters["from"])))
    if filters.get("to"):
        query = query.where(AuditEntryRow.at < clock.start_of_day(dt.date.fromisoformat(filters["to"])
                                                                  + dt.timedelta(days=1)))
    page = Page(limit, Cursor.decode(cursor) if cursor else None)
    rows = page.select(session, query, audit_order(AuditEntryRow.at, AuditEntryRow.id))
    more = (page.prev_cursor if page.cursor and page.cursor.backwards else page.next_cursor) is not None
    return [_row(row) for row in rows], more


def _row(row: AuditEntryRow) -> dict:
    user_id = user_id_in(row.actor)
    return {"id": row.id, "at": row.at, "actor": row.actor, "actor_user_id": user_id,
            "actor_label": None if user_id else actor_label(row.actor), "action": row.action,
            "action_label": ACTIONS.get(row.action, row.action), "entity": row.entity,
            "entity_label": ENTITY_LABELS.get(row.entity, row.entity), "entity_id": row.entity_id,
            "subject_name": None, "before": row.before, "after": row.after, "occurrences": 1}


def people_named(session: Session, consortium_id: uuid.UUID, user_ids: set[str]) -> dict[str, str]:
    """Each user's name as people know them, 'Display Name (username)': users of the consortium only (a trail of one
    consortium names nobody else's people)."""
    ids = set()
    for text in user_ids:
        try:
            ids.add(uuid.UUID(text))
        except (TypeError, ValueError):
            continue
    if not ids:
        return {}
    rows = session.execute(select(UserRow.id, UserRow.display_name, UserRow.username)
                           .where(UserRow.id.in_(ids), UserRow.consortium_id == consortium_id))
    return {str(ident): f"{name} ({username})" if name and name != username else username
            for ident, name, username in rows}


def consortia_named(session: Session, ids: set[str]) -> dict[str, str]:
    wanted = set()
    for text in ids:
        try:
            wanted.add(uuid.UUID(text))
        except (TypeError, ValueError):
            continue
    if not wanted:
        return {}
    return {str(ident): name for ident, name in session.execute(
        select(ConsortiumRow.id, ConsortiumRow.name).where(ConsortiumRow.id.in_(wanted)))}


def people_of(session: Session, consortium_id: uuid.UUID) -> list[tuple[str, str]]:
    """(user id, name) of everyone with a login in the consortium, by name: the page's choice of person."""
    rows = session.execute(select(UserRow.id, UserRow.display_name, UserRow.username)
                           .where(UserRow.consortium_id == consortium_id)
                           .order_by(UserRow.display_name, UserRow.username))
    return [(str(ident), f"{name} ({username})" if name and name != username else username)
            for ident, name, username in rows]
