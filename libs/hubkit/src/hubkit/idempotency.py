"""Writes that are safe to retry: an `Idempotency-Key` header on POST, PUT, PATCH or DELETE keeps the first answer.

A client that lost the answer to a change (the web process died after committing; the gateway said 502) sends
the same request with the same key again and gets the first answer back, marked `Idempotent-Replayed: true`,
instead of doing the change twice or being told 409 because it was already done.

How the answer is kept with the change, so that no crash can separate them:

1. Before the view runs, the key is *reserved* in a short transaction of its own: a row with no answer, owned by
   this attempt. A second request with the key then sees the first is in flight (409) rather than racing it.
2. The view's unit of work is held open: its `commit()` only flushes (`HeldUnitOfWork`), so the view goes on to
   build its answer inside the same, still uncommitted, transaction.
3. When the answer is made (after_request), it is written onto the reservation row in that transaction, and
   only then is it committed: the change, its events (outbox), its audit rows and its answer commit together
   or not at all. A process that dies before that commit leaves nothing done and a reservation that is taken
   over after IN_FLIGHT_LIMIT; one that dies after it leaves the answer to replay.

Reserving inside the view's own transaction instead would make a concurrent duplicate wait on the first (a row
lock on PostgreSQL, the write lock on SQLite) rather than hear 409. Holding the commit back is why a view in such
a request may open only one unit of work that commits (every view does: `hubkit.web.request_uow`).

What is kept: the answer to a request whose unit of work committed, whatever its status below 500 (a refusal
after a change, e.g. a 409 from a later step, is part of what happened). A request that changed nothing — most
4xx answers: bad fields, wrong state, not allowed — keeps nothing, so the client may fix the body and send it
again with the same key; so does one whose change is made outside a unit of work (the admin's retry of a dead
letter, itself safe to repeat). A 5xx is never kept, and its change is rolled back with it. Keys are per principal
(consortium and user): another user's identical key is another key. After KEY_TTL a key is forgotten: rows are
purged when new keys are reserved, and an old row is never replayed.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import uuid

from apispec import BasePlugin
from flask import Flask, Response, current_app, g, request
from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from . import problems
from .clock import utcnow
from .db import Database
from .unit_of_work import UnitOfWork

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
MAX_KEY_LENGTH = 200
KEY_TTL = dt.timedelta(days=1)
# A reservation older than this has no live request behind it (gunicorn kills a worker after 30 s; the gateway
# gives up after 10 s): a retry takes it over.
IN_FLIGHT_LIMIT = dt.timedelta(seconds=60)
# Per-request headers are made afresh for a replay; the rest of the first answer's headers are kept.
NOT_REPLAYED = frozenset({"content-length", "x-request-id", "set-cookie", "date", "server"})
PROBLEM_TYPE = "urn:consortium-hub:idempotency-key"


@dataclasses.dataclass
class Reservation:
    """This request's claim on its key; `uow` is the unit of work whose commit waits for the answer."""

    principal: str
    key: str
    attempt: str
    uow: "HeldUnitOfWork | None" = None


class HeldUnitOfWork(UnitOfWork):
    """A unit of work whose commit() flushes and leaves the transaction open for the answer (see finish())."""

    committed = False

    def commit(self) -> None:
        assert self.session is not None
        self.session.flush()
        self.committed = True

    def __exit__(self, *exc) -> None:
        if not self.committed:
            super().__exit__(*exc)  # nothing to keep: roll back now, as any unit of work does


def init_app(app: Flask) -> None:
    """Register the hooks; call after the hook that authenticates the caller (keys belong to a principal)."""
    app.before_request(begin)
    app.after_request(finish)
    app.teardown_request(_close)


def unit_of_work(db: Database, **kwargs) -> UnitOfWork:
    """The unit of work for a view: held open to commit with the answer when the request carries a key."""
    reservation: Reservation | None = g.get("idempotency")
    if reservation is None:
        return UnitOfWork(db, **kwargs)
    if reservation.uow is not None and reservation.uow.committed:
        raise RuntimeError("a request with an Idempotency-Key may commit one unit of work")
    reservation.uow = HeldUnitOfWork(db, **kwargs)
    return reservation.uow


