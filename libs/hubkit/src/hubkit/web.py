"""The service app factory: config, logs, problem+json errors, auth, tenancy, health, admin, OpenAPI."""
from __future__ import annotations

import dataclasses
import http
import json
import time
import uuid
from typing import Iterable

from apispec import BasePlugin
from flask import Flask, Response, current_app, g, request
from flask.views import MethodView
from flask_smorest import Api, Blueprint, abort
from flask_smorest.utils import prepare_response
from marshmallow import Schema, fields
from sqlalchemy import select
from werkzeug.exceptions import UnsupportedMediaType

from . import clock, idempotency, logs, problems
from .safe_input import refuse_unsafe_input
from .tables import UnreadableTable, read_table
from .uploads import checksum, content_disposition, safe_filename
from .audit_trail import record_refused_access
from .auth import TokenChecker, allow, check_request, public, view_target
from .config import ServiceSettings
from .consumer import EventApplier, EventHandlers, consumer_check, consumer_workers, dead_letter_count
from .db import Database, KitTables, Tenant
from .paging import Order, desc, paged
from .relay import outbox_backlog
from .topics import broker_topics
from .unit_of_work import UnitOfWork

JSON_METHODS = ("POST", "PUT", "PATCH")
DECIMAL_PATTERN = r"^-?\d+(\.\d+)?$"


class ProblemSchema(Schema):
    """An error, as every service answers it: RFC 9457 problem details (application/problem+json)."""

    type = fields.String(required=True, metadata={
        "description": "about:blank, or urn:consortium-hub:rule:<rule id> when a domain rule refused the change"})
    title = fields.String(required=True, metadata={"description": "the HTTP status's phrase"})
    status = fields.Integer(required=True)
    detail = fields.String(metadata={"description": "what went wrong, for a person to read"})
    instance = fields.String(allow_none=True, metadata={"description": "the path asked for"})
    request_id = fields.String(metadata={"description": "quote it when reporting a problem"})
    errors = fields.Dict(keys=fields.String(), values=fields.Raw(),
                         metadata={"description": "each invalid field's messages (422)"})


class ServiceApi(Api):
    """flask-smorest's Api, documenting errors as they are answered: ProblemSchema as application/problem+json."""

    ERROR_SCHEMA = ProblemSchema

    def _register_responses(self):
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, problems.PROBLEM_JSON)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "An error (problem details)", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, problems.PROBLEM_JSON)
        self.spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME, response, lazy=True)


def _decimal_property(self, field, ret, **_kwargs) -> dict:
    """apispec attribute function: a Decimal is sent as a decimal string (exact), and read from a decimal string or a
    JSON number; its bounds are numbers."""
    if not isinstance(field, fields.Decimal):
        return {}
    for bound in ("minimum", "maximum", "x-minimum", "x-maximum"):
        if bound in ret:
            value = ret.pop(bound)
            ret[bound.removeprefix("x-")] = int(value) if value == int(value) else float(value)
    null = ["null"] if field.allow_none else []
    if field.as_string:
        ret.pop("minimum", None), ret.pop("maximum", None)  # bounds of a number, not of text
        return {"type": ["string", *null] if null else "string", "pattern": DECIMAL_PATTERN}
    return {"type": ["string", "number", *null], "pattern": DECIMAL_PATTERN}


class UploadFormPlugin(BasePlugin):
    """A file upload's other form fields documented in its multipart/form-data request body (OpenAPI 3), not as
    OpenAPI 2's `in: formData` parameters, which flask-smorest writes when a view reads both form and files."""

    def init_spec(self, spec) -> None:
        self.spec = spec

    def operation_helper(self, path=None, operations=None, **kwargs) -> None:
        for operation in (operations or {}).values():
            form = [p for p in operation.get("parameters", []) if isinstance(p, dict) and p.get("in") == "formData"]
            body = operation.get("requestBody", {}).get("content", {}).get("multipart/form-data")
            if not form or body is None:
                continue
            ref = body["schema"].get("$ref", "")
            files = self.spec.components.schemas[ref.rsplit("/", 1)[-1]] if ref else body["schema"]
            schema = {"type": "object", "properties": dict(files.get("properties", {})),
                      "required": list(files.get("required", []))}
            for parameter in form:
                schema["properties"][parameter["name"]] = parameter["schema"]
                if parameter.get("required"):
                    schema["required"].append(parameter["name"])
            body["schema"] = schema
            operation["parameters"] = [p for p in operation["parameters"] if p not in form]


