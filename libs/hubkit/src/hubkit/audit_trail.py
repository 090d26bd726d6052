"""The audit trail people can read, written once for every service: `GET /audit`, and refused access recorded.

Reading (`audit_blp`, mounted by each service's app): the rows of hubkit's `audit_entry` (db.py writes one for every
change to a consortium's data, with who, when, before and after) of the caller's consortium only, newest first,
filtered by subject (the changed record's id, optionally its kind), actor and a range of days (`from`, `to`, both
inclusive, days in the hub's time zone), keyset-paged by hubkit.paging like every other list. Who may read: the
consortium manager and the host administrator (`AUDIT_READERS`), each their own consortium's trail (the token's
consortium; nobody reads another consortium's rows, not even the host admin through this API). Board members,
finance officers and member staff get 403: the trail holds before-and-after copies of every record, more than
any of them may otherwise see.

Each row comes with words as well as ids, so no reader is left with `event:<type>` or a bare id: `entity_label`
(TimeEntry -> "Time entry"), `subject_name` (the record's own name, title, number... from the row's after or
before copy, when it has one), `action_label` and, for actors who are not people, `actor_label` (events in plain
words, the hub's own periodic tasks, the command line). People (`user:<id>`) are named by the gateway, which keeps
the users; the API gives their id as `actor_user_id`.

Refused access (`record_refused_access`, an after_request hook the app factory installs once for every service):
when a request naming ids in its path is answered 403 or 404 and the audit trail knows one of those ids as a
record of another consortium, or, for member organisation staff, of another organisation of their consortium,
that is an access-control failure (OWASP logging cheat sheet: a security event) and is recorded in the caller's
consortium's trail as action `refused`. Without flooding: one row per consortium, actor, kind of record and hour
(an upsert on a partial unique index: `occurrences` counts the refusals, `after` keeps the last one's method,
path and time; the row's `at` is the start of its hour, UTC). Which records exist is read from the trail's
creation rows, so every service gets this without a line in its endpoints. The other consortium is never named in
the row (its ids stay its own).
"""
from __future__ import annotations

import datetime as dt
import logging
import re
import uuid
from typing import Any

from flask import g, request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields, validate, validates_schema
from sqlalchemy import Connection, select

from . import clock
from .auth import allow
from .db import Database, utcnow
from .paging import Order, desc, paged
from .tokens import Principal

log = logging.getLogger(__name__)

AUDIT_READERS = ("consortium_manager", "host_admin")
REFUSED = "refused"
USER_ACTOR = "user:"
ACTION_LABELS = {"create": "Created", "update": "Changed", "delete": "Deleted", "import": "Imported from a file",
                 REFUSED: "Refused access"}
# Where a record's own name is found in its copy, in order of preference.
NAME_FIELDS = ("name", "title", "display_name", "person_name", "full_name", "username", "number", "reference",
               "label", "subject", "filename")
ANOTHER_CONSORTIUM = "another consortium"
ANOTHER_ORGANISATION = "another organisation"
FIRST_DAY, LAST_DAY = dt.date(1900, 1, 1), dt.date(2199, 12, 31)  # days a filter may name (no overflow at the ends)


def audit_order(at=None, id_=None) -> Order:
    """The trail's order, newest first: the same in every service and the gateway (a page's cursor names the
    (at, id) of a row), so the gateway can make cursors for the services' lists when it merges them."""
    return Order(desc(at if at is not None else "at", "at"), desc(id_ if id_ is not None else "id", "id"))


# --- words --------------------------------------------------------------------------------------------------

def entity_label(entity: str) -> str:
    """A model's name in words: TimeEntry -> "Time entry", MemberOrganisationCopy -> "Member organisation copy"."""
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", " ", entity).replace("_", " ").split()
    text = " ".join(w if w.isupper() and len(w) > 1 else w.lower() for w in words)
    return text[:1].upper() + text[1:]


def event_words(event_type: str) -> str:
    """An event type in plain words: membership.organisation.registered -> "membership: organisation registered"."""
    service, _, rest = event_type.partition(".")
    return f"{service}: {rest.replace('.', ' ').replace('_', ' ')}" if rest else event_type.replace("_", " ")


def actor_label(actor: str) -> str | None:
    """Words for an actor who is not a person (None for `user:<id>`, whom the gateway names from its users)."""
    if actor.startswith(USER_ACTOR):
        return None
    if actor.startswith("event:"):
        return f"The hub, on news from {event_words(actor[len('event:'):])}"
    if actor == "system:demo":
        return "Demo data loader"
    if actor.startswith("system:"):
        return f"The hub's {actor[len('system:'):].replace('-', ' ')} (automatic)"
    if actor == "system":
        return "The hub (automatic)"
    if actor.startswith("cli:"):
        return f"Command line ({actor[len('cli:'):]})"
    return actor