# --- before the view: check the header, replay or refuse, or reserve the key --------------------------------------

def begin() -> Response | None:
    if request.method not in METHODS or HEADER not in request.headers:
        return None
    principal = g.get("principal")
    if principal is None:
        return None  # a public endpoint: there is nobody to keep the answer for
    key = request.headers[HEADER]
    problem = _invalid_key(key)
    if problem:
        return problems.problem(400, "Bad Request", problem, errors={HEADER: [problem]}, type_=PROBLEM_TYPE)
    owner = f"{principal.consortium_id}/{principal.user_id}"
    outcome = _reserve(current_app.extensions["hubkit.db"], owner, key, request.method, request.path, _fingerprint())
    if isinstance(outcome, Response):
        return outcome
    g.idempotency = outcome
    return None


def _invalid_key(key: str) -> str | None:
    if not key.strip():
        return f"{HEADER} is empty: send a new random value (e.g. a UUID) for each distinct change."
    if len(key) > MAX_KEY_LENGTH:
        return f"{HEADER} may be at most {MAX_KEY_LENGTH} characters."
    if not all(" " <= ch <= "~" for ch in key):
        return f"{HEADER} may hold only printable ASCII characters."
    return None


def _fingerprint() -> str:
    """A hash of the request's content: the query and the JSON body (key order aside) or the form and files."""
    digest = hashlib.sha256(request.query_string)
    if request.mimetype in ("multipart/form-data", "application/x-www-form-urlencoded"):
        # Parsed, because a multipart body's boundary differs each time the same form is sent.
        for name, value in sorted(request.form.items(multi=True)):
            digest.update(json.dumps(["field", name, value]).encode())
        for name, upload in sorted(request.files.items(multi=True), key=lambda item: item[0]):
            content = upload.stream.read()
            upload.stream.seek(0)
            digest.update(json.dumps(["file", name, upload.filename, hashlib.sha256(content).hexdigest()]).encode())
        return digest.hexdigest()
    body = request.get_data(cache=True)
    if request.is_json and body:
        try:
            body = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
        except ValueError:
            pass  # not JSON after all: the view will say so; the raw bytes still tell requests apart
    digest.update(body)
    return digest.hexdigest()


def _reserve(db: Database, owner: str, key: str, method: str, path: str, fingerprint: str) -> Reservation | Response:
    table = db.kit.idempotent_request
    mine = (table.c.principal == owner) & (table.c.key == key)
    attempt = uuid.uuid4().hex
    now = utcnow()
    with db.session(None) as session:
        session.execute(delete(table).where(table.c.created_at < now - KEY_TTL))  # purge on write
        row = session.execute(select(table).where(mine).with_for_update()).one_or_none()
        if row is None:
            try:
                session.execute(insert(table).values(principal=owner, key=key, attempt=attempt, method=method,
                                                     path=path, request_hash=fingerprint, created_at=now))
                session.commit()
            except IntegrityError:  # the same key reserved this instant by a concurrent request
                session.rollback()
                return _in_flight(IN_FLIGHT_LIMIT)
            return Reservation(owner, key, attempt)
        if (row.method, row.path, row.request_hash) != (method, path, fingerprint):
            return problems.problem(
                422, "Unprocessable Entity",
                f"This {HEADER} was already used for a different request ({row.method} {row.path} with other "
                "content). Send a new key for a new change; on a page, reload it and try again.",
                errors={HEADER: ["Already used for a different request: send a new key (on a page, reload it)."]}, type_=PROBLEM_TYPE)
        if row.status_code is not None:
            return _replay(row)
        if now - row.created_at < IN_FLIGHT_LIMIT:
            return _in_flight(IN_FLIGHT_LIMIT - (now - row.created_at))
        # Abandoned: the process working on it died before committing, so nothing was done. Take it over.
        session.execute(update(table).where(mine).values(attempt=attempt, created_at=now))
        session.commit()
        return Reservation(owner, key, attempt)