def create_service_app(settings: ServiceSettings, *, kit: KitTables, blueprints: Iterable[Blueprint],
                       handlers: EventHandlers | None = None, title: str, version: str = "1") -> Flask:
    """Build a service's Flask app; blueprints carry its resources, handlers its event subscriptions."""
    logs.configure(settings.service, settings.log_level)
    clock.use_time_zone(settings.time_zone)
    app = Flask(settings.service)
    app.config.update(
        API_TITLE=title, API_VERSION=version, OPENAPI_VERSION="3.1.0", OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json", MAX_CONTENT_LENGTH=settings.max_body_bytes,
        API_SPEC_OPTIONS={"components": {"securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}}, "security": [{"bearer": []}]},
    )
    app.extensions["hubkit.settings"] = settings
    app.extensions["hubkit.db"] = Database(settings.database_url, kit)
    app.extensions["hubkit.tokens"] = TokenChecker(settings.token_public_key_file, settings.token_issuer,
                                                   settings.service)
    app.extensions["hubkit.applier"] = EventApplier(app.extensions["hubkit.db"], settings,
                                                    handlers or EventHandlers())
    api = ServiceApi(app, spec_kwargs={"extra_plugins": [idempotency.IdempotencyKeyPlugin(), UploadFormPlugin()]})
    api.ma_plugin.converter.add_attribute_function(_decimal_property)
    problems.init_app(app)
    app.before_request(_start_request)
    app.before_request(check_request)  # who may ask comes first: a stranger learns nothing of the body rules
    app.before_request(_require_json_body)
    app.before_request(refuse_unsafe_input)
    app.after_request(_finish_request)
    app.after_request(record_refused_access)  # 403/404 for another tenant's record: audited (hubkit.audit_trail)
    idempotency.init_app(app)  # after check_request: a key belongs to the caller
    api.register_blueprint(health_blp)
    api.register_blueprint(admin_blp)
    for blp in blueprints:
        api.register_blueprint(blp)
    return app


def _start_request() -> None:
    g.started = time.perf_counter()
    g.request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex
    g.correlation_id = request.headers.get("X-Correlation-ID") or g.request_id
    logs.request_id_var.set(g.request_id)
    logs.correlation_id_var.set(g.correlation_id)


def accepts_upload(fn):
    """Let a view take a multipart/form-data file upload, up to HUB_MAX_UPLOAD_BYTES, instead of JSON."""
    fn._hubkit_upload = True
    return fn


@dataclasses.dataclass(frozen=True)
class UploadedTable:
    """An uploaded CSV or XLSX file read as rows (hubkit.tables), with the name and checksum its audit row keeps."""

    filename: str
    sha256: str
    rows: list[dict]


def uploaded_table(files: dict, default_name: str) -> UploadedTable:
    """The `file` part of an import's upload read as a table, or 422 naming the file when it is not one."""
    upload = files["file"]
    content = upload.read()
    filename = safe_filename(upload.filename or default_name, default_name)
    try:
        rows = read_table(filename, content)
    except UnreadableTable as exc:
        abort(422, message=str(exc), errors={"file": [str(exc)]})
    return UploadedTable(filename, checksum(content), rows)


def _require_json_body() -> None:
    target = view_target(current_app)
    if target is not None and getattr(target, "_hubkit_upload", False):
        request.max_content_length = settings().max_upload_bytes
        if request.method in JSON_METHODS and request.mimetype != "multipart/form-data":
            raise UnsupportedMediaType("Send the file as multipart/form-data.")
        return
    if request.method in JSON_METHODS and (request.content_length or request.data) and not request.is_json:
        raise UnsupportedMediaType("Send the body as application/json.")


def _finish_request(response: Response) -> Response:
    response.headers["X-Request-ID"] = g.get("request_id", "")
    current_app.logger.info("request", extra={
        "method": request.method, "path": request.path, "status": response.status_code,
        "ms": round((time.perf_counter() - g.get("started", time.perf_counter())) * 1000, 1)})
    return response


def database() -> Database:
    return current_app.extensions["hubkit.db"]


def settings() -> ServiceSettings:
    return current_app.extensions["hubkit.settings"]


def request_uow(*, whole_consortium: bool = False) -> UnitOfWork:
    """A unit of work for the caller's consortium (and, for member organisation staff, their organisation, unless
    whole_consortium: for a view that has checked the caller may see more). Under an Idempotency-Key its commit
    waits for the answer (hubkit.idempotency)."""
    principal = g.principal
    organisation = principal.organisation_id if principal.is_member_user_only and not whole_consortium else None
    return idempotency.unit_of_work(database(), tenant=Tenant(principal.consortium_id, organisation),
                                    actor=f"user:{principal.user_id}", service=settings().service,
                                    correlation_id=g.correlation_id, request_id=g.request_id)


def get_or_404(session, model, ident, what: str = "record", *, for_update: bool = False):
    """Fetch a row of the caller's tenant; another tenant's row is indistinguishable from none.

    for_update locks the row until commit, so concurrent changes to it (and the events they publish) serialise.
    """
    try:
        ident = uuid.UUID(str(ident))
    except ValueError:
        abort(404, message=f"No such {what}.")
    query = select(model).where(model.id == ident)
    row = session.execute(query.with_for_update() if for_update else query).scalar_one_or_none()
    if row is None:
        abort(404, message=f"No such {what}.")
    return row


def stored_file(content: bytes, content_type: str, filename: str, sha256: str | None = None) -> Response:
    """An uploaded file sent back as a download, never rendered inline or sniffed into another type."""
    response = Response(content, mimetype=content_type)
    response.headers["Content-Disposition"] = content_disposition(filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    if sha256:
        response.headers["Digest"] = f"sha-256={sha256}"
    return response


# --- health ----------------------------------------------------------------------------------------
health_blp = Blueprint("health", __name__, description="Liveness and readiness")


class HealthSchema(Schema):
    status = fields.String()
    service = fields.String()
    checks = fields.Dict(keys=fields.String(), values=fields.String())


@health_blp.route("/healthz")
class Health(MethodView):
    @public
    @health_blp.response(200, HealthSchema)
    def get(self):
        """Alive: the process answers."""
        return {"status": "ok", "service": settings().service}


@health_blp.route("/readyz")
class Ready(MethodView):
    @public
    @health_blp.response(200, HealthSchema)
    @health_blp.alt_response(503, schema=HealthSchema)
    def get(self):
        """Ready: the database and the broker are reachable, and the event consumer is not failing or silent."""
        checks = {}
        try:
            database().ping()
            checks["database"] = "ok"
            consumes = bool(current_app.extensions["hubkit.applier"].handlers.by_type)
            checks["consumer"] = consumer_check(consumer_workers(database()), consumes)
        except Exception as exc:  # noqa: BLE001
            checks["database"] = f"unreachable: {type(exc).__name__}"
        try:
            broker_topics(settings().kafka)
            checks["broker"] = "ok"
        except Exception as exc:  # noqa: BLE001
            checks["broker"] = f"unreachable: {type(exc).__name__}"
        # A consumer no worker has started yet (a fresh start, a web-only host) is reported, not failed.
        ready = all(v == "ok" or (k, v) == ("consumer", "not started") for k, v in checks.items())
        body = {"status": "ready" if ready else "not ready", "service": settings().service, "checks": checks}
        return Response(json.dumps(body), status=200 if ready else 503, mimetype="application/json")


# --- admin -----------------------------------------------------------------------------------------
admin_blp = Blueprint("admin", __name__, url_prefix="/admin", description="Outbox and dead letters (host admin)")


class DeadLetterSchema(Schema):
    id = fields.UUID()
    consumer = fields.String()
    topic = fields.String()
    partition = fields.Integer()
    offset = fields.Integer()
    event_id = fields.UUID(allow_none=True)
    event_type = fields.String(allow_none=True)
    error = fields.String()
    tries = fields.Integer()
    status = fields.String()
    created_at = fields.DateTime()
    retried_at = fields.DateTime(allow_none=True)


class ConsumerWorkerSchema(Schema):
    worker = fields.String()
    mode = fields.String(metadata={"description": "group (Apache Kafka) or self-assign (Tansu)"})
    state = fields.String()
    partitions = fields.List(fields.String())
    lag = fields.Integer(allow_none=True, metadata={"description": "messages behind, as of its last fetch"})
    last_applied_at = fields.DateTime(allow_none=True)
    last_error = fields.String(allow_none=True)
    error_at = fields.DateTime(allow_none=True)
    seen_at = fields.DateTime()
    silent = fields.Boolean(metadata={"description": "has not reported for 30 seconds"})


class AdminStatusSchema(Schema):
    service = fields.String()
    outbox_backlog = fields.Integer()
    outbox_oldest_unsent_at = fields.DateTime(allow_none=True)
    dead_letters = fields.Integer()
    consumers = fields.List(fields.Nested(ConsumerWorkerSchema))


class RetryResultSchema(Schema):
    id = fields.UUID()
    ok = fields.Boolean()
    message = fields.String()


@admin_blp.route("/status")
class AdminStatus(MethodView):
    @allow("host_admin")
    @admin_blp.response(200, AdminStatusSchema)
    def get(self):
        """Outbox backlog, dead letters and each consumer worker's state, lag and last applied event."""
        backlog, oldest = outbox_backlog(database())
        return {"service": settings().service, "outbox_backlog": backlog, "outbox_oldest_unsent_at": oldest,
                "dead_letters": dead_letter_count(database()), "consumers": consumer_workers(database())}


@admin_blp.route("/dead-letters")
class DeadLetters(MethodView):
    @allow("host_admin")
    @paged(admin_blp, DeadLetterSchema)
    def get(self, page):
        """Messages this service's consumer could not apply, newest first."""
        letters = database().kit.dead_letter.c
        with database().session(None) as session:
            return [dict(r._mapping) for r in page.select(session, select(database().kit.dead_letter),
                                                          Order(desc(letters.created_at), desc(letters.id)))]


@admin_blp.route("/dead-letters/<uuid:dead_letter_id>/retry")
class RetryDeadLetter(MethodView):
    @allow("host_admin")
    @admin_blp.response(200, RetryResultSchema)
    @admin_blp.alt_response(409, description="The retry failed again or was already done")
    def post(self, dead_letter_id):
        """Apply a dead-lettered message again, now."""
        applier: EventApplier = current_app.extensions["hubkit.applier"]
        try:
            ok, message = applier.retry_dead_letter(dead_letter_id)
        except LookupError:
            abort(404, message="No such dead letter.")
        if not ok:
            abort(409, message=message)
        return {"id": dead_letter_id, "ok": ok, "message": message}