def subject_name(before: Any, after: Any) -> str | None:
    """The record's own name, from its copy after the change (or before, for a deletion), when it has one."""
    for copy in (after, before):
        if isinstance(copy, dict):
            for field in NAME_FIELDS:
                value = copy.get(field)
                if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value).strip():
                    return str(value).strip()[:200]
    return None


# --- the read API ---------------------------------------------------------------------------------------------

class AuditQuery(Schema):
    subject = fields.String(load_default=None, validate=validate.Length(min=1, max=100), metadata={
        "description": "Only rows about this record (its id, as `entity_id` gives it)."})
    entity = fields.String(load_default=None, validate=validate.Length(min=1, max=100), metadata={
        "description": "Only rows about this kind of record (`entity`, e.g. Organisation)."})
    actor = fields.String(load_default=None, validate=validate.Length(min=1, max=200), metadata={
        "description": "Only rows by this actor: `user:<id>` (or the user's id alone), `event:<type>`, `system`."})
    from_ = fields.Date(data_key="from", load_default=None, validate=validate.Range(FIRST_DAY, LAST_DAY), metadata={
        "description": "Only rows on or after this day (in the hub's time zone)."})
    to = fields.Date(load_default=None, validate=validate.Range(FIRST_DAY, LAST_DAY), metadata={
        "description": "Only rows on or before this day."})

    @validates_schema
    def _range(self, data, **_kwargs):
        if data.get("from_") and data.get("to") and data["from_"] > data["to"]:
            raise ValidationError("The last day comes before the first.", "to")


class AuditEntryOut(Schema):
    id = fields.Integer()
    at = fields.DateTime(metadata={"description": "When (UTC); for `refused`, the start of the hour counted."})
    actor = fields.String()
    actor_user_id = fields.String(allow_none=True, metadata={"description": "The person, for `user:<id>` actors."})
    actor_label = fields.String(allow_none=True, metadata={"description": "Words for an actor who is not a person."})
    action = fields.String(metadata={"description": "create, update, delete or refused"})
    action_label = fields.String()
    entity = fields.String()
    entity_label = fields.String()
    entity_id = fields.String()
    subject_name = fields.String(allow_none=True)
    before = fields.Raw(allow_none=True)
    after = fields.Raw(allow_none=True)
    occurrences = fields.Integer(metadata={"description": "How many refusals the row counts (1 for a change)."})
    request_id = fields.String(allow_none=True)


def entry_out(row) -> dict:
    """One audit row as the API gives it: the stored columns, and the words for them."""
    actor = row.actor
    return {"id": row.id, "at": row.at, "actor": actor,
            "actor_user_id": actor[len(USER_ACTOR):] if actor.startswith(USER_ACTOR) else None,
            "actor_label": actor_label(actor), "action": row.action,
            "action_label": ACTION_LABELS.get(row.action, row.action), "entity": row.entity,
            "entity_label": entity_label(row.entity), "entity_id": row.entity_id,
            "subject_name": subject_name(row.before, row.after), "before": row.before, "after": row.after,
            "occurrences": row.occurrences or 1, "request_id": row.request_id}


def actors_matching(actor: str) -> list[str]:
    """A user's id alone matches their `user:<id>` rows (and the gateway's, which name the id alone)."""
    try:
        return [actor, f"{USER_ACTOR}{uuid.UUID(actor)}"]
    except ValueError:
        return [actor]


def audit_rows(db: Database, consortium_id: uuid.UUID, filters: dict, page):
    """One page of a consortium's trail, filtered (the query for `GET /audit`; a consortium's rows only)."""
    audit = db.kit.audit_entry
    query = select(audit).where(audit.c.consortium_id == consortium_id)
    if filters.get("subject"):
        query = query.where(audit.c.entity_id == filters["subject"])
    if filters.get("entity"):
        query = query.where(audit.c.entity == filters["entity"])
    if filters.get("actor"):
        query = query.where(audit.c.actor.in_(actors_matching(filters["actor"])))
    if filters.get("from_"):
        query = query.where(audit.c.at >= clock.start_of_day(filters["from_"]))
    if filters.get("to"):
        query = query.where(audit.c.at < clock.start_of_day(filters["to"] + dt.timedelta(days=1)))
    with db.session(None) as session:
        return [entry_out(row) for row in page.select(session, query, audit_order(audit.c.at, audit.c.id))]