def _replay(row) -> Response:
    response = Response(row.response_body, status=row.status_code)
    response.headers.clear()
    for name, value in row.response_headers or []:
        response.headers.add(name, value)
    response.headers[REPLAYED_HEADER] = "true"
    return response


def _in_flight(wait: dt.timedelta) -> Response:
    return problems.problem(
        409, "Conflict", f"A request with this {HEADER} is still in progress; ask again in a moment for its answer.",
        type_=PROBLEM_TYPE, headers={"Retry-After": str(max(1, int(wait.total_seconds())))})


# --- after the view: keep the answer with the change, in its transaction -------------------------------------------

def finish(response: Response) -> Response:
    reservation: Reservation | None = g.pop("idempotency", None)
    if reservation is None:
        return response
    uow = reservation.uow
    g.idempotency_uow = uow  # closed at teardown, whatever happens here
    db: Database = current_app.extensions["hubkit.db"]
    if uow is None or not uow.committed or response.status_code >= 500:
        if uow is not None:
            uow.session.rollback()
        _release(db, reservation)
        return response
    table = db.kit.idempotent_request
    try:
        kept = uow.session.execute(
            update(table).where(table.c.principal == reservation.principal, table.c.key == reservation.key,
                                table.c.attempt == reservation.attempt, table.c.status_code.is_(None))
            .values(status_code=response.status_code, response_body=response.get_data(),
                    response_headers=[[name, value] for name, value in response.headers.items()
                                      if name.lower() not in NOT_REPLAYED])).rowcount
        if kept != 1:  # taken over as abandoned while this request ran past IN_FLIGHT_LIMIT: let the other win
            uow.session.rollback()
            return _in_flight(IN_FLIGHT_LIMIT)
        uow.session.commit()
    except Exception as exc:  # noqa: BLE001 - nothing was committed: say so, as the view's own commit would have
        uow.session.rollback()
        _release(db, reservation)
        if response.status_code >= 400:
            return response  # a refusal from a session already failing: it stands, and nothing was changed
        if isinstance(exc, IntegrityError):
            return problems.handle_integrity_error(exc)
        return problems.handle_unexpected(exc)
    return response


def _release(db: Database, reservation: Reservation) -> None:
    """Forget a reservation whose request changed nothing, so the same key may be sent again."""
    table = db.kit.idempotent_request
    with db.session(None) as session:
        session.execute(delete(table).where(table.c.principal == reservation.principal,
                                            table.c.key == reservation.key,
                                            table.c.attempt == reservation.attempt, table.c.status_code.is_(None)))
        session.commit()


def _close(_exc) -> None:
    uow: HeldUnitOfWork | None = g.pop("idempotency_uow", None)
    reservation: Reservation | None = g.pop("idempotency", None)  # finish() did not run (an error escaped)
    if reservation is not None:
        uow = reservation.uow
        _release(current_app.extensions["hubkit.db"], reservation)
    if uow is not None and uow.session is not None:
        uow.session.close()


# --- the OpenAPI document -----------------------------------------------------------------------------------------

class IdempotencyKeyPlugin(BasePlugin):
    """Documents the optional header on every state-changing operation."""

    def init_spec(self, spec) -> None:
        spec.components.parameter("IdempotencyKey", "header", {
            "name": HEADER, "required": False, "schema": {"type": "string", "maxLength": MAX_KEY_LENGTH},
            "description": (
                "A new random value (e.g. a UUID) per change. Sending the same request again with the same key "
                "within a day returns the first answer, with `Idempotent-Replayed: true`, instead of doing it "
                "twice. The same key with another body or path: 422; while the first is still being answered: "
                "409 with Retry-After. Keys are per user; requests that changed nothing are not kept.")})

    def operation_helper(self, path=None, operations=None, **kwargs) -> None:
        for method, operation in (operations or {}).items():
            if method.upper() in METHODS:
                operation.setdefault("parameters", []).append("IdempotencyKey")  # apispec makes it a $ref