audit_blp = Blueprint("audit", __name__, url_prefix="/audit",
                      description="The audit trail: who changed what, when, before and after; refused access")


@audit_blp.route("")
class AuditTrail(MethodView):
    @allow(*AUDIT_READERS)
    @audit_blp.arguments(AuditQuery, location="query")
    @paged(audit_blp, AuditEntryOut)
    def get(self, filters, page):
        """The consortium's audit trail, newest first (consortium manager and host admin)."""
        from .web import database

        return audit_rows(database(), g.principal.consortium_id, filters, page)


# --- refused access -------------------------------------------------------------------------------------------

def _ids_in_path() -> list[str]:
    ids = []
    for value in (request.view_args or {}).values():
        try:
            ids.append(str(uuid.UUID(str(value))))
        except ValueError:
            continue
    return ids


def _organisations_named(entity: str, entity_id: str, copy: Any) -> set[str]:
    """The organisations a record belongs to, as far as its copy says (its `...organisation_id` fields; an
    organisation, or a copy of one, is its own)."""
    named = {str(v) for k, v in (copy or {}).items() if k.endswith("organisation_id") and v} if isinstance(
        copy, dict) else set()
    if "Organisation" in entity:
        named.add(entity_id)
    return named


def refused_object(connection: Connection, db: Database, principal: Principal, ids: list[str]):
    """(kind, id, whose) of the first id in the path that is another consortium's (or, for member staff, another
    organisation's) record, as the trail's creation rows know them; None when none is."""
    audit = db.kit.audit_entry
    rows = connection.execute(select(audit.c.entity, audit.c.entity_id, audit.c.consortium_id, audit.c.after)
                              .where(audit.c.entity_id.in_(ids), audit.c.action == "create")
                              .order_by(audit.c.id)).all()
    for object_id in ids:
        found = [row for row in rows if row.entity_id == object_id]
        if not found:
            continue
        own = [row for row in found if row.consortium_id == principal.consortium_id]
        if not own:
            return found[0].entity, object_id, ANOTHER_CONSORTIUM
        if principal.is_member_user_only and principal.organisation_id is not None:
            for row in own:
                named = _organisations_named(row.entity, row.entity_id, row.after)
                if named and str(principal.organisation_id) not in named:
                    return row.entity, object_id, ANOTHER_ORGANISATION
    return None


def record_refusal(connection: Connection, db: Database, principal: Principal, kind: str, object_id: str,
                   whose: str, *, method: str, path: str, request_id: str | None = None,
                   correlation_id: str | None = None) -> None:
    """Count one refusal in the row of this consortium, actor, kind and hour (made by the first one)."""
    audit = db.kit.audit_entry
    now = utcnow()
    last = {"whose": whose, "method": method, "path": path[:500], "object_id": object_id,
            "last_at": now.isoformat()}
    values = {"consortium_id": principal.consortium_id, "actor": f"{USER_ACTOR}{principal.user_id}",
              "action": REFUSED, "entity": kind, "entity_id": object_id, "before": None, "after": last,
              "at": now.replace(minute=0, second=0, microsecond=0), "occurrences": 1,
              "request_id": request_id, "correlation_id": correlation_id}
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(audit).values(values)
    connection.execute(statement.on_conflict_do_update(
        index_elements=[audit.c.consortium_id, audit.c.actor, audit.c.entity, audit.c.at],
        index_where=audit.c.action == REFUSED,
        set_={"occurrences": audit.c.occurrences + 1, "after": statement.excluded.after,
              "request_id": statement.excluded.request_id, "correlation_id": statement.excluded.correlation_id}))


def record_refused_access(response):
    """after_request: a 403 or 404 for a path naming another consortium's or organisation's record is counted in
    the caller's consortium's trail (module docstring). Never changes the answer, even if it cannot record."""
    if response.status_code not in (403, 404):
        return response
    principal = g.get("principal")
    if principal is None:
        return response
    ids = _ids_in_path()
    if not ids:
        return response
    from .web import database

    db = database()
    try:
        with db.engine.begin() as connection:  # its own transaction: the request's own was undone or is over
            refused = refused_object(connection, db, principal, ids)
            if refused is not None:
                record_refusal(connection, db, principal, *refused, method=request.method, path=request.path,
                               request_id=g.get("request_id"), correlation_id=g.get("correlation_id"))
    except Exception:  # noqa: BLE001 - the answer stands; the failure to record it is logged
        log.exception("could not record a refused access")
    return response
